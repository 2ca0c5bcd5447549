// `myelin validate RUN --reference REF`: compares a run's spikes with a
// reference spike report. Exact mode matches every neuron's spikes within
// a tolerance and names the first divergence; stats mode compares each
// population's distributions of rates, ISI CVs, Fano factors and
// correlations. Exit 0 when every population matches well enough, 3 when
// not, 2 for bad input.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/spike_file.hpp"
#include "myelin/error.hpp"
#include "validation/exact_match.hpp"
#include "validation/spike_statistics.hpp"

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

/// Stats mode: each population's distributions compared; true when all pass.
bool stats_report(const std::vector<PopulationSpikes>& run, const std::vector<PopulationSpikes>& ref,
                  const std::string& summary, StatsOptions o, double ks_max, double effect_max, std::ostringstream& table,
                  std::ostringstream& md, const std::string& run_file, const std::string& ref_file) {
  bool pass = true;
  char line[256];
  std::snprintf(line, sizeof line, "  %-10s %-12s %8s %8s %10s %10s %8s %9s\n", "population", "statistic", "n_run",
                "n_ref", "mean_run", "mean_ref", "KS", "effect");
  table << line;
  md << "| population | statistic | n run | n ref | mean run | mean ref | KS distance | p | effect size |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const PopulationSpikes& r : ref) {
    const PopulationSpikes* it = &population_in(run, r.population, run_file, ref_file);
    std::uint64_t n = population_size(summary, r.population);
    if (!n) n = std::max(largest_node(run, r.population), largest_node(ref, r.population));
    const PopulationStatistics a = population_statistics(*it, n, o), b = population_statistics(r, n, o);
    const std::pair<const char*, const std::vector<double>*> stats[] = {
        {"rate", &a.rate}, {"cv_isi", &a.cv}, {"fano", &a.fano}, {"correlation", &a.correlation}};
    const std::vector<double>* refs[] = {&b.rate, &b.cv, &b.fano, &b.correlation};
    for (int k = 0; k < 4; ++k) {
      const SampleComparison c = compare_samples(*stats[k].second, *refs[k]);
      const bool ok = c.ks <= ks_max && std::abs(c.effect) <= effect_max;
      pass = pass && ok;
      std::snprintf(line, sizeof line, "  %-10s %-12s %8zu %8zu %10.4g %10.4g %8.4f %9.3f%s\n", r.population.c_str(),
                    stats[k].first, c.n_run, c.n_ref, c.mean_run, c.mean_ref, c.ks, c.effect, ok ? "" : "  FAIL");
      table << line;
      md << "| " << r.population << " | " << stats[k].first << " | " << c.n_run << " | " << c.n_ref << " | " << c.mean_run
         << " | " << c.mean_ref << " | " << c.ks << " | " << c.p << " | " << c.effect << (ok ? "" : " **FAIL**") << " |\n";
    }
  }
  return pass;
}

std::string divergence(const ExactMatch& m) {
  if (!m.diverged) return "-";
  char buf[96];
  std::snprintf(buf, sizeof buf, "node %llu at %.4f ms (%s)", static_cast<unsigned long long>(m.node), m.time,
                m.missing_first ? "missing in the run" : "extra in the run");
  return buf;
}

}  // namespace

int validate_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin validate RUN --reference REF [--tolerance MS] [--min-match F] [--report DIR]\n\n"
      "Compares the spikes of RUN (a run's output directory, or a spike file) with the\n"
      "reference REF (a SONATA spike report: /spikes/<population>/{timestamps,node_ids},\n"
      "or a directory holding spikes.h5), neuron by neuron (--mode exact): spikes within\n"
      "the tolerance match; the rest are missing from the run or extra in it. Prints per\n"
      "population the matched fraction, missing and extra spikes and the first divergence\n"
      "(node and time). Every population of REF must be in RUN.\n"
      "With --mode stats the populations are compared as distributions instead (rates,\n"
      "ISI CVs, Fano factors, pairwise correlations: KS distance and Cohen's d each).\n"
      "Exit status: 0 every population matched at least --min-match of its spikes;\n"
      "3 some did not; 2 bad input (unreadable or malformed files, mismatched populations).\n\n"
      "Options");
  std::string run, reference, mode = "exact", report;
  double tolerance = -1.0, min_match = 1.0, ks_max = 0.2, effect_max = 0.5;
  StatsOptions so;
  opts.add_options()
      ("help,h", "show this help")
      ("reference,r", po::value<std::string>(&reference), "reference spike file or directory (required)")
      ("mode", po::value<std::string>(&mode)->default_value("exact"),
       "exact: spike by spike; stats: distributions of rates, ISI CVs, Fano factors and "
       "pairwise correlations per population, by KS distance and effect size")
      ("tolerance", po::value<double>(&tolerance), "ms a spike may move and still match (default: one step, "
                                                   "the run's dt from its summary.json)")
      ("min-match", po::value<double>(&min_match)->default_value(1.0),
       "fraction of spikes (of the larger train count) that must match, per population")
      ("report", po::value<std::string>(&report), "also write DIR/report.md with the table")
      ("ks-max", po::value<double>(&ks_max)->default_value(0.2), "stats: largest KS distance that passes")
      ("effect-max", po::value<double>(&effect_max)->default_value(0.5), "stats: largest |Cohen's d| that passes")
      ("t-start", po::value<double>(&so.t_start)->default_value(0.0), "stats: ms to leave out at the start (transient)")
      ("t-stop", po::value<double>(&so.t_stop), "stats: end of the analysed window in ms (default: the run's t_stop)")
      ("bin", po::value<double>(&so.bin)->default_value(5.0), "stats: bin for correlations (ms)");
  po::variables_map vm;
  if (!parse_command_line(args, opts, run, vm)) return 0;
  if (run.empty()) throw InputError("myelin validate", "RUN", "", "a run directory or spike file (see --help)");
  if (reference.empty()) throw InputError("myelin validate", "--reference", "", "a reference spike file");
  if (mode != "exact" && mode != "stats") throw InputError("myelin validate", "--mode", mode, "exact or stats");
  if (!(min_match >= 0.0 && min_match <= 1.0)) throw InputError("myelin validate", "--min-match", std::to_string(min_match), "a fraction from 0 to 1");
  const std::string summary = summary_of(run);
  const std::string run_file = spike_path(run, "RUN"), ref_file = spike_path(reference, "--reference");
  if (mode == "stats") {
    if (!vm.count("t-stop")) so.t_stop = number_after(summary, "t_stop_ms");
    if (!(so.t_stop > so.t_start))
      throw InputError("myelin validate", "--t-stop", std::to_string(so.t_stop),
                       "a window end after --t-start (RUN has no summary.json to take t_stop from)");
    if (!(so.bin > 0)) throw InputError("myelin validate", "--bin", std::to_string(so.bin), "a positive bin in ms");
    std::ostringstream table, md;
    md << "# myelin validate (stats)\n\nrun: `" << run_file << "`  \nreference: `" << ref_file << "`  \nwindow: "
       << so.t_start << " .. " << so.t_stop << " ms, KS max " << ks_max << ", |effect| max " << effect_max << "\n\n";
    const bool pass = stats_report(read_spike_file(run_file), read_spike_file(ref_file), summary, so, ks_max, effect_max,
                                   table, md, run_file, ref_file);
    md << "\n**" << (pass ? "PASS" : "FAIL") << "**\n";
    std::printf("myelin validate: %s vs %s (stats, %g .. %g ms)\n%s%s\n", run_file.c_str(), ref_file.c_str(), so.t_start,
                so.t_stop, table.str().c_str(),
                pass ? "PASS: every distribution within --ks-max and --effect-max"
                     : "FAIL: a distribution differs beyond --ks-max or --effect-max");
    if (!report.empty()) {
      prepare_output_dir(report);
      write_text_file((fs::path(report) / "report.md").string(), md.str());
    }
    return pass ? 0 : exit_validation_failed;
  }
  if (tolerance < 0.0) {
    if (vm.count("tolerance")) throw InputError("myelin validate", "--tolerance", std::to_string(tolerance), "a time >= 0 ms");
    tolerance = number_after(summary, "dt_ms");
    if (!(tolerance > 0.0))
      throw InputError("myelin validate", "--tolerance", "", "a tolerance in ms (RUN has no summary.json to take dt from)");
  }
  const auto results = match_exact(read_spike_file(run_file), read_spike_file(ref_file), tolerance, run_file, ref_file);

  bool pass = true;
  std::ostringstream table, md;
  char line[256];
  std::snprintf(line, sizeof line, "  %-14s %10s %10s %10s %8s %8s %9s  %s\n", "population", "reference", "run", "matched",
                "missing", "extra", "fraction", "first divergence");
  table << line;
  md << "# myelin validate (exact)\n\nrun: `" << run_file << "`  \nreference: `" << ref_file << "`  \ntolerance: "
     << tolerance << " ms, required fraction: " << min_match << "\n\n"
     << "| population | reference | run | matched | missing | extra | fraction | max shift (ms) | first divergence |\n"
     << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
  for (const ExactMatch& m : results) {
    const bool ok = m.fraction() >= min_match;
    pass = pass && ok;
    std::snprintf(line, sizeof line, "  %-14s %10llu %10llu %10llu %8llu %8llu %9.6f  %s%s\n", m.population.c_str(),
                  static_cast<unsigned long long>(m.reference), static_cast<unsigned long long>(m.run),
                  static_cast<unsigned long long>(m.matched), static_cast<unsigned long long>(m.missing),
                  static_cast<unsigned long long>(m.extra), m.fraction(), divergence(m).c_str(), ok ? "" : "  FAIL");
    table << line;
    md << "| " << m.population << " | " << m.reference << " | " << m.run << " | " << m.matched << " | " << m.missing
       << " | " << m.extra << " | " << m.fraction() << " | " << m.max_shift << " | " << divergence(m) << " |\n";
  }
  md << "\n**" << (pass ? "PASS" : "FAIL") << "**\n";
  std::printf("myelin validate: %s vs %s (exact, tolerance %g ms)\n%s%s\n", run_file.c_str(), ref_file.c_str(), tolerance,
              table.str().c_str(),
              pass ? "PASS: every population matched" : "FAIL: a population matched less than --min-match");
  if (!report.empty()) {
    prepare_output_dir(report);
    write_text_file((fs::path(report) / "report.md").string(), md.str());
  }
  return pass ? 0 : exit_validation_failed;
}

}  // namespace myelin::cli
