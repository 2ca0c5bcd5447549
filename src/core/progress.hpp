#pragma once
// The progress line on stderr during long runs: biological time, real-time
// factor, ETA and spike rate. On a terminal it redraws one line; in a log
// file (batch jobs) it writes a line every 10 s so logs stay short.
#include <cstdint>

#include "core/resources.hpp"

namespace myelin {

class Progress {
 public:
  /// From t_start_ms (0, or a restored checkpoint's time) to t_stop_ms.
  Progress(double t_start_ms, double t_stop_ms, bool enabled);
  /// Called by one thread after each slice; cheap when nothing is printed.
  void update(double t_ms, std::uint64_t spikes_total);
  void finish(double t_ms, std::uint64_t spikes_total);

 private:
  void print(double t_ms, std::uint64_t spikes_total, bool final);
  double t_start_, t_stop_;
  bool enabled_, tty_;
  WallTimer timer_;
  double next_print_s_;
};

}  // namespace myelin
