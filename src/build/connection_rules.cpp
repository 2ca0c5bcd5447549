#include "build/connection_rules.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/units.hpp"
#include "synapses/static_synapse.hpp"

namespace myelin {

ConnectionSet projection_set(const ModelSpec& spec, std::size_t k, const std::vector<std::uint64_t>& pop_first_gid) {
  const ProjectionSpec& p = spec.projections[k];
  ConnectionSet c;
  c.field = "projection[" + std::to_string(k) + "]";
  c.origin = p.origin;
  c.key = static_cast<std::uint32_t>(k);
  const std::size_t src = *spec.population_index(p.source), tgt = *spec.population_index(p.target);
  c.source_first_gid = pop_first_gid[src];
  c.n_source = spec.populations[src].size;
  c.target_population = tgt;
  c.target_first_gid = pop_first_gid[tgt];
  c.n_target = spec.populations[tgt].size;
  c.rule = p.rule;
  c.count = p.count;
  c.p = p.p;
  c.weight = p.weight;
  c.delay = p.delay;
  c.allow_autapses = p.allow_autapses;
  c.allow_multapses = p.allow_multapses;
  c.same_population = src == tgt;
  return c;
}

ConnectionGenerator::ConnectionGenerator(const ConnectionSet& set, std::uint32_t seed, double dt,
                                         const std::vector<std::uint8_t>& is_local)
    : set_(set), seed_(seed), dt_(dt) {
  if (set_.delay.is_constant()) const_delay_ = delay_steps(set_.delay.a);
  if (set_.rule == Rule::fixed_total_number) {
    // Multinomial split of the total over targets, from one stream that
    // every rank draws identically.
    total_counts_.assign(set_.n_target, 0);
    Stream s(seed_, Purpose::connect_total, set_.key, 0);
    for (std::uint64_t j = 0; j < set_.count; ++j) ++total_counts_[s.below(set_.n_target)];
    if (!set_.allow_multapses) {
      const std::uint64_t avail = set_.n_source - (set_.same_population && !set_.allow_autapses ? 1 : 0);
      for (std::uint64_t t = 0; t < set_.n_target; ++t)
        if (total_counts_[t] > avail)
          throw InputError(set_.origin.where(), set_.field + ".number", std::to_string(set_.count),
                           "few enough connections that no target needs more than " + std::to_string(avail) +
                               " distinct sources (or allow_multapses = true)");
    }
  }
  if (set_.rule == Rule::fixed_outdegree) {
    // Each source draws its targets from its own stream; keep the local ones.
    std::vector<std::uint64_t> counts(set_.n_target + 1, 0);
    std::vector<std::pair<std::uint64_t, Drawn>> kept;
    const bool skip_self = set_.same_population && !set_.allow_autapses;
    const std::uint64_t n = set_.n_target - (skip_self ? 1 : 0);
    std::vector<std::uint8_t> taken;
    for (std::uint64_t src = 0; src < set_.n_source; ++src) {
      Stream s(seed_, Purpose::connect, set_.key, set_.source_first_gid + src);
      if (!set_.allow_multapses) taken.assign(n, 0);
      std::vector<std::uint64_t> targets;
      if (set_.allow_multapses) {
        for (std::uint64_t j = 0; j < set_.count; ++j) targets.push_back(s.below(n));
      } else {
        for (std::uint64_t j = n - set_.count; j < n; ++j) {
          std::uint64_t r = s.below(j + 1);
          if (taken[r]) r = j;
          taken[r] = 1;
          targets.push_back(r);
        }
      }
      for (std::uint64_t r : targets) {
        const std::uint64_t tgt = (skip_self && r >= src) ? r + 1 : r;
        const double w = sample(set_.weight, s);
        const double d = sample(set_.delay, s);
        if (!is_local[tgt]) continue;
        kept.push_back({tgt, Drawn{src, static_cast<float>(w), delay_steps(d)}});
        ++counts[tgt + 1];
      }
    }
    for (std::uint64_t t = 0; t < set_.n_target; ++t) counts[t + 1] += counts[t];
    out_offsets_ = counts;
    out_incoming_.resize(kept.size());
    for (const auto& [tgt, d] : kept) out_incoming_[counts[tgt]++] = d;
  }
}

void ConnectionGenerator::set_file_edges(const std::vector<FileEdge>& edges) {
  std::vector<std::uint64_t> counts(set_.n_target + 1, 0);
  for (const FileEdge& e : edges) ++counts[e.target + 1];
  for (std::uint64_t t = 0; t < set_.n_target; ++t) counts[t + 1] += counts[t];
  out_offsets_ = counts;
  std::vector<std::uint64_t> order(edges.size());
  for (std::size_t k = 0; k < edges.size(); ++k) order[counts[edges[k].target]++] = k;
  out_incoming_.resize(edges.size());
  // Values the file lacks come from the target's own stream, in file order,
  // like the procedural rules' draws.
  for (std::uint64_t t = 0; t < set_.n_target; ++t) {
    const std::uint64_t b = out_offsets_[t], e = out_offsets_[t + 1];
    if (b == e) continue;
    Stream s(seed_, Purpose::connect, set_.key, set_.target_first_gid + t);
    for (std::uint64_t j = b; j < e; ++j) {
      const FileEdge& f = edges[order[j]];
      const double w = std::isnan(f.weight) ? sample(set_.weight, s) : f.weight;
      const std::uint32_t d =
          std::isnan(f.delay_ms) ? (const_delay_ ? const_delay_ : delay_steps(sample(set_.delay, s))) : delay_steps(f.delay_ms);
      out_incoming_[j] = Drawn{f.source, static_cast<float>(w), d};
    }
  }
}

std::vector<ConnectionGenerator::FileEdge> ConnectionGenerator::list_edges(const ProjectionSpec::ConnectionList& list,
                                                                          const std::vector<std::uint8_t>& is_local) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<FileEdge> edges;
  for (std::size_t j = 0; j < list.targets.size(); ++j)
    if (is_local[list.targets[j]])
      edges.push_back({list.targets[j], list.sources[j], list.weights.empty() ? nan : list.weights[j],
                       list.delays.empty() ? nan : list.delays[j]});
  return edges;
}

std::uint32_t ConnectionGenerator::delay_steps(double ms) const {
  const double most = static_cast<double>(DelaySegment::max_delay) * dt_;
  // Range first: a huge or infinite delay must not reach the conversion to steps.
  if (!(ms <= most * (1 + 1e-9)))
    throw InputError(set_.origin.where(), set_.field + ".delay", short_number(ms) + " ms",
                     "at most " + std::to_string(DelaySegment::max_delay) + " steps (" + short_number(most) + " ms)");
  const Step d = to_steps(ms, dt_);
  if (!(ms >= dt_ * (1 - 1e-9)) || d < 1)
    throw InputError(set_.origin.where(), set_.field + ".delay", short_number(ms) + " ms",
                     "a delay of at least dt = " + short_number(dt_) + " ms (for a distribution, clip it with min >= dt)");
  return static_cast<std::uint32_t>(d);
}

}  // namespace myelin
