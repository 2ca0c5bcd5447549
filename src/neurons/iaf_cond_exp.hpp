#pragma once
// iaf_cond_exp: leaky integrate-and-fire with exponentially decaying
// synaptic conductances (NEST's iaf_cond_exp; Kuhn, Aertsen & Rotter 2004).
//
//   C_m dV/dt = -g_L (V - E_L) - g_ex (V - E_ex) - g_in (V - E_in) + I_e + I_dc
//   dg_ex/dt = -g_ex / tau_syn_ex,  dg_in/dt = -g_in / tau_syn_in
//
// A spike of weight w (nS) adds w to g_ex (w > 0) or |w| to g_in (w < 0).
// One step k, in NEST's order: V is integrated over the step by RK4
// (rk4::substeps substeps; the conductances in closed form), the
// conductances decay exactly and take input(k); then, if refractory, count
// down with V clamped at V_reset (dV/dt = 0 meanwhile), else if V >= V_th:
// spike, V <- V_reset, refractory for t_ref.
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "core/fields.hpp"
#include "neurons/rk4.hpp"

namespace myelin {

struct IafCondExp {
  static constexpr const char* name = "iaf_cond_exp";
  static constexpr Dimension weight_dim = Dimension::conductance;
  static constexpr bool vectorised = false;

  struct Parameters {
    double C_m = 250.0, g_L = 16.6667, E_L = -70.0, E_ex = 0.0, E_in = -85.0, tau_syn_ex = 0.2, tau_syn_in = 2.0;
    double t_ref = 2.0, V_reset = -60.0, V_th = -55.0, I_e = 0.0;
  };
  static std::vector<FieldInfo> parameter_info() {
    return {{"C_m", Dimension::capacitance, 250.0, "membrane capacitance (pF)"},
            {"g_L", Dimension::conductance, 16.6667, "leak conductance (nS)"},
            {"E_L", Dimension::voltage, -70.0, "leak reversal potential (mV)"},
            {"E_ex", Dimension::voltage, 0.0, "excitatory reversal potential (mV)"},
            {"E_in", Dimension::voltage, -85.0, "inhibitory reversal potential (mV)"},
            {"tau_syn_ex", Dimension::time, 0.2, "excitatory conductance decay time (ms)"},
            {"tau_syn_in", Dimension::time, 2.0, "inhibitory conductance decay time (ms)"},
            {"t_ref", Dimension::time, 2.0, "absolute refractory period (ms)"},
            {"V_reset", Dimension::voltage, -60.0, "reset potential (mV)"},
            {"V_th", Dimension::voltage, -55.0, "spike threshold (mV)"},
            {"I_e", Dimension::current, 0.0, "constant input current (pA)"}};
  }
  static std::vector<FieldInfo> state_info() {
    return {{"V_m", Dimension::voltage, -70.0, "membrane potential (mV)"},
            {"g_ex", Dimension::conductance, 0.0, "excitatory conductance (nS)"},
            {"g_in", Dimension::conductance, 0.0, "inhibitory conductance (nS)"}};
  }
  static Parameters make_parameters(const std::vector<double>& v) {
    return Parameters{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
  }

  struct Propagators : rk4::ExpSynapseSubsteps {
    Parameters p;
    double ref_steps;
    Propagators(const Parameters& q, double dt)
        : ExpSynapseSubsteps(dt, q.tau_syn_ex, q.tau_syn_in), p(q), ref_steps(std::round(q.t_ref / dt)) {}
  };

  /// State variables (see IafPscExp::Var).
  enum Var : std::size_t { V_, g_ex_, g_in_, I_dc_, ref_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m", "g_ex", "g_in", "I_dc", "refractory_steps"};

  template <class State>
  static void set_initial(State& s, std::size_t i, const Parameters&, const std::string& var, double value) {
    if (var == "V_m") s[V_][i] = value;
    else if (var == "g_ex") s[g_ex_][i] = value;
    else if (var == "g_in") s[g_in_][i] = value;
  }
  static double initial_default(const Parameters& p, const std::string& var) { return var == "V_m" ? p.E_L : 0.0; }
  template <class Lanes>
  static double get(const Lanes& l, std::size_t j, const Parameters&, int var) {
    return l.x[var == 0 ? V_ : var == 1 ? g_ex_ : g_in_][j];
  }

  static double step(double (&x)[n_vars], const Propagators& q, double in_ex, double in_in) {
    const Parameters& p = q.p;
    const bool refractory = x[ref_] > 0.0;
    const double I = p.I_e + x[I_dc_];
    for (int k = 0; k < q.n; ++k) {
      double ge[3], gi[3];
      q.ex(x[g_ex_], ge);
      q.in(x[g_in_], gi);
      double y[1] = {x[V_]};
      if (!refractory)
        rk4::step(y, q.h, [&](int s, const double (&v)[1], double (&dv)[1]) {
          dv[0] = (-p.g_L * (v[0] - p.E_L) - ge[s] * (v[0] - p.E_ex) - gi[s] * (v[0] - p.E_in) + I) / p.C_m;
        });
      x[V_] = y[0];
      x[g_ex_] = ge[2];
      x[g_in_] = gi[2];
    }
    x[g_ex_] += in_ex;
    x[g_in_] -= in_in;  // inhibitory weights are negative
    if (refractory) {
      x[ref_] -= 1.0;
      x[V_] = p.V_reset;
      return 0.0;
    }
    if (x[V_] >= p.V_th) {
      x[V_] = p.V_reset;
      x[ref_] = q.ref_steps;
      return 1.0;
    }
    return 0.0;
  }
};

}  // namespace myelin
