#pragma once
// The fields every NEST leaky integrate-and-fire model shares, with NEST's
// defaults, so each model header lists only what is its own.
#include <cstddef>
#include <string>
#include <vector>

#include "core/fields.hpp"

namespace myelin {

/// C_m, tau_m, tau_syn_ex, tau_syn_in, t_ref, E_L, V_reset, V_th, I_e, in
/// this order (the order of each model's Parameters struct).
inline std::vector<FieldInfo> lif_parameter_info(const char* tau_syn_meaning) {
  const std::string syn = tau_syn_meaning;
  return {{"C_m", Dimension::capacitance, 250.0, "membrane capacitance (pF)"},
          {"tau_m", Dimension::time, 10.0, "membrane time constant (ms)"},
          {"tau_syn_ex", Dimension::time, 2.0, "excitatory " + syn + " (ms)"},
          {"tau_syn_in", Dimension::time, 2.0, "inhibitory " + syn + " (ms)"},
          {"t_ref", Dimension::time, 2.0, "absolute refractory period (ms)"},
          {"E_L", Dimension::voltage, -70.0, "resting potential (mV)"},
          {"V_reset", Dimension::voltage, -70.0, "reset potential (mV)"},
          {"V_th", Dimension::voltage, -55.0, "spike threshold (mV)"},
          {"I_e", Dimension::current, 0.0, "constant input current (pA)"}};
}

/// The recordable state of current-based LIF models.
inline std::vector<FieldInfo> lif_state_info() {
  return {{"V_m", Dimension::voltage, -70.0, "membrane potential (mV)"},
          {"I_syn_ex", Dimension::current, 0.0, "excitatory synaptic current (pA)"},
          {"I_syn_in", Dimension::current, 0.0, "inhibitory synaptic current (pA)"}};
}

/// Initial state and recording for current-based LIF models, shared by
/// CRTP: Model has variables with enum indices V_, I_ex_, I_in_ (state
/// columns s[var][neuron], lanes x[var][lane]) and Parameters with E_L. V is stored relative
/// to E_L (as in NEST) and reported in absolute mV.
template <class Model>
struct LifState {
  static constexpr Dimension weight_dim = Dimension::current;  ///< weights are pA
  static constexpr bool vectorised = true;                     ///< step() takes simd::Vec
  template <class State, class Parameters>
  static void set_initial(State& s, std::size_t i, const Parameters& p, const std::string& var, double value) {
    if (var == "V_m") s[Model::V_][i] = value - p.E_L;
    else if (var == "I_syn_ex") s[Model::I_ex_][i] = value;
    else if (var == "I_syn_in") s[Model::I_in_][i] = value;
  }
  template <class Parameters>
  static double initial_default(const Parameters& p, const std::string& var) { return var == "V_m" ? p.E_L : 0.0; }

  /// Recordable variable by index in lif_state_info(), in user units.
  template <class Lanes, class Parameters>
  static double get(const Lanes& l, std::size_t j, const Parameters& p, int var) {
    switch (var) {
      case 0: return l.x[Model::V_][j] + p.E_L;
      case 1: return l.x[Model::I_ex_][j];
      default: return l.x[Model::I_in_][j];
    }
  }
};

}  // namespace myelin
