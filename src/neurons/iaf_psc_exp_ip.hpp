#pragma once
// iaf_psc_exp_ip: iaf_psc_exp with an adaptive threshold that performs
// intrinsic plasticity towards a target rate. The threshold is
// V_th + theta, where theta falls steadily and rises with every spike:
//
//   dtheta/dt = -eta_ip r_target + eta_ip sum_k delta(t - t_k)
//
// so theta stays put on average exactly when the neuron fires at r_target:
// a quieter neuron becomes more excitable, a busier one less (the
// intrinsic plasticity rule of Lazar, Pipa & Triesch 2009, SORN, in
// continuous time; cf. the homeostatic threshold of Diehl & Cook 2015).
// theta is unbounded: a neuron silenced for long enough will fire again.
// Everything is linear, so the step is exact:
//   1.-2. as iaf_psc_exp (V, then the PSCs with this step's input)
//   3. theta <- theta - eta_ip r_target dt
//   4. if V >= V_th + theta: spike, V <- V_reset, refractory, theta <- theta + eta_ip
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/simd.hpp"
#include "neurons/lif_fields.hpp"
#include "neurons/propagators.hpp"
#include "neurons/psc_exp_step.hpp"

namespace myelin {

struct IafPscExpIp {
  static constexpr const char* name = "iaf_psc_exp_ip";
  static constexpr Dimension weight_dim = Dimension::current;
  static constexpr bool vectorised = true;

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
    double eta_ip = 0.5, target_rate = 5.0;
  };

  static std::vector<Param<Parameters>> parameter_table() {
    auto f = lif_parameters<Parameters>("PSC decay time");
    f.push_back({"eta_ip", &Parameters::eta_ip, Dimension::voltage, "threshold rise per spike (mV)"});
    f.push_back({"target_rate", &Parameters::target_rate, Dimension::rate, "rate the threshold steers towards (Hz)"});
    return f;
  }
  static std::string check(const Parameters& p, std::string* field) { return lif_check(p, field); }

  struct Propagators {
    double P22, P20, P11ex, P11in, P21ex, P21in, theta, v_reset, i_e, eta, drift, ref_steps;
    Propagators(const Parameters& p, double dt)
        : P22(std::exp(-dt / p.tau_m)), P20(propagators::p_const(p.tau_m, p.C_m, dt)),
          P11ex(std::exp(-dt / p.tau_syn_ex)), P11in(std::exp(-dt / p.tau_syn_in)),
          P21ex(propagators::p_exp(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P21in(propagators::p_exp(p.tau_syn_in, p.tau_m, p.C_m, dt)), theta(p.V_th - p.E_L),
          v_reset(p.V_reset - p.E_L), i_e(p.I_e), eta(p.eta_ip), drift(p.eta_ip * p.target_rate * 1e-3 * dt),
          ref_steps(static_cast<double>(std::llround(p.t_ref / dt))) {}
  };

  enum Var : std::size_t { V_, I_ex_, I_in_, I_dc_, ref_, th_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m_rel", "I_ex", "I_in", "I_dc", "refractory_steps", "theta"};

  static std::vector<StateVar<Parameters>> state_table() {
    auto f = lif_state<IafPscExpIp>();
    f.push_back({"theta", th_, Dimension::voltage, "threshold offset (mV): the threshold is V_th + theta"});
    return f;
  }

  template <class T>
  static T step(T (&x)[n_vars], const Propagators& q, T in_ex, T in_in) {
    const T zero{};
    const auto [V1, ref1] = psc_exp_step(x[V_], x[ref_], x[I_ex_], x[I_in_], x[I_dc_], q, in_ex, in_in);
    const T th = x[th_] - q.drift;
    const auto fired = V1 >= q.theta + th;
    x[th_] = fired ? th + q.eta : th;
    x[V_] = fired ? zero + q.v_reset : V1;
    x[ref_] = fired ? zero + q.ref_steps : ref1;
    return fired ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
