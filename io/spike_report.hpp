#pragma once
// SONATA spike report: /spikes/<population>/{timestamps (float64, ms),
// node_ids (uint64)}, with the population attribute `sorting` (HDF5 enum
// none/by_id/by_time, as libsonata reads it) set to by_time.
#include <cstdint>
#include <string>
#include <vector>

namespace myelin {

struct PopulationSpikes {
  std::string population;
  std::vector<std::uint64_t> node_ids;
  std::vector<double> timestamps;  ///< ms, non-decreasing
};

void write_spike_report(const std::string& path, const std::vector<PopulationSpikes>& populations);

}  // namespace myelin
