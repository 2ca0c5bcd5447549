#pragma once
// Input ring buffers for all local neurons, time-major: one plane per step
// holds every local neuron's two input channels. All synapses of a delay
// segment write into one plane (16 B x neurons: 200 KB for Brunel, which
// stays in L2) in increasing target order. A neuron-major layout spreads
// the same events over max_delay times more memory: with int64 slots it
// measured 1.7e8 events/s per core against 2.6e8 for this one (Brunel).
//
// Values are fixed point (2^-32 pA) in int64: integer addition is
// associative, so the sum in a slot is the same whatever order spikes are
// delivered in — across threads, ranks and exchange schedules
// (DESIGN.md invariant 2). Range: +-2^31 pA per slot and step.
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/time_grid.hpp"

namespace myelin {

/// The largest weight magnitude a model may give (pA, nS or mV): far below
/// the slots' +-2^31, so that every step's sum stays exact, and it makes
/// infinite or absurd weights input errors (the loader checks it).
inline constexpr double max_weight = 1e6;

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
      : neurons_(neurons), slots_(std::bit_ceil(slots_needed < 2 ? std::size_t{2} : slots_needed)),
        mask_(slots_ - 1), data_(neurons * slots_ * channels, 0) {}

  std::size_t slots() const { return slots_; }
  std::size_t bytes() const { return data_.size() * sizeof(std::int64_t); }

  /// The plane of one step: channel c of local neuron n is plane[n * 2 + c].
  std::int64_t* plane(Step step) {
    return data_.data() + (static_cast<std::uint64_t>(step) & mask_) * neurons_ * channels;
  }
  /// The two channels of one neuron at one step.
  std::int64_t* slot(std::size_t neuron, Step step) { return plane(step) + neuron * channels; }

 private:
  std::size_t neurons_ = 0;
  std::size_t slots_ = 2;
  std::uint64_t mask_ = 1;
  huge_vector<std::int64_t> data_;
};

}  // namespace myelin
