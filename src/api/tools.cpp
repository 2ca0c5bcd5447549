// The public tools (myelin/tools.hpp) that are compositions of the layers
// below: placement with its predicted cost, and checkpoint look-ups.
// export_circuit and describe_file are io's (sonata_export.cpp,
// describe_file.cpp).
#include "myelin/tools.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "api/memory_report.hpp"
#include "core/resources.hpp"
#include "io/checkpoint.hpp"
#include "io/checkpoint_files.hpp"
#include "io/model_hash.hpp"
#include "io/model_loader.hpp"
#include "io/placement_file.hpp"
#include "partition/metrics.hpp"
#include "partition/placement.hpp"

namespace myelin {

PlacementReport partition_model(const ModelSpec& spec, int ranks, const std::string& strategy, std::uint64_t chunk_size,
                                double imbalance_tolerance, const std::string& output_file) {
  WallTimer t;
  const auto placement = make_placement(strategy, ranks, spec, {chunk_size, imbalance_tolerance});
  PlacementReport r;
  r.seconds = t.seconds();
  const PlacementMetrics m = evaluate_placement(spec, *placement);
  r.strategy = placement->name();
  r.ranks = ranks;
  r.load_imbalance = m.load_imbalance;
  r.neuron_imbalance = m.neuron_imbalance;
  r.synapse_imbalance = m.synapse_imbalance;
  r.synapses = m.synapses;
  r.synapses_cut = m.synapses_cut;
  r.short_synapses = m.short_synapses;
  r.short_synapses_cut = m.short_synapses_cut;
  r.short_delay_ms = 2.0 * static_cast<double>(m.min_delay) * spec.run.dt;
  r.rank_pairs = m.rank_pairs;
  std::uint64_t dmin = ~0ull, dmax = 0;
  for (std::uint64_t d : m.delay_matrix)
    if (d) {
      dmin = std::min(dmin, d);
      dmax = std::max(dmax, d);
    }
  if (dmax) {
    r.min_link_delay_ms = static_cast<double>(dmin) * spec.run.dt;
    r.max_link_delay_ms = static_cast<double>(dmax) * spec.run.dt;
  }
  r.tiers = m.tiers;
  r.syncs_per_second = m.syncs_per_second;
  r.global_syncs_per_second = m.global_syncs_per_second;
  if (!output_file.empty()) write_placement_file(output_file, spec, *placement, m);
  return r;
}

std::string find_checkpoint(const std::string& path) { return resolve_checkpoint(path); }

std::string newest_checkpoint(const std::string& dir) { return newest_checkpoint_in(dir); }

std::string model_fingerprint(const ModelSpec& spec) { return hex(structure_hash(spec)); }

ModelSpec checkpoint_model(const std::string& checkpoint_file) {
  const CheckpointHeader h = read_checkpoint_header(checkpoint_file);
  return load_model_text(h.model_text, h.model_path);
}

MemoryReport memory_report(const ModelSpec& spec, const MemoryEstimate& e, const RunOptions& options, MPI_Comm comm) {
  constexpr double mib = 1048576.0;
  MemoryReport r;
  MPI_Comm_size(comm, &r.ranks);
  r.rank = e.rank;
  r.peak_mb = e.peak() / mib;
  r.build_peak_mb = e.build_peak / mib;
  r.run_peak_mb = e.run_peak / mib;
  r.synapses_mb = (e.synapses + e.plastic) / mib;
  r.neurons_mb = e.neurons / mib;
  r.ring_mb = e.ring / mib;
  r.recording_mb = e.recording / mib;
  r.runtime_mb = e.baseline / mib;
  r.checkpoint_mb = (e.neurons + e.ring + e.plastic) / mib * r.ranks;
  if (options.memory_limit_mb < 0) {
    r.available_mb = -1;
    r.available_from = "unchecked";
    return r;
  }
  r.available_mb = options.memory_limit_mb;
  r.available_from = "memory_limit";
  if (r.available_mb == 0) {
    r.available_mb = memory_available_mb(&r.available_from);
    if (r.available_from != "ulimit -v") {  // a node's memory is shared by its ranks
      MPI_Comm node;
      MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
      MPI_Comm_size(node, &r.ranks_sharing);
      MPI_Comm_free(&node);
      r.available_mb /= r.ranks_sharing;
    }
  }
  r.fits = r.peak_mb <= r.available_mb;
  const double recording = recording_budget_bytes(options);
  r.ranks_to_fit = r.ranks;
  while (r.ranks_to_fit < (1 << 24) && estimate_memory_even(spec, r.ranks_to_fit, recording).peak() > r.available_mb * mib)
    r.ranks_to_fit *= 2;
  if (estimate_memory_even(spec, r.ranks_to_fit, recording).peak() > r.available_mb * mib) r.ranks_to_fit = 0;
  return r;
}

void refuse_unless_fits(const MemoryReport& r) {
  if (r.fits) return;
  // ranks_to_fit is 0 when even 2^24 ranks would not do: say whether the
  // per-rank fixed costs or the model's sheer size are to blame.
  const std::string cure =
      r.ranks_to_fit ? "about " + std::to_string(r.ranks_to_fit) + " ranks with this much memory each would hold it"
      : r.runtime_mb + r.recording_mb > r.available_mb
          ? "no number of ranks would: the runtime and the recording buffer alone need more (lower the record buffer)"
          : "not even 16,777,216 ranks would hold it: check the model's sizes, in-degrees and delays";
  char why[768];
  std::snprintf(why, sizeof why,
                "at most %.0f MB per rank (%s%s): the model needs an estimated %.0f MB on rank %d (synapses %.0f MB, "
                "neurons %.0f MB, ring buffer %.0f MB, recording %.0f MB, runtime %.0f MB); %s",
                r.available_mb, r.available_from.c_str(),
                r.ranks_sharing > 1 ? (", shared by " + std::to_string(r.ranks_sharing) + " ranks").c_str() : "",
                r.peak_mb, r.rank, r.synapses_mb, r.neurons_mb, r.ring_mb, r.recording_mb, r.runtime_mb,
                cure.c_str());
  char value[64];
  std::snprintf(value, sizeof value, "%.0f MB estimated", r.peak_mb);
  throw InputError("memory_limit", "", value, why);
}

MemoryReport estimate_job_memory(const ModelSpec& spec, int ranks, const RunOptions& options) {
  check(spec);
  RunOptions unchecked = options;
  unchecked.memory_limit_mb = -1;
  MemoryReport r = memory_report(spec, estimate_memory_even(spec, ranks, recording_budget_bytes(options)), unchecked,
                                 MPI_COMM_SELF);
  r.checkpoint_mb *= ranks;  // memory_report counted the ranks of MPI_COMM_SELF: one
  r.ranks = ranks;
  return r;
}

MemoryReport estimate_run_memory(const ModelSpec& spec, MPI_Comm comm, const RunOptions& options) {
  check(spec);
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const double recording = recording_budget_bytes(options);
  // A model too large to place is judged on the even-share bound alone.
  const MemoryReport even = memory_report(spec, estimate_memory_even(spec, ranks, recording), options, comm);
  if (!even.fits) return even;
  return memory_report(spec, estimate_memory(spec, *run_placement(spec, ranks, options), recording), options, comm);
}

std::unique_ptr<Placement> run_placement(const ModelSpec& spec, int ranks, const RunOptions& options) {
  if (!options.placement_file.empty()) return read_placement_file(options.placement_file, spec, ranks);
  return make_placement(options.partition, ranks, spec, {options.chunk_size, options.imbalance_tolerance});
}

}  // namespace myelin
