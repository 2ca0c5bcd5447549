#include "build/connectivity.hpp"

#include <omp.h>

#include <algorithm>
#include <exception>
#include <limits>

#include "core/stop_signal.hpp"

namespace myelin {

std::uint64_t Connectivity::synapses() const {
  std::uint64_t n = 0;
  for (const auto& p : parts) n += p.syn.size();
  return n;
}

std::size_t Connectivity::bytes() const {
  std::size_t n = 0;
  for (const auto& p : parts) n += p.bytes();
  return n;
}

namespace {

/// Calls f(rank-local index, source gid, weight, delay) for every incoming
/// connection of the part's targets, in increasing target order.
template <class F>
void for_each_connection(const std::vector<std::vector<const ConnectionGenerator*>>& by_population,
                         const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                         const std::vector<TargetRange>& ranges, DrawScratch& scratch, F&& f) {
  for (const TargetRange& r : ranges) {
    const NeuronGroup& g = *groups[r.group];
    for (std::size_t i = r.begin; i < r.end; ++i) {
      if (i % 256 == 0) StopSignals::stop_if_terminated("build");
      const auto local = static_cast<std::uint32_t>(g.first_local + i);
      for (const ConnectionGenerator* gen : by_population[g.population])
        gen->for_each_incoming(g.node_ids[i], scratch,
                               [&](std::uint64_t src, float w, std::uint32_t d) { f(local, src, w, d); });
    }
  }
}

ConnectivityPart build_part(const std::vector<std::vector<const ConnectionGenerator*>>& by_population,
                            const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                            const std::vector<TargetRange>& ranges, std::uint64_t n_sources) {
  DrawScratch scratch;
  // Pass 1: count synapses per source. Generation is a pure function of the
  // keyed streams, so pass 2 regenerates the same connections instead of
  // holding a temporary edge list (peak memory stays ~10 B/synapse).
  std::vector<std::uint64_t> start(n_sources + 1, 0);
  for_each_connection(by_population, groups, ranges, scratch,
                      [&](std::uint32_t, std::uint64_t src, float, std::uint32_t) { ++start[src + 1]; });
  for (std::uint64_t s = 0; s < n_sources; ++s) start[s + 1] += start[s];

  ConnectivityPart part;
  part.syn.resize(start[n_sources]);
  huge_vector<std::uint16_t> delay(part.syn.size());
  {
    std::vector<std::uint64_t> cursor(start.begin(), start.end() - 1);
    for_each_connection(by_population, groups, ranges, scratch,
                        [&](std::uint32_t local, std::uint64_t src, float w, std::uint32_t d) {
                          const std::uint64_t k = cursor[src]++;
                          part.syn[k] = StaticSynapse{local, w};
                          delay[k] = static_cast<std::uint16_t>(d);
                        });
  }

  // Pass 3: within each row, group by delay (stable, so each segment keeps
  // increasing target order) and record the segments.
  part.row.assign(n_sources + 1, 0);
  std::vector<std::uint32_t> order;
  std::vector<StaticSynapse> tmp;
  for (std::uint64_t s = 0; s < n_sources; ++s) {
    part.row[s] = part.segs.size();
    const std::uint64_t b = start[s], e = start[s + 1];
    if (b == e) continue;
    const bool uniform = std::all_of(delay.begin() + b, delay.begin() + e, [&](auto d) { return d == delay[b]; });
    if (!uniform) {
      order.resize(e - b);
      for (std::uint64_t k = 0; k < e - b; ++k) order[k] = static_cast<std::uint32_t>(k);
      std::stable_sort(order.begin(), order.end(),
                       [&](std::uint32_t x, std::uint32_t y) { return delay[b + x] < delay[b + y]; });
      tmp.assign(part.syn.begin() + b, part.syn.begin() + e);
      std::vector<std::uint16_t> dtmp(delay.begin() + b, delay.begin() + e);
      for (std::uint64_t k = 0; k < e - b; ++k) {
        part.syn[b + k] = tmp[order[k]];
        delay[b + k] = dtmp[order[k]];
      }
    }
    for (std::uint64_t k = b; k < e; ++k)
      if (k == b || delay[k] != delay[k - 1]) part.segs.push_back(DelaySegment::make(k, delay[k]));
  }
  part.row[n_sources] = part.segs.size();
  part.segs.push_back(DelaySegment::make(part.syn.size(), 0));
  part.segs.shrink_to_fit();
  return part;
}

}  // namespace

Connectivity build_connectivity(const std::vector<ConnectionGenerator>& generators,
                                const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                                const std::vector<std::vector<TargetRange>>& ranges, std::uint64_t n_sources) {
  std::size_t n_pop = 0;
  for (const auto& g : groups) n_pop = std::max(n_pop, g->population + 1);
  for (const auto& gen : generators) n_pop = std::max(n_pop, gen.set().target_population + 1);
  std::vector<std::vector<const ConnectionGenerator*>> by_population(n_pop);
  for (const auto& gen : generators) by_population[gen.set().target_population].push_back(&gen);

  Connectivity c;
  c.n_sources = n_sources;
  c.parts.resize(ranges.size());
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(static_cast<int>(ranges.size()))
  for (std::size_t p = 0; p < ranges.size(); ++p) {
    try {
      c.parts[p] = build_part(by_population, groups, ranges[p], n_sources);
    } catch (...) {
#pragma omp critical(myelin_build_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);

  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max(), hi = 0;
  for (const auto& part : c.parts)
    for (std::size_t j = 0; j + 1 < part.segs.size(); ++j) {
      lo = std::min<std::uint64_t>(lo, part.segs[j].delay());
      hi = std::max<std::uint64_t>(hi, part.segs[j].delay());
    }
  c.min_delay = hi ? lo : 0;
  c.max_delay = hi;
  return c;
}

}  // namespace myelin
