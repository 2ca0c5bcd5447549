#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace myelin {

Progress::Progress(double t_start_ms, double t_stop_ms, bool enabled)
    : t_start_(t_start_ms), t_stop_(t_stop_ms), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0),
      next_print_s_(tty_ ? 0.5 : 10.0) {}

void Progress::update(double t_ms, std::uint64_t spikes_total) {
  if (!enabled_) return;
  if (timer_.seconds() < next_print_s_) return;
  next_print_s_ = timer_.seconds() + (tty_ ? 0.5 : 10.0);
  print(t_ms, spikes_total, false);
}

void Progress::finish(double t_ms, std::uint64_t spikes_total) {
  if (!enabled_) return;
  print(t_ms, spikes_total, true);
}

void Progress::print(double t_ms, std::uint64_t spikes_total, bool final) {
  const double wall = timer_.seconds();
  const double done = t_ms - t_start_;
  const double rtf = done > 0 ? wall / (done * 1e-3) : 0.0;
  const double eta = done > 0 ? wall * (t_stop_ - t_ms) / done : 0.0;
  const double spikes_per_s = wall > 0 ? spikes_total / wall : 0.0;
  std::fprintf(stderr, "%s[myelin] %9.1f / %.1f ms (%5.1f%%)  RTF %6.2f  ETA %6.1f s  %.3g spikes/s%s",
               tty_ ? "\r" : "", t_ms, t_stop_, t_stop_ > 0 ? 100.0 * t_ms / t_stop_ : 100.0, rtf,
               final ? 0.0 : eta, spikes_per_s, (final || !tty_) ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace myelin
