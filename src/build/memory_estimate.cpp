#include "build/memory_estimate.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "partition/chunk_graph.hpp"
#include "partition/metrics.hpp"

namespace myelin {
namespace {

constexpr double process_bytes = 48.0 * 1048576;  ///< the runtime, MPI and HDF5 of a rank
constexpr double neuron_bytes = 128;              ///< state columns, ids, indices
constexpr double static_stored = 8.2;             ///< bytes per synapse with its row and segment tables
constexpr double static_building = 10.2;          ///< plus the delay scratch of the build
constexpr double plastic_stored = 23.0;
constexpr double plastic_building = 58.0;         ///< edges sorted into the store

/// The longest delay a distribution will practically draw: its bound, or
/// for an unbounded normal its mean + 7 std (beyond that, about one draw in
/// 10^12).
double longest_delay(const Value& d) {
  if (d.kind == Value::Kind::normal) return std::min(d.max, d.a + 7 * d.b);
  return d.upper();
}

/// Slots of the ring buffer: the largest delay + 1, to a power of two.
double ring_slots(const ModelSpec& spec) {
  double longest = 1;
  for (const auto& p : spec.projections) longest = std::max(longest, std::ceil(longest_delay(p.delay) / spec.run.dt));
  for (const auto& s : spec.stimuli) longest = std::max(longest, std::ceil(longest_delay(s.delay) / spec.run.dt));
  if (!(longest < 1e6)) return 1e6;  // check() refuses such delays; keep the arithmetic finite
  return static_cast<double>(std::bit_ceil(static_cast<std::uint64_t>(longest) + 1));
}

MemoryEstimate of_rank(const ModelSpec& spec, double neurons, double synapses, double plastic, double recording_bytes) {
  MemoryEstimate e;
  e.baseline = process_bytes;
  e.neurons = neurons * neuron_bytes;
  e.ring = neurons * ring_slots(spec) * 2 * 8;
  const double fixed = synapses - plastic;
  e.synapses = fixed * static_stored;
  e.plastic = plastic * plastic_stored;
  e.recording = recording_bytes;
  e.build_peak = e.baseline + e.neurons + fixed * static_building + plastic * plastic_building;
  e.run_peak = e.baseline + e.neurons + e.ring + e.synapses + e.plastic + e.recording;
  return e;
}

}  // namespace

MemoryEstimate estimate_memory(const ModelSpec& spec, const Placement& placement, double recording_bytes) {
  const PlacementMetrics m = evaluate_placement(spec, placement);
  MemoryEstimate worst;
  for (int r = 0; r < m.ranks; ++r) {
    const auto k = static_cast<std::size_t>(r);
    MemoryEstimate e = of_rank(spec, static_cast<double>(m.neurons_per_rank[k]), m.synapses_per_rank[k],
                               m.plastic_synapses_per_rank[k], recording_bytes);
    e.rank = r;
    if (r == 0 || e.peak() > worst.peak()) worst = e;
  }
  return worst;
}

MemoryEstimate estimate_memory_even(const ModelSpec& spec, int ranks, double recording_bytes) {
  double neurons = 0, synapses = 0, plastic = 0;
  for (const auto& p : spec.populations) neurons += static_cast<double>(p.size);
  for (const auto& p : spec.projections) {
    const std::size_t ps = *spec.population_index(p.source), pt = *spec.population_index(p.target);
    const double s = expected_synapses(p, spec.populations[ps].size, spec.populations[pt].size, ps == pt);
    synapses += s;
    if (p.synapse_model != "static_synapse") plastic += s;
  }
  const double r = std::max(1, ranks);
  return of_rank(spec, neurons / r, synapses / r, plastic / r, recording_bytes);
}

}  // namespace myelin
