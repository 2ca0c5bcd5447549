#pragma once
// Poisson counts by table inversion: the CDF for a fixed mean is tabulated
// once, so one draw costs one 32-bit uniform u and a count of thresholds
// below u. Poisson background input is drawn per neuron and per step, which
// makes this the hottest loop after spike delivery. Most draws are one load:
// a 4096-entry table indexed by the top 12 bits of u holds the count
// wherever that bucket contains no threshold (all but ~0.5 % for the means
// of background input). The rest use a fixed 32-wide branch-free count
// (a search loop mispredicts its exit on nearly every draw), or a binary
// search for large means. All three give the same count for the same u.
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace myelin {

class PoissonTable {
 public:
  PoissonTable() : PoissonTable(0.0) {}
  explicit PoissonTable(double mean) : mean_(mean) {
    fast_.fill(~0u);
    lut_.fill(0);
    if (mean <= 0.0) return;
    // count = #{k : cdf_k <= (u + 1/2) 2^-32} = #{k : u >= T_k},
    // T_k = ceil(cdf_k 2^32 - 1/2). Tabulate until the tail is below 2^-34.
    double p = std::exp(-mean), cdf = p;
    for (std::uint32_t k = 1;; ++k) {
      const double t = std::ceil(cdf * 0x1p32 - 0.5);
      thresholds_.push_back(t >= 0x1p32 ? ~0ull + 0.0 : t);
      if (cdf >= 1.0 - 0x1p-34 || k > 100000) break;
      p *= mean / k;
      cdf += p;
    }
    use_fast_ = thresholds_.size() <= fast_.size() && thresholds_[0] >= 1.0;
    if (use_fast_)
      for (std::size_t k = 0; k < thresholds_.size(); ++k)
        fast_[k] = thresholds_[k] >= 0x1p32 ? ~0u : static_cast<std::uint32_t>(thresholds_[k] - 1.0);  // u > T_k - 1
    for (std::uint32_t b = 0; b < lut_.size(); ++b) {
      const std::uint32_t lo = b << lut_shift, hi = lo | ((1u << lut_shift) - 1);
      const std::uint32_t c = count(lo);
      lut_[b] = (c == count(hi) && c < ambiguous) ? static_cast<std::uint8_t>(c) : ambiguous;
    }
  }
  double mean() const { return mean_; }

  /// Count for one uniform 32-bit word.
  std::uint32_t draw(std::uint32_t u) const {
    const std::uint8_t c = lut_[u >> lut_shift];
    return c != ambiguous ? c : count(u);
  }

 private:
  static constexpr int lut_shift = 20;
  static constexpr std::uint8_t ambiguous = 255;

  std::uint32_t count(std::uint32_t u) const {
    if (use_fast_) {
      std::uint32_t c = 0;
      for (std::size_t k = 0; k < fast_.size(); ++k) c += u > fast_[k] ? 1u : 0u;
      return c;
    }
    // Large means: binary search for the first threshold above u.
    const double x = u;
    std::size_t lo = 0, hi = thresholds_.size();
    while (lo < hi) {
      const std::size_t mid = (lo + hi) / 2;
      if (x >= thresholds_[mid]) lo = mid + 1; else hi = mid;
    }
    return static_cast<std::uint32_t>(lo);
  }

  double mean_ = 0.0;
  bool use_fast_ = false;
  alignas(64) std::array<std::uint32_t, 32> fast_;  ///< T_k - 1; ~0u never counts
  std::vector<double> thresholds_;
  std::array<std::uint8_t, 4096> lut_;  ///< count per top-12-bit bucket, or `ambiguous`
};

}  // namespace myelin
