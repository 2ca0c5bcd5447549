#include "partition/graph_partition.hpp"

#include <metis.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "exchange/schedule.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

/// Scales non-negative weights into METIS's 32-bit integers: every
/// non-zero weight stays >= 1 and the total stays below 2^30.
std::vector<idx_t> to_idx(const std::vector<double>& w) {
  double total = 0.0, smallest = 0.0;
  for (double x : w) {
    total += x;
    if (x > 0 && (smallest == 0.0 || x < smallest)) smallest = x;
  }
  // Keep resolution (the smallest weight ~100) unless the total overflows.
  double scale = smallest > 0 ? 100.0 / smallest : 1.0;
  if (total * scale > 1073741824.0) scale = 1073741824.0 / total;
  std::vector<idx_t> out(w.size());
  for (std::size_t i = 0; i < w.size(); ++i)
    out[i] = w[i] > 0 ? static_cast<idx_t>(std::max(1.0, std::floor(w[i] * scale))) : 0;
  return out;
}

}  // namespace

std::vector<int> partition_chunks(const ChunkGraph& graph, int ranks, double tolerance) {
  const std::size_t n = graph.chunks.size();
  if (ranks <= 1 || n == 0) return std::vector<int>(n, 0);
  if (n < static_cast<std::size_t>(ranks))
    throw InputError("--chunk-size", "", std::to_string(graph.chunk_size),
                     "at most " + std::to_string(graph.chunks.empty() ? 0 : graph.chunks.size()) +
                         " chunks for " + std::to_string(ranks) + " ranks: use a smaller chunk size");

  // Undirected edge weights: both directions of a chunk pair summed, tier
  // factor applied per projection.
  unsigned top = 0;
  for (const ChunkEdge& e : graph.edges) top = std::max(top, exchange_tier(e.min_delay, graph.min_delay));
  top = std::min(top, 20u);
  std::map<std::pair<std::uint32_t, std::uint32_t>, double> undirected;
  for (const ChunkEdge& e : graph.edges) {
    if (e.from == e.to) continue;
    const unsigned k = std::min(exchange_tier(e.min_delay, graph.min_delay), top);
    const double w = e.synapses * std::ldexp(1.0, static_cast<int>(top - k));
    undirected[{std::min(e.from, e.to), std::max(e.from, e.to)}] += w;
  }
  std::vector<std::vector<std::pair<std::uint32_t, double>>> adj(n);
  for (const auto& [key, w] : undirected) {
    adj[key.first].push_back({key.second, w});
    adj[key.second].push_back({key.first, w});
  }
  std::vector<idx_t> xadj{0}, adjncy;
  std::vector<double> ew;
  for (std::size_t v = 0; v < n; ++v) {
    for (const auto& [u, w] : adj[v]) {
      adjncy.push_back(static_cast<idx_t>(u));
      ew.push_back(w);
    }
    xadj.push_back(static_cast<idx_t>(adjncy.size()));
  }
  std::vector<idx_t> adjwgt = to_idx(ew);
  // Two constraints per vertex: neurons and incoming synapses.
  std::vector<double> neurons(n), synapses(n);
  for (std::size_t v = 0; v < n; ++v) {
    neurons[v] = static_cast<double>(graph.chunks[v].size);
    synapses[v] = graph.chunks[v].in_synapses;
  }
  const std::vector<idx_t> wn = to_idx(neurons), ws = to_idx(synapses);
  bool any_synapses = false;
  for (idx_t x : ws) any_synapses |= x > 0;
  idx_t ncon = any_synapses ? 2 : 1;
  std::vector<idx_t> vwgt(n * static_cast<std::size_t>(ncon));
  for (std::size_t v = 0; v < n; ++v) {
    vwgt[v * static_cast<std::size_t>(ncon)] = std::max<idx_t>(1, wn[v]);
    if (ncon == 2) vwgt[v * 2 + 1] = std::max<idx_t>(1, ws[v]);
  }
  std::vector<real_t> ubvec(static_cast<std::size_t>(ncon), static_cast<real_t>(1.0 + tolerance));
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_NUMBERING] = 0;
  options[METIS_OPTION_SEED] = 1;  // the same placement on every rank and run
  options[METIS_OPTION_NCUTS] = 4; // best of four: still well under a second
  idx_t nv = static_cast<idx_t>(n), np = ranks, cut = 0;
  std::vector<idx_t> part(n, 0);
  const int rc = METIS_PartGraphKway(&nv, &ncon, xadj.data(), adjncy.data(), vwgt.data(), nullptr,
                                     adjwgt.empty() ? nullptr : adjwgt.data(), &np, nullptr, ubvec.data(), options,
                                     &cut, part.data());
  if (rc != METIS_OK) throw std::runtime_error("METIS_PartGraphKway failed with code " + std::to_string(rc));
  return std::vector<int>(part.begin(), part.end());
}

RunPlacement partition_graph(const ModelSpec& spec, int ranks, const PartitionOptions& options) {
  const ChunkGraph g = build_chunk_graph(spec, options.chunk_size);
  const std::vector<int> part = partition_chunks(g, ranks, options.tolerance);
  std::vector<std::uint64_t> starts;
  std::vector<int> rr;
  for (std::size_t c = 0; c < g.chunks.size(); ++c)
    if (c == 0 || part[c] != rr.back()) {
      starts.push_back(g.chunks[c].first_gid);
      rr.push_back(part[c]);
    }
  if (starts.empty()) {
    starts.push_back(0);
    rr.push_back(0);
  }
  return RunPlacement(std::move(starts), std::move(rr), ranks, "graph");
}

}  // namespace myelin
