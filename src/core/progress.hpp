#pragma once
// The progress line on stderr during long runs: biological time, real-time
// factor, ETA and spike rate. On a terminal it redraws one line; in a log
// file (batch jobs) it writes a line every 10 s so logs stay short.
#include <cstdint>

#include "core/resources.hpp"

namespace myelin {

class Progress {
 public:
  Progress(double t_stop_ms, bool enabled);
  /// Called by one thread after each slice; cheap when nothing is printed.
  void update(double t_ms, std::uint64_t spikes_total);
  void finish(double t_ms, std::uint64_t spikes_total);

 private:
  void print(double t_ms, std::uint64_t spikes_total, bool final);
  double t_stop_;
  bool enabled_, tty_;
  WallTimer timer_;
  double next_print_s_;
};

}  // namespace myelin
