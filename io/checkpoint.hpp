#pragma once
// Checkpoints: one HDF5 file holding everything a run needs to continue
// bit-exactly, on any number of ranks and threads.
//
//   /                      attributes: myelin_kind = "checkpoint", format_version,
//                          myelin_version, model_name, model_hash (structure hash,
//                          hex), seed, dt (ms), step, time (ms), ranks, threads,
//                          neurons, created (UTC)
//   /model                 the model file's text (TOML) and its path (attribute)
//   /neurons/<pop>/state   float64 (n, variables): each neuron's full dynamic
//                          state as the update holds it (attribute `variables`)
//   /neurons/<pop>/input   int64 (n, horizon, 2): the ring buffer, i.e. every
//                          spike in flight: input due in steps step .. step +
//                          horizon - 1, excitatory and inhibitory, fixed point
//                          2^-32 pA. The exchange is flushed at a checkpoint,
//                          so no spike sits in a send buffer.
//   /synapses/projection_<k>/state   float64 (synapses, 9): each plastic
//                          synapse's source and target node, delay, weight
//                          and traces, in canonical order (io/plastic_state.hpp)
//   /synapses/projection_<k>/in_flight  uint64 (n, 2): spikes (source gid,
//                          emission step) whose arrivals there are still to come
//   /synapses/projection_<k>/modulator  float64 (pieces, 2): a three-factor
//                          rule's modulator since the last consolidation
//   /recorders/spike_counts  per population, all neurons
//   /recorders/reports/{keys, written, checksum}  where each streamed report
//                          stands ("spikes.h5/<pop>", "<var>.h5/<pop>":
//                          spikes or sample rows written, and their
//                          checksum); attributes run (the reports'
//                          myelin_run) and dir (their output directory)
//   /recorders/spikes/<pop>/{timestamps,node_ids}   recorded spikes not yet
//                          in spikes.h5 (less than one chunk)
//
// Rows are in node-id order whatever the number of ranks: each rank sends
// its neurons' rows to the rank owning that block of ids, which writes one
// contiguous slab (MPI-IO). Every dataset of /neurons carries a checksum
// (sum of per-row FNV-1a hashes) that restore verifies. Random numbers need
// no state: every stream is a counter-based Philox keyed by (seed, purpose,
// gid, step), so the seed and the step are the whole RNG state.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "io/report_stream.hpp"
#include "io/spike_report.hpp"
#include "partition/placement.hpp"
#include "build/network.hpp"

namespace myelin {

// 2: reports are streamed; the checkpoint holds their positions, not the
// recorded spikes and samples themselves.
inline constexpr int checkpoint_format_version = 2;

/// A change of a stimulus made through the API (Simulation::set_rate,
/// set_amplitude, add_spike_times) at step `at`; a checkpoint keeps them so
/// that a restored run replays them and continues as the original.
struct StimulusChange {
  Step at = 0;
  std::uint32_t stimulus = 0;  ///< index in ModelSpec::stimuli (its type says which change)
  double value = 0.0;          ///< rate (Hz) or amplitude (pA)
  std::vector<double> times_ms;  ///< spike times added
};

/// A change of a plastic projection's rule parameter made through the API
/// (Simulation::set_synapse_parameter) at step `at`, kept like a
/// StimulusChange so that a restored run learns as the original.
struct SynapseChange {
  Step at = 0;
  std::uint32_t projection = 0;  ///< index in ModelSpec::projections
  std::string parameter;         ///< a rule parameter, or scaling.beta / scaling.target_rate
  double value = 0.0;            ///< in the parameter's base unit
};

struct CheckpointHeader {
  int format_version = checkpoint_format_version;
  std::string myelin_version;
  std::string model_name, model_hash, model_text, model_path;
  double dt = 0.1;
  Step step = 0;
  std::uint64_t seed = 0;
  int ranks = 1, threads = 1;
  std::uint64_t neurons = 0;
  std::vector<std::string> populations;        ///< names, in model order
  std::vector<std::uint64_t> spike_counts;     ///< per population, up to `step`
  std::string created;                         ///< UTC, ISO 8601
  std::vector<StimulusChange> stimulus_changes;  ///< in the order they were made
  std::vector<SynapseChange> synapse_changes;    ///< in the order they were made
};

/// Where a run's recordings stand at a checkpoint.
struct RecorderCheckpoint {
  ReportOrigin origin;                  ///< whose reports, where
  std::vector<std::string> keys;        ///< "<file>/<population>"
  std::vector<ReportMark> marks;        ///< per key
  std::vector<PopulationSpikes> carry;  ///< this rank's recorded spikes not in the report, per recorded population
  /// The mark of `key`; zero when the checkpoint has none.
  ReportMark mark(const std::string& key) const {
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (keys[i] == key) return marks[i];
    return {};
  }
};

/// Collective: writes the checkpoint at `path` (the caller handles the
/// temporary name). The carry's spikes are sorted by (time, node id).
void write_checkpoint(const std::string& path, const CheckpointHeader& header, const Network& net,
                      const RecorderCheckpoint& recorders, MPI_Comm comm);

/// Reads and checks the header on the calling rank: an InputError (naming
/// the file and what is wrong) for a missing, truncated, foreign or newer
/// file.
CheckpointHeader read_checkpoint_header(const std::string& path);

/// Collective: loads neuron state and ring buffers into a freshly built
/// `net` (any placement), and returns where the reports stand, with this
/// rank's share of the carry (a contiguous time range, sorted) for each of
/// `recorded_populations`. InputError on mismatch or a failed checksum.
RecorderCheckpoint restore_checkpoint(const std::string& path, const CheckpointHeader& header, Network& net,
                                      const Placement& placement,
                                      const std::vector<std::string>& recorded_populations, MPI_Comm comm);

}  // namespace myelin
