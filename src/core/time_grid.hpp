#pragma once
// The time grid: every time in myelin is an integer step of dt. Steps are
// signed 64-bit so that "no spike yet" and differences need no special case.
#include <cmath>
#include <cstdint>
#include <limits>

namespace myelin {

using Step = std::int64_t;

/// ms -> nearest step. Used for delays (NEST rounds delays to the grid).
inline Step to_steps(double ms, double dt) { return static_cast<Step>(std::llround(ms / dt)); }

/// The most steps a run may have: 2^52, so that step counts stay exact in
/// a double and far from overflowing any Step arithmetic (at dt = 0.1 ms,
/// about 14,000 years of biological time).
inline constexpr double max_steps = 4503599627370496.0;

/// The first step whose emission time is at or after t (a generator's start
/// and stop); far beyond any run for an infinite t.
inline Step first_step_at(double t_ms, double dt) {
  if (!std::isfinite(t_ms)) return std::numeric_limits<Step>::max() / 4;
  return static_cast<Step>(std::ceil(t_ms / dt - 1e-9));
}

/// True when ms is a multiple of dt within floating-point noise.
inline bool on_grid(double ms, double dt) {
  const double k = ms / dt;
  return std::fabs(k - std::round(k)) < 1e-6;
}

}  // namespace myelin
