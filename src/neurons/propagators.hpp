#pragma once
// Exact propagators for linear subthreshold dynamics (Rotter & Diesmann
// 1999), evaluated in forms that stay accurate when tau_m ~ tau_syn: there
// the textbook expressions subtract nearly equal exponentials, which is
// where NEST needed its own special case.
//
//   dV/dt = -V/tau_m + I/C,   I: exponential or alpha-shaped current.
#include <cmath>

namespace myelin::propagators {

/// f(x) = (1 - e^{-x}) / x, continuous at 0.
inline double one_minus_exp_over_x(double x) {
  if (std::fabs(x) < 1e-5) return 1.0 - x / 2.0 + x * x / 6.0;
  return -std::expm1(-x) / x;
}

/// g(x) = (1 - e^{-x}(1 + x)) / x^2, continuous at 0 (limit 1/2).
inline double alpha_kernel_factor(double x) {
  if (std::fabs(x) < 1e-3) return 0.5 - x / 3.0 + x * x / 8.0 - x * x * x / 30.0;
  return (-std::expm1(-x) - x * std::exp(-x)) / (x * x);
}

/// Membrane response at time h to a unit current held constant: V(h) for
/// I = 1 pA, V(0) = 0.  = tau_m/C (1 - e^{-h/tau_m}).
inline double p_const(double tau_m, double C, double h) { return -tau_m / C * std::expm1(-h / tau_m); }

/// Membrane response at h to an exponential current with I(0) = 1 pA
/// (I(t) = e^{-t/tau_s}): (1/C) e^{-h/tau_m} * integral_0^h e^{-a s} ds,
/// a = 1/tau_s - 1/tau_m.
inline double p_exp(double tau_s, double tau_m, double C, double h) {
  const double a = 1.0 / tau_s - 1.0 / tau_m;
  return std::exp(-h / tau_m) * h * one_minus_exp_over_x(a * h) / C;
}

/// Membrane response at h to an alpha current started by dI(0) = 1 pA/ms
/// with I(0) = 0 (I(t) = t e^{-t/tau_s}): (1/C) e^{-h/tau_m} h^2 g(a h).
inline double p_alpha(double tau_s, double tau_m, double C, double h) {
  const double a = 1.0 / tau_s - 1.0 / tau_m;
  return std::exp(-h / tau_m) * h * h * alpha_kernel_factor(a * h) / C;
}

}  // namespace myelin::propagators
