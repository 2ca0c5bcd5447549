#pragma once
// SONATA report layout for sampled state variables, one file per variable:
// /report/<population>/data (time x element, float64),
// /report/<population>/mapping/{node_ids, index_pointers, element_ids,
// time = [start, stop, step]} in ms.
#include <cstdint>
#include <string>
#include <vector>

namespace myelin {

struct PopulationTrace {
  std::string population;
  std::vector<std::uint64_t> node_ids;  ///< one element per node
  std::vector<double> data;             ///< rows of node_ids.size()
  double t_start = 0, t_stop = 0, t_step = 0;
};

void write_state_report(const std::string& path, const std::string& variable, const std::string& units,
                        const std::vector<PopulationTrace>& populations);

}  // namespace myelin
