#pragma once
// Poisson counts by table inversion: the CDF for a fixed mean is tabulated
// once, so one draw costs one 32-bit uniform and a short search. Poisson
// background input is drawn per neuron and per step, which makes this the
// second-hottest loop after spike delivery.
#include <cmath>
#include <cstdint>
#include <vector>

namespace myelin {

class PoissonTable {
 public:
  PoissonTable() = default;
  explicit PoissonTable(double mean) : mean_(mean) {
    if (mean <= 0.0) return;
    // Tabulate until the tail is below the resolution of a 32-bit uniform.
    double p = std::exp(-mean), cdf = p;
    cdf_.push_back(cdf);
    for (std::uint32_t k = 1; cdf < 1.0 - 0x1p-34 && k < 1000000; ++k) {
      p *= mean / k;
      cdf += p;
      cdf_.push_back(cdf);
      if (p < 1e-300 && k > mean) break;
    }
    scaled_.reserve(cdf_.size());
    // Compare in the integer domain: count = number of thresholds <= u.
    for (double c : cdf_) scaled_.push_back(c >= 1.0 ? ~0ull : static_cast<std::uint64_t>(c * 0x1p32));
  }
  double mean() const { return mean_; }

  /// Count for one uniform 32-bit word.
  std::uint32_t draw(std::uint32_t u) const {
    const std::uint64_t x = u;
    std::uint32_t k = 0;
    const std::uint32_t n = static_cast<std::uint32_t>(scaled_.size());
    // Linear from zero: the mean per step is small (a few) for background
    // input; a binary search wins only for means above ~30.
    if (mean_ < 30.0) {
      while (k < n && x >= scaled_[k]) ++k;
      return k;
    }
    std::uint32_t lo = 0, hi = n;
    while (lo < hi) {
      const std::uint32_t mid = (lo + hi) / 2;
      if (x >= scaled_[mid]) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

 private:
  double mean_ = 0.0;
  std::vector<double> cdf_;
  std::vector<std::uint64_t> scaled_;
};

}  // namespace myelin
