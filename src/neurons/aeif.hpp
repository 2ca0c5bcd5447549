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
// Integration as NEST's: the embedded Runge-Kutta-Fehlberg 4(5) with
// adaptive steps and error tolerance gsl_error_tol (neurons/rkf45.hpp), on
// V, w and both synaptic variables. The right-hand side sees V bounded by
// V_peak (in the exponential and in the adaptation), so the upswing cannot
// blow up. After every internal step the threshold is checked: at
// V >= V_peak (V_th when Delta_T = 0) the neuron spikes, V <- V_reset and
// w <- w + b inside the simulation step, and integration goes on from
// there, refractory (dV/dt = 0, V held at V_reset) for t_ref. Synaptic
// input arriving in step k is added after the step is integrated. The
// integrator's step size is state (NEST keeps it per neuron too), so a
// checkpoint continues it exactly. With t_ref = 0 a second crossing in the
// same step resets again but is reported as one spike (NEST sends two).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "neurons/model_fields.hpp"
#include "neurons/rkf45.hpp"

namespace myelin {

template <bool Cond>
struct Aeif {
  static constexpr Dimension weight_dim = Cond ? Dimension::conductance : Dimension::current;
  static constexpr bool vectorised = false;

  struct Parameters {
    double C_m = 281.0, g_L = 30.0, E_L = -70.6, Delta_T = 2.0, V_th = -50.4, V_peak = 0.0, V_reset = -60.0;
    double t_ref = 0.0, a = 4.0, b = 80.5, tau_w = 144.0, E_ex = 0.0, E_in = -85.0;
    double tau_syn_ex = 0.2, tau_syn_in = 2.0, I_e = 0.0, gsl_error_tol = 1e-6;
  };
  static std::vector<Param<Parameters>> parameter_table() {
    using P = Parameters;
    std::vector<Param<P>> f = {
        {"C_m", &P::C_m, Dimension::capacitance, "membrane capacitance (pF)"},
        {"g_L", &P::g_L, Dimension::conductance, "leak conductance (nS)"},
        {"E_L", &P::E_L, Dimension::voltage, "leak reversal potential (mV)"},
        {"Delta_T", &P::Delta_T, Dimension::voltage, "slope factor of the exponential (mV; 0: none)"},
        {"V_th", &P::V_th, Dimension::voltage, "exponential threshold V_T (mV)"},
        {"V_peak", &P::V_peak, Dimension::voltage, "spike detection and cut-off (mV)"},
        {"V_reset", &P::V_reset, Dimension::voltage, "reset potential (mV)"},
        {"t_ref", &P::t_ref, Dimension::time, "absolute refractory period (ms)"},
        {"a", &P::a, Dimension::conductance, "subthreshold adaptation (nS)"},
        {"b", &P::b, Dimension::current, "spike-triggered adaptation (pA)"},
        {"tau_w", &P::tau_w, Dimension::time, "adaptation time constant (ms)"},
        {"E_ex", &P::E_ex, Dimension::voltage, "excitatory reversal potential (mV; cond only)"},
        {"E_in", &P::E_in, Dimension::voltage, "inhibitory reversal potential (mV; cond only)"},
        {"tau_syn_ex", &P::tau_syn_ex, Dimension::time, "excitatory synaptic decay time (ms)"},
        {"tau_syn_in", &P::tau_syn_in, Dimension::time, "inhibitory synaptic decay time (ms)"},
        {"I_e", &P::I_e, Dimension::current, "constant input current (pA)"},
        {"gsl_error_tol", &P::gsl_error_tol, Dimension::dimensionless,
         "error tolerance of the adaptive integrator (NEST's)"}};
    if (!Cond) f.erase(f.begin() + 11, f.begin() + 13);  // no reversal potentials
    return f;
  }

  /// NEST's checks (aeif_psc_exp.cpp, Parameters_::set), beyond the common ones.
  static std::string check(const Parameters& p, std::string* field) {
    // exp((V_peak - V_th) / Delta_T) must stay 1e20 below overflow, as NEST requires.
    const double max_exp_arg = std::log(std::numeric_limits<double>::max() / 1e20);
    const std::pair<const char*, const char*> problems[] = {
        {"V_reset", p.V_reset < p.V_peak ? nullptr : "V_reset below V_peak"},
        {"Delta_T", p.Delta_T >= 0 ? nullptr : "a non-negative Delta_T"},
        {"V_peak", p.V_peak >= p.V_th ? nullptr : "V_peak at or above V_th"},
        {"V_peak", !(p.Delta_T > 0) || (p.V_peak - p.V_th) / p.Delta_T < max_exp_arg
                       ? nullptr
                       : "(V_peak - V_th) / Delta_T small enough that the exponential cannot overflow at the peak"},
        {"gsl_error_tol", p.gsl_error_tol > 0 ? nullptr : "a positive error tolerance"}};
    for (const auto& [name, why] : problems)
      if (why) {
        *field = name;
        return why;
      }
    field->clear();
    return "";
  }

  struct Propagators {
    Parameters p;
    double dt;          ///< the simulation step (ms)
    double h0;          ///< the integrator's first step, NEST's min(0.01 ms, dt)
    double ref_steps;   ///< t_ref in steps
    double spike_at;    ///< spike detection: V_peak, or V_th without the exponential
    Propagators(const Parameters& q, double dt_)
        : p(q), dt(dt_), h0(std::min(0.01, dt_)), ref_steps(std::round(q.t_ref / dt_)),
          spike_at(q.Delta_T > 0 ? q.V_peak : q.V_th) {}
  };

  /// State variables (see IafPscExp::Var); s_ex/s_in: conductances (nS) or
  /// currents (pA).
  /// h: the integrator's proposed step (ms; 0 before the first step).
  enum Var : std::size_t { V_, w_, s_ex_, s_in_, I_dc_, ref_, h_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m",  "w", Cond ? "g_ex" : "I_ex", Cond ? "g_in" : "I_in",
                                                    "I_dc", "refractory_steps", "integration_step"};
  static std::vector<StateVar<Parameters>> state_table() {
    const Dimension syn = Cond ? Dimension::conductance : Dimension::current;
    return {{"V_m", V_, Dimension::voltage, "membrane potential (mV)", nullptr, &Parameters::E_L},
            {"w", w_, Dimension::current, "adaptation current (pA)"},
            {Cond ? "g_ex" : "I_syn_ex", s_ex_, syn, Cond ? "excitatory conductance (nS)" : "excitatory synaptic current (pA)"},
            {Cond ? "g_in" : "I_syn_in", s_in_, syn,
             Cond ? "inhibitory conductance (nS)" : "inhibitory synaptic current (pA, negative)"}};
  }

  static double step(double (&x)[n_vars], const Propagators& q, double in_ex, double in_in) {
    const Parameters& p = q.p;
    const double I = p.I_e + x[I_dc_];
    // y = (V, w, s_ex, s_in); the refractory state may change inside the step.
    auto rhs = [&](const double (&y)[4], double (&dy)[4]) {
      const bool refractory = x[ref_] > 0.0;
      const double v = refractory ? p.V_reset : std::min(y[0], p.V_peak);
      const double spike = p.Delta_T > 0 ? p.g_L * p.Delta_T * std::exp((v - p.V_th) / p.Delta_T) : 0.0;
      const double syn = Cond ? -y[2] * (v - p.E_ex) - y[3] * (v - p.E_in) : y[2] + y[3];
      dy[0] = refractory ? 0.0 : (-p.g_L * (v - p.E_L) + spike - y[1] + syn + I) / p.C_m;
      dy[1] = (p.a * (v - p.E_L) - y[1]) / p.tau_w;
      dy[2] = -y[2] / p.tau_syn_ex;
      dy[3] = -y[3] / p.tau_syn_in;
    };
    double y[4] = {x[V_], x[w_], x[s_ex_], x[s_in_]}, dy[4];
    rhs(y, dy);
    double h = x[h_] > 0.0 ? x[h_] : q.h0;
    double fired = 0.0;
    for (double t = 0.0; t < q.dt;) {
      rkf45::evolve(y, dy, t, q.dt, h, p.gsl_error_tol, rhs);
      if (x[ref_] > 0.0) {
        y[0] = p.V_reset;  // already: dV/dt = 0 while refractory, so dy stands
      } else if (y[0] >= q.spike_at) {
        y[0] = p.V_reset;
        y[1] += p.b;
        // One more than t_ref's steps: the count-down below takes one in this step.
        x[ref_] = q.ref_steps > 0.0 ? q.ref_steps + 1.0 : 0.0;
        fired = 1.0;
        rhs(y, dy);  // a new state (and maybe refractory): its derivative
      }
    }
    if (x[ref_] > 0.0) x[ref_] -= 1.0;
    x[V_] = y[0];
    x[w_] = y[1];
    x[s_ex_] = y[2] + in_ex;
    x[s_in_] = y[3] + (Cond ? -in_in : in_in);  // conductances are positive; currents keep their sign
    x[h_] = h;
    return fired;
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
