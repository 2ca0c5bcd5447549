#pragma once
// Running a model: build each rank's part of the network, simulate, and
// write the outputs. This is the whole public entry point; the CLI is a
// thin layer over it.
#include <cstdint>
#include <string>
#include <vector>

#include "myelin/model_spec.hpp"

namespace myelin {

struct RunOptions {
  std::string output_dir = "output";
  int threads = 0;            ///< 0: OMP_NUM_THREADS, or all cores
  bool progress = true;       ///< progress line on stderr
  bool write_outputs = true;  ///< spikes.h5, state.h5, summary.json
  /// Recorded spikes and samples a rank buffers before the reports are
  /// appended to (all ranks append together when one passes it).
  double record_buffer_mb = 64.0;
  /// "delay-aware": each pair of ranks talks at the interval its smallest
  /// delay allows; "global": all ranks every minimum delay (NEST's scheme).
  std::string exchange = "delay-aware";
  /// Placement of neurons on ranks: "round_robin" (NEST's), "block",
  /// "population" or "graph" (METIS), computed at start-up...
  std::string partition = "round_robin";
  /// ... unless a placement file from `myelin partition` is given.
  std::string placement_file;
  std::uint64_t chunk_size = 256;  ///< graph strategy: neurons per vertex
  double imbalance_tolerance = 0.05;

  /// Checkpoints (io/checkpoint.hpp): every so many ms (0: never), at given
  /// times, and on SIGUSR1/SIGTERM (then the run stops after writing one).
  double checkpoint_every_ms = 0.0;
  std::vector<double> checkpoint_at_ms;
  bool checkpoint_on_signal = true;
  std::string checkpoint_dir;  ///< default: <output_dir>/checkpoints
  int checkpoint_keep = 2;     ///< newest checkpoints kept
  /// Continue from this checkpoint (a file, or a directory: its newest).
  std::string restore;
};

/// One checkpoint written by a run.
struct CheckpointRecord {
  std::string path;
  double time_ms = 0.0;
  double write_s = 0.0;
  std::uint64_t bytes = 0;
};

struct PopulationResult {
  std::string name;
  std::uint64_t size = 0;
  std::uint64_t spikes = 0;
  double rate_hz = 0.0;
};

/// What a run measured; also written to summary.json.
struct RunSummary {
  std::uint64_t neurons = 0;
  std::uint64_t synapses = 0;
  std::uint64_t connectivity_bytes = 0;  ///< synapses plus row and segment tables
  double bytes_per_synapse = 0.0;
  /// Of those, synapses of plastic models, and their bytes each (weights,
  /// presynaptic and postsynaptic state and indices included).
  std::uint64_t plastic_synapses = 0;
  double plastic_bytes_per_synapse = 0.0;
  double build_time_s = 0.0;
  double sim_time_s = 0.0;
  double bio_time_ms = 0.0;
  double real_time_factor = 0.0;  ///< wall seconds per biological second
  std::uint64_t events_delivered = 0;
  double events_per_second = 0.0;
  double peak_memory_mb = 0.0;  ///< the largest of any rank
  int ranks = 1;
  int threads = 1;
  std::string placement;  ///< strategy name
  std::uint64_t steps = 0;
  std::uint64_t min_delay_steps = 0;
  std::uint64_t max_delay_steps = 0;
  std::string exchange_scheme;
  std::uint64_t exchange_synchronisations = 0;  ///< boundaries where rank 0 waited for another rank
  std::uint64_t exchange_messages = 0;          ///< summed over ranks
  std::uint64_t exchange_bytes_sent = 0;        ///< summed over ranks
  /// Per rank: slice boundaries at which it waited for another rank,
  /// messages and bytes it sent.
  std::vector<std::uint64_t> synchronisations_per_rank, messages_per_rank, bytes_sent_per_rank;
  /// Per rank, seconds: neuron updates and delivery (slowest thread), all
  /// time in the exchange, and the part of it blocked waiting for others.
  std::vector<double> update_s_per_rank, deliver_s_per_rank, exchange_s_per_rank, wait_s_per_rank;
  /// Mean over received messages of the steps between their sending and
  /// the boundary they were needed at (delay-aware only): the compute that
  /// communication overlaps with.
  double mean_slack_steps = 0.0;
  double load_imbalance = 1.0;  ///< max / mean of the ranks' update times
  std::uint64_t exchange_tiers = 0;  ///< most delay tiers of any rank
  /// Messages and bytes sent per tier (tier k: every m 2^k steps), summed
  /// over ranks.
  std::vector<std::uint64_t> tier_messages, tier_bytes;
  /// D(a, b) in steps, row-major ranks x ranks (0: no synapse from a to b).
  std::vector<std::uint64_t> delay_matrix;
  std::vector<PopulationResult> populations;
  double t_start_ms = 0.0;  ///< 0, or the restored checkpoint's time
  double t_reached_ms = 0.0;  ///< t_stop, or where a signal stopped the run
  std::string restored_from;
  std::vector<CheckpointRecord> checkpoints;
  int stopped_by_signal = 0;  ///< SIGUSR1/SIGTERM that ended the run early
  /// Appends to the reports (collective: when a rank's buffer is full, at
  /// checkpoints and at the end) and the wall time they took; sim_time_s
  /// includes only those made while simulating.
  std::uint64_t report_appends = 0;
  double report_write_s = 0.0;
};

/// Spikes as (population-local node id, time in ms), in time order; under
/// MPI, complete on rank 0 only.
struct SpikeTrains {
  std::vector<std::vector<std::uint64_t>> node_ids;  ///< per population
  std::vector<std::vector<double>> times;
};

/// Runs a model from start (or a restored checkpoint) to t_stop on every rank of MPI_COMM_WORLD (one
/// rank when MPI was not initialised). Throws InputError for bad input.
RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out = nullptr);

}  // namespace myelin
