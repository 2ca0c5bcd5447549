#include "partition/graph_partition.hpp"

#include <metis.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/exchange_schedule.hpp"
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

/// METIS treats the tolerance as a target, and on dense graphs of coarse
/// chunks it can miss it by a few percent. Moves chunks from the most
/// loaded rank to the least loaded one, each time the chunk whose move
/// adds the least edge weight to the cut, until every constraint is within
/// the tolerance (or no move helps).
void rebalance(std::vector<int>& part, int ranks, double tolerance, const std::vector<idx_t>& xadj,
               const std::vector<idx_t>& adjncy, const std::vector<idx_t>& adjwgt,
               const std::vector<std::vector<double>>& weights) {
  const auto r_n = static_cast<std::size_t>(ranks);
  const std::size_t n = part.size();
  std::vector<std::vector<double>> load(weights.size(), std::vector<double>(r_n, 0.0));
  std::vector<double> mean(weights.size(), 0.0);
  for (std::size_t c = 0; c < weights.size(); ++c) {
    for (std::size_t v = 0; v < n; ++v) load[c][static_cast<std::size_t>(part[v])] += weights[c][v];
    for (double x : load[c]) mean[c] += x / static_cast<double>(r_n);
  }
  // A rank's load: its worst constraint, relative to the mean.
  const auto rel = [&](std::size_t r) {
    double x = 0.0;
    for (std::size_t c = 0; c < weights.size(); ++c)
      if (mean[c] > 0) x = std::max(x, load[c][r] / mean[c]);
    return x;
  };
  for (std::size_t moves = 0; moves < n; ++moves) {
    std::size_t hi = 0, lo = 0;
    for (std::size_t r = 1; r < r_n; ++r) {
      if (rel(r) > rel(hi)) hi = r;
      if (rel(r) < rel(lo)) lo = r;
    }
    if (rel(hi) <= 1.0 + tolerance) return;
    std::size_t best = n;
    double best_cost = 0.0;
    for (std::size_t v = 0; v < n; ++v) {
      if (static_cast<std::size_t>(part[v]) != hi) continue;
      // The move must leave the receiving rank below the one it relieves.
      bool fits = true;
      for (std::size_t c = 0; c < weights.size(); ++c)
        if (mean[c] > 0 && (load[c][lo] + weights[c][v]) / mean[c] >= rel(hi)) fits = false;
      if (!fits) continue;
      double cost = 0.0;  // cut weight added: links kept on hi minus links gained on lo
      for (idx_t k = xadj[v]; k < xadj[v + 1]; ++k) {
        const auto u = static_cast<std::size_t>(adjncy[static_cast<std::size_t>(k)]);
        const double w = adjwgt.empty() ? 1.0 : static_cast<double>(adjwgt[static_cast<std::size_t>(k)]);
        if (static_cast<std::size_t>(part[u]) == hi) cost += w;
        else if (static_cast<std::size_t>(part[u]) == lo) cost -= w;
      }
      if (best == n || cost < best_cost) {
        best = v;
        best_cost = cost;
      }
    }
    if (best == n) return;
    for (std::size_t c = 0; c < weights.size(); ++c) {
      load[c][hi] -= weights[c][best];
      load[c][lo] += weights[c][best];
    }
    part[best] = static_cast<int>(lo);
  }
}

}  // namespace

std::vector<int> partition_chunks(const ChunkGraph& graph, int ranks, double tolerance) {
  const std::size_t n = graph.chunks.size();
  if (ranks <= 1 || n == 0) return std::vector<int>(n, 0);
  if (n < static_cast<std::size_t>(ranks))
    throw InputError("chunk_size", "", std::to_string(graph.chunk_size),
                     "at most " + std::to_string(graph.chunks.empty() ? 0 : graph.chunks.size()) +
                         " chunks for " + std::to_string(ranks) + " ranks: use a smaller chunk size");

  // Undirected edge weights: both directions of a chunk pair summed, tier
  // factor applied per projection.
  unsigned top = 0;
  for (const ChunkEdge& e : graph.edges) top = std::max(top, exchange_tier(e.min_delay, graph.min_delay));
  top = std::min(top, 20u);
  // Both directions of a chunk pair summed: sort by pair, then merge.
  struct Pair {
    std::uint64_t key;
    double w;
  };
  std::vector<Pair> pairs;
  pairs.reserve(graph.edges.size());
  for (const ChunkEdge& e : graph.edges) {
    if (e.from == e.to) continue;
    const unsigned k = std::min(exchange_tier(e.min_delay, graph.min_delay), top);
    const std::uint64_t lo = std::min(e.from, e.to), hi = std::max(e.from, e.to);
    pairs.push_back({lo << 32 | hi, e.synapses * std::ldexp(1.0, static_cast<int>(top - k))});
  }
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.key < b.key; });
  std::vector<std::uint32_t> degree(n, 0);
  std::vector<Pair> merged;
  for (const Pair& p : pairs) {
    if (!merged.empty() && merged.back().key == p.key) {
      merged.back().w += p.w;
      continue;
    }
    merged.push_back(p);
    ++degree[p.key >> 32];
    ++degree[p.key & 0xFFFFFFFFu];
  }
  pairs = {};
  std::vector<idx_t> xadj(n + 1, 0);
  for (std::size_t v = 0; v < n; ++v) xadj[v + 1] = xadj[v] + static_cast<idx_t>(degree[v]);
  std::vector<idx_t> adjncy(static_cast<std::size_t>(xadj[n]));
  std::vector<double> ew(adjncy.size());
  {
    std::vector<idx_t> fill(xadj.begin(), xadj.end() - 1);
    for (const Pair& p : merged) {
      const auto a = static_cast<std::size_t>(p.key >> 32), b = static_cast<std::size_t>(p.key & 0xFFFFFFFFu);
      adjncy[static_cast<std::size_t>(fill[a])] = static_cast<idx_t>(b);
      ew[static_cast<std::size_t>(fill[a]++)] = p.w;
      adjncy[static_cast<std::size_t>(fill[b])] = static_cast<idx_t>(a);
      ew[static_cast<std::size_t>(fill[b]++)] = p.w;
    }
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
  std::vector<int> result(part.begin(), part.end());
  rebalance(result, ranks, tolerance, xadj, adjncy, adjwgt, {neurons, synapses});
  return result;
}

RunPlacement partition_graph(const ModelSpec& spec, int ranks, const PartitionOptions& options) {
  const ChunkGraph g = build_chunk_graph(spec, options.chunk_size);
  const std::vector<int> part = partition_chunks(g, ranks, options.tolerance);
  std::vector<std::uint64_t> starts;
  for (const Chunk& c : g.chunks) starts.push_back(c.first_gid);
  return RunPlacement::from_pieces(starts, part, ranks, "graph");
}

}  // namespace myelin
