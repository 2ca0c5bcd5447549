#include "partition/chunk_graph.hpp"

#include <algorithm>
#include <cmath>

#include "myelin/error.hpp"

namespace myelin {

double expected_synapses(const ProjectionSpec& p, std::uint64_t ns, std::uint64_t nt, bool same_population) {
  const double s = static_cast<double>(ns), t = static_cast<double>(nt);
  // Pairs a rule may draw from: no autapses removes the diagonal.
  const double pairs = same_population && !p.allow_autapses ? s * t - std::min(s, t) : s * t;
  switch (p.rule) {
    case Rule::one_to_one: return std::min(s, t);
    case Rule::all_to_all: return pairs;
    case Rule::fixed_indegree: return static_cast<double>(p.count) * t;
    case Rule::fixed_outdegree: return static_cast<double>(p.count) * s;
    case Rule::fixed_total_number:
    case Rule::from_file: return static_cast<double>(p.count);
    case Rule::from_list: return static_cast<double>(p.list.targets.size());
    case Rule::pairwise_bernoulli: return p.p * pairs;
  }
  return 0.0;
}

std::uint64_t min_delay_steps(const ProjectionSpec& p, double dt) {
  double lo = std::max(p.delay.lower(), dt);
  if (p.rule == Rule::from_list && !p.list.delays.empty())
    lo = std::max(*std::min_element(p.list.delays.begin(), p.list.delays.end()), dt);
  return static_cast<std::uint64_t>(std::max<long long>(1, std::llround(lo / dt)));
}

ChunkGraph build_chunk_graph(const ModelSpec& spec, std::uint64_t chunk_size, std::size_t max_chunks) {
  if (chunk_size == 0) throw InputError("chunk_size", "", "0", "a positive number of neurons");
  const auto count_chunks = [&](std::uint64_t c) {
    std::uint64_t n = 0;
    for (const auto& p : spec.populations) n += (p.size + c - 1) / c;
    return n;
  };
  while (count_chunks(chunk_size) > max_chunks) chunk_size *= 2;

  ChunkGraph g;
  g.chunk_size = chunk_size;
  std::vector<std::size_t> first_chunk;  // per population
  std::uint64_t gid = 0;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    first_chunk.push_back(g.chunks.size());
    const std::uint64_t n = spec.populations[p].size;
    for (std::uint64_t off = 0; off < n; off += chunk_size)
      g.chunks.push_back({p, gid + off, std::min(chunk_size, n - off), 0.0});
    gid += n;
  }
  first_chunk.push_back(g.chunks.size());

  g.min_delay = ~0ull;
  for (const ProjectionSpec& proj : spec.projections) {
    const std::size_t ps = *spec.population_index(proj.source), pt = *spec.population_index(proj.target);
    const std::uint64_t ns = spec.populations[ps].size, nt = spec.populations[pt].size;
    const double total = expected_synapses(proj, ns, nt, ps == pt);
    const std::uint64_t d = min_delay_steps(proj, spec.run.dt);
    g.min_delay = std::min(g.min_delay, d);
    for (std::size_t a = first_chunk[ps]; a < first_chunk[ps + 1]; ++a)
      for (std::size_t b = first_chunk[pt]; b < first_chunk[pt + 1]; ++b) {
        const Chunk &ca = g.chunks[a], &cb = g.chunks[b];
        double syn = 0.0;
        if (proj.rule == Rule::one_to_one) {
          // Source i connects to target i: the overlap of the index ranges.
          const std::uint64_t a0 = ca.first_gid - g.chunks[first_chunk[ps]].first_gid, a1 = a0 + ca.size;
          const std::uint64_t b0 = cb.first_gid - g.chunks[first_chunk[pt]].first_gid, b1 = b0 + cb.size;
          syn = a1 > b0 && b1 > a0 ? static_cast<double>(std::min(a1, b1) - std::max(a0, b0)) : 0.0;
        } else {
          syn = total * static_cast<double>(ca.size) / static_cast<double>(ns) * static_cast<double>(cb.size) /
                static_cast<double>(nt);
        }
        if (syn <= 0.0) continue;
        g.chunks[b].in_synapses += syn;
        g.edges.push_back({static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b), syn, d});
      }
  }
  if (g.min_delay == ~0ull) g.min_delay = 1;
  return g;
}

}  // namespace myelin
