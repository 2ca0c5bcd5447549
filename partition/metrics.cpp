#include "partition/metrics.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/exchange_schedule.hpp"
#include "partition/chunk_graph.hpp"

namespace myelin {
namespace {

template <class T>
double imbalance(const std::vector<T>& v) {
  double mx = 0, sum = 0;
  for (const T& x : v) {
    mx = std::max(mx, static_cast<double>(x));
    sum += static_cast<double>(x);
  }
  return sum > 0 ? mx / (sum / static_cast<double>(v.size())) : 1.0;
}

}  // namespace

PlacementMetrics evaluate_placement(const ModelSpec& spec, const Placement& placement) {
  PlacementMetrics m;
  const int R = placement.ranks();
  const auto r_n = static_cast<std::size_t>(R);
  m.ranks = R;
  // Neurons of each population per rank.
  std::vector<std::vector<double>> count(spec.populations.size(), std::vector<double>(r_n, 0.0));
  std::vector<std::uint64_t> first;
  std::uint64_t gid = 0;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    first.push_back(gid);
    for (std::uint64_t i = 0; i < spec.populations[p].size; ++i)
      count[p][static_cast<std::size_t>(placement.rank_of(gid + i))] += 1.0;
    gid += spec.populations[p].size;
  }
  m.neurons_per_rank.assign(r_n, 0);
  for (const auto& c : count)
    for (std::size_t r = 0; r < r_n; ++r) m.neurons_per_rank[r] += static_cast<std::uint64_t>(c[r]);

  m.min_delay = ~0ull;
  for (const auto& proj : spec.projections) m.min_delay = std::min(m.min_delay, min_delay_steps(proj, spec.run.dt));
  if (m.min_delay == ~0ull) m.min_delay = 1;

  m.synapses_per_rank.assign(r_n, 0.0);
  m.plastic_synapses_per_rank.assign(r_n, 0.0);
  m.delay_matrix.assign(r_n * r_n, 0);
  std::vector<double> syn_ab(r_n * r_n);
  for (const auto& proj : spec.projections) {
    const std::size_t ps = *spec.population_index(proj.source), pt = *spec.population_index(proj.target);
    const std::uint64_t ns = spec.populations[ps].size, nt = spec.populations[pt].size;
    const double total = expected_synapses(proj, ns, nt, ps == pt);
    if (total <= 0) continue;
    std::fill(syn_ab.begin(), syn_ab.end(), 0.0);
    if (proj.rule == Rule::one_to_one) {
      for (std::uint64_t i = 0; i < std::min(ns, nt); ++i)
        syn_ab[static_cast<std::size_t>(placement.rank_of(first[ps] + i)) * r_n +
               static_cast<std::size_t>(placement.rank_of(first[pt] + i))] += 1.0;
    } else {
      for (std::size_t a = 0; a < r_n; ++a)
        for (std::size_t b = 0; b < r_n; ++b)
          syn_ab[a * r_n + b] = total * count[ps][a] / static_cast<double>(ns) * count[pt][b] / static_cast<double>(nt);
    }
    const std::uint64_t d = min_delay_steps(proj, spec.run.dt);
    const bool short_delay = d < 2 * m.min_delay;
    m.synapses += total;
    if (short_delay) m.short_synapses += total;
    for (std::size_t a = 0; a < r_n; ++a)
      for (std::size_t b = 0; b < r_n; ++b) {
        const double s = syn_ab[a * r_n + b];
        if (s <= 0) continue;
        m.synapses_per_rank[b] += s;
        if (proj.synapse_model != "static_synapse") m.plastic_synapses_per_rank[b] += s;
        if (a == b) continue;
        m.synapses_cut += s;
        if (short_delay) m.short_synapses_cut += s;
        std::uint64_t& dab = m.delay_matrix[a * r_n + b];
        dab = dab ? std::min(dab, d) : d;
      }
  }
  m.neuron_imbalance = imbalance(m.neurons_per_rank);
  m.synapse_imbalance = imbalance(m.synapses_per_rank);
  m.load_imbalance = std::max(m.neuron_imbalance, m.synapse_imbalance);

  // Tiers each rank sends in; boundaries in one simulated second at which
  // each rank must receive (the exchange's schedule).
  const auto steps = static_cast<std::uint64_t>(std::llround(1000.0 / spec.run.dt));
  std::vector<char> due(steps + 1);
  double worst = 0.0;
  for (std::size_t b = 0; b < r_n; ++b) {
    std::fill(due.begin(), due.end(), 0);
    std::uint64_t tier_mask = 0;
    for (std::size_t a = 0; a < r_n; ++a) {
      if (const std::uint64_t d = m.delay_matrix[b * r_n + a]) {
        tier_mask |= 1ull << std::min(63u, exchange_tier(d, m.min_delay));
        ++m.rank_pairs;
      }
      const std::uint64_t d = m.delay_matrix[a * r_n + b];
      if (!d) continue;
      const std::uint64_t i = exchange_interval(d, m.min_delay), lag = exchange_deadline_lag(d, m.min_delay);
      for (std::uint64_t t = lag; t <= steps; t += i) due[t] = 1;
    }
    m.tiers = std::max(m.tiers, static_cast<unsigned>(std::popcount(tier_mask)));
    worst = std::max(worst, static_cast<double>(std::count(due.begin() + 1, due.end(), 1)));
  }
  m.syncs_per_second = worst;
  m.global_syncs_per_second = R > 1 ? static_cast<double>(steps) / static_cast<double>(m.min_delay) : 0.0;
  return m;
}

}  // namespace myelin
