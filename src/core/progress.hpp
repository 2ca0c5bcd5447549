#pragma once
// The progress line on stderr during long runs: biological time, real-time
// factor, ETA and spike rate. On a terminal it redraws one line; in a log
// file (batch jobs) it writes a line every 10 s so logs stay short.
#include <cstdint>
#include <functional>

#include "core/resources.hpp"

namespace myelin {

/// Where the run stands, as the line shows it.
struct ProgressPoint {
  double t_ms = 0, t_start_ms = 0, t_stop_ms = 0;
  double wall_s = 0;  ///< since this Progress was made
  double rtf = 0;     ///< wall seconds per biological second so far
  double eta_s = 0;
  bool final = false;
};

class Progress {
 public:
  /// From t_start_ms (0, or a restored checkpoint's time) to t_stop_ms.
  Progress(double t_start_ms, double t_stop_ms, bool enabled);
  /// Called by one thread after each slice; cheap when nothing is printed.
  void update(double t_ms, std::uint64_t spikes_total);
  void finish(double t_ms, std::uint64_t spikes_total);
  /// Also tells `listener` where the run stands every `every_s` seconds and
  /// at finish, whether or not the line is shown (the progress file).
  void listen(std::function<void(const ProgressPoint&)> listener, double every_s);

 private:
  ProgressPoint point(double t_ms, bool final) const;
  void print(double t_ms, std::uint64_t spikes_total, bool final);
  double t_start_, t_stop_;
  bool enabled_, tty_;
  WallTimer timer_;
  double next_print_s_;
  std::function<void(const ProgressPoint&)> listener_;
  double listen_every_s_ = 0, next_listen_s_ = 0;
};

}  // namespace myelin
