// The exchange plan on a hand-made placement: D(a, b), who needs which
// neuron, and the delay tiers, computed for three ranks in one process.
#include <gtest/gtest.h>

#include <map>

#include "exchange/delay_aware_exchange.hpp"
#include "exchange/exchange_plan.hpp"

using namespace myelin;

namespace {

class ExplicitPlacement final : public Placement {
 public:
  explicit ExplicitPlacement(std::map<std::uint64_t, int> m) : m_(std::move(m)) {}
  int rank_of(std::uint64_t gid) const override { return m_.at(gid); }
  int ranks() const override { return 3; }
  std::string name() const override { return "explicit"; }

 private:
  std::map<std::uint64_t, int> m_;
};

struct Synapse {
  std::uint64_t src, tgt, delay;
};

// Builds every rank's plan the way build_plan does, without MPI.
std::vector<ExchangePlan> plans(const std::vector<Synapse>& syn, const ExplicitPlacement& pl, std::uint64_t m) {
  const int R = 3;
  std::vector<std::map<std::uint64_t, std::uint64_t>> in(R);  // per target rank: source -> min delay
  for (const auto& s : syn) {
    auto& d = in[static_cast<std::size_t>(pl.rank_of(s.tgt))][s.src];
    d = d == 0 ? s.delay : std::min(d, s.delay);
  }
  std::vector<std::vector<IncomingSource>> incoming(R);
  for (int r = 0; r < R; ++r)
    for (auto [g, d] : in[static_cast<std::size_t>(r)]) incoming[static_cast<std::size_t>(r)].push_back({g, d});
  std::vector<ExchangePlan> out;
  for (int a = 0; a < R; ++a) {
    std::vector<std::vector<IncomingSource>> requests(R);
    for (int b = 0; b < R; ++b)
      for (const auto& s : incoming[static_cast<std::size_t>(b)])
        if (pl.rank_of(s.gid) == a) requests[static_cast<std::size_t>(b)].push_back(s);
    std::vector<std::uint64_t> local;
    for (std::uint64_t g = 0; g < 6; ++g)
      if (pl.rank_of(g) == a) local.push_back(g);
    out.push_back(make_plan(a, R, m, requests, incoming[static_cast<std::size_t>(a)], pl, local));
  }
  return out;
}

std::vector<int> needed(const ExchangePlan& p, std::size_t i) {
  return {p.needed_ranks.begin() + static_cast<long>(p.needed_offsets[i]),
          p.needed_ranks.begin() + static_cast<long>(p.needed_offsets[i + 1])};
}

}  // namespace

TEST(ExchangePlan, DelaysNeedsAndTiersOnAHandMadePlacement) {
  // Neurons 0,1 on rank 0; 2,3 on rank 1; 4,5 on rank 2.
  const ExplicitPlacement pl({{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}});
  const std::vector<Synapse> syn = {{0, 2, 1}, {0, 3, 4}, {1, 4, 8}, {2, 0, 2}, {4, 5, 1}, {5, 1, 16}};
  const auto p = plans(syn, pl, 1);

  // D(a, b), read from both ends.
  const std::uint64_t D[3][3] = {{0, 1, 8}, {2, 0, 0}, {16, 0, 1}};
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      EXPECT_EQ(p[static_cast<std::size_t>(a)].delay_out[static_cast<std::size_t>(b)], D[a][b]) << a << "->" << b;
      EXPECT_EQ(p[static_cast<std::size_t>(b)].delay_in[static_cast<std::size_t>(a)], D[a][b]) << a << "->" << b;
    }

  // Only ranks holding a target need a spike; a rank never sends to itself.
  EXPECT_EQ(needed(p[0], 0), std::vector<int>{1});   // neuron 0 -> rank 1 (targets 2 and 3)
  EXPECT_EQ(needed(p[0], 1), std::vector<int>{2});   // neuron 1 -> rank 2
  EXPECT_EQ(needed(p[1], 0), std::vector<int>{0});   // neuron 2 -> rank 0
  EXPECT_TRUE(needed(p[1], 1).empty());              // neuron 3 has no targets
  EXPECT_TRUE(needed(p[2], 0).empty());              // neuron 4 only targets its own rank
  EXPECT_EQ(needed(p[2], 1), std::vector<int>{0});   // neuron 5 -> rank 0

  // Tiers: D in [m 2^k, m 2^(k+1)).
  ASSERT_EQ(p[0].tiers_out.size(), 4u);
  EXPECT_EQ(p[0].tiers_out[0], std::vector<int>{1});  // D = 1
  EXPECT_EQ(p[0].tiers_out[3], std::vector<int>{2});  // D = 8
  EXPECT_EQ(p[0].tiers(), 2u);
  EXPECT_EQ(p[1].tiers_out.size(), 2u);               // D = 2 -> tier 1
  EXPECT_EQ(p[1].tiers_out[1], std::vector<int>{0});
  EXPECT_EQ(p[2].tiers_out.size(), 5u);               // D = 16 -> tier 4; self (D = 1) has no tier
  EXPECT_EQ(p[2].tiers_out[4], std::vector<int>{0});
  EXPECT_EQ(p[2].tiers(), 1u);
}

TEST(ExchangePlan, TiersAreRelativeToTheGlobalMinimumDelay) {
  const ExplicitPlacement pl({{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}});
  // m = 15 steps (1.5 ms): D = 15 -> tier 0, 29 -> tier 0, 30 -> tier 1, 61 -> tier 2.
  const auto p = plans({{0, 2, 15}, {1, 4, 29}, {2, 0, 30}, {4, 1, 61}}, pl, 15);
  ASSERT_EQ(p[0].tiers_out.size(), 1u);
  EXPECT_EQ(p[0].tiers_out[0], (std::vector<int>{1, 2}));
  EXPECT_EQ(p[1].tiers_out.size(), 2u);
  EXPECT_EQ(p[2].tiers_out.size(), 3u);
}

TEST(ExchangePlan, ARequestForAForeignNeuronIsRejected) {
  const ExplicitPlacement pl({{0, 0}, {1, 0}, {2, 1}, {3, 1}, {4, 2}, {5, 2}});
  std::vector<std::vector<IncomingSource>> requests(3);
  requests[1].push_back({4, 1});  // neuron 4 is on rank 2, not 0
  EXPECT_THROW(make_plan(0, 3, 1, requests, {}, pl, {0, 1}), std::logic_error);
}

// The schedule of the delay-aware exchange: a pair with minimum delay D
// talks every m 2^k <= D steps, and the spikes of an interval starting at
// T are needed by the slice that holds T + D, never earlier.
TEST(DelayAwareSchedule, IntervalsArePowersOfTwoSlicesNotAboveTheDelay) {
  EXPECT_EQ(DelayAwareExchange::interval(1, 1), 1u);
  EXPECT_EQ(DelayAwareExchange::interval(15, 15), 15u);
  EXPECT_EQ(DelayAwareExchange::interval(29, 15), 15u);
  EXPECT_EQ(DelayAwareExchange::interval(30, 15), 30u);
  EXPECT_EQ(DelayAwareExchange::interval(100, 1), 64u);
  EXPECT_EQ(DelayAwareExchange::interval(128, 1), 128u);
  EXPECT_EQ(DelayAwareExchange::interval(25, 3), 24u);
}

TEST(DelayAwareSchedule, DeadlineIsTheSliceHoldingTheEarliestArrival) {
  // m = 1: due exactly D steps after the interval starts; 36 steps of
  // slack for D = 100 sent every 64.
  EXPECT_EQ(DelayAwareExchange::deadline_lag(100, 1), 100u);
  // m = 3, D = 25: step T + 25 lies in the slice starting at T + 24.
  EXPECT_EQ(DelayAwareExchange::deadline_lag(25, 3), 24u);
  // A pair one slice apart has no slack: due at the next boundary.
  EXPECT_EQ(DelayAwareExchange::deadline_lag(15, 15), DelayAwareExchange::interval(15, 15));
  for (std::uint64_t m : {1u, 3u, 15u})
    for (std::uint64_t d = m; d < 40 * m; ++d) {
      const std::uint64_t i = DelayAwareExchange::interval(d, m), lag = DelayAwareExchange::deadline_lag(d, m);
      // On time (lag <= D), never before it is sent (lag >= I), and the
      // next message to the pair is sent after this one is due (one buffer
      // in flight per pair is enough).
      EXPECT_LE(lag, d);
      EXPECT_GE(lag, i);
      EXPECT_LT(lag, 2 * i);
      EXPECT_EQ(lag % m, 0u);
    }
}
