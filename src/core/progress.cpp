#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace myelin {

Progress::Progress(double t_start_ms, double t_stop_ms, bool enabled)
    : t_start_(t_start_ms), t_stop_(t_stop_ms), enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0),
      next_print_s_(tty_ ? 0.5 : 10.0) {}

void Progress::listen(std::function<void(const ProgressPoint&)> listener, double every_s) {
  listener_ = std::move(listener);
  listen_every_s_ = every_s;
  next_listen_s_ = 0.0;
}

ProgressPoint Progress::point(double t_ms, bool final) const {
  ProgressPoint p;
  p.t_ms = t_ms;
  p.t_start_ms = t_start_;
  p.t_stop_ms = t_stop_;
  p.wall_s = timer_.seconds();
  const double done = t_ms - t_start_;
  p.rtf = done > 0 ? p.wall_s / (done * 1e-3) : 0.0;
  p.eta_s = done > 0 && !final ? p.wall_s * (t_stop_ - t_ms) / done : 0.0;
  p.final = final;
  return p;
}

void Progress::update(double t_ms, std::uint64_t spikes_total) {
  if (listener_ && timer_.seconds() >= next_listen_s_) {
    next_listen_s_ = timer_.seconds() + listen_every_s_;
    listener_(point(t_ms, false));
  }
  if (!enabled_) return;
  if (timer_.seconds() < next_print_s_) return;
  next_print_s_ = timer_.seconds() + (tty_ ? 0.5 : 10.0);
  print(t_ms, spikes_total, false);
}

void Progress::finish(double t_ms, std::uint64_t spikes_total) {
  if (listener_) listener_(point(t_ms, true));
  if (!enabled_) return;
  print(t_ms, spikes_total, true);
}

void Progress::print(double t_ms, std::uint64_t spikes_total, bool final) {
  const ProgressPoint p = point(t_ms, final);
  const double wall = p.wall_s, rtf = p.rtf, eta = p.eta_s;
  const double spikes_per_s = wall > 0 ? spikes_total / wall : 0.0;
  std::fprintf(stderr, "%s[myelin] %9.1f / %.1f ms (%5.1f%%)  RTF %6.2f  ETA %6.1f s  %.3g spikes/s%s",
               tty_ ? "\r" : "", t_ms, t_stop_, t_stop_ > 0 ? 100.0 * t_ms / t_stop_ : 100.0, rtf,
               final ? 0.0 : eta, spikes_per_s, (final || !tty_) ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace myelin
