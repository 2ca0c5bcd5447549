#pragma once
// Static synapses as stored on the target rank: 8 bytes each, in rows by
// source, split into segments of equal delay, each segment sorted by target.
// The delay lives in the segment (a few per row), the sign of the weight
// chooses the excitatory or inhibitory input channel, so a synapse is only
// (target, weight). DESIGN.md allows 12 bytes; we use 8 plus the segment
// tables (about 0.1 B/synapse on Brunel, see summary.json).
#include <cstdint>

namespace myelin {

struct StaticSynapse {
  std::uint32_t target;  ///< rank-local neuron index
  float weight;          ///< pA; < 0 delivers to the inhibitory channel
};
static_assert(sizeof(StaticSynapse) == 8);

/// A run of synapses of one source with one delay: [begin, next.begin).
struct DelaySegment {
  std::uint64_t packed;  ///< begin (48 bits) | delay in steps (16 bits)
  static constexpr std::uint64_t max_delay = 0xFFFF;
  static DelaySegment make(std::uint64_t begin, std::uint64_t delay) { return {(begin << 16) | delay}; }
  std::uint64_t begin() const { return packed >> 16; }
  std::uint32_t delay() const { return static_cast<std::uint32_t>(packed & 0xFFFF); }
};
static_assert(sizeof(DelaySegment) == 8);

}  // namespace myelin
