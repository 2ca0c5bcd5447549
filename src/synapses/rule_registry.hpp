#pragma once
// Every plasticity rule, in one list. Adding a rule is its header (with the
// declarations synapses/rule_fields.hpp lists) and one entry here: the
// catalogue, the loader's checks, the builder's construction and the plastic
// store's dispatch are generated from this list.
#include <variant>

#include "synapses/stdp.hpp"
#include "synapses/stdp_dopamine.hpp"
#include "synapses/stdp_symmetric.hpp"
#include "synapses/tsodyks.hpp"
#include "synapses/vogels_sprekeler.hpp"

namespace myelin {

/// The rules as a variant, in catalogue order (after static_synapse).
/// Trace rules (all but TsodyksRule) offer tau_pre(i), tau_post(i) and
/// bump, and on_pre and on_post unless the store has overloads for them
/// (DopamineRule); TsodyksRule only acts on presynaptic spikes.
using PlasticRule = std::variant<StdpRule, StdpNnSymmRule, TsodyksRule, VogelsRule, SymmetricStdpRule, DopamineRule>;

}  // namespace myelin
