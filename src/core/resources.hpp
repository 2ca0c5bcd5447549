#pragma once
// Measuring the process: peak resident memory and wall-clock time.
#include <chrono>
#include <string>

namespace myelin {

/// Peak resident set size of this process in MiB (VmHWM), 0 if unknown.
double peak_memory_mb();

/// The memory this process may use, in MiB: the smallest of the cgroup's
/// limit (v2 memory.max or v1 memory.limit_in_bytes), `ulimit -v` and the
/// physical memory; `source` names which.
double memory_available_mb(std::string* source);

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
