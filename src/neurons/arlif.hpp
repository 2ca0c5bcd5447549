#pragma once
// arlif: leaky integrate-and-fire with an adaptive reset (exponential
// PSCs, integrated exactly like iaf_psc_exp). Instead of a fixed V_reset,
// the membrane is reset to a value that follows the neuron's recent input
// and output:
//
//   V_reset_eff = V_reset + R_in A - Delta_reset B,  at most V_th
//   tau_reset dA/dt = -A + I_syn_ex + I_syn_in      recent synaptic input (pA)
//   tau_reset dB/dt = -B,  B <- B + 1 at each spike  recent output (spikes)
//
// Strong recent input raises the reset (the neuron resumes close to
// threshold and fires in bursts; R_in is a resistance, mV/pA = GOhm); a
// recent burst lowers it by Delta_reset per spike (spike-frequency
// adaptation through the reset). With R_in = Delta_reset = 0 the model is
// iaf_psc_exp. Adapting the reset rather than a conductance is the
// "adaptive reset" of the multi-timescale and reset-adaptation models
// (Gerstner, Kistler, Naud & Paninski 2014, Neuronal Dynamics, sec. 6.1
// and 6.4; Naud et al. 2008 for reset-driven firing patterns); this is
// myelin's linear form, chosen so that it integrates exactly.
//
// One step k, as iaf_psc_exp with the reset variables:
//   1. if not refractory: V <- P22 V + P20 (I_e + I_dc) + P21ex I_ex + P21in I_in
//      A <- PA A + PAex I_ex + PAin I_in (always);  B <- PB B
//   2. I_ex <- P11ex I_ex + input_ex(k);  I_in likewise
//   3. if not refractory and V >= V_th: spike, B <- B + 1,
//      V <- min(V_reset_eff, V_th), refractory for t_ref/dt steps.
// The threshold is tested only outside the refractory period, since the
// reset may reach V_th.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/simd.hpp"
#include "neurons/lif_fields.hpp"
#include "neurons/propagators.hpp"
#include "neurons/psc_exp_step.hpp"

namespace myelin {

struct Arlif {
  static constexpr const char* name = "arlif";
  static constexpr Dimension weight_dim = Dimension::current;
  static constexpr bool vectorised = true;

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
    double tau_reset = 50.0, R_in = 0.02, Delta_reset = 2.0;
  };

  static std::vector<Param<Parameters>> parameter_table() {
    auto f = lif_parameters<Parameters>("PSC decay time");
    f.push_back({"tau_reset", &Parameters::tau_reset, Dimension::time, "memory of recent input and output (ms)"});
    f.push_back({"R_in", &Parameters::R_in, Dimension::dimensionless, "reset shift per pA of recent synaptic input (mV/pA)"});
    f.push_back({"Delta_reset", &Parameters::Delta_reset, Dimension::voltage, "reset lowered per recent spike (mV)"});
    return f;
  }
  static std::string check(const Parameters& p, std::string* field) { return lif_check(p, field); }

  struct Propagators {
    double P22, P20, P11ex, P11in, P21ex, P21in, PA, PAex, PAin;
    double theta, v_reset, i_e, r_in, delta, ref_steps;
    Propagators(const Parameters& p, double dt)
        : P22(std::exp(-dt / p.tau_m)), P20(propagators::p_const(p.tau_m, p.C_m, dt)),
          P11ex(std::exp(-dt / p.tau_syn_ex)), P11in(std::exp(-dt / p.tau_syn_in)),
          P21ex(propagators::p_exp(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P21in(propagators::p_exp(p.tau_syn_in, p.tau_m, p.C_m, dt)), PA(std::exp(-dt / p.tau_reset)),
          // A is a membrane with tau = C = tau_reset driven by the PSCs.
          PAex(propagators::p_exp(p.tau_syn_ex, p.tau_reset, p.tau_reset, dt)),
          PAin(propagators::p_exp(p.tau_syn_in, p.tau_reset, p.tau_reset, dt)), theta(p.V_th - p.E_L),
          v_reset(p.V_reset - p.E_L), i_e(p.I_e), r_in(p.R_in), delta(p.Delta_reset),
          ref_steps(static_cast<double>(std::llround(p.t_ref / dt))) {}
  };

  enum Var : std::size_t { V_, I_ex_, I_in_, I_dc_, ref_, A_, B_, n_vars };
  static constexpr const char* var_names[n_vars] = {"V_m_rel", "I_ex", "I_in", "I_dc", "refractory_steps", "A", "B"};

  static std::vector<StateVar<Parameters>> state_table() {
    auto f = lif_state<Arlif>();
    f.push_back({"I_recent", A_, Dimension::current, "recent synaptic input A (pA)"});
    f.push_back({"n_recent", B_, Dimension::dimensionless, "recent spikes B"});
    return f;
  }

  template <class T>
  static T step(T (&x)[n_vars], const Propagators& q, T in_ex, T in_in) {
    const T zero{};
    const auto free = x[ref_] == 0.0;
    // A follows the PSCs before this step's input, as V does.
    x[A_] = q.PA * x[A_] + q.PAex * x[I_ex_] + q.PAin * x[I_in_];
    x[B_] = q.PA * x[B_];
    const auto [V1, ref1] = psc_exp_step(x[V_], x[ref_], x[I_ex_], x[I_in_], x[I_dc_], q, in_ex, in_in);
    const auto fired = free && V1 >= q.theta;
    const T B1 = fired ? x[B_] + 1.0 : x[B_];
    const T r = q.v_reset + q.r_in * x[A_] - q.delta * B1;
    const T reset = r < q.theta ? r : zero + q.theta;
    x[B_] = B1;
    x[V_] = fired ? reset : V1;
    x[ref_] = fired ? zero + q.ref_steps : ref1;
    return fired ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
