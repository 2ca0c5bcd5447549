#pragma once
// What the slice loop hands recorded spikes to: each slice's spikes of a
// recorded population p are appended to spikes()[slot(p)], and at the
// boundaries where the ranks agree the recorder is flushed. The loop knows
// nothing of files; io/recording.hpp writes the reports.
#include <cstdint>
#include <string>
#include <vector>

#include "build/network.hpp"
#include "core/time_grid.hpp"

namespace myelin {

struct PopulationSpikes {
  std::string population;
  std::vector<std::uint64_t> node_ids;
  std::vector<double> timestamps;  ///< ms, non-decreasing
  std::size_t size() const { return timestamps.size(); }
};

class SpikeRecorder {
 public:
  virtual ~SpikeRecorder() = default;
  /// Where population p's spikes go in spikes(); -1 when not recorded.
  virtual int slot(std::size_t population) const = 0;
  /// This rank's spikes not yet written, per recorded population.
  virtual std::vector<PopulationSpikes>& spikes() = 0;
  /// This rank's buffers have passed their budget.
  virtual bool over_budget(const Network& net) const = 0;
  /// Collective, at a slice boundary t: hands on what is buffered.
  virtual void flush(Network& net, Step t) = 0;
};

}  // namespace myelin
