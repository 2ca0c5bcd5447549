// The public tools (myelin/tools.hpp) that are compositions of the layers
// below: placement with its predicted cost, and checkpoint look-ups.
// export_circuit and describe_file are io's (sonata_export.cpp,
// describe_file.cpp).
#include "myelin/tools.hpp"

#include <algorithm>

#include "core/resources.hpp"
#include "io/checkpoint.hpp"
#include "io/checkpoint_files.hpp"
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

ModelSpec checkpoint_model(const std::string& checkpoint_file) {
  const CheckpointHeader h = read_checkpoint_header(checkpoint_file);
  return load_model_text(h.model_text, h.model_path);
}

}  // namespace myelin
