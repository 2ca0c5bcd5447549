#pragma once
// Comparing a run's spikes with reference spike trains, as `myelin
// validate` does (the myelin::validation library, beside the engine).
// Exact mode matches every neuron's spikes within a tolerance and names the
// first divergence; stats mode compares each population's distributions of
// rates, ISI CVs, Fano factors and correlations by KS distance and effect
// size (Dasbach et al. 2021, NetworkUnit), or the run's means with
// published ones.
#include <cstdint>
#include <string>

namespace myelin {

struct ValidationRequest {
  std::string run;        ///< a run's output directory (its spikes.h5 and summary.json) or a spike file
  std::string reference;  ///< a spike file or directory, or published means (.toml: stats only)
  std::string mode = "exact";  ///< "exact" or "stats"
  /// exact: ms a spike may move and still match; < 0: one step, the run's
  /// dt from its summary.json.
  double tolerance = -1.0;
  double min_match = 1.0;  ///< exact: fraction that must match, per population
  double ks_max = 0.2, effect_max = 0.5;  ///< stats: the largest KS distance and |Cohen's d| that pass
  std::string ks_limits;  ///< stats: per-population KS limits (.toml) instead of ks_max and effect_max
  double ks_alpha = 0.0;  ///< stats: raise limits to the KS critical value at this level (0: do not)
  double t_start = 0.0;   ///< stats: ms left out at the start
  double t_stop = -1.0;   ///< stats: end of the window; < 0: the run's t_stop from its summary.json
  double bin = 5.0;       ///< stats: ms, for correlations
  double mean_max = 0.1;  ///< published means: the largest relative deviation that passes
  std::uint64_t neurons = 0;  ///< stats: analyse the first so many neurons of each population (0: all)
  std::string report_dir;     ///< write report.md, validation.json and plots there ("" : none)
  bool plots = true;          ///< with report_dir: PNG plots (need /usr/bin/python3 with matplotlib)
};

struct ValidationOutcome {
  bool pass = false;
  std::string text;  ///< the table, as `myelin validate` prints it before its verdict
};

/// InputError for unreadable or mismatched files and values out of range
/// (named as ValidationRequest's fields).
ValidationOutcome validate(const ValidationRequest& request);

}  // namespace myelin
