#pragma once
// The network as the partitioner sees it, before anything is built: each
// population split into chunks of consecutive neurons, and between chunks
// the expected number of synapses and the smallest delay, derived from the
// connection rules. Random rules spread a projection's synapses evenly over
// its neurons, so expected counts are exact in expectation; one_to_one
// links only the chunks whose index ranges overlap. 10^6 neurons become a
// few thousand vertices, which METIS partitions in seconds.
#include <cstdint>
#include <vector>

#include "myelin/model_spec.hpp"

namespace myelin {

/// Expected synapses of a projection between populations of sizes ns, nt.
double expected_synapses(const ProjectionSpec& p, std::uint64_t ns, std::uint64_t nt, bool same_population);

/// A projection's smallest delay in steps (at least 1).
std::uint64_t min_delay_steps(const ProjectionSpec& p, double dt);

struct Chunk {
  std::size_t population = 0;
  std::uint64_t first_gid = 0, size = 0;
  double in_synapses = 0.0;  ///< expected incoming synapses
};

/// Expected synapses from chunk `from` to chunk `to`, all with delays of at
/// least `min_delay` steps (one edge per projection and chunk pair).
struct ChunkEdge {
  std::uint32_t from = 0, to = 0;
  double synapses = 0.0;
  std::uint64_t min_delay = 1;
};

struct ChunkGraph {
  std::vector<Chunk> chunks;
  std::vector<ChunkEdge> edges;
  std::uint64_t chunk_size = 0;  ///< the size used (may exceed the one asked for, see below)
  std::uint64_t min_delay = 1;   ///< smallest delay of any projection, steps
};

/// Splits every population into chunks of `chunk_size` neurons (the last one
/// of a population may be smaller). When that gives more than `max_chunks`
/// chunks, the size grows until it does not: dense projections make the
/// edge count quadratic in the chunks per population.
ChunkGraph build_chunk_graph(const ModelSpec& spec, std::uint64_t chunk_size, std::size_t max_chunks = 2048);

}  // namespace myelin
