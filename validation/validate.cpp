// validate(): the comparisons behind `myelin validate` (see
// myelin/validation.hpp), from reading the files to the verdict and report.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "io/spike_file.hpp"
#include "myelin/error.hpp"
#include "myelin/validation.hpp"
#include "validation/exact_match.hpp"
#include "validation/published_values.hpp"
#include "validation/spike_statistics.hpp"
#include "validation/validation_report.hpp"

namespace fs = std::filesystem;

namespace myelin {
namespace {

/// A run directory's spikes.h5, or the file itself.
std::string spike_path(const std::string& p, const char* what) {
  if (fs::is_directory(p)) {
    const fs::path f = fs::path(p) / "spikes.h5";
    if (!fs::exists(f)) throw InputError(p, what, "", "a run directory with spikes.h5, or a spike file");
    return f.string();
  }
  if (!fs::exists(p)) throw InputError(p, what, "(missing)", "a run directory or a SONATA spike file");
  return p;
}

/// A run directory's summary.json (beside a spike file too), or "".
std::string summary_of(const std::string& p) {
  std::ifstream in(fs::path(fs::is_directory(p) ? p : fs::path(p).parent_path().string()) / "summary.json");
  if (!in) return "";
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The number after `"key": ` from position `from` of a summary; 0 when absent.
double number_after(const std::string& text, const std::string& key, std::size_t from = 0) {
  const auto at = text.find("\"" + key + "\": ", from);
  return at == std::string::npos ? 0.0 : std::strtod(text.c_str() + at + key.size() + 4, nullptr);
}

/// Population sizes from the summary ({"name": "E", "size": 10000, ...}).
std::uint64_t population_size(const std::string& summary, const std::string& name) {
  const auto at = summary.find("{\"name\": \"" + name + "\", ");
  return at == std::string::npos ? 0 : static_cast<std::uint64_t>(number_after(summary, "size", at));
}

std::uint64_t largest_node(const std::vector<PopulationSpikes>& files, const std::string& pop) {
  std::uint64_t n = 0;
  for (const auto& p : files)
    if (p.population == pop)
      for (std::uint64_t id : p.node_ids) n = std::max(n, id + 1);
  return n;
}

/// A reference node id beyond the run's population (by its summary.json)
/// means the two files describe different networks.
void check_node_range(const std::vector<PopulationSpikes>& ref, const std::string& summary, const std::string& ref_file) {
  for (const PopulationSpikes& r : ref) {
    const std::uint64_t n = population_size(summary, r.population);
    const std::uint64_t top = largest_node(ref, r.population);
    if (n && top > n)
      throw InputError(ref_file, "/spikes/" + r.population + "/node_ids", "node " + std::to_string(top - 1),
                       "node ids below " + std::to_string(n) + ", the size of the run's population " + r.population +
                           " (the reference is of another network)");
  }
}

/// The statistics by the names reports and published-means files use.
const std::pair<const char*, std::vector<double> PopulationStatistics::*> statistics[] = {
    {"rate", &PopulationStatistics::rate},
    {"cv_isi", &PopulationStatistics::cv},
    {"fano", &PopulationStatistics::fano},
    {"correlation", &PopulationStatistics::correlation}};

/// Neurons 0 .. n-1 of a population enter the statistics: its size from the
/// run's summary.json (else the largest node id seen), at most --neurons.
std::uint64_t analysed_neurons(const std::string& summary, const std::string& pop, std::uint64_t seen,
                               std::uint64_t limit) {
  std::uint64_t n = population_size(summary, pop);
  if (!n) n = seen;
  return limit ? std::min(n, limit) : n;
}

/// The two-sample Kolmogorov-Smirnov critical distance at level alpha for
/// samples of n and m (the asymptotic c(alpha) sqrt((n + m) / (n m))).
double ks_critical(double alpha, std::size_t n, std::size_t m) {
  if (!n || !m) return 1.0;
  const double nn = static_cast<double>(n), mm = static_cast<double>(m);
  return std::sqrt(-0.5 * std::log(alpha / 2.0)) * std::sqrt((nn + mm) / (nn * mm));
}

/// Judges one compared statistic: by --ks-max and --effect-max, or by its
/// KS limit from --ks-limits (KS alone; unlisted ones are shown, not
/// judged), the limit raised to the critical value at --ks-alpha if given.
void judge(StatisticResult& s, const PublishedValues* limits, const ValidationResult& r) {
  const SampleComparison& c = s.comparison;
  s.ks_limit = r.ks_max;
  if (limits) {
    const double* limit = nullptr;
    if (const auto pop = limits->means.find(s.population); pop != limits->means.end())
      if (const auto it = pop->second.find(s.statistic); it != pop->second.end()) limit = &it->second;
    s.judged = limit != nullptr;
    if (!s.judged) {
      s.pass = true;
      return;
    }
    s.ks_limit = *limit;
  }
  if (r.ks_alpha > 0) s.ks_limit = std::max(s.ks_limit, ks_critical(r.ks_alpha, c.n_run, c.n_ref));
  s.pass = c.ks <= s.ks_limit && (limits || std::abs(c.effect) <= r.effect_max);
}

/// Stats mode: each population's distributions compared.
void compare_statistics(const std::vector<PopulationSpikes>& run, const std::vector<PopulationSpikes>& ref,
                        const std::string& summary, const StatsOptions& o, const PublishedValues* limits,
                        ValidationResult& r) {
  if (limits)
    for (const auto& [pop, stats] : limits->means)
      if (std::none_of(ref.begin(), ref.end(), [&](const PopulationSpikes& p) { return p.population == pop; }))
        throw InputError(r.ks_limits, "populations." + pop, "", "a population of the reference " + r.reference_file);
  r.pass = true;
  for (const PopulationSpikes& p : ref) {
    const PopulationSpikes& q = population_in(run, p.population, r.run_file, r.reference_file);
    const std::uint64_t n = analysed_neurons(
        summary, p.population, std::max(largest_node(run, p.population), largest_node(ref, p.population)), r.neurons);
    PopulationStatistics a = population_statistics(q, n, o), b = population_statistics(p, n, o);
    for (const auto& [name, member] : statistics) {
      StatisticResult s;
      s.population = p.population;
      s.statistic = name;
      s.comparison = compare_samples(a.*member, b.*member);
      judge(s, limits, r);
      s.run = std::move(a.*member);
      s.reference = std::move(b.*member);
      r.pass = r.pass && s.pass;
      r.stats.push_back(std::move(s));
    }
  }
}

/// Stats mode against published means: the run's mean of each listed
/// statistic, by relative deviation.
void compare_published(const std::vector<PopulationSpikes>& run, const PublishedValues& ref, const std::string& summary,
                       const StatsOptions& o, ValidationResult& r) {
  r.pass = true;
  r.published_source = ref.source;
  for (const auto& [pop, means] : ref.means) {
    const PopulationSpikes& q = population_in(run, pop, r.run_file, r.reference_file);
    PopulationStatistics a = population_statistics(q, analysed_neurons(summary, pop, largest_node(run, pop), r.neurons), o);
    for (const auto& [name, member] : statistics) {
      const auto it = means.find(name);
      if (it == means.end()) continue;
      const double value = it->second;
      PublishedResult p;
      p.population = pop;
      p.statistic = name;
      p.published = value;
      p.run = std::move(a.*member);
      p.run_mean = p.run.empty() ? 0.0 : std::accumulate(p.run.begin(), p.run.end(), 0.0) / static_cast<double>(p.run.size());
      // A published zero is compared absolutely.
      p.deviation = std::abs(p.run_mean - value) / (value != 0.0 ? std::abs(value) : 1.0);
      p.pass = !p.run.empty() && p.deviation <= r.mean_max;
      r.pass = r.pass && p.pass;
      r.published.push_back(std::move(p));
    }
  }
}

/// Values out of range, named as ValidationRequest's fields.
void check_request(const ValidationRequest& q, bool published) {
  if (q.mode != "exact" && q.mode != "stats") throw InputError("mode", "", q.mode, "exact or stats");
  if (!(q.min_match >= 0.0 && q.min_match <= 1.0))
    throw InputError("min_match", "", std::to_string(q.min_match), "a fraction from 0 to 1");
  if (published && q.mode != "stats")
    throw InputError("mode", "", q.mode, "stats for a reference of published means (" + q.reference + ")");
  if (q.ks_alpha != 0.0 && !(q.ks_alpha > 0.0 && q.ks_alpha < 1.0))
    throw InputError("ks_alpha", "", std::to_string(q.ks_alpha), "a level between 0 and 1, e.g. 0.01");
  if (!(q.mean_max >= 0.0)) throw InputError("mean_max", "", std::to_string(q.mean_max), "a fraction >= 0");
  if (!(q.bin > 0)) throw InputError("bin", "", std::to_string(q.bin), "a positive bin in ms");
}

/// The result's settings: the request's, with the window and tolerance
/// taken from the run's summary where the request leaves them open.
ValidationResult settings(const ValidationRequest& q, const std::string& summary, StatsOptions& so) {
  ValidationResult r;
  r.mode = q.mode;
  r.min_match = q.min_match;
  r.ks_max = q.ks_max;
  r.effect_max = q.effect_max;
  r.ks_limits = q.ks_limits;
  r.ks_alpha = q.ks_alpha;
  r.mean_max = q.mean_max;
  r.neurons = q.neurons;
  r.run_file = spike_path(q.run, "run");
  r.reference_file = spike_path(q.reference, "reference");
  so.t_start = q.t_start;
  so.bin = q.bin;
  if (q.mode == "stats") {
    so.t_stop = q.t_stop >= 0 ? q.t_stop : number_after(summary, "t_stop_ms");
    if (!(so.t_stop > so.t_start))
      throw InputError("t_stop", "", std::to_string(so.t_stop),
                       "a window end after t_start (RUN has no summary.json to take t_stop from)");
    r.t_start = so.t_start;
    r.t_stop = so.t_stop;
  } else {
    r.tolerance = q.tolerance >= 0 ? q.tolerance : number_after(summary, "dt_ms");
    if (!(r.tolerance > 0.0) && q.tolerance < 0)
      throw InputError("tolerance", "", "", "a tolerance in ms (RUN has no summary.json to take dt from)");
  }
  return r;
}

}  // namespace

ValidationOutcome validate(const ValidationRequest& q) {
  const bool published = fs::path(q.reference).extension() == ".toml";
  check_request(q, published);
  const std::string summary = summary_of(q.run);
  StatsOptions so;
  ValidationResult r = settings(q, summary, so);
  const auto run_spikes = read_spike_file(r.run_file);
  const auto ref_spikes = published ? std::vector<PopulationSpikes>{} : read_spike_file(r.reference_file);
  check_node_range(ref_spikes, summary, r.reference_file);
  if (published) {
    compare_published(run_spikes, read_published_values(r.reference_file), summary, so, r);
  } else if (q.mode == "stats") {
    const PublishedValues limits = r.ks_limits.empty() ? PublishedValues{} : read_published_values(r.ks_limits);
    compare_statistics(run_spikes, ref_spikes, summary, so, r.ks_limits.empty() ? nullptr : &limits, r);
  } else {
    r.exact = match_exact(run_spikes, ref_spikes, r.tolerance, r.run_file, r.reference_file);
    r.pass = std::all_of(r.exact.begin(), r.exact.end(), [&](const ExactMatch& m) { return m.fraction() >= r.min_match; });
  }
  char head[1024];
  if (q.mode == "stats")
    std::snprintf(head, sizeof head, "myelin validate: %s vs %s (stats, %g .. %g ms%s)\n", r.run_file.c_str(),
                  r.reference_file.c_str(), so.t_start, so.t_stop,
                  r.neurons ? (", first " + std::to_string(r.neurons) + " neurons").c_str() : "");
  else
    std::snprintf(head, sizeof head, "myelin validate: %s vs %s (exact, tolerance %g ms)\n", r.run_file.c_str(),
                  r.reference_file.c_str(), r.tolerance);
  ValidationOutcome out{r.pass, head + validation_table(r)};
  if (!q.report_dir.empty()) write_validation_report(r, q.report_dir, q.plots);
  return out;
}

}  // namespace myelin
