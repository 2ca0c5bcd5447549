#pragma once
// The time grid: every time in myelin is an integer step of dt. Steps are
// signed 64-bit so that "no spike yet" and differences need no special case.
#include <cmath>
#include <cstdint>

namespace myelin {

using Step = std::int64_t;

/// ms -> nearest step. Used for delays (NEST rounds delays to the grid).
inline Step to_steps(double ms, double dt) { return static_cast<Step>(std::llround(ms / dt)); }

/// True when ms is a multiple of dt within floating-point noise.
inline bool on_grid(double ms, double dt) {
  const double k = ms / dt;
  return std::fabs(k - std::round(k)) < 1e-6;
}

}  // namespace myelin
