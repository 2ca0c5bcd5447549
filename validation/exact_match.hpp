#pragma once
// `myelin validate --mode exact`: spike trains compared neuron by neuron.
// Spikes of one neuron are matched in time order: a run spike and a
// reference spike within `tolerance` of each other match; otherwise the
// earlier one is unmatched (extra in the run, or missing from it) and the
// walk goes on. The first divergence is the earliest unmatched spike.
#include <cstdint>
#include <string>
#include <vector>

#include "io/spike_report.hpp"

namespace myelin {

struct ExactMatch {
  std::string population;
  std::uint64_t reference = 0, run = 0;  ///< spikes in each
  std::uint64_t matched = 0, missing = 0, extra = 0;
  double max_shift = 0.0;  ///< ms, largest |t_run - t_ref| of a match
  bool diverged = false;
  std::uint64_t node = 0;  ///< first divergence: node id, time (ms),
  double time = 0.0;       ///< and whether the spike is missing or extra
  bool missing_first = false;

  /// matched / reference spikes (1 when both are silent).
  double fraction() const {
    const std::uint64_t n = reference > run ? reference : run;
    return n ? static_cast<double>(matched) / static_cast<double>(n) : 1.0;
  }
};

/// One result per population of `reference`; a population the run lacks
/// is an InputError (the files do not describe the same network).
std::vector<ExactMatch> match_exact(const std::vector<PopulationSpikes>& run,
                                    const std::vector<PopulationSpikes>& reference, double tolerance,
                                    const std::string& run_name, const std::string& reference_name);

}  // namespace myelin
