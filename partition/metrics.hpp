#pragma once
// What a placement costs, predicted from the model before anything is built:
// balance, synapses cut (and of those the short-delay ones, which force two
// ranks to talk every slice), the D(a,b) matrix, delay tiers and the
// synchronisations per simulated second the delay-aware exchange will make.
// Counts are expectations of the connection rules, per population pair:
// exact for one_to_one, the mean of the random draw otherwise.
#include <cstdint>
#include <vector>

#include "partition/placement.hpp"

namespace myelin {

struct PlacementMetrics {
  int ranks = 1;
  std::vector<std::uint64_t> neurons_per_rank;
  std::vector<double> synapses_per_rank;  ///< expected incoming
  std::vector<double> plastic_synapses_per_rank;  ///< of those, of plastic synapse models
  double neuron_imbalance = 1.0;          ///< max / mean
  double synapse_imbalance = 1.0;         ///< max / mean
  double load_imbalance = 1.0;            ///< the larger of the two
  double synapses = 0.0, synapses_cut = 0.0;
  /// Short delay: below twice the global minimum delay (tier 0), so a cut
  /// one makes its two ranks exchange every slice.
  double short_synapses = 0.0, short_synapses_cut = 0.0;
  std::uint64_t min_delay = 1;             ///< steps
  std::vector<std::uint64_t> delay_matrix; ///< D(a, b) in steps, row-major; 0: none
  unsigned tiers = 0;                      ///< most delay tiers any rank sends in
  std::uint64_t rank_pairs = 0;            ///< ordered pairs that exchange spikes
  /// Predicted synchronisations per simulated second, the largest of any
  /// rank (delay-aware exchange), and of the global scheme.
  double syncs_per_second = 0.0, global_syncs_per_second = 0.0;
};

PlacementMetrics evaluate_placement(const ModelSpec& spec, const Placement& placement);

}  // namespace myelin
