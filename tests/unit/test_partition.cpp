// Placement strategies and their metrics on hand-made models whose optimal
// cut is known, the chunk graph's expected counts, and placement files
// (round trip, and every file that must be refused).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>

#include "core/hdf5_handles.hpp"
#include "io/placement_file.hpp"
#include "myelin/error.hpp"
#include "partition/chunk_graph.hpp"
#include "partition/graph_partition.hpp"
#include "partition/metrics.hpp"
#include "partition/placement.hpp"

using namespace myelin;

namespace {

PopulationSpec pop(const std::string& name, std::uint64_t n) {
  PopulationSpec p;
  p.name = name;
  p.model = "iaf_psc_exp";
  p.size = n;
  return p;
}

ProjectionSpec indegree(const std::string& s, const std::string& t, std::uint64_t k, double delay_ms) {
  ProjectionSpec p;
  p.source = s;
  p.target = t;
  p.rule = Rule::fixed_indegree;
  p.count = k;
  p.delay = Value::constant(delay_ms);
  return p;
}

/// Two "areas" {A, B} and {C, D}, 100 neurons each population, densely
/// coupled inside by 0.1 ms, linked only A -> C by 8 ms. Listed A, C, B, D
/// so that a block placement splits both areas. The optimal 2-rank cut
/// keeps each area whole: 10 x 100 = 1000 long synapses cut, no short one.
ModelSpec two_areas() {
  ModelSpec m;
  m.name = "two_areas";
  m.populations = {pop("A", 100), pop("C", 100), pop("B", 100), pop("D", 100)};
  m.projections = {indegree("A", "B", 50, 0.1), indegree("B", "A", 50, 0.1), indegree("C", "D", 50, 0.1),
                   indegree("D", "C", 50, 0.1), indegree("A", "A", 20, 0.1), indegree("C", "C", 20, 0.1),
                   indegree("A", "C", 10, 8.0)};
  return m;
}

std::string temp_path(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("myelin_partition_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

TEST(ChunkGraph, ExpectedSynapsesFollowTheRules) {
  ProjectionSpec p = indegree("A", "B", 7, 1.0);
  EXPECT_DOUBLE_EQ(expected_synapses(p, 100, 30, false), 210.0);
  p.rule = Rule::fixed_outdegree;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 100, 30, false), 700.0);
  p.rule = Rule::fixed_total_number;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 100, 30, false), 7.0);
  p.rule = Rule::all_to_all;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 10, 10, true), 100.0);
  p.allow_autapses = false;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 10, 10, true), 90.0);
  p.rule = Rule::pairwise_bernoulli;
  p.p = 0.5;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 10, 10, true), 45.0);
  p.rule = Rule::one_to_one;
  EXPECT_DOUBLE_EQ(expected_synapses(p, 10, 10, false), 10.0);
}

TEST(ChunkGraph, ChunksCoverEveryNeuronAndEdgesSumToTheProjection) {
  const ModelSpec m = two_areas();
  const ChunkGraph g = build_chunk_graph(m, 32);
  std::uint64_t covered = 0, next = 0;
  for (const Chunk& c : g.chunks) {
    EXPECT_EQ(c.first_gid, next);
    EXPECT_LE(c.size, 32u);
    next += c.size;
    covered += c.size;
  }
  EXPECT_EQ(covered, 400u);
  EXPECT_EQ(g.chunks.size(), 16u);  // 4 chunks (32, 32, 32, 4) per population
  double total = 0.0;
  for (const ChunkEdge& e : g.edges) total += e.synapses;
  EXPECT_NEAR(total, 100.0 * (4 * 50 + 2 * 20 + 10), 1e-6);
  EXPECT_EQ(g.min_delay, 1u);
}

TEST(ChunkGraph, OneToOneLinksOnlyOverlappingChunks) {
  ModelSpec m;
  m.populations = {pop("X", 64), pop("Y", 64)};
  ProjectionSpec p = indegree("X", "Y", 0, 1.0);
  p.rule = Rule::one_to_one;
  m.projections = {p};
  const ChunkGraph g = build_chunk_graph(m, 16);
  ASSERT_EQ(g.edges.size(), 4u);
  for (const ChunkEdge& e : g.edges) {
    EXPECT_EQ(e.to, e.from + 4);  // chunk i of X feeds chunk i of Y
    EXPECT_DOUBLE_EQ(e.synapses, 16.0);
  }
}

TEST(ChunkGraph, ChunkSizeGrowsToKeepTheGraphSmall) {
  ModelSpec m;
  m.populations = {pop("X", 100000)};
  const ChunkGraph g = build_chunk_graph(m, 1, 1000);
  EXPECT_LE(g.chunks.size(), 1000u);
  EXPECT_GE(g.chunk_size, 100u);
  EXPECT_THROW(build_chunk_graph(m, 0), InputError);
}

TEST(PlacementMetrics, HandMadePlacementOfTwoAreas) {
  const ModelSpec m = two_areas();
  // Areas whole: A (gids 0-99) and B (200-299) on rank 0, C and D on 1.
  std::vector<int> node_rank(400, 0);
  for (std::uint64_t g = 100; g < 200; ++g) node_rank[g] = 1;
  for (std::uint64_t g = 300; g < 400; ++g) node_rank[g] = 1;
  const RunPlacement pl = RunPlacement::from_node_ranks(node_rank, 2, "hand");
  const PlacementMetrics x = evaluate_placement(m, pl);
  EXPECT_DOUBLE_EQ(x.synapses, 25000.0);
  EXPECT_DOUBLE_EQ(x.synapses_cut, 1000.0);
  EXPECT_DOUBLE_EQ(x.short_synapses, 24000.0);
  EXPECT_DOUBLE_EQ(x.short_synapses_cut, 0.0);
  EXPECT_DOUBLE_EQ(x.neuron_imbalance, 1.0);
  // Rank 1 receives A -> C as well: 13000 of 25000 incoming synapses.
  EXPECT_NEAR(x.synapse_imbalance, 13000.0 / 12500.0, 1e-12);
  EXPECT_EQ(x.delay_matrix, (std::vector<std::uint64_t>{0, 80, 0, 0}));
  EXPECT_EQ(x.tiers, 1u);
  // D = 80 steps, m = 1: rank 1 receives every 64 steps (deadline 80),
  // 156 times in 10000 steps; the global scheme syncs every step.
  EXPECT_DOUBLE_EQ(x.syncs_per_second, 156.0);
  EXPECT_DOUBLE_EQ(x.global_syncs_per_second, 10000.0);
}

TEST(PlacementMetrics, RoundRobinCutsHalfOfEverythingOnTwoRanks) {
  const PlacementMetrics x = evaluate_placement(two_areas(), RoundRobinPlacement(2));
  EXPECT_DOUBLE_EQ(x.synapses_cut, 12500.0);
  EXPECT_DOUBLE_EQ(x.short_synapses_cut, 12000.0);
  EXPECT_DOUBLE_EQ(x.syncs_per_second, 10000.0);
  EXPECT_EQ(x.rank_pairs, 2u);
}

TEST(GraphPlacement, FindsTheOptimalCutOfTwoAreas) {
  const ModelSpec m = two_areas();
  for (std::uint64_t chunk : {1u, 10u, 32u}) {
    const auto pl = make_placement("graph", 2, m, {chunk, 0.05});
    const PlacementMetrics x = evaluate_placement(m, *pl);
    EXPECT_DOUBLE_EQ(x.short_synapses_cut, 0.0) << "chunk size " << chunk;
    EXPECT_DOUBLE_EQ(x.synapses_cut, 1000.0) << "chunk size " << chunk;
    EXPECT_LE(x.neuron_imbalance, 1.05) << "chunk size " << chunk;
  }
}

TEST(GraphPlacement, BalancedWithinToleranceOnTheMultiAreaModel) {
  const ModelSpec m = load_model(MYELIN_SOURCE_DIR "/models/multi_area.toml");
  const auto graph = make_placement("graph", 8, m);
  const PlacementMetrics g = evaluate_placement(m, *graph);
  const PlacementMetrics rr = evaluate_placement(m, RoundRobinPlacement(8));
  EXPECT_LE(g.load_imbalance, 1.05);
  EXPECT_LE(g.short_synapses_cut, 0.1 * rr.short_synapses_cut);
  EXPECT_LE(g.syncs_per_second * 10, rr.syncs_per_second);
  // The same placement every time (every rank computes it).
  const auto again = make_placement("graph", 8, m);
  for (std::uint64_t gid = 0; gid < 16000; gid += 7) ASSERT_EQ(graph->rank_of(gid), again->rank_of(gid));
}

TEST(GraphPlacement, RefusesFewerChunksThanRanks) {
  const ModelSpec m = two_areas();
  EXPECT_THROW(make_placement("graph", 8, m, {100, 0.05}), InputError);
}

TEST(PopulationPlacement, WholePopulationsBalanced) {
  ModelSpec m;
  m.populations = {pop("big", 400), pop("a", 100), pop("b", 100), pop("c", 100), pop("d", 100)};
  const auto pl = make_placement("population", 4, m);
  const PlacementMetrics x = evaluate_placement(m, *pl);
  EXPECT_EQ(x.neurons_per_rank, (std::vector<std::uint64_t>{200, 200, 200, 200}));
  // The small populations are not split: each lies on one rank.
  for (std::uint64_t first : {400u, 500u, 600u, 700u})
    for (std::uint64_t i = 1; i < 100; ++i) ASSERT_EQ(pl->rank_of(first + i), pl->rank_of(first));
}

TEST(Placement, UnknownStrategyAndBadToleranceAreInputErrors) {
  const ModelSpec m = two_areas();
  EXPECT_THROW(make_placement("metis", 2, m), InputError);
  EXPECT_THROW(make_placement("graph", 2, m, {32, 0.0}), InputError);
  EXPECT_THROW(make_placement("graph", 2, m, {32, 1.5}), InputError);
}

TEST(Placement, RunPlacementFromNodeRanks) {
  const RunPlacement p = RunPlacement::from_node_ranks({0, 0, 1, 1, 1, 0, 2}, 3, "x");
  EXPECT_EQ(p.starts(), (std::vector<std::uint64_t>{0, 2, 5, 6}));
  const std::vector<int> expect{0, 0, 1, 1, 1, 0, 2};
  for (std::uint64_t g = 0; g < expect.size(); ++g) EXPECT_EQ(p.rank_of(g), expect[g]);
  EXPECT_THROW(RunPlacement({0, 3}, {0, 5}, 2, "bad"), std::logic_error);
}

TEST(PlacementFile, RoundTripAndRefusals) {
  const ModelSpec m = two_areas();
  const auto pl = make_placement("graph", 2, m, {10, 0.05});
  const std::string path = temp_path("placement.h5");
  write_placement_file(path, m, *pl, evaluate_placement(m, *pl));
  const auto back = read_placement_file(path, m, 2);
  for (std::uint64_t g = 0; g < 400; ++g) ASSERT_EQ(back->rank_of(g), pl->rank_of(g));

  // Another rank count.
  try {
    read_placement_file(path, m, 4);
    FAIL() << "a 2-rank placement was accepted for 4 ranks";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("ranks"), std::string::npos) << e.what();
  }
  // Another model: one population larger, or a delay changed.
  ModelSpec other = m;
  other.populations[0].size = 101;
  EXPECT_THROW(read_placement_file(path, other, 2), InputError);
  other = m;
  other.projections.back().delay = Value::constant(9.0);
  try {
    read_placement_file(path, other, 2);
    FAIL() << "a placement of another model was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model_hash"), std::string::npos) << e.what();
  }
  // Not a placement: a missing file, a text file, an HDF5 file without it.
  EXPECT_THROW(read_placement_file(temp_path("missing.h5"), m, 2), InputError);
  const std::string text = temp_path("text.h5");
  std::FILE* f = std::fopen(text.c_str(), "w");
  std::fputs("not hdf5\n", f);
  std::fclose(f);
  EXPECT_THROW(read_placement_file(text, m, 2), InputError);
  const std::string foreign = temp_path("foreign.h5");
  { h5::Handle file = h5::create_file(foreign); }
  EXPECT_THROW(read_placement_file(foreign, m, 2), InputError);
}
