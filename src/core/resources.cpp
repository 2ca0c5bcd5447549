#include "core/resources.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace myelin {
namespace {

/// A number of bytes in a file (a cgroup limit), or 0 when absent or unlimited.
double bytes_in(const char* path) {
  std::ifstream f(path);
  std::string s;
  if (!(f >> s) || s == "max") return 0.0;
  try {
    const double b = std::stod(s);
    return b > 0 && b < 1e18 ? b : 0.0;  // v1 reports "unlimited" as a huge number
  } catch (const std::exception&) {
    return 0.0;
  }
}

}  // namespace

double memory_available_mb(std::string* source) {
  double best = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGESIZE));
  *source = "physical memory";
  const auto consider = [&](double bytes, const char* what) {
    if (bytes > 0 && bytes < best) {
      best = bytes;
      *source = what;
    }
  };
  consider(bytes_in("/sys/fs/cgroup/memory.max"), "the cgroup's memory.max");
  consider(bytes_in("/sys/fs/cgroup/memory/memory.limit_in_bytes"), "the cgroup's memory limit");
  rlimit r{};
  if (getrlimit(RLIMIT_AS, &r) == 0 && r.rlim_cur != RLIM_INFINITY) consider(static_cast<double>(r.rlim_cur), "ulimit -v");
  return best / 1048576.0;
}

double peak_memory_mb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
  }
  return 0.0;
}

}  // namespace myelin
