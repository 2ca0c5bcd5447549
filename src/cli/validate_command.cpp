// `myelin validate RUN --reference REF`: compares a run's spikes with a
// reference spike report. Exact mode matches every neuron's spikes within
// a tolerance and names the first divergence; stats mode compares each
// population's distributions of rates, ISI CVs, Fano factors and
// correlations. Exit 0 when every population matches well enough, 3 when
// not, 2 for bad input.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iterator>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/validation.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace myelin::cli {
namespace {

/// An option of the other mode, or of the other kind of reference, would
/// be silently ignored: refuse it.
void refuse_misplaced_options(const po::variables_map& vm, const std::string& mode, bool published) {
  const auto given = [&](const char* o) { return vm.count(o) && !vm[o].defaulted(); };
  const char* exact_only[] = {"tolerance", "min-match"};
  const char* stats_only[] = {"ks-max", "effect-max", "ks-limits", "ks-alpha", "t-start", "t-stop", "bin", "neurons"};
  for (const char* o : mode == "stats" ? std::vector<const char*>(std::begin(exact_only), std::end(exact_only))
                                       : std::vector<const char*>(std::begin(stats_only), std::end(stats_only)))
    if (given(o))
      throw InputError("myelin validate", std::string("--") + o, "",
                       std::string("no --") + o + " with --mode " + mode + " (it belongs to --mode " +
                           (mode == "stats" ? "exact" : "stats") + ")");
  for (const char* o : published ? std::vector<const char*>{"ks-max", "effect-max", "ks-limits", "ks-alpha"}
                                 : std::vector<const char*>{"mean-max"})
    if (given(o))
      throw InputError("myelin validate", std::string("--") + o, "",
                       published ? std::string("no --") + o + " with published means (they are compared by --mean-max)"
                                 : std::string("no --mean-max without a reference of published means (.toml)"));
  for (const char* o : {"ks-max", "effect-max"})
    if (vm.count("ks-limits") && given(o))
      throw InputError("myelin validate", std::string("--") + o, "",
                       std::string("no --") + o + " with --ks-limits (its limits replace it)");
}

const char* verdict(bool pass, const std::string& mode, bool published) {
  if (mode == "exact") return pass ? "PASS: every population matched" : "FAIL: a population matched less than --min-match";
  if (published)
    return pass ? "PASS: every mean within --mean-max of the published value"
                : "FAIL: a mean deviates beyond --mean-max from the published value";
  return pass ? "PASS: every distribution within its limits" : "FAIL: a distribution differs beyond its limits";
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
  ValidationRequest q;
  opts.add_options()
      ("help,h", "show this help")
      ("reference,r", po::value<std::string>(&q.reference),
       "reference spike file or directory, or published means (.toml) (required)")
      ("mode", po::value<std::string>(&q.mode)->default_value("exact"), "exact or stats (see above)")
      ("report", po::value<std::string>(&q.report_dir), "write report.md, validation.json and plots into DIR")
      ("no-plots", "with --report: leave out the PNG plots (they need /usr/bin/python3 with matplotlib, "
                   "or MYELIN_PYTHON)")
      ("tolerance", po::value<double>(&q.tolerance), "exact: ms a spike may move and still match (default: one "
                                                   "step, the run's dt from its summary.json)")
      ("min-match", po::value<double>(&q.min_match)->default_value(1.0),
       "exact: fraction of spikes (of the larger train count) that must match, per population")
      ("ks-max", po::value<double>(&q.ks_max)->default_value(0.2), "stats: largest KS distance that passes")
      ("effect-max", po::value<double>(&q.effect_max)->default_value(0.5), "stats: largest |Cohen's d| that passes")
      ("ks-limits", po::value<std::string>(&q.ks_limits),
       "stats: a .toml file of KS limits per population and statistic (source = \"how they were set\", "
       "[populations.<name>] rate = 0.02, cv_isi = ...), instead of --ks-max and --effect-max: only the "
       "listed statistics are judged, by KS alone")
      ("ks-alpha", po::value<double>(&q.ks_alpha),
       "stats: raise every KS limit to the two-sample KS critical value at this level for the sample "
       "sizes (e.g. 0.01), so that small populations are not failed for sampling noise")
      ("t-start", po::value<double>(&q.t_start)->default_value(0.0), "stats: ms to leave out at the start (transient)")
      ("t-stop", po::value<double>(&q.t_stop), "stats: end of the analysed window in ms (default: the run's t_stop)")
      ("bin", po::value<double>(&q.bin)->default_value(5.0), "stats: bin for correlations (ms)")
      ("mean-max", po::value<double>(&q.mean_max)->default_value(0.1),
       "stats against published means: largest relative deviation of a mean that passes")
      ("neurons", po::value<std::uint64_t>(&q.neurons)->default_value(0),
       "stats: analyse only the first N neurons of each population (a reference recorded from a sample); "
       "0: all");
  po::variables_map vm;
  if (!parse_command_line(args, opts, q.run, vm)) return 0;
  if (q.run.empty()) throw InputError("myelin validate", "RUN", "", "a run directory or spike file (see --help)");
  if (q.reference.empty()) throw InputError("myelin validate", "--reference", "", "a reference spike file");
  if (q.mode != "exact" && q.mode != "stats") throw InputError("myelin validate", "--mode", q.mode, "exact or stats");
  refuse_misplaced_options(vm, q.mode, std::filesystem::path(q.reference).extension() == ".toml");
  if (vm.count("tolerance") && q.tolerance < 0)
    throw InputError("myelin validate", "--tolerance", std::to_string(q.tolerance), "a time >= 0 ms");
  q.plots = !vm.count("no-plots");
  const ValidationOutcome v = validate(q);
  std::printf("%s%s\n", v.text.c_str(), verdict(v.pass, q.mode, std::filesystem::path(q.reference).extension() == ".toml"));
  return v.pass ? 0 : exit_validation_failed;
}

}  // namespace myelin::cli
