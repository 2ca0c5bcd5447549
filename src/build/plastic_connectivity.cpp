#include "build/plastic_connectivity.hpp"

#include <omp.h>

#include <algorithm>
#include <bit>
#include <exception>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/stop_signal.hpp"
#include "myelin/error.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {

std::uint64_t PlasticPart::source_of(std::uint32_t j) const {
  return static_cast<std::uint64_t>(std::upper_bound(row.begin(), row.end(), j) - row.begin() - 1);
}

std::uint64_t PlasticProjection::synapses() const {
  std::uint64_t n = 0;
  for (const auto& p : parts) n += p.synapses();
  return n;
}

std::size_t PlasticProjection::bytes() const {
  std::size_t n = col_off.size() * sizeof(col_off[0]) + col_syn.size() * sizeof(col_syn[0]) +
                  col_seg.size() * sizeof(col_seg[0]) + col_part.size() + post.size() * sizeof(PostTrace);
  for (const auto& p : parts)
    n += p.row.size() * sizeof(p.row[0]) + p.seg_begin.size() * sizeof(p.seg_begin[0]) +
         p.seg_delay.size() * sizeof(p.seg_delay[0]) + p.seg_state.size() * sizeof(SegmentState) +
         p.target.size() * sizeof(p.target[0]) + p.weight.size() * sizeof(p.weight[0]) +
         p.elig.size() * sizeof(p.elig[0]) + p.touched.size() * sizeof(p.touched[0]);
  return n;
}

SegmentState initial_segment_state(const PlasticRule& rule) {
  if (const auto* t = std::get_if<TsodyksRule>(&rule)) return SegmentState{t->U, 1.0, -1};
  return SegmentState{};
}

PlasticRule make_rule(const ProjectionSpec& p) {
  const SynapseModelInfo* m = find_synapse_model(p.synapse_model);
  if (!m || !m->plastic) throw std::logic_error("make_rule: not a plastic synapse model");
  return m->make(synapse_parameter_values(*m, p.synapse_params));
}

namespace {

struct Edge {
  std::uint32_t target;  ///< rank-local
  std::uint32_t delay;
  std::uint64_t source;  ///< 0-based in the projection
  double weight;
};

/// Part p's synapses; `order[k]` receives, for the k-th edge in generation
/// order, its synapse index, and `seg_of[k]` its segment.
PlasticPart build_part(const ConnectionGenerator& gen, const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                       const std::vector<TargetRange>& ranges, std::size_t target_population, std::uint64_t n_source,
                       const PlasticRule& rule, std::vector<Edge>& edges, std::vector<std::uint32_t>& order,
                       std::vector<std::uint32_t>& seg_of) {
  DrawScratch scratch;
  const std::uint64_t first = gen.set().source_first_gid;
  for (const TargetRange& r : ranges) {
    const NeuronGroup& g = *groups[r.group];
    if (g.population != target_population) continue;
    for (std::size_t i = r.begin; i < r.end; ++i) {
      if (i % 256 == 0) StopSignals::stop_if_terminated("build");
      const auto local = static_cast<std::uint32_t>(g.first_local + i);
      gen.for_each_incoming(g.node_ids[i], scratch, [&](std::uint64_t src, float w, std::uint32_t d) {
        edges.push_back({local, d, src - first, static_cast<double>(w)});
      });
    }
  }
  if (edges.size() >= std::numeric_limits<std::uint32_t>::max())
    throw std::runtime_error("more than 4e9 plastic synapses of one projection in one thread (use more ranks)");
  // Rows: by source, then delay; generation order (targets ascending) within.
  std::vector<std::uint32_t> by_row(edges.size());
  std::iota(by_row.begin(), by_row.end(), 0u);
  std::stable_sort(by_row.begin(), by_row.end(), [&](std::uint32_t x, std::uint32_t y) {
    return edges[x].source != edges[y].source ? edges[x].source < edges[y].source : edges[x].delay < edges[y].delay;
  });
  PlasticPart c;
  c.row.assign(n_source + 1, 0);
  c.target.resize(edges.size());
  c.weight.resize(edges.size());
  order.resize(edges.size());
  seg_of.resize(edges.size());
  std::uint64_t s_next = 0;
  for (std::uint32_t k = 0; k < by_row.size(); ++k) {
    const Edge& e = edges[by_row[k]];
    const bool new_seg = k == 0 || e.source != edges[by_row[k - 1]].source || e.delay != edges[by_row[k - 1]].delay;
    if (new_seg) {
      while (s_next <= e.source) c.row[s_next++] = static_cast<std::uint32_t>(c.seg_begin.size());
      c.seg_begin.push_back(k);
      c.seg_delay.push_back(static_cast<std::uint16_t>(e.delay));
    }
    c.target[k] = e.target;
    c.weight[k] = e.weight;
    order[by_row[k]] = k;
    seg_of[by_row[k]] = static_cast<std::uint32_t>(c.seg_begin.size() - 1);
  }
  while (s_next <= n_source) c.row[s_next++] = static_cast<std::uint32_t>(c.seg_begin.size());
  c.seg_begin.push_back(static_cast<std::uint32_t>(edges.size()));
  c.seg_state.assign(c.seg_delay.size(), initial_segment_state(rule));
  return c;
}

}  // namespace

/// The dendritic convention's axonal part, the delays present here and
/// the postsynaptic histories (plastic_store.hpp).
void set_delay_convention(PlasticProjection& pr, const ProjectionSpec& spec, std::size_t local_size) {
  pr.dendritic = pr.has_post() && spec.delay_convention == ProjectionSpec::DelayConvention::dendritic;
  if (!pr.dendritic) return;
  const auto ax = spec.synapse_params.find("axonal_delay");
  pr.axonal = ax == spec.synapse_params.end() ? 0 : std::llround(ax->second / pr.dt);
  for (const PlasticPart& c : pr.parts) pr.delays.insert(pr.delays.end(), c.seg_delay.begin(), c.seg_delay.end());
  std::sort(pr.delays.begin(), pr.delays.end());
  pr.delays.erase(std::unique(pr.delays.begin(), pr.delays.end()), pr.delays.end());
  // The loader keeps axonal_delay a step below the smallest delay; a drawn
  // delay that rounds onto it would have no dendritic part.
  if (!pr.delays.empty() && pr.delays.front() <= pr.axonal)
    throw InputError(spec.origin.where(), "synapse.axonal_delay", std::to_string(static_cast<double>(pr.axonal) * pr.dt) + " ms",
                     "an axonal delay at least one step below every synapse's delay (one is " +
                         std::to_string(pr.delays.front() * pr.dt) + " ms)");
  pr.history.assign(local_size, {});
}

PlasticProjection build_plastic_projection(std::size_t projection, const ProjectionSpec& spec,
                                           const ConnectionGenerator& gen,
                                           const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                                           const std::vector<std::vector<TargetRange>>& ranges,
                                           std::size_t local_size, double dt) {
  PlasticProjection pr;
  pr.projection = projection;
  pr.target_population = gen.set().target_population;
  pr.source_first_gid = gen.set().source_first_gid;
  pr.n_source = gen.set().n_source;
  pr.dt = dt;
  pr.rule = make_rule(spec);
  if (ranges.size() > 255) throw std::runtime_error("plastic synapses support at most 255 threads per rank");
  const std::size_t np = ranges.size();
  pr.parts.resize(np);
  std::vector<std::vector<Edge>> edges(np);
  std::vector<std::vector<std::uint32_t>> order(np), seg_of(np);
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic, 1) num_threads(static_cast<int>(np))
  for (std::size_t p = 0; p < np; ++p) {
    try {
      pr.parts[p] = build_part(gen, groups, ranges[p], pr.target_population, pr.n_source, pr.rule, edges[p], order[p],
                               seg_of[p]);
    } catch (...) {
#pragma omp critical(myelin_plastic_build_error)
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);

  // The target-major index over all parts: each part's edges are grouped
  // by target in generation order already.
  pr.col_off.assign(local_size + 1, 0);
  pr.col_part.assign(local_size, 0);
  for (std::size_t p = 0; p < np; ++p)
    for (const Edge& e : edges[p]) {
      ++pr.col_off[e.target + 1];
      pr.col_part[e.target] = static_cast<std::uint8_t>(p);
    }
  for (std::size_t l = 0; l < local_size; ++l) pr.col_off[l + 1] += pr.col_off[l];
  pr.col_syn.resize(pr.col_off[local_size]);
  pr.col_seg.resize(pr.col_off[local_size]);
  for (std::size_t p = 0; p < np; ++p) {
    // Edges of one target are consecutive: write them in order.
    std::size_t k = 0;
    while (k < edges[p].size()) {
      const std::uint32_t t = edges[p][k].target;
      std::uint64_t at = pr.col_off[t];
      for (; k < edges[p].size() && edges[p][k].target == t; ++k, ++at) {
        pr.col_syn[at] = order[p][k];
        pr.col_seg[at] = seg_of[p][k];
      }
    }
    std::vector<Edge>().swap(edges[p]);
  }
  pr.post.assign(pr.has_post() ? local_size : 0, PostTrace{});
  pr.tabulate();
  if (const auto* r = std::get_if<DopamineRule>(&pr.rule)) {
    for (PlasticPart& c : pr.parts) {
      c.elig.assign(c.weight.size(), 0.0);
      c.touched.assign(c.weight.size(), 0);
      if (spec.modulator.population.empty()) {
        // A time series: n holds each value from its step on.
        for (std::size_t i = 0; i < spec.modulator.times.size(); ++i)
          c.mod.set(std::max<Step>(0, std::llround(spec.modulator.times[i] / dt)), spec.modulator.values[i]);
      } else {
        c.mod.tau_n = r->tau_n;
      }
    }
    pr.consolidate_every = std::max<Step>(1, std::llround(1000.0 / dt));
  }
  set_delay_convention(pr, spec, local_size);
  if (spec.scaling.on()) {
    const ProjectionSpec::Scaling& sc = spec.scaling;
    pr.scaling.on = true;
    pr.scaling.target = sc.target_rate * 1e-3;
    pr.scaling.tau = sc.tau;
    pr.scaling.interval = std::max<Step>(1, std::llround(sc.interval / dt));
    // beta (1 / (Hz s)) * interval (s) * rate error (Hz) = beta * interval_ms * error_per_ms.
    pr.scaling.gain = sc.beta * static_cast<double>(pr.scaling.interval) * dt;
  }
  return pr;
}

void size_pending(PlasticProjection& pr, Step max_delay) {
  const std::size_t n = std::bit_ceil(static_cast<std::size_t>(max_delay) + 1);
  pr.mask = static_cast<Step>(n - 1);
  const std::size_t m = std::bit_ceil(static_cast<std::size_t>(pr.max_shift()) + 1);
  pr.post_mask = static_cast<Step>(m - 1);
  for (auto& p : pr.parts) {
    p.pending.assign(n, {});
    p.mod_pending.assign(n, {});
    p.post_pending.assign(m, {});
  }
}

}  // namespace myelin
