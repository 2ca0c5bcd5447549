#pragma once
// The fields every NEST leaky integrate-and-fire model shares, with NEST's
// defaults in each model's Parameters struct, so each model header lists
// only what is its own.
#include <cstddef>
#include <string>
#include <vector>

#include "core/fields.hpp"
#include "neurons/model_fields.hpp"

namespace myelin {

/// C_m, tau_m, tau_syn_ex, tau_syn_in, t_ref, E_L, V_reset, V_th, I_e, in
/// this order (the order of each model's Parameters struct).
template <class P>
std::vector<Param<P>> lif_parameters(const std::string& tau_syn_meaning) {
  return {{"C_m", &P::C_m, Dimension::capacitance, "membrane capacitance (pF)"},
          {"tau_m", &P::tau_m, Dimension::time, "membrane time constant (ms)"},
          {"tau_syn_ex", &P::tau_syn_ex, Dimension::time, "excitatory " + tau_syn_meaning + " (ms)"},
          {"tau_syn_in", &P::tau_syn_in, Dimension::time, "inhibitory " + tau_syn_meaning + " (ms)"},
          {"t_ref", &P::t_ref, Dimension::time, "absolute refractory period (ms)"},
          {"E_L", &P::E_L, Dimension::voltage, "resting potential (mV)"},
          {"V_reset", &P::V_reset, Dimension::voltage, "reset potential (mV)"},
          {"V_th", &P::V_th, Dimension::voltage, "spike threshold (mV)"},
          {"I_e", &P::I_e, Dimension::current, "constant input current (pA)"}};
}

/// The recordable state of current-based LIF models: Model has variables
/// with enum indices V_, I_ex_, I_in_ and stores V relative to E_L, as NEST.
template <class Model, class P = typename Model::Parameters>
std::vector<StateVar<P>> lif_state() {
  return {{"V_m", Model::V_, Dimension::voltage, "membrane potential (mV)", &P::E_L, &P::E_L},
          {"I_syn_ex", Model::I_ex_, Dimension::current, "excitatory synaptic current (pA)"},
          {"I_syn_in", Model::I_in_, Dimension::current, "inhibitory synaptic current (pA)"}};
}

/// NEST's check of every LIF model: the reset lies below the threshold.
template <class P>
std::string lif_check(const P& p, std::string* field) {
  *field = "V_reset";
  if (!(p.V_reset < p.V_th)) return "V_reset below V_th";
  field->clear();
  return "";
}

}  // namespace myelin
