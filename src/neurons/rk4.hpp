#pragma once
// Classical fourth-order Runge-Kutta for the nonlinear neuron models, with
// synaptic variables that decay exponentially and are therefore given in
// closed form at the stage times (no integration error from them).
#include <cmath>
#include <cstddef>

namespace myelin::rk4 {

/// Substeps of at most 0.05 ms per simulation step: small enough that the
/// fastest synapse (tau 0.2 ms) stays accurate, few enough that a step
/// costs a handful of exponentials.
inline int substeps(double dt) { return static_cast<int>(std::ceil(dt / 0.05 - 1e-9)); }

/// The substeps of one simulation step and the decay factors of the two
/// exponential synaptic variables over half and whole substeps: what
/// iaf_cond_exp needs to evaluate them at the stage times.
struct ExpSynapseSubsteps {
  int n;                    ///< substeps per step
  double h;                 ///< substep (ms)
  double half_ex, full_ex;  ///< e^{-h/2 tau_syn_ex}, e^{-h/tau_syn_ex}
  double half_in, full_in;
  ExpSynapseSubsteps(double dt, double tau_ex, double tau_in)
      : n(substeps(dt)), h(dt / n), half_ex(std::exp(-0.5 * h / tau_ex)), full_ex(std::exp(-h / tau_ex)),
        half_in(std::exp(-0.5 * h / tau_in)), full_in(std::exp(-h / tau_in)) {}
  /// An excitatory (inhibitory) variable x at the stage offsets 0, h/2, h.
  void ex(double x, double (&at)[3]) const { at[0] = x, at[1] = x * half_ex, at[2] = x * full_ex; }
  void in(double x, double (&at)[3]) const { at[0] = x, at[1] = x * half_in, at[2] = x * full_in; }
};

/// One RK4 step of length h for y' = f(s, y) (s: offset into the step, 0,
/// h/2 or h, at which the closed-form synaptic variables are evaluated).
template <std::size_t N, class F>
inline void step(double (&y)[N], double h, F&& f) {
  double k1[N], k2[N], k3[N], k4[N], t[N];
  f(0, y, k1);
  for (std::size_t i = 0; i < N; ++i) t[i] = y[i] + 0.5 * h * k1[i];
  f(1, t, k2);
  for (std::size_t i = 0; i < N; ++i) t[i] = y[i] + 0.5 * h * k2[i];
  f(1, t, k3);
  for (std::size_t i = 0; i < N; ++i) t[i] = y[i] + h * k3[i];
  f(2, t, k4);
  for (std::size_t i = 0; i < N; ++i) y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
}

}  // namespace myelin::rk4
