#pragma once
// Embedded Runge-Kutta-Fehlberg 4(5) with adaptive step size: the
// integrator NEST's GSL-based neuron models use (gsl_odeiv_step_rkf45,
// gsl_odeiv_control_yp_new(tol, tol), gsl_odeiv_evolve_apply), written
// out so that the right-hand side inlines and no workspace is allocated.
//
// The semantics follow GSL's driver, which is what makes a model agree
// with NEST's: one call takes one accepted step from t towards t1 (a step
// that would pass t1 is clipped to it); a rejected step is retried with a
// smaller h; the step proposed for the next call is returned in h, and a
// neuron keeps it from one simulation step to the next. The error test is
// GSL's "yp" control: |err_i| <= tol + tol * h * |dy_i/dt| at the end of
// the step, and the new step is 0.9 (tol/err)^(1/5) h after a rejection
// (at least h/5), 0.9 (tol/err)^(1/6) h when the error is below half the
// tolerance (at most 5 h, never less than h).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace myelin::rkf45 {

/// One trial step of length h from y (derivative dy0 there), writing the
/// fifth-order solution to out, its error estimate to err and the
/// derivative at the end to dy1. rhs(y, dy) evaluates the system.
template <std::size_t N, class F>
inline void trial(const double (&y)[N], const double (&dy0)[N], double h, F& rhs, double (&out)[N],
                  double (&err)[N], double (&dy1)[N]) {
  // Fehlberg's tableau (nodes 1/4, 3/8, 12/13, 1, 1/2).
  double k2[N], k3[N], k4[N], k5[N], k6[N], t[N];
  for (std::size_t i = 0; i < N; ++i) t[i] = y[i] + h * (1.0 / 4.0) * dy0[i];
  rhs(t, k2);
  for (std::size_t i = 0; i < N; ++i) t[i] = y[i] + h * (3.0 / 32.0 * dy0[i] + 9.0 / 32.0 * k2[i]);
  rhs(t, k3);
  for (std::size_t i = 0; i < N; ++i)
    t[i] = y[i] + h * (1932.0 / 2197.0 * dy0[i] - 7200.0 / 2197.0 * k2[i] + 7296.0 / 2197.0 * k3[i]);
  rhs(t, k4);
  for (std::size_t i = 0; i < N; ++i)
    t[i] = y[i] + h * (439.0 / 216.0 * dy0[i] - 8.0 * k2[i] + 3680.0 / 513.0 * k3[i] - 845.0 / 4104.0 * k4[i]);
  rhs(t, k5);
  for (std::size_t i = 0; i < N; ++i)
    t[i] = y[i] + h * (-8.0 / 27.0 * dy0[i] + 2.0 * k2[i] - 3544.0 / 2565.0 * k3[i] + 1859.0 / 4104.0 * k4[i] -
                       11.0 / 40.0 * k5[i]);
  rhs(t, k6);
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = y[i] + h * (16.0 / 135.0 * dy0[i] + 6656.0 / 12825.0 * k3[i] + 28561.0 / 56430.0 * k4[i] -
                         9.0 / 50.0 * k5[i] + 2.0 / 55.0 * k6[i]);
    // fifth- minus fourth-order weights
    err[i] = h * (1.0 / 360.0 * dy0[i] - 128.0 / 4275.0 * k3[i] - 2197.0 / 75240.0 * k4[i] + 1.0 / 50.0 * k5[i] +
                  2.0 / 55.0 * k6[i]);
  }
  rhs(out, dy1);
}

/// The largest ratio of error to allowed error over the components.
template <std::size_t N>
inline double error_ratio(const double (&err)[N], const double (&dy1)[N], double h, double tol) {
  double r = std::numeric_limits<double>::min();
  for (std::size_t i = 0; i < N; ++i) r = std::max(r, std::abs(err[i]) / (tol + tol * h * std::abs(dy1[i])));
  return r;
}

/// One accepted step from t towards t1 (t < t1): advances y and t, and
/// leaves in h the step proposed for the next call. dy holds rhs(y) on
/// entry and rhs of the new y on return: the derivative at the end of an
/// accepted step is the one at the start of the next, so it is not
/// evaluated twice (GSL evaluates it again, to the same bits).
template <std::size_t N, class F>
inline void evolve(double (&y)[N], double (&dy)[N], double& t, double t1, double& h, double tol, F&& rhs) {
  double out[N], err[N], dy1[N];
  const double (&dy0)[N] = dy;
  for (;;) {
    const bool last = h > t1 - t;
    const double step = last ? t1 - t : h;
    trial(y, dy0, step, rhs, out, err, dy1);
    const double r = error_ratio(err, dy1, step, tol);
    if (r > 1.1) {
      const double smaller = step * std::max(0.2, 0.9 / std::pow(r, 1.0 / 5.0));
      // Retry with the smaller step unless it would no longer move t.
      if (smaller < step && t + smaller != t) {
        h = smaller;
        continue;
      }
      h = step;
    } else if (r < 0.5) {
      h = step * std::clamp(0.9 / std::pow(r, 1.0 / 6.0), 1.0, 5.0);
    } else {
      h = step;
    }
    t = last ? t1 : t + step;
    for (std::size_t i = 0; i < N; ++i) y[i] = out[i], dy[i] = dy1[i];
    return;
  }
}

}  // namespace myelin::rkf45
