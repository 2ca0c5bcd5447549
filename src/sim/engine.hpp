#pragma once
// The slice loop. Time advances in slices of the minimum delay: within a
// slice no spike can reach any neuron (delay >= slice length), so each
// thread steps its neurons through the whole slice, then all spikes of the
// slice are delivered at once (NEST's min-delay scheme).
#include <cstdint>
#include <vector>

#include "exchange/spike.hpp"
#include "sim/network.hpp"

namespace myelin {

struct SimulationOutput {
  std::vector<std::vector<std::uint64_t>> node_ids;  ///< per population, recorded ones only
  std::vector<std::vector<double>> times;            ///< ms
  std::vector<std::uint64_t> spike_counts;           ///< per population, all
  std::uint64_t events = 0;                          ///< synaptic events delivered
  ExchangeCounters exchange;
  double update_s = 0.0;   ///< neuron updates, the slowest thread's total
  double deliver_s = 0.0;  ///< spike delivery, the slowest thread's total
};

/// Runs steps [0, t_end). `record[p]`: keep spike times of this rank's
/// neurons of population p. `exchange` is driven at every slice boundary.
void simulate(Network& net, Step t_end, const std::vector<bool>& record, int threads, bool progress,
              SimulationOutput& out, SpikeExchange& exchange);

}  // namespace myelin
