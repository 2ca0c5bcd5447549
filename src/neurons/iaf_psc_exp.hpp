#pragma once
// iaf_psc_exp: leaky integrate-and-fire with exponential post-synaptic
// currents, integrated exactly on the grid with NEST's update order, so a
// NEST model moves over unchanged (NEST's iaf_psc_exp, Tsodyks et al. 1998
// current shape, Rotter & Diesmann 1999 propagators).
//
// One step k (from k*dt to (k+1)*dt), as NEST:
//   1. if not refractory: V <- P22 V + P20 (I_e + I_dc) + P21ex I_ex + P21in I_in
//      else: count down the refractory period (V stays clamped at V_reset)
//   2. I_ex <- P11ex I_ex + input_ex(k);  I_in likewise
//   3. if V >= V_th: spike (time stamp (k+1)*dt), V <- V_reset, refractory for
//      t_ref/dt steps.
// V is stored relative to E_L, as in NEST.
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "core/simd.hpp"
#include "neurons/lif_fields.hpp"
#include "neurons/propagators.hpp"
#include "neurons/psc_exp_step.hpp"

namespace myelin {

struct IafPscExp {
  static constexpr const char* name = "iaf_psc_exp";
  static constexpr Dimension weight_dim = Dimension::current;  ///< weights are pA
  static constexpr bool vectorised = true;                     ///< step() takes simd::Vec

  struct Parameters {
    double C_m = 250.0, tau_m = 10.0, tau_syn_ex = 2.0, tau_syn_in = 2.0, t_ref = 2.0;
    double E_L = -70.0, V_reset = -70.0, V_th = -55.0, I_e = 0.0;
  };

  static std::vector<Param<Parameters>> parameter_table() { return lif_parameters<Parameters>("PSC decay time"); }
  static std::string check(const Parameters& p, std::string* field) { return lif_check(p, field); }

  /// Step-invariant coefficients for one dt.
  struct Propagators {
    double P22, P20, P11ex, P11in, P21ex, P21in, theta, v_reset, i_e;
    double ref_steps;  ///< a double: it is selected in the vectorised step
    Propagators(const Parameters& p, double dt)
        : P22(std::exp(-dt / p.tau_m)), P20(propagators::p_const(p.tau_m, p.C_m, dt)),
          P11ex(std::exp(-dt / p.tau_syn_ex)), P11in(std::exp(-dt / p.tau_syn_in)),
          P21ex(propagators::p_exp(p.tau_syn_ex, p.tau_m, p.C_m, dt)),
          P21in(propagators::p_exp(p.tau_syn_in, p.tau_m, p.C_m, dt)), theta(p.V_th - p.E_L),
          v_reset(p.V_reset - p.E_L), i_e(p.I_e),
          ref_steps(static_cast<double>(std::llround(p.t_ref / dt))) {}
  };

  /// State variables: one column each in the group (VarColumns), one row
  /// each in a block of lanes being stepped.
  enum Var : std::size_t { V_, I_ex_, I_in_, I_dc_, ref_, n_vars };
  /// Checkpoint names of the variables (V relative to E_L, as stored).
  static constexpr const char* var_names[n_vars] = {"V_m_rel", "I_ex", "I_in", "I_dc", "refractory_steps"};
  static std::vector<StateVar<Parameters>> state_table() { return lif_state<IafPscExp>(); }

  /// One step of one neuron (T = double) or of SIMD lanes (T = simd::Vec);
  /// in_ex/in_in are the summed weights (pA) arriving this step. Returns 1
  /// where the neuron fired. Branch-free: both outcomes are computed and
  /// selected, lane by lane the same arithmetic as a scalar step.
  template <class T>
  static T step(T (&x)[n_vars], const Propagators& q, T in_ex, T in_in) {
    const T zero{};
    const auto [V1, ref1] = psc_exp_step(x[V_], x[ref_], x[I_ex_], x[I_in_], x[I_dc_], q, in_ex, in_in);
    x[V_] = V1 >= q.theta ? zero + q.v_reset : V1;
    x[ref_] = V1 >= q.theta ? zero + q.ref_steps : ref1;
    return V1 >= q.theta ? zero + 1.0 : zero;
  }
};

}  // namespace myelin
