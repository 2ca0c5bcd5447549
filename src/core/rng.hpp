#pragma once
// Counter-based random streams (Random123 Philox4x32-10). A stream is named
// by (seed, purpose, object, gid); its n-th number is a pure function of that
// name and n. So connections, weights and Poisson input are the same whatever
// thread or rank draws them (DESIGN.md invariant 2), and a stream never needs
// to be stored or advanced in order: a checkpoint only needs the step.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace myelin {

/// What a stream is for. Purposes separate streams that share a gid.
enum class Purpose : std::uint32_t {
  connect = 1,      ///< per projection, per target gid (or per source for fixed_outdegree)
  connect_total = 2,///< per projection: how many connections each target gets
  initial_state = 3,///< per population, per gid
  poisson = 4,      ///< per stimulus, per target gid, counter = step / 4
};

inline std::uint32_t purpose_key(Purpose p, std::uint32_t object) {
  // 8 bits purpose, 24 bits object index (projection/stimulus/population).
  return (static_cast<std::uint32_t>(p) << 24) | (object & 0xFFFFFFu);
}

/// Four 32-bit words for one (key, counter) pair: the raw building block.
inline r123::Philox4x32::ctr_type philox(std::uint32_t seed, std::uint32_t key1, std::uint64_t a,
                                         std::uint64_t b) {
  r123::Philox4x32 gen;
  r123::Philox4x32::ctr_type c = {{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32),
                                   static_cast<std::uint32_t>(b), static_cast<std::uint32_t>(b >> 32)}};
  r123::Philox4x32::key_type k = {{seed, key1}};
  return gen(c, k);
}

/// A sequential view of one keyed stream: draw() returns the stream's
/// numbers in order, four per Philox call.
class Stream {
 public:
  Stream(std::uint32_t seed, Purpose purpose, std::uint32_t object, std::uint64_t gid)
      : seed_(seed), key1_(purpose_key(purpose, object)), gid_(gid) {}

  std::uint32_t next_u32() {
    if (used_ == 4) {
      block_ = philox(seed_, key1_, gid_, counter_++);
      used_ = 0;
    }
    return block_.v[used_++];
  }
  /// Uniform in (0, 1), never exactly 0 or 1 (safe for log).
  double uniform() { return (static_cast<double>(next_u32()) + 0.5) * 0x1p-32; }
  /// Uniform in [0, 1) with 53 random bits, for parameters that need them.
  double uniform53() {
    const std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;
    return static_cast<double>((hi << 26) | lo) * 0x1p-53;
  }
  /// Uniform integer in [0, n) (Lemire's multiply-shift with rejection).
  std::uint64_t below(std::uint64_t n) {
    if (n <= 0xFFFFFFFFull) {
      const auto n32 = static_cast<std::uint32_t>(n);
      std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n32;
      auto low = static_cast<std::uint32_t>(m);
      if (low < n32) {
        const std::uint32_t threshold = static_cast<std::uint32_t>(-n32) % n32;
        while (low < threshold) {
          m = static_cast<std::uint64_t>(next_u32()) * n32;
          low = static_cast<std::uint32_t>(m);
        }
      }
      return m >> 32;
    }
    // Populations beyond 2^32 neurons: 64-bit draw with rejection.
    const std::uint64_t limit = ~0ull - (~0ull % n);
    std::uint64_t x;
    do {
      x = (static_cast<std::uint64_t>(next_u32()) << 32) | next_u32();
    } while (x >= limit);
    return x % n;
  }
  /// Standard normal by Box-Muller (one pair per call; the second value is
  /// discarded so that the stream position does not depend on history).
  double normal() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  std::uint32_t seed_, key1_;
  std::uint64_t gid_;
  std::uint64_t counter_ = 0;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 4;
};

}  // namespace myelin
