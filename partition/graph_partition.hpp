#pragma once
// Graph placement: METIS k-way on the chunk graph (partition/chunk_graph).
// Two balance constraints per vertex, neurons (update cost) and expected
// incoming synapses (delivery cost and memory), each within the tolerance.
// An edge's weight is its expected synapse count times 2^(T - k), k its
// delay tier (pairs in tier k talk every m 2^k) and T the highest tier: a
// cut edge of the shortest delays costs most, since it makes two ranks talk
// every slice, while one of the longest delays only costs its bytes.
#include "partition/chunk_graph.hpp"
#include "partition/placement.hpp"

namespace myelin {

/// Rank per chunk of `graph`.
std::vector<int> partition_chunks(const ChunkGraph& graph, int ranks, double tolerance);

/// The graph strategy: chunk graph, METIS, runs of chunks.
RunPlacement partition_graph(const ModelSpec& spec, int ranks, const PartitionOptions& options);

}  // namespace myelin
