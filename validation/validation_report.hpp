#pragma once
// What `myelin validate` found, as a report directory: report.md (the
// tables), validation.json (the same numbers and, in stats mode, every
// sample, for scripts) and PNG plots drawn from validation.json by
// validation/plot_validation.py (raster, and the distributions of run and
// reference side by side).
#include <string>
#include <vector>

#include "validation/exact_match.hpp"
#include "validation/spike_statistics.hpp"

namespace myelin {

/// One statistic of one population in stats mode.
struct StatisticResult {
  std::string population, statistic;
  SampleComparison comparison;
  std::vector<double> run, reference;  ///< the samples compared
  double ks_limit = 0.0;   ///< the KS distance that passes here (after --ks-alpha)
  bool judged = true;      ///< false: shown only (--ks-limits lists no limit for it)
  bool pass = false;
};

/// One statistic of one population against a published mean.
struct PublishedResult {
  std::string population, statistic;
  double run_mean = 0.0, published = 0.0;
  double deviation = 0.0;    ///< |run - published| / |published|
  std::vector<double> run;   ///< the run's sample
  bool pass = false;
};

struct ValidationResult {
  std::string mode;  ///< "exact" or "stats"
  std::string run_file, reference_file;
  double tolerance = 0.0, min_match = 1.0;        ///< exact
  double t_start = 0.0, t_stop = 0.0;             ///< stats: the window (ms)
  double ks_max = 0.0, effect_max = 0.0;          ///< stats: thresholds
  std::string ks_limits;                          ///< stats: file of per-population KS limits, or ""
  double ks_alpha = 0.0;                          ///< stats: limits raised to the KS critical value at this level (0: not)
  std::uint64_t neurons = 0;                      ///< stats: first neurons analysed (0: all)
  std::vector<ExactMatch> exact;
  std::vector<StatisticResult> stats;
  std::string published_source;  ///< stats against published means: their citation
  double mean_max = 0.0;         ///< largest relative deviation of a mean
  std::vector<PublishedResult> published;
  bool pass = false;
};

/// The table printed to the terminal.
std::string validation_table(const ValidationResult& r);

/// Writes DIR/report.md and DIR/validation.json, then the plots unless
/// `plots` is false; a plot that cannot be drawn (no Python or matplotlib)
/// is a warning on stderr and a line in report.md, not a failure.
void write_validation_report(const ValidationResult& r, const std::string& dir, bool plots);

}  // namespace myelin
