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
#include <type_traits>
#include <limits>
#include <vector>

#include "core/simd.hpp"
#include "neurons/lif_fields.hpp"
#include "neurons/propagators.hpp"

namespace myelin {

struct IafPscAlpha {
  static constexpr const char* name = "iaf_psc_alpha";
  static constexpr Dimension weight_dim = Dimension::current;
  static constexpr bool vectorised = true;

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
    double V_min = -std::numeric_limits<double>::infinity();
  };

  static std::vector<Param<Parameters>> parameter_table() {
    auto f = lif_parameters<Parameters>("PSC rise time to peak");
    f.push_back({"V_min", &Parameters::V_min, Dimension::voltage, "lower bound of the membrane potential (mV)"});
    return f;
  }
  static std::string check(const Parameters& p, std::string* field) { return lif_check(p, field); }

  struct Propagators {
    double P33, P30, P11ex, P21ex, P31ex, P32ex, P11in, P21in, P31in, P32in;
    double psc_ex, psc_in;  ///< e/tau_syn: a weight w peaks at w pA
    double theta, v_reset, v_min, i_e;
    double ref_steps;  ///< a double: it is selected in the vectorised step
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
          ref_steps(static_cast<double>(std::llround(p.t_ref / dt))) {}
  };

  /// State variables (see IafPscExp::Var).
  enum Var : std::size_t { V_, I_ex_, dI_ex_, I_in_, dI_in_, I_dc_, ref_, n_vars };
  /// Checkpoint names of the variables (V relative to E_L, as stored).
  static constexpr const char* var_names[n_vars] = {"V_m_rel", "I_ex", "dI_ex", "I_in", "dI_in", "I_dc", "refractory_steps"};
  static std::vector<StateVar<Parameters>> state_table() { return lif_state<IafPscAlpha>(); }
  /// One step, branch-free, for T = double or simd::Vec (see IafPscExp::step).
  template <class T>
  static T step(T (&x)[n_vars], const Propagators& q, T in_ex, T in_in) {
    const T zero{};
    T& V = x[V_];
    T& ref = x[ref_];
    T v = q.P30 * (q.i_e + x[I_dc_]) + q.P31ex * x[dI_ex_] + q.P32ex * x[I_ex_] + q.P31in * x[dI_in_] +
          q.P32in * x[I_in_] + q.P33 * V;
    v = v < q.v_min ? zero + q.v_min : v;
    const T V1 = ref == 0.0 ? v : V;
    const T ref1 = ref == 0.0 ? zero : ref - 1.0;
    x[I_ex_] = q.P21ex * x[dI_ex_] + q.P11ex * x[I_ex_];
    x[dI_ex_] = q.P11ex * x[dI_ex_] + q.psc_ex * in_ex;
    x[I_in_] = q.P21in * x[dI_in_] + q.P11in * x[I_in_];
    x[dI_in_] = q.P11in * x[dI_in_] + q.psc_in * in_in;
    V = V1 >= q.theta ? zero + q.v_reset : V1;
    ref = V1 >= q.theta ? zero + q.ref_steps : ref1;
    return V1 >= q.theta ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
