#pragma once
// iaf_psc_exp: leaky integrate-and-fire with exponential post-synaptic
// currents, integrated exactly on the grid with NEST's update order, so a
// NEST model moves over unchanged (NEST's iaf_psc_exp, Tsodyks et al. 1998
// current shape, Rotter & Diesmann 1999 propagators).
//
// One step k (from k*dt to (k+1)*dt):
//   1. if not refractory: V <- P22 V + P20 (I_e + I_dc) + P21ex I_ex + P21in I_in
//      else: count down the refractory period (V stays clamped at V_reset)
//   2. I_ex <- P11ex I_ex + input_ex(k);  I_in likewise
//   3. if V >= V_th: spike (time stamp (k+1)*dt), V <- V_reset, refractory for
//      t_ref/dt steps.
// V is stored relative to E_L, as in NEST.
#include <cmath>
#include <cstdint>
#include <vector>

#include "neurons/model_info.hpp"
#include "neurons/propagators.hpp"

namespace myelin {

struct IafPscExp {
  static constexpr const char* name = "iaf_psc_exp";

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
  };

  static std::vector<FieldInfo> parameter_info() {
    return {{"C_m", Dimension::capacitance, 250.0, "membrane capacitance (pF)"},
            {"tau_m", Dimension::time, 10.0, "membrane time constant (ms)"},
            {"tau_syn_ex", Dimension::time, 2.0, "excitatory PSC decay time (ms)"},
            {"tau_syn_in", Dimension::time, 2.0, "inhibitory PSC decay time (ms)"},
            {"t_ref", Dimension::time, 2.0, "absolute refractory period (ms)"},
            {"E_L", Dimension::voltage, -70.0, "resting potential (mV)"},
            {"V_reset", Dimension::voltage, -70.0, "reset potential (mV)"},
            {"V_th", Dimension::voltage, -55.0, "spike threshold (mV)"},
            {"I_e", Dimension::current, 0.0, "constant input current (pA)"}};
  }
  static std::vector<FieldInfo> state_info() {
    return {{"V_m", Dimension::voltage, -70.0, "membrane potential (mV)"},
            {"I_syn_ex", Dimension::current, 0.0, "excitatory synaptic current (pA)"},
            {"I_syn_in", Dimension::current, 0.0, "inhibitory synaptic current (pA)"}};
  }

  static Parameters make_parameters(const std::vector<double>& v) {
    return Parameters{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
  }

  /// Step-invariant coefficients for one dt.
  struct Propagators {
    double P22, P20, P11ex, P11in, P21ex, P21in, theta, v_reset, i_e;
    std::int32_t ref_steps;
    Propagators(const Parameters& p, double dt)
        : P22(std::exp(-dt / p.tau_m)), P20(propagators::p_const(p.tau_m, p.C_m, dt)),
          P11ex(std::exp(-dt / p.tau_syn_ex)), P11in(std::exp(-dt / p.tau_syn_in)),
          P21ex(propagators::p_exp(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P21in(propagators::p_exp(p.tau_syn_in, p.tau_m, p.C_m, dt)), theta(p.V_th - p.E_L),
          v_reset(p.V_reset - p.E_L), i_e(p.I_e),
          ref_steps(static_cast<std::int32_t>(std::llround(p.t_ref / dt))) {}
  };

  /// Structure of arrays: one entry per local neuron of the group.
  struct State {
    std::vector<double> V, I_ex, I_in, I_dc;
    std::vector<std::int32_t> ref;
    void resize(std::size_t n) {
      V.resize(n); I_ex.resize(n); I_in.resize(n); I_dc.resize(n); ref.resize(n);
    }
  };

  /// One neuron's state while it is being stepped (lives in registers).
  struct Local {
    double V, I_ex, I_in, I_dc;
    std::int32_t ref;
  };
  static Local load(const State& s, std::size_t i) { return {s.V[i], s.I_ex[i], s.I_in[i], s.I_dc[i], s.ref[i]}; }
  static void store(State& s, std::size_t i, const Local& l) {
    s.V[i] = l.V; s.I_ex[i] = l.I_ex; s.I_in[i] = l.I_in; s.I_dc[i] = l.I_dc; s.ref[i] = l.ref;
  }

  static void set_initial(State& s, std::size_t i, const Parameters& p, const std::string& var, double value) {
    if (var == "V_m") s.V[i] = value - p.E_L;
    else if (var == "I_syn_ex") s.I_ex[i] = value;
    else if (var == "I_syn_in") s.I_in[i] = value;
  }
  static double initial_default(const Parameters& p, const std::string& var) { return var == "V_m" ? p.E_L : 0.0; }

  /// Recordable variable by index in state_info(), in user units.
  static double get(const Local& l, const Parameters& p, int var) {
    switch (var) {
      case 0: return l.V + p.E_L;
      case 1: return l.I_ex;
      default: return l.I_in;
    }
  }

  /// One step; in_ex/in_in are the summed weights (pA) arriving this step.
  static bool step(Local& l, const Propagators& q, double in_ex, double in_in) {
    if (l.ref == 0) {
      l.V = q.P22 * l.V + q.P20 * (q.i_e + l.I_dc) + q.P21ex * l.I_ex + q.P21in * l.I_in;
    } else {
      --l.ref;
    }
    l.I_ex = q.P11ex * l.I_ex + in_ex;
    l.I_in = q.P11in * l.I_in + in_in;
    if (l.V >= q.theta) {
      l.ref = q.ref_steps;
      l.V = q.v_reset;
      return true;
    }
    return false;
  }
};

}  // namespace myelin
