// `myelin validate RUN --reference REF`: compares a run's spikes with a
// reference spike report. Exact mode (this file's only mode so far)
// matches every neuron's spikes within a tolerance and names the first
// divergence; exit 0 when every population matches well enough, 3 when
// not, 2 for bad input.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "io/atomic_file.hpp"
#include "io/spike_file.hpp"
#include "myelin/error.hpp"
#include "validation/exact_match.hpp"

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

/// dt (ms) from a run directory's summary.json; 0 when there is none.
double run_dt(const std::string& p) {
  std::ifstream in(fs::path(fs::is_directory(p) ? p : fs::path(p).parent_path().string()) / "summary.json");
  if (!in) return 0.0;
  std::stringstream s;
  s << in.rdbuf();
  const std::string text = s.str(), key = "\"dt_ms\": ";
  const auto at = text.find(key);
  return at == std::string::npos ? 0.0 : std::strtod(text.c_str() + at + key.size(), nullptr);
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
      "Exit status: 0 every population matched at least --min-match of its spikes;\n"
      "3 some did not; 2 bad input (unreadable or malformed files, mismatched populations).\n\n"
      "Options");
  std::string run, reference, mode = "exact", report;
  double tolerance = -1.0, min_match = 1.0;
  opts.add_options()
      ("help,h", "show this help")
      ("reference,r", po::value<std::string>(&reference), "reference spike file or directory (required)")
      ("mode", po::value<std::string>(&mode)->default_value("exact"), "exact: spike by spike")
      ("tolerance", po::value<double>(&tolerance), "ms a spike may move and still match (default: one step, "
                                                   "the run's dt from its summary.json)")
      ("min-match", po::value<double>(&min_match)->default_value(1.0),
       "fraction of spikes (of the larger train count) that must match, per population")
      ("report", po::value<std::string>(&report), "also write DIR/report.md with the table");
  po::variables_map vm;
  if (!parse_command_line(args, opts, run, vm)) return 0;
  if (run.empty()) throw InputError("myelin validate", "RUN", "", "a run directory or spike file (see --help)");
  if (reference.empty()) throw InputError("myelin validate", "--reference", "", "a reference spike file");
  if (mode != "exact") throw InputError("myelin validate", "--mode", mode, "exact");
  if (!(min_match >= 0.0 && min_match <= 1.0)) throw InputError("myelin validate", "--min-match", std::to_string(min_match), "a fraction from 0 to 1");
  if (tolerance < 0.0) {
    if (vm.count("tolerance")) throw InputError("myelin validate", "--tolerance", std::to_string(tolerance), "a time >= 0 ms");
    tolerance = run_dt(run);
    if (!(tolerance > 0.0))
      throw InputError("myelin validate", "--tolerance", "", "a tolerance in ms (RUN has no summary.json to take dt from)");
  }
  const std::string run_file = spike_path(run, "RUN"), ref_file = spike_path(reference, "--reference");
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
