#pragma once
// Input ring buffers for all local neurons, neuron-major: one neuron's slots
// are contiguous, so delivering a spike's row (sorted by target) walks
// memory forwards, and a neuron update reads one line per step.
//
// Values are fixed point (2^-32 pA) in int64: integer addition is
// associative, so the sum in a slot is the same whatever order spikes are
// delivered in — across threads, ranks and exchange schedules
// (DESIGN.md invariant 2). Range: +-2^31 pA per slot and step.
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/time_grid.hpp"

namespace myelin {

inline constexpr double fixed_point_scale = 0x1p32;

/// Converts a float weight to fixed point. Exact for |w| >= 2^-9 pA; below
/// that truncates at 2^-32 pA, identically on every rank.
inline std::int64_t to_fixed(float w) { return static_cast<std::int64_t>(w * 0x1p32f); }
inline double from_fixed(std::int64_t x) { return static_cast<double>(x) * 0x1p-32; }

class RingBuffer {
 public:
  static constexpr int channels = 2;  ///< 0: excitatory (w >= 0), 1: inhibitory

  RingBuffer() = default;
  /// @param slots_needed  max delay + 1 in steps (rounded up to a power of two)
  RingBuffer(std::size_t neurons, std::size_t slots_needed)
      : slots_(std::bit_ceil(slots_needed < 2 ? std::size_t{2} : slots_needed)),
        mask_(slots_ - 1), data_(neurons * slots_ * channels, 0) {}

  std::size_t slots() const { return slots_; }
  std::size_t stride() const { return slots_ * channels; }
  std::uint64_t mask() const { return mask_; }
  std::int64_t* data() { return data_.data(); }
  std::size_t bytes() const { return data_.size() * sizeof(std::int64_t); }

  /// The two channels of one neuron at one step.
  std::int64_t* slot(std::size_t neuron, Step step) {
    return data_.data() + neuron * stride() + (static_cast<std::uint64_t>(step) & mask_) * channels;
  }

 private:
  std::size_t slots_ = 2;
  std::uint64_t mask_ = 1;
  std::vector<std::int64_t> data_;
};

}  // namespace myelin
