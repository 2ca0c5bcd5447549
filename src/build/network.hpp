#pragma once
// One rank's part of the network, built from a ModelSpec: its neurons (as
// groups), their incoming synapses split by thread, their ring buffers and
// stimuli. Nothing here knows about other ranks' neurons except their gids.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "build/connectivity.hpp"
#include "myelin/model_spec.hpp"
#include "neurons/neuron_group.hpp"
#include "partition/placement.hpp"
#include "core/ring_buffer.hpp"
#include "synapses/plastic_store.hpp"

namespace myelin {

/// A spike_generator: a source gid with fixed emission steps.
struct SpikeSource {
  std::uint64_t gid = 0;
  std::vector<Step> steps;  ///< sorted
};

struct Network {
  double dt = 0.1;
  std::uint32_t seed = 0;
  std::uint64_t n_neurons = 0;               ///< all ranks
  std::vector<std::uint64_t> pop_first_gid;  ///< per population
  std::vector<std::unique_ptr<NeuronGroup>> groups;
  std::vector<std::uint64_t> local_gid;      ///< rank-local index -> gid
  std::vector<std::uint32_t> local_group;    ///< rank-local index -> group
  std::vector<SpikeSource> generators;
  Connectivity connectivity;               ///< static synapses
  std::vector<PlasticProjection> plastic;  ///< one per plastic projection
  RingBuffer ring;
  std::vector<std::vector<TargetRange>> thread_ranges;
  Step min_delay = 1, max_delay = 1;

  std::size_t local_size() const { return local_gid.size(); }
  /// Neurons of population p, all ranks.
  std::uint64_t population_size(std::size_t p) const {
    return (p + 1 < pop_first_gid.size() ? pop_first_gid[p + 1] : n_neurons) - pop_first_gid[p];
  }
  /// The population of neuron `gid`.
  std::size_t population_of(std::uint64_t gid) const {
    return static_cast<std::size_t>(std::upper_bound(pop_first_gid.begin(), pop_first_gid.end(), gid) -
                                    pop_first_gid.begin() - 1);
  }
  /// This rank's group of population p (every population has one, maybe empty).
  NeuronGroup* group_of(std::size_t population) const {
    for (const auto& g : groups)
      if (g->population == population) return g.get();
    return nullptr;
  }
  std::uint64_t synapses() const;
  std::size_t synapse_bytes() const;
};

Network build_network(const ModelSpec& spec, int threads, const Placement& placement, int rank);

/// The Poisson input stimulus k (a poisson_generator) gives each target, at
/// `rate_hz` (the spec's, or one set later).
PoissonInput poisson_input(const StimulusSpec& st, std::size_t k, double rate_hz, double dt);
/// The steps from which a dc_generator's current drives its targets, and
/// from which it no longer does.
std::pair<Step, Step> dc_window(const StimulusSpec& st, double dt);
/// Per group-local neuron of `g` (of a target population of `size`
/// neurons), whether the stimulus reaches it (its `neurons`, or all).
std::vector<std::uint8_t> stimulus_reaches(const StimulusSpec& st, const NeuronGroup& g, std::uint64_t size);

struct ModelEntry;
/// A population's parameters in the model's order: defaults, overridden by
/// the model file (and the nodes file it may come from).
std::vector<double> parameter_values(const ModelEntry& m, const PopulationSpec& ps);
/// The initial values of m.state's variables for neuron (gid, node) of g's
/// population.
void initial_state_of(const ModelEntry& m, const NeuronGroup& g, const PopulationSpec& ps, std::uint32_t seed,
                      std::uint64_t gid, std::uint64_t node, std::vector<double>& out);
/// Sets the initial state of every neuron of g (whose gids and node_ids are
/// set): defaults, per-node values from a nodes file, then sampled values.
void set_initial_state(NeuronGroup& g, const PopulationSpec& ps, std::uint32_t seed);

}  // namespace myelin
