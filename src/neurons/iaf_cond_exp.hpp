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

#include "neurons/lif_fields.hpp"
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
  static std::vector<Param<Parameters>> parameter_table() {
    using P = Parameters;
    return {{"C_m", &P::C_m, Dimension::capacitance, "membrane capacitance (pF)"},
            {"g_L", &P::g_L, Dimension::conductance, "leak conductance (nS)"},
            {"E_L", &P::E_L, Dimension::voltage, "leak reversal potential (mV)"},
            {"E_ex", &P::E_ex, Dimension::voltage, "excitatory reversal potential (mV)"},
            {"E_in", &P::E_in, Dimension::voltage, "inhibitory reversal potential (mV)"},
            {"tau_syn_ex", &P::tau_syn_ex, Dimension::time, "excitatory conductance decay time (ms)"},
            {"tau_syn_in", &P::tau_syn_in, Dimension::time, "inhibitory conductance decay time (ms)"},
            {"t_ref", &P::t_ref, Dimension::time, "absolute refractory period (ms)"},
            {"V_reset", &P::V_reset, Dimension::voltage, "reset potential (mV)"},
            {"V_th", &P::V_th, Dimension::voltage, "spike threshold (mV)"},
            {"I_e", &P::I_e, Dimension::current, "constant input current (pA)"}};
  }
  static std::string check(const Parameters& p, std::string* field) { return lif_check(p, field); }

  struct Propagators : rk4::ExpSynapseSubsteps {
    Parameters p;
    double ref_steps;
    Propagators(const Parameters& q, double dt)
        : ExpSynapseSubsteps(dt, q.tau_syn_ex, q.tau_syn_in), p(q), ref_steps(std::round(q.t_ref / dt)) {}
  };

  /// State variables (see IafPscExp::Var).
  enum Var : std::size_t { V_, g_ex_, g_in_, I_dc_, ref_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m", "g_ex", "g_in", "I_dc", "refractory_steps"};

  static std::vector<StateVar<Parameters>> state_table() {
    return {{"V_m", V_, Dimension::voltage, "membrane potential (mV)", nullptr, &Parameters::E_L},
            {"g_ex", g_ex_, Dimension::conductance, "excitatory conductance (nS)"},
            {"g_in", g_in_, Dimension::conductance, "inhibitory conductance (nS)"}};
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
