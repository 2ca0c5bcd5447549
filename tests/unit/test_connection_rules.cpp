// Each connection rule's exact counts (or statistics), its autapse and
// multapse options, and the per-target determinism the builder relies on.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "build/connection_rules.hpp"

using namespace myelin;

namespace {

ConnectionSet make_set(Rule rule, std::uint64_t n_src, std::uint64_t n_tgt, bool same) {
  ConnectionSet c;
  c.field = "projection[0]";
  c.rule = rule;
  c.n_source = n_src;
  c.n_target = n_tgt;
  c.source_first_gid = 0;
  c.target_first_gid = same ? 0 : n_src;
  c.same_population = same;
  c.weight = Value::constant(2.5);
  c.delay = Value::constant(1.5);
  return c;
}

struct Edges {
  std::vector<std::vector<std::uint64_t>> in;  // sources per target (gids)
  std::uint64_t total = 0;
};

Edges collect(const ConnectionSet& c, std::uint32_t seed = 42) {
  std::vector<std::uint8_t> local(c.n_target, 1);
  ConnectionGenerator gen(c, seed, 0.1, local);
  DrawScratch scratch;
  Edges e;
  e.in.resize(c.n_target);
  for (std::uint64_t t = 0; t < c.n_target; ++t)
    gen.for_each_incoming(t, scratch, [&](std::uint64_t src, float w, std::uint32_t d) {
      EXPECT_EQ(w, 2.5f);
      EXPECT_EQ(d, 15u);
      e.in[t].push_back(src);
      ++e.total;
    });
  return e;
}

}  // namespace

TEST(Rules, OneToOne) {
  auto e = collect(make_set(Rule::one_to_one, 50, 50, false));
  for (std::uint64_t t = 0; t < 50; ++t) ASSERT_EQ(e.in[t], std::vector<std::uint64_t>{t});
  auto self = make_set(Rule::one_to_one, 50, 50, true);
  self.allow_autapses = false;
  EXPECT_EQ(collect(self).total, 0u);
}

TEST(Rules, AllToAllWithAndWithoutAutapses) {
  EXPECT_EQ(collect(make_set(Rule::all_to_all, 30, 20, false)).total, 600u);
  auto c = make_set(Rule::all_to_all, 30, 30, true);
  c.allow_autapses = false;
  auto e = collect(c);
  EXPECT_EQ(e.total, 30u * 29u);
  for (std::uint64_t t = 0; t < 30; ++t)
    for (auto s : e.in[t]) EXPECT_NE(s, t);
}

TEST(Rules, FixedIndegreeIsExact) {
  auto c = make_set(Rule::fixed_indegree, 100, 80, false);
  c.count = 37;
  auto e = collect(c);
  for (const auto& v : e.in) {
    ASSERT_EQ(v.size(), 37u);
    for (auto s : v) EXPECT_LT(s, 100u);
  }
}

TEST(Rules, FixedIndegreeWithoutMultapsesOrAutapses) {
  auto c = make_set(Rule::fixed_indegree, 40, 40, true);
  c.count = 39;  // every other neuron exactly once
  c.allow_autapses = false;
  c.allow_multapses = false;
  auto e = collect(c);
  for (std::uint64_t t = 0; t < 40; ++t) {
    std::set<std::uint64_t> s(e.in[t].begin(), e.in[t].end());
    EXPECT_EQ(s.size(), 39u);
    EXPECT_EQ(s.count(t), 0u);
  }
}

TEST(Rules, FixedIndegreeSourcesAreUniform) {
  auto c = make_set(Rule::fixed_indegree, 10, 20000, false);
  c.count = 5;
  auto e = collect(c);
  std::map<std::uint64_t, int> hist;
  for (const auto& v : e.in)
    for (auto s : v) ++hist[s];
  const double expect = 20000.0 * 5 / 10;
  for (auto [s, n] : hist) EXPECT_NEAR(n, expect, 4 * std::sqrt(expect)) << s;
}

TEST(Rules, PairwiseBernoulliWithinFourSigma) {
  auto c = make_set(Rule::pairwise_bernoulli, 400, 300, false);
  c.p = 0.1;
  auto e = collect(c);
  const double n = 400.0 * 300, mean = n * 0.1, sd = std::sqrt(n * 0.1 * 0.9);
  EXPECT_NEAR(static_cast<double>(e.total), mean, 4 * sd);
  for (const auto& v : e.in) {
    std::set<std::uint64_t> s(v.begin(), v.end());
    EXPECT_EQ(s.size(), v.size()) << "pairwise_bernoulli never makes multapses";
  }
  c.p = 1.0;
  EXPECT_EQ(collect(c).total, 120000u);
  c.p = 0.0;
  EXPECT_EQ(collect(c).total, 0u);
}

TEST(Rules, FixedTotalNumberIsExact) {
  auto c = make_set(Rule::fixed_total_number, 100, 70, false);
  c.count = 12345;
  EXPECT_EQ(collect(c).total, 12345u);
}

TEST(Rules, FixedOutdegreeIsExactPerSource) {
  auto c = make_set(Rule::fixed_outdegree, 60, 90, false);
  c.count = 11;
  auto e = collect(c);
  std::map<std::uint64_t, int> out;
  for (const auto& v : e.in)
    for (auto s : v) ++out[s];
  ASSERT_EQ(out.size(), 60u);
  for (auto [s, n] : out) EXPECT_EQ(n, 11) << s;
}

TEST(Rules, FixedOutdegreeKeepsOnlyLocalTargetsButTheSameEdges) {
  // A rank that owns only the even targets sees exactly the even part of
  // the full edge list: the network does not depend on placement.
  auto c = make_set(Rule::fixed_outdegree, 30, 40, false);
  c.count = 7;
  std::vector<std::uint8_t> all(40, 1), even(40, 0);
  for (int t = 0; t < 40; t += 2) even[t] = 1;
  ConnectionGenerator ga(c, 5, 0.1, all), ge(c, 5, 0.1, even);
  DrawScratch s;
  for (std::uint64_t t = 0; t < 40; t += 2) {
    std::vector<std::uint64_t> a, b;
    ga.for_each_incoming(t, s, [&](std::uint64_t src, float, std::uint32_t) { a.push_back(src); });
    ge.for_each_incoming(t, s, [&](std::uint64_t src, float, std::uint32_t) { b.push_back(src); });
    EXPECT_EQ(a, b);
  }
}

TEST(Rules, SameSeedSameNetworkOtherSeedOther) {
  auto c = make_set(Rule::fixed_indegree, 1000, 50, false);
  c.count = 10;
  EXPECT_EQ(collect(c, 1).in, collect(c, 1).in);
  EXPECT_NE(collect(c, 1).in, collect(c, 2).in);
}

TEST(Rules, DistributedWeightsAndDelaysStayInBounds) {
  auto c = make_set(Rule::fixed_indegree, 100, 200, false);
  c.count = 50;
  c.weight = Value{Value::Kind::normal, 10.0, 2.0};
  c.delay = Value{Value::Kind::normal, 1.5, 0.75, 0.1, 3.0};
  std::vector<std::uint8_t> local(200, 1);
  ConnectionGenerator gen(c, 9, 0.1, local);
  DrawScratch s;
  double sum = 0;
  int n = 0;
  for (std::uint64_t t = 0; t < 200; ++t)
    gen.for_each_incoming(t, s, [&](std::uint64_t, float w, std::uint32_t d) {
      sum += w;
      ++n;
      EXPECT_GE(d, 1u);
      EXPECT_LE(d, 30u);
    });
  EXPECT_NEAR(sum / n, 10.0, 4 * 2.0 / std::sqrt(n));
}

TEST(Rules, DelayBelowDtIsAnInputError) {
  // A constant delay is checked when the generator is made; a drawn one
  // when it is drawn.
  auto c = make_set(Rule::all_to_all, 3, 3, false);
  std::vector<std::uint8_t> local(3, 1);
  c.delay = Value::constant(0.04);
  EXPECT_THROW(ConnectionGenerator(c, 1, 0.1, local), InputError);
  c.delay = Value{Value::Kind::uniform, 0.01, 0.04};
  ConnectionGenerator gen(c, 1, 0.1, local);
  DrawScratch s;
  EXPECT_THROW(gen.for_each_incoming(0, s, [](std::uint64_t, float, std::uint32_t) {}), InputError);
}

// from_file: edges grouped by target in file order; values the file lacks
// (NaN) come from the set's value; delays outside the range are refused.
TEST(ConnectionRules, FromFileGroupsByTargetAndFillsMissingValues) {
  ConnectionSet c = make_set(Rule::from_file, 5, 3, false);
  c.weight = Value{Value::Kind::uniform, 10.0, 20.0};
  std::vector<std::uint8_t> local(3, 1);
  ConnectionGenerator gen(c, 7, 0.1, local);
  const double nan = std::nan("");
  gen.set_file_edges({{2, 4, 1.5, 2.0}, {0, 1, nan, 0.3}, {2, 0, -3.0, nan}, {0, 3, 4.0, 0.7}});
  DrawScratch scratch;
  std::vector<std::tuple<std::uint64_t, std::uint64_t, float, std::uint32_t>> got;
  for (std::uint64_t t = 0; t < 3; ++t)
    gen.for_each_incoming(t, scratch, [&](std::uint64_t src, float w, std::uint32_t d) { got.emplace_back(t, src, w, d); });
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(std::get<1>(got[0]), 1u);  // target 0, first in file order
  EXPECT_GE(std::get<2>(got[0]), 10.0f);
  EXPECT_LE(std::get<2>(got[0]), 20.0f);
  EXPECT_EQ(std::get<3>(got[0]), 3u);
  EXPECT_EQ(got[1], std::make_tuple(std::uint64_t{0}, std::uint64_t{3}, 4.0f, std::uint32_t{7}));
  EXPECT_EQ(got[2], std::make_tuple(std::uint64_t{2}, std::uint64_t{4}, 1.5f, std::uint32_t{20}));
  EXPECT_EQ(got[3], std::make_tuple(std::uint64_t{2}, std::uint64_t{0}, -3.0f, std::uint32_t{15}));  // set's delay
  EXPECT_THROW(gen.set_file_edges({{0, 0, 1.0, 0.04}}), InputError);
}
