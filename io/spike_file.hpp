#pragma once
// Reading a whole SONATA spike report written by anyone (myelin, Brian2
// scripts, NEST's SONATA writer): /spikes/<population>/{timestamps,
// node_ids}. Serial; for reference files and comparisons, not for restarts.
#include <string>
#include <vector>

#include "io/spike_report.hpp"

namespace myelin {

/// Every population of the file, spikes sorted by (time, node id). Throws
/// InputError naming the file and dataset when it is not such a report.
std::vector<PopulationSpikes> read_spike_file(const std::string& path);

/// Population `name` of the spikes read from `path`; an InputError naming
/// `reference` (the file that has it) and the populations there are when
/// it is missing.
const PopulationSpikes& population_in(const std::vector<PopulationSpikes>& spikes, const std::string& name,
                                      const std::string& path, const std::string& reference);

}  // namespace myelin
