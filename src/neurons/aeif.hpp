#pragma once
// The adaptive exponential integrate-and-fire neuron (AdEx; Brette &
// Gerstner 2005), shared by aeif_cond_exp (conductance synapses) and
// aeif_psc_exp (current synapses), with NEST's parameters and defaults:
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) / Delta_T) - w + I_syn + I_e + I_dc
//   tau_w dw/dt = a (V - E_L) - w
//   cond: I_syn = -g_ex (V - E_ex) - g_in (V - E_in);  psc: I_syn = I_ex + I_in
//   synaptic variables decay exponentially (tau_syn_ex, tau_syn_in).
//
// Integration: RK4 with rk4::substeps substeps per step, synaptic
// variables in closed form. The upswing is kept stable as NEST does: the
// right-hand side sees V bounded by V_peak (in the exponential and in the
// adaptation), so a substep that crosses V_peak overshoots V but cannot
// blow up or corrupt w. One step k: integrate; synaptic input(k) is added;
// if refractory, count down with V clamped at V_reset (dV/dt = 0); else if
// V >= V_peak: spike, V <- V_reset, w <- w + b, refractory for t_ref.
// Delta_T = 0 drops the exponential (then V_peak acts as the threshold).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "neurons/model_info.hpp"
#include "neurons/rk4.hpp"

namespace myelin {

template <bool Cond>
struct Aeif {
  static constexpr Dimension weight_dim = Cond ? Dimension::conductance : Dimension::current;
  static constexpr bool vectorised = false;

  struct Parameters {
    double C_m = 281.0, g_L = 30.0, E_L = -70.6, Delta_T = 2.0, V_th = -50.4, V_peak = 0.0, V_reset = -60.0;
    double t_ref = 0.0, a = 4.0, b = 80.5, tau_w = 144.0, E_ex = 0.0, E_in = -85.0;
    double tau_syn_ex = 0.2, tau_syn_in = 2.0, I_e = 0.0;
  };
  static std::vector<FieldInfo> parameter_info() {
    std::vector<FieldInfo> f = {
        {"C_m", Dimension::capacitance, 281.0, "membrane capacitance (pF)"},
        {"g_L", Dimension::conductance, 30.0, "leak conductance (nS)"},
        {"E_L", Dimension::voltage, -70.6, "leak reversal potential (mV)"},
        {"Delta_T", Dimension::voltage, 2.0, "slope factor of the exponential (mV; 0: none)"},
        {"V_th", Dimension::voltage, -50.4, "exponential threshold V_T (mV)"},
        {"V_peak", Dimension::voltage, 0.0, "spike detection and cut-off (mV)"},
        {"V_reset", Dimension::voltage, -60.0, "reset potential (mV)"},
        {"t_ref", Dimension::time, 0.0, "absolute refractory period (ms)"},
        {"a", Dimension::conductance, 4.0, "subthreshold adaptation (nS)"},
        {"b", Dimension::current, 80.5, "spike-triggered adaptation (pA)"},
        {"tau_w", Dimension::time, 144.0, "adaptation time constant (ms)"},
        {"E_ex", Dimension::voltage, 0.0, "excitatory reversal potential (mV; cond only)"},
        {"E_in", Dimension::voltage, -85.0, "inhibitory reversal potential (mV; cond only)"},
        {"tau_syn_ex", Dimension::time, 0.2, "excitatory synaptic decay time (ms)"},
        {"tau_syn_in", Dimension::time, 2.0, "inhibitory synaptic decay time (ms)"},
        {"I_e", Dimension::current, 0.0, "constant input current (pA)"}};
    if (!Cond) {
      f.erase(f.begin() + 11, f.begin() + 13);  // no reversal potentials
    }
    return f;
  }
  static std::vector<FieldInfo> state_info() {
    return {{state_names[0], Dimension::voltage, -70.6, "membrane potential (mV)"},
            {state_names[1], Dimension::current, 0.0, "adaptation current (pA)"},
            {state_names[2], Cond ? Dimension::conductance : Dimension::current, 0.0,
             Cond ? "excitatory conductance (nS)" : "excitatory synaptic current (pA)"},
            {state_names[3], Cond ? Dimension::conductance : Dimension::current, 0.0,
             Cond ? "inhibitory conductance (nS)" : "inhibitory synaptic current (pA, negative)"}};
  }
  static Parameters make_parameters(const std::vector<double>& v) {
    Parameters p;
    double* fields[] = {&p.C_m, &p.g_L, &p.E_L, &p.Delta_T, &p.V_th, &p.V_peak, &p.V_reset, &p.t_ref,
                        &p.a,   &p.b,   &p.tau_w, &p.E_ex, &p.E_in, &p.tau_syn_ex, &p.tau_syn_in, &p.I_e};
    for (std::size_t i = 0, k = 0; i < 16; ++i) {
      if (!Cond && (i == 11 || i == 12)) continue;
      *fields[i] = v[k++];
    }
    return p;
  }

  struct Propagators : rk4::ExpSynapseSubsteps {
    Parameters p;
    double ref_steps;
    Propagators(const Parameters& q, double dt)
        : ExpSynapseSubsteps(dt, q.tau_syn_ex, q.tau_syn_in), p(q), ref_steps(std::round(q.t_ref / dt)) {}
  };

  /// State variables (see IafPscExp::Var); s_ex/s_in: conductances (nS) or
  /// currents (pA).
  enum Var : std::size_t { V_, w_, s_ex_, s_in_, I_dc_, ref_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m", "w", Cond ? "g_ex" : "I_ex", Cond ? "g_in" : "I_in",
                                                    "I_dc", "refractory_steps"};

  /// The names of state_info(), in the order of Var.
  static constexpr const char* state_names[4] = {"V_m", "w", Cond ? "g_ex" : "I_syn_ex", Cond ? "g_in" : "I_syn_in"};
  template <class State>
  static void set_initial(State& s, std::size_t i, const Parameters&, const std::string& var, double value) {
    for (std::size_t k = 0; k < 4; ++k)
      if (var == state_names[k]) s[k][i] = value;
  }
  static double initial_default(const Parameters& p, const std::string& var) { return var == "V_m" ? p.E_L : 0.0; }
  template <class Lanes>
  static double get(const Lanes& l, std::size_t j, const Parameters&, int var) {
    return l.x[static_cast<std::size_t>(var)][j];
  }

  static double step(double (&x)[n_vars], const Propagators& q, double in_ex, double in_in) {
    const Parameters& p = q.p;
    const bool refractory = x[ref_] > 0.0;
    const double I = p.I_e + x[I_dc_];
    for (int k = 0; k < q.n; ++k) {
      double se[3], si[3];
      q.ex(x[s_ex_], se);
      q.in(x[s_in_], si);
      double y[2] = {x[V_], x[w_]};
      rk4::step(y, q.h, [&](int s, const double (&u)[2], double (&du)[2]) {
        const double v = std::min(u[0], p.V_peak);
        const double spike = p.Delta_T > 0 ? p.g_L * p.Delta_T * std::exp((v - p.V_th) / p.Delta_T) : 0.0;
        const double syn = Cond ? -se[s] * (v - p.E_ex) - si[s] * (v - p.E_in) : se[s] + si[s];
        du[0] = refractory ? 0.0 : (-p.g_L * (v - p.E_L) + spike - u[1] + syn + I) / p.C_m;
        du[1] = (p.a * (v - p.E_L) - u[1]) / p.tau_w;
      });
      x[V_] = y[0];
      x[w_] = y[1];
      x[s_ex_] = se[2];
      x[s_in_] = si[2];
    }
    x[s_ex_] += in_ex;
    x[s_in_] += Cond ? -in_in : in_in;  // conductances are positive; currents keep their sign
    if (refractory) {
      x[ref_] -= 1.0;
      x[V_] = p.V_reset;
      return 0.0;
    }
    if (x[V_] >= p.V_peak) {
      x[V_] = p.V_reset;
      x[w_] += p.b;
      x[ref_] = q.ref_steps;
      return 1.0;
    }
    return 0.0;
  }
};

/// aeif_cond_exp: AdEx with exponential conductances (NEST's aeif_cond_exp).
struct AeifCondExp : Aeif<true> {
  static constexpr const char* name = "aeif_cond_exp";
};
/// aeif_psc_exp: AdEx with exponential currents (NEST's aeif_psc_exp).
struct AeifPscExp : Aeif<false> {
  static constexpr const char* name = "aeif_psc_exp";
};

}  // namespace myelin
