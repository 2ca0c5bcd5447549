// `myelin validate RUN --reference REF`: compares a run's spikes with a
// reference spike report. Exact mode matches every neuron's spikes within
// a tolerance and names the first divergence; stats mode compares each
// population's distributions of rates, ISI CVs, Fano factors and
// correlations. Exit 0 when every population matches well enough, 3 when
// not, 2 for bad input.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numeric>
#include <sstream>

#include "cli/commands.hpp"
#include "io/spike_file.hpp"
#include "myelin/error.hpp"
#include "validation/exact_match.hpp"
#include "validation/published_values.hpp"
#include "validation/spike_statistics.hpp"
#include "validation/validation_report.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace myelin::cli {
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

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin validate RUN --reference REF [--mode exact|stats] [--report DIR] [options]\n\n"
      "Compares the spikes of RUN (a run's output directory, or a spike file) with the\n"
      "reference REF (a SONATA spike report: /spikes/<population>/{timestamps,node_ids},\n"
      "or a directory holding spikes.h5). Every population of REF must be in RUN.\n"
      "--mode exact (default): neuron by neuron, spikes within the tolerance match; the\n"
      "  rest are missing from the run or extra in it. Prints per population the matched\n"
      "  fraction, missing and extra spikes and the first divergence (node and time).\n"
      "--mode stats: per population the distributions of firing rates (silent neurons\n"
      "  included), ISI CVs, Fano factors and pairwise spike-count correlations, each\n"
      "  compared by Kolmogorov-Smirnov distance and effect size (Cohen's d), as in\n"
      "  NetworkUnit (Gutzen et al. 2018); for runs that are other realisations of a model.\n"
      "  REF may instead be published means (a .toml file: source = \"citation\" and\n"
      "  [populations.<name>] rate = Hz, cv_isi = ...): each mean is then compared by its\n"
      "  relative deviation, at most --mean-max.\n"
      "--report DIR writes report.md, validation.json (every number and sample) and PNG\n"
      "  plots: raster.png (run and reference side by side) and, in stats mode,\n"
      "  distributions.png (histograms of each statistic, run over reference).\n"
      "Exit status: 0 pass; 3 below --min-match (exact), beyond --ks-max or --effect-max or\n"
      "--ks-limits (stats) or --mean-max (published means); 2 bad input (unreadable or malformed\n"
      "files, mismatched populations or node ids).\n\n"
      "Options");
  std::string run, reference, mode = "exact", report;
  ValidationResult r;
  StatsOptions so;
  double tolerance = -1.0;
  opts.add_options()
      ("help,h", "show this help")
      ("reference,r", po::value<std::string>(&reference),
       "reference spike file or directory, or published means (.toml) (required)")
      ("mode", po::value<std::string>(&mode)->default_value("exact"), "exact or stats (see above)")
      ("report", po::value<std::string>(&report), "write report.md, validation.json and plots into DIR")
      ("no-plots", "with --report: leave out the PNG plots (they need /usr/bin/python3 with matplotlib, "
                   "or MYELIN_PYTHON)")
      ("tolerance", po::value<double>(&tolerance), "exact: ms a spike may move and still match (default: one "
                                                   "step, the run's dt from its summary.json)")
      ("min-match", po::value<double>(&r.min_match)->default_value(1.0),
       "exact: fraction of spikes (of the larger train count) that must match, per population")
      ("ks-max", po::value<double>(&r.ks_max)->default_value(0.2), "stats: largest KS distance that passes")
      ("effect-max", po::value<double>(&r.effect_max)->default_value(0.5), "stats: largest |Cohen's d| that passes")
      ("ks-limits", po::value<std::string>(&r.ks_limits),
       "stats: a .toml file of KS limits per population and statistic (source = \"how they were set\", "
       "[populations.<name>] rate = 0.02, cv_isi = ...), instead of --ks-max and --effect-max: only the "
       "listed statistics are judged, by KS alone")
      ("ks-alpha", po::value<double>(&r.ks_alpha),
       "stats: raise every KS limit to the two-sample KS critical value at this level for the sample "
       "sizes (e.g. 0.01), so that small populations are not failed for sampling noise")
      ("t-start", po::value<double>(&so.t_start)->default_value(0.0), "stats: ms to leave out at the start (transient)")
      ("t-stop", po::value<double>(&so.t_stop), "stats: end of the analysed window in ms (default: the run's t_stop)")
      ("bin", po::value<double>(&so.bin)->default_value(5.0), "stats: bin for correlations (ms)")
      ("mean-max", po::value<double>(&r.mean_max)->default_value(0.1),
       "stats against published means: largest relative deviation of a mean that passes")
      ("neurons", po::value<std::uint64_t>(&r.neurons)->default_value(0),
       "stats: analyse only the first N neurons of each population (a reference recorded from a sample); "
       "0: all");
  po::variables_map vm;
  if (!parse_command_line(args, opts, run, vm)) return 0;
  if (run.empty()) throw InputError("myelin validate", "RUN", "", "a run directory or spike file (see --help)");
  if (reference.empty()) throw InputError("myelin validate", "--reference", "", "a reference spike file");
  if (mode != "exact" && mode != "stats") throw InputError("myelin validate", "--mode", mode, "exact or stats");
  if (!(r.min_match >= 0.0 && r.min_match <= 1.0))
    throw InputError("myelin validate", "--min-match", std::to_string(r.min_match), "a fraction from 0 to 1");
  // An option of the other mode would be silently ignored: refuse it.
  const char* exact_only[] = {"tolerance", "min-match"};
  const char* stats_only[] = {"ks-max", "effect-max", "ks-limits", "ks-alpha", "t-start", "t-stop", "bin", "neurons"};
  for (const char* o : mode == "stats" ? std::vector<const char*>(std::begin(exact_only), std::end(exact_only))
                                       : std::vector<const char*>(std::begin(stats_only), std::end(stats_only)))
    if (vm.count(o) && !vm[o].defaulted())
      throw InputError("myelin validate", std::string("--") + o, "",
                       std::string("no --") + o + " with --mode " + mode + " (it belongs to --mode " +
                           (mode == "stats" ? "exact" : "stats") + ")");
  r.mode = mode;
  const bool published = fs::path(reference).extension() == ".toml";
  if (published && mode != "stats")
    throw InputError("myelin validate", "--mode", mode, "stats for a reference of published means (" + reference + ")");
  for (const char* o : published ? std::vector<const char*>{"ks-max", "effect-max", "ks-limits", "ks-alpha"}
                                 : std::vector<const char*>{"mean-max"})
    if (vm.count(o) && !vm[o].defaulted())
      throw InputError("myelin validate", std::string("--") + o, "",
                       published ? std::string("no --") + o + " with published means (they are compared by --mean-max)"
                                 : std::string("no --mean-max without a reference of published means (.toml)"));
  for (const char* o : {"ks-max", "effect-max"})
    if (vm.count("ks-limits") && !vm[o].defaulted())
      throw InputError("myelin validate", std::string("--") + o, "",
                       std::string("no --") + o + " with --ks-limits (its limits replace it)");
  if (vm.count("ks-alpha") && !(r.ks_alpha > 0.0 && r.ks_alpha < 1.0))
    throw InputError("myelin validate", "--ks-alpha", std::to_string(r.ks_alpha), "a level between 0 and 1, e.g. 0.01");
  if (!(r.mean_max >= 0.0)) throw InputError("myelin validate", "--mean-max", std::to_string(r.mean_max), "a fraction >= 0");
  const std::string summary = summary_of(run);
  r.run_file = spike_path(run, "RUN");
  r.reference_file = spike_path(reference, "--reference");
  if (mode == "stats") {
    if (!vm.count("t-stop")) so.t_stop = number_after(summary, "t_stop_ms");
    if (!(so.t_stop > so.t_start))
      throw InputError("myelin validate", "--t-stop", std::to_string(so.t_stop),
                       "a window end after --t-start (RUN has no summary.json to take t_stop from)");
    if (!(so.bin > 0)) throw InputError("myelin validate", "--bin", std::to_string(so.bin), "a positive bin in ms");
    r.t_start = so.t_start;
    r.t_stop = so.t_stop;
  } else if (tolerance < 0.0) {
    if (vm.count("tolerance")) throw InputError("myelin validate", "--tolerance", std::to_string(tolerance), "a time >= 0 ms");
    tolerance = number_after(summary, "dt_ms");
    if (!(tolerance > 0.0))
      throw InputError("myelin validate", "--tolerance", "", "a tolerance in ms (RUN has no summary.json to take dt from)");
  }
  r.tolerance = tolerance;
  const auto run_spikes = read_spike_file(r.run_file);
  const auto ref_spikes = published ? std::vector<PopulationSpikes>{} : read_spike_file(r.reference_file);
  check_node_range(ref_spikes, summary, r.reference_file);
  if (published) {
    compare_published(run_spikes, read_published_values(r.reference_file), summary, so, r);
  } else if (mode == "stats") {
    const PublishedValues limits = r.ks_limits.empty() ? PublishedValues{} : read_published_values(r.ks_limits);
    compare_statistics(run_spikes, ref_spikes, summary, so, r.ks_limits.empty() ? nullptr : &limits, r);
  } else {
    r.exact = match_exact(run_spikes, ref_spikes, tolerance, r.run_file, r.reference_file);
    r.pass = std::all_of(r.exact.begin(), r.exact.end(), [&](const ExactMatch& m) { return m.fraction() >= r.min_match; });
  }
  if (mode == "stats")
    std::printf("myelin validate: %s vs %s (stats, %g .. %g ms%s)\n%s%s\n", r.run_file.c_str(), r.reference_file.c_str(),
                so.t_start, so.t_stop, r.neurons ? (", first " + std::to_string(r.neurons) + " neurons").c_str() : "",
                validation_table(r).c_str(),
                r.pass ? (published ? "PASS: every mean within --mean-max of the published value"
                                    : "PASS: every distribution within its limits")
                       : (published ? "FAIL: a mean deviates beyond --mean-max from the published value"
                                    : "FAIL: a distribution differs beyond its limits"));
  else
    std::printf("myelin validate: %s vs %s (exact, tolerance %g ms)\n%s%s\n", r.run_file.c_str(),
                r.reference_file.c_str(), tolerance, validation_table(r).c_str(),
                r.pass ? "PASS: every population matched" : "FAIL: a population matched less than --min-match");
  std::fflush(stdout);
  if (!report.empty()) write_validation_report(r, report, !vm.count("no-plots"));
  return r.pass ? 0 : exit_validation_failed;
}

}  // namespace myelin::cli
