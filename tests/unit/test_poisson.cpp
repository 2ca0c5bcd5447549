#include <gtest/gtest.h>

#include <cmath>

#include "core/poisson.hpp"
#include "core/rng.hpp"

using namespace myelin;

TEST(PoissonTable, MeanAndVarianceMatch) {
  for (double mean : {0.05, 1.7789, 8.0, 60.0}) {  // fast path and binary search
    PoissonTable t(mean);
    Stream s(7, Purpose::poisson, 0, 0);
    const int n = 400000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      const double k = t.draw(s.next_u32());
      sum += k;
      sum2 += k * k;
    }
    const double m = sum / n, var = sum2 / n - m * m;
    EXPECT_NEAR(m, mean, 5 * std::sqrt(mean / n)) << mean;
    EXPECT_NEAR(var, mean, 0.02 * mean + 5 * mean * std::sqrt(2.0 / n)) << mean;
  }
}

TEST(PoissonTable, ExtremesOfTheUniform) {
  PoissonTable t(2.0);
  EXPECT_EQ(t.draw(0), 0u);            // u ~ 0 -> the smallest count
  EXPECT_GE(t.draw(0xFFFFFFFFu), 10u);  // u ~ 1 -> deep in the tail
  EXPECT_EQ(PoissonTable(0.0).draw(0xFFFFFFFFu), 0u);
}

TEST(Stream, IsAPureFunctionOfItsName) {
  Stream a(1, Purpose::connect, 3, 99), b(1, Purpose::connect, 3, 99), c(1, Purpose::connect, 3, 100);
  for (int i = 0; i < 10; ++i) {
    const auto x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    if (i == 0) {
      EXPECT_NE(x, c.next_u32());
    }
  }
}

TEST(Stream, BelowIsUniform) {
  Stream s(3, Purpose::connect, 0, 0);
  std::vector<int> hist(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++hist[s.below(7)];
  for (int h : hist) EXPECT_NEAR(h, n / 7, 5 * std::sqrt(n / 7.0));
}
