#pragma once
// The delay-aware exchange's schedule, shared by the exchange itself and by
// the placement metrics that predict it. A pair of ranks whose smallest
// delay is D steps talks every interval(D, m) steps (m: the slice, the
// global minimum delay); the spikes of an interval starting at T must have
// arrived before the slice that holds T + D, deadline_lag(D, m) after T.
#include <bit>
#include <cstdint>

namespace myelin {

/// The largest m 2^k not above d (d >= m).
inline std::uint64_t exchange_interval(std::uint64_t d, std::uint64_t m) { return m * std::bit_floor(d / m); }

/// The start of the slice holding step T + d, relative to T.
inline std::uint64_t exchange_deadline_lag(std::uint64_t d, std::uint64_t m) { return m * (d / m); }

/// Delay tier of a pair: k for intervals of m 2^k.
inline unsigned exchange_tier(std::uint64_t d, std::uint64_t m) {
  return static_cast<unsigned>(std::countr_zero(exchange_interval(d, m) / m));
}

}  // namespace myelin
