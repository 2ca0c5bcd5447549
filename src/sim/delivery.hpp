#pragma once
// Spike delivery, the hottest loop: walk the source's row in one part and
// add each weight into its target's slot at t + delay. A delay segment
// writes into one ring-buffer plane, in increasing target order.
#include <bit>
#include <cstdint>

#include "build/connectivity.hpp"
#include "core/ring_buffer.hpp"

namespace myelin {

/// Delivers a spike of `source` emitted in step t; returns events delivered.
inline std::uint64_t deliver(const ConnectivityPart& c, std::uint64_t source, Step t, RingBuffer& rb) {
  const std::uint64_t s0 = c.row[source], s1 = c.row[source + 1];
  if (s0 == s1) return 0;
  const StaticSynapse* const syn = c.syn.data();
  for (std::uint64_t j = s0; j < s1; ++j) {
    const DelaySegment seg = c.segs[j];
    const std::uint64_t end = c.segs[j + 1].begin();
    std::int64_t* const base = rb.plane(t + seg.delay());
    for (std::uint64_t k = seg.begin(); k < end; ++k) {
      const StaticSynapse s = syn[k];
      // Channel from the sign bit: no branch on excitatory vs inhibitory.
      base[static_cast<std::size_t>(s.target) * RingBuffer::channels + (std::bit_cast<std::uint32_t>(s.weight) >> 31)] +=
          to_fixed(s.weight);
    }
  }
  return c.segs[s1].begin() - c.segs[s0].begin();
}

}  // namespace myelin
