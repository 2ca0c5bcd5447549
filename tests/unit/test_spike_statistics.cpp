// The statistics behind `myelin validate --mode stats`, on trains whose
// values are known, and the exact matcher on a hand-made pair of trains.
#include <gtest/gtest.h>

#include <cmath>

#include "myelin/error.hpp"
#include "validation/exact_match.hpp"
#include "validation/spike_statistics.hpp"

using namespace myelin;

TEST(SpikeStatistics, RatesCvAndFanoOfKnownTrains) {
  // Node 0: regular every 100 ms (10 Hz, CV 0, Fano 0 in 100 ms bins);
  // node 1: silent; node 2: two spikes (rate only).
  PopulationSpikes p{"E", {}, {}};
  for (int k = 0; k < 10; ++k) {
    p.node_ids.push_back(0);
    p.timestamps.push_back(50.0 + 100.0 * k);
  }
  p.node_ids.insert(p.node_ids.end(), {2, 2});
  p.timestamps.insert(p.timestamps.end(), {10.0, 20.0});
  StatsOptions o;
  o.t_stop = 1000.0;
  const PopulationStatistics s = population_statistics(p, 3, o);
  ASSERT_EQ(s.rate.size(), 3u);
  EXPECT_DOUBLE_EQ(s.rate[0], 10.0);
  EXPECT_DOUBLE_EQ(s.rate[1], 0.0);
  EXPECT_DOUBLE_EQ(s.rate[2], 2.0);
  ASSERT_EQ(s.cv.size(), 1u);
  EXPECT_NEAR(s.cv[0], 0.0, 1e-12);
  EXPECT_NEAR(s.fano[0], 0.0, 1e-12);
}

TEST(SpikeStatistics, KsDistanceAndEffectSize) {
  std::vector<double> a, b;
  for (int k = 1; k <= 10; ++k) {
    a.push_back(k);
    b.push_back(k + 5);
  }
  const SampleComparison same = compare_samples(a, a);
  EXPECT_EQ(same.ks, 0.0);
  EXPECT_EQ(same.effect, 0.0);
  EXPECT_NEAR(same.p, 1.0, 1e-9);
  const SampleComparison shifted = compare_samples(a, b);
  EXPECT_DOUBLE_EQ(shifted.ks, 0.5);
  // Means 5.5 and 10.5, both sd sqrt(55/6): d = -5 / 3.0277.
  EXPECT_NEAR(shifted.effect, -5.0 / std::sqrt(55.0 / 6.0), 1e-12);
  EXPECT_LT(shifted.p, 0.2);
  EXPECT_EQ(compare_samples({}, a).ks, 1.0);
}

TEST(ExactMatch, FindsTheFirstDivergence) {
  const PopulationSpikes run{"A", {0, 1, 0, 1}, {1.0, 2.0, 5.0, 9.0}};
  const PopulationSpikes ref{"A", {0, 1, 0, 1}, {1.05, 2.0, 5.0, 7.0}};
  const auto m = match_exact({run}, {ref}, 0.1, "run", "ref");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].matched, 3u);
  EXPECT_EQ(m[0].missing, 1u);
  EXPECT_EQ(m[0].extra, 1u);
  EXPECT_TRUE(m[0].diverged);
  EXPECT_EQ(m[0].node, 1u);
  EXPECT_DOUBLE_EQ(m[0].time, 7.0);
  EXPECT_TRUE(m[0].missing_first);
  EXPECT_NEAR(m[0].max_shift, 0.05, 1e-12);
  EXPECT_THROW(match_exact({run}, {PopulationSpikes{"B", {}, {}}}, 0.1, "run", "ref"), InputError);
}
