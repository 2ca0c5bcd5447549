#include <gtest/gtest.h>

#include "core/ring_buffer.hpp"

using namespace myelin;

TEST(RingBuffer, SlotsAreAPowerOfTwoAtLeastMaxDelayPlusOne) {
  EXPECT_EQ(RingBuffer(3, 16).slots(), 16u);
  EXPECT_EQ(RingBuffer(3, 17).slots(), 32u);
  EXPECT_EQ(RingBuffer(3, 1).slots(), 2u);
}

TEST(RingBuffer, WrapsAroundWithoutMixingNeuronsOrSteps) {
  RingBuffer rb(4, 5);  // 8 slots
  // Write step s for neuron n, far past the buffer length, and read back.
  for (Step s = 0; s < 100; ++s) {
    for (std::size_t n = 0; n < 4; ++n) rb.slot(n, s)[n % 2] += to_fixed(static_cast<float>(s * 10 + n));
    for (std::size_t n = 0; n < 4; ++n) {
      std::int64_t* slot = rb.slot(n, s);
      EXPECT_EQ(from_fixed(slot[n % 2]), static_cast<double>(s * 10 + n));
      EXPECT_EQ(slot[1 - n % 2], 0);
      slot[0] = slot[1] = 0;
    }
  }
  // Step s and s + slots share storage; s and s + 1 do not.
  EXPECT_EQ(rb.slot(2, 3), rb.slot(2, 3 + 8));
  EXPECT_NE(rb.slot(2, 3), rb.slot(2, 4));
}

TEST(RingBuffer, FixedPointSumIsOrderIndependent) {
  // The reason for fixed point: float sums depend on order, these do not.
  const float w[] = {1e-3f, 87.81f, -351.2f, 0.1f, 12345.678f, -0.004f};
  std::int64_t fwd = 0, back = 0;
  for (int i = 0; i < 6; ++i) fwd += to_fixed(w[i]);
  for (int i = 5; i >= 0; --i) back += to_fixed(w[i]);
  EXPECT_EQ(fwd, back);
  EXPECT_NEAR(from_fixed(fwd), 87.81 - 351.2 + 0.1 + 12345.678 - 0.004 + 1e-3, 1e-3);
  EXPECT_EQ(from_fixed(to_fixed(20.5f)), 20.5);  // exact for ordinary weights
}
