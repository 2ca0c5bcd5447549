#pragma once
// iaf_psc_alpha: leaky integrate-and-fire with alpha-shaped post-synaptic
// currents, exact integration with NEST's update order (NEST's
// iaf_psc_alpha; Rotter & Diesmann 1999). A spike of weight w (pA) makes the
// current w * (t/tau_syn) e^{1 - t/tau_syn}: its peak is w at t = tau_syn.
//
// One step k:
//   1. if not refractory: V <- P33 V + P30 (I_e + I_dc) + P31 dI + P32 I (ex and in)
//      else: count down
//   2. I <- P21 dI + P22 I;  dI <- P11 dI;  dI += (e/tau_syn) input(k)
//   3. threshold, reset and refractoriness as iaf_psc_exp.
// V is relative to E_L; V_min (default -inf) bounds it from below.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "neurons/model_info.hpp"
#include "neurons/propagators.hpp"

namespace myelin {

struct IafPscAlpha {
  static constexpr const char* name = "iaf_psc_alpha";

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
    double V_min = -std::numeric_limits<double>::infinity();
  };

  static std::vector<FieldInfo> parameter_info() {
    return {{"C_m", Dimension::capacitance, 250.0, "membrane capacitance (pF)"},
            {"tau_m", Dimension::time, 10.0, "membrane time constant (ms)"},
            {"tau_syn_ex", Dimension::time, 2.0, "excitatory PSC rise time to peak (ms)"},
            {"tau_syn_in", Dimension::time, 2.0, "inhibitory PSC rise time to peak (ms)"},
            {"t_ref", Dimension::time, 2.0, "absolute refractory period (ms)"},
            {"E_L", Dimension::voltage, -70.0, "resting potential (mV)"},
            {"V_reset", Dimension::voltage, -70.0, "reset potential (mV)"},
            {"V_th", Dimension::voltage, -55.0, "spike threshold (mV)"},
            {"I_e", Dimension::current, 0.0, "constant input current (pA)"},
            {"V_min", Dimension::voltage, -std::numeric_limits<double>::infinity(),
             "lower bound of the membrane potential (mV)"}};
  }
  static std::vector<FieldInfo> state_info() {
    return {{"V_m", Dimension::voltage, -70.0, "membrane potential (mV)"},
            {"I_syn_ex", Dimension::current, 0.0, "excitatory synaptic current (pA)"},
            {"I_syn_in", Dimension::current, 0.0, "inhibitory synaptic current (pA)"}};
  }

  static Parameters make_parameters(const std::vector<double>& v) {
    return Parameters{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]};
  }

  struct Propagators {
    double P33, P30, P11ex, P21ex, P31ex, P32ex, P11in, P21in, P31in, P32in;
    double psc_ex, psc_in;  ///< e/tau_syn: a weight w peaks at w pA
    double theta, v_reset, v_min, i_e;
    std::int32_t ref_steps;
    Propagators(const Parameters& p, double dt)
        : P33(std::exp(-dt / p.tau_m)), P30(propagators::p_const(p.tau_m, p.C_m, dt)),
          P11ex(std::exp(-dt / p.tau_syn_ex)), P21ex(dt * std::exp(-dt / p.tau_syn_ex)),
          P31ex(propagators::p_alpha(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P32ex(propagators::p_exp(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P11in(std::exp(-dt / p.tau_syn_in)), P21in(dt * std::exp(-dt / p.tau_syn_in)),
          P31in(propagators::p_alpha(p.tau_syn_in, p.tau_m, p.C_m, dt)),
          P32in(propagators::p_exp(p.tau_syn_in, p.tau_m, p.C_m, dt)),
          psc_ex(std::exp(1.0) / p.tau_syn_ex), psc_in(std::exp(1.0) / p.tau_syn_in),
          theta(p.V_th - p.E_L), v_reset(p.V_reset - p.E_L), v_min(p.V_min - p.E_L), i_e(p.I_e),
          ref_steps(static_cast<std::int32_t>(std::llround(p.t_ref / dt))) {}
  };

  struct State {
    std::vector<double> V, I_ex, dI_ex, I_in, dI_in, I_dc;
    std::vector<std::int32_t> ref;
    void resize(std::size_t n) {
      V.resize(n); I_ex.resize(n); dI_ex.resize(n); I_in.resize(n); dI_in.resize(n); I_dc.resize(n);
      ref.resize(n);
    }
  };

  struct Local {
    double V, I_ex, dI_ex, I_in, dI_in, I_dc;
    std::int32_t ref;
  };
  static Local load(const State& s, std::size_t i) {
    return {s.V[i], s.I_ex[i], s.dI_ex[i], s.I_in[i], s.dI_in[i], s.I_dc[i], s.ref[i]};
  }
  static void store(State& s, std::size_t i, const Local& l) {
    s.V[i] = l.V; s.I_ex[i] = l.I_ex; s.dI_ex[i] = l.dI_ex; s.I_in[i] = l.I_in; s.dI_in[i] = l.dI_in;
    s.I_dc[i] = l.I_dc; s.ref[i] = l.ref;
  }

  static void set_initial(State& s, std::size_t i, const Parameters& p, const std::string& var, double value) {
    if (var == "V_m") s.V[i] = value - p.E_L;
    else if (var == "I_syn_ex") s.I_ex[i] = value;
    else if (var == "I_syn_in") s.I_in[i] = value;
  }
  static double initial_default(const Parameters& p, const std::string& var) { return var == "V_m" ? p.E_L : 0.0; }

  static double get(const Local& l, const Parameters& p, int var) {
    switch (var) {
      case 0: return l.V + p.E_L;
      case 1: return l.I_ex;
      default: return l.I_in;
    }
  }

  static bool step(Local& l, const Propagators& q, double in_ex, double in_in) {
    if (l.ref == 0) {
      const double v = q.P30 * (q.i_e + l.I_dc) + q.P31ex * l.dI_ex + q.P32ex * l.I_ex +
                       q.P31in * l.dI_in + q.P32in * l.I_in + q.P33 * l.V;
      l.V = v < q.v_min ? q.v_min : v;
    } else {
      --l.ref;
    }
    l.I_ex = q.P21ex * l.dI_ex + q.P11ex * l.I_ex;
    l.dI_ex = q.P11ex * l.dI_ex + q.psc_ex * in_ex;
    l.I_in = q.P21in * l.dI_in + q.P11in * l.I_in;
    l.dI_in = q.P11in * l.dI_in + q.psc_in * in_in;
    if (l.V >= q.theta) {
      l.ref = q.ref_steps;
      l.V = q.v_reset;
      return true;
    }
    return false;
  }
};

}  // namespace myelin
