#include "validation/exact_match.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "io/spike_file.hpp"

namespace myelin {
namespace {

/// Spike times per node, each sorted.
std::map<std::uint64_t, std::vector<double>> by_node(const PopulationSpikes& p) {
  std::map<std::uint64_t, std::vector<double>> m;
  for (std::size_t i = 0; i < p.size(); ++i) m[p.node_ids[i]].push_back(p.timestamps[i]);
  for (auto& [node, t] : m) std::sort(t.begin(), t.end());
  return m;
}

}  // namespace

std::vector<ExactMatch> match_exact(const std::vector<PopulationSpikes>& run,
                                    const std::vector<PopulationSpikes>& reference, double tolerance,
                                    const std::string& run_name, const std::string& reference_name) {
  std::vector<ExactMatch> out;
  for (const PopulationSpikes& ref : reference) {
    const PopulationSpikes* it = &population_in(run, ref.population, run_name, reference_name);
    ExactMatch m;
    m.population = ref.population;
    m.reference = ref.size();
    m.run = it->size();
    const auto diverge = [&](std::uint64_t node, double t, bool missing) {
      if (!m.diverged || t < m.time || (t == m.time && node < m.node)) {
        m.diverged = true;
        m.node = node;
        m.time = t;
        m.missing_first = missing;
      }
    };
    auto a = by_node(*it), b = by_node(ref);
    for (auto& [node, tr] : b) a[node];  // nodes silent in the run
    for (const auto& [node, ta] : a) {
      const std::vector<double>& tb = b[node];
      std::size_t i = 0, j = 0;
      while (i < ta.size() || j < tb.size()) {
        if (i < ta.size() && j < tb.size() && std::abs(ta[i] - tb[j]) <= tolerance) {
          m.max_shift = std::max(m.max_shift, std::abs(ta[i] - tb[j]));
          ++m.matched;
          ++i;
          ++j;
        } else if (j >= tb.size() || (i < ta.size() && ta[i] < tb[j])) {
          ++m.extra;
          diverge(node, ta[i++], false);
        } else {
          ++m.missing;
          diverge(node, tb[j++], true);
        }
      }
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace myelin
