#pragma once
// The slice loop. Time advances in slices of the minimum delay: within a
// slice no spike can reach any neuron (delay >= slice length), so each
// thread steps its neurons through the whole slice, then all spikes of the
// slice are delivered at once (NEST's min-delay scheme).
#include <cstdint>
#include <functional>
#include <vector>

#include "core/progress.hpp"
#include "exchange/spike.hpp"
#include "sim/checkpoint_trigger.hpp"
#include "build/network.hpp"
#include "sim/recorder.hpp"

namespace myelin {

struct SimulationOutput {
  std::vector<std::uint64_t> spike_counts;           ///< per population, all
  std::uint64_t events = 0;                          ///< synaptic events delivered
  std::uint64_t spikes_emitted = 0;                  ///< by this rank's neurons in this process (progress line)
  ExchangeCounters exchange;
  double update_s = 0.0;   ///< neuron updates, the slowest thread's total
  double deliver_s = 0.0;  ///< spike delivery, the slowest thread's total
};

/// Runs steps [t_begin, t_end), adding to `out`, until t_end or a boundary
/// at which `trigger` (may be null) asks to stop; returns the step reached.
/// At such a stop the exchange is flushed, so every spike emitted before it
/// is in the ring buffers: the state a checkpoint saves. Slices end at
/// multiples of the minimum delay and at scheduled checkpoints.
/// Recorded spikes go to `recording`, which is flushed at the boundaries
/// where `trigger` says a rank's buffers are full.
/// `observe` (may be null) sees this rank's spikes of each slice, in
/// (step, gid) order, on the master thread.
using SliceObserver = std::function<void(const std::vector<SourceSpike>&)>;
Step simulate(Network& net, Step t_begin, Step t_end, SpikeRecorder& recording, int threads, Progress& progress,
              SimulationOutput& out, SpikeExchange& exchange, CheckpointTrigger* trigger,
              const SliceObserver* observe = nullptr);

}  // namespace myelin
