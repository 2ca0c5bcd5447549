#pragma once
// Building the plastic store (synapses/plastic_store.hpp) of one rank: the
// same connection rules and keyed streams as static synapses, so a
// plastic projection connects exactly the synapses a static one would.
#include <memory>
#include <vector>

#include "build/connection_rules.hpp"
#include "build/connectivity.hpp"
#include "neurons/neuron_group.hpp"
#include "synapses/plastic_store.hpp"

namespace myelin {

/// Throws InputError, as check(spec) would, when `p` cannot stand as
/// projection i of `spec` (for a projection changed during a run).
void check_projection(const ModelSpec& spec, const ProjectionSpec& p, std::size_t i);

/// The rule of a projection's synapse model, from its parameters.
PlasticRule make_rule(const ProjectionSpec& p);

/// One plastic projection: `gen` generates its connections; `ranges[p]` are
/// the targets of thread part p; `local_size` the rank's neurons.
PlasticProjection build_plastic_projection(std::size_t projection, const ProjectionSpec& spec,
                                           const ConnectionGenerator& gen,
                                           const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                                           const std::vector<std::vector<TargetRange>>& ranges,
                                           std::size_t local_size, double dt);

/// Sizes the pending-arrival rings for delays up to max_delay steps.
void size_pending(PlasticProjection& pr, Step max_delay);

}  // namespace myelin
