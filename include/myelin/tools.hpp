#pragma once
// What the `myelin` command does besides running a model, as library
// calls: placing a model on ranks ahead of a run, exporting the built
// network as a SONATA circuit, finding and reading checkpoints, and
// describing any HDF5 file myelin writes.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "myelin/model_spec.hpp"
#include "myelin/simulation.hpp"

namespace myelin {

/// What a placement costs, predicted from the model before anything is
/// built (expected counts of the connection rules).
struct PlacementReport {
  std::string strategy;
  int ranks = 1;
  double seconds = 0.0;  ///< time to compute it
  double load_imbalance = 1.0, neuron_imbalance = 1.0, synapse_imbalance = 1.0;  ///< max / mean
  double synapses = 0.0, synapses_cut = 0.0;
  /// Synapses with delays below short_delay_ms (twice the minimum delay),
  /// which make the two ranks they join exchange every slice.
  double short_synapses = 0.0, short_synapses_cut = 0.0, short_delay_ms = 0.0;
  std::uint64_t rank_pairs = 0;  ///< ordered pairs that exchange spikes
  double min_link_delay_ms = 0.0, max_link_delay_ms = 0.0;  ///< over D(a, b) > 0; 0 when no pair is linked
  unsigned tiers = 0;
  double syncs_per_second = 0.0, global_syncs_per_second = 0.0;  ///< per simulated second and rank
};

/// Places the model's neurons on `ranks` ranks with `strategy`
/// (round_robin, block, population or graph; chunk_size and
/// imbalance_tolerance steer graph) and, when `output_file` is given,
/// writes the placement for RunOptions::placement_file.
PlacementReport partition_model(const ModelSpec& spec, int ranks, const std::string& strategy,
                                std::uint64_t chunk_size = 256, double imbalance_tolerance = 0.05,
                                const std::string& output_file = "");

struct ExportSummary {
  std::uint64_t nodes = 0, edges = 0, bytes = 0;
  std::vector<std::string> files;
  std::vector<std::string> edge_populations;  ///< per projection
};

/// Collective: builds the model's network (with its seed) and writes it to
/// `dir` as a SONATA circuit (nodes.h5, edges.h5, node_types.csv,
/// edge_types.csv, circuit_config.json) that `from_file` loads back.
ExportSummary export_circuit(const ModelSpec& spec, const std::string& dir, MPI_Comm comm);

/// What a run will need per rank, estimated before anything is built.
struct MemoryReport {
  int ranks = 1;
  int rank = 0;  ///< the rank with the largest estimate
  double peak_mb = 0, build_peak_mb = 0, run_peak_mb = 0;  ///< MiB; the peak is the larger phase
  double synapses_mb = 0, neurons_mb = 0, ring_mb = 0, recording_mb = 0, runtime_mb = 0;
  /// A checkpoint of the run, all ranks together (an upper bound: neuron
  /// state, ring buffers and plastic synapses, as on the largest rank).
  double checkpoint_mb = 0;
  double available_mb = 0;     ///< what a rank may use (< 0: unchecked)
  std::string available_from;  ///< memory_limit, the cgroup's memory.max, ulimit -v or physical memory
  int ranks_sharing = 1;       ///< ranks on this node sharing that memory
  bool fits = true;
  int ranks_to_fit = 1;        ///< about how many ranks of this memory would hold the model (0: none)
};

/// Collective over `comm` (the run's ranks): places the model as `options`
/// say and estimates each rank's peak memory (myelin run --dry-run).
MemoryReport estimate_run_memory(const ModelSpec& spec, MPI_Comm comm, const RunOptions& options);

/// The same for a run on `ranks` ranks that has not started (myelin
/// submit): every rank's even share, not checked against a limit.
MemoryReport estimate_job_memory(const ModelSpec& spec, int ranks, const RunOptions& options);

/// A checkpoint file as given, or the newest complete one in a directory.
std::string find_checkpoint(const std::string& path);
/// The newest complete checkpoint in `dir`; "" when it holds none (or
/// does not exist): what `myelin run --resume` continues from.
std::string newest_checkpoint(const std::string& dir);
/// The structure hash of the model's network (hex): equal for two specs
/// that build the same network, whatever their t_stop or recorders.
std::string model_fingerprint(const ModelSpec& spec);
/// The model a checkpoint was written for, loaded from the text it carries.
ModelSpec checkpoint_model(const std::string& checkpoint_file);

/// A description of an HDF5 file myelin writes (checkpoint, spike or state
/// report, placement, SONATA nodes or edges): kind, version, time, sizes.
/// InputError for a damaged or foreign file.
std::string describe_file(const std::string& path);

}  // namespace myelin
