#pragma once
// Measuring the process: peak resident memory and wall-clock time.
#include <chrono>

namespace myelin {

/// Peak resident set size of this process in MiB (VmHWM), 0 if unknown.
double peak_memory_mb();

class WallTimer {
 public:
  WallTimer() : start_(std::chrono::steady_clock::now()) {}
  double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace myelin
