// `myelin submit MODEL.toml`: a Slurm batch job (or array, for a sweep)
// that runs the model, checkpoints before the time limit, requeues itself
// and resumes. Everything a user can get wrong is checked here, before
// anything is submitted.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/job_script.hpp"
#include "myelin/error.hpp"
#include "myelin/tools.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace myelin::cli {
namespace {

// Rates for the time estimates, chosen low so that they bound the times
// measured on a 2-core machine: the microcircuit builds 3e8 synapses at
// 1.7e6 per thread and second, Brunel at 5e7; checkpoints were written at
// 20 (small) to 400 MB/s.
constexpr double build_synapses_per_thread_s = 1.5e6;
constexpr double checkpoint_mb_per_s = 100.0;
constexpr double start_s = 10.0;  // launch, MPI start-up, loading

struct Job {
  std::string model, output, name, time_text, partition, account, template_file, sweep_file;
  int nodes = 1, ntasks_per_node = 1, cpus_per_task = 1, max_requeues = 10;
  long long time_s = 0;
  std::vector<std::string> run_options;           ///< passed on to `myelin run`
  std::vector<ParameterOverride> overrides;       ///< --set / --parameters among them
  std::vector<std::vector<ParameterOverride>> tasks;  ///< a sweep's; empty for one run
  int ranks() const { return nodes * ntasks_per_node; }
};

struct Estimate {
  double build_s = 0, checkpoint_s = 0, peak_mb = 0, checkpoint_mb = 0;
  long long signal_s = 60;
};

/// The run options a job passes on; those submit sets itself are refused.
void check_run_options(Job& job) {
  static const std::vector<std::string> owned = {"--output", "-o", "--resume", "--restore", "--threads", "-t",
                                                 "--dry-run", "--checkpoint-dir"};
  const auto& v = job.run_options;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string opt = v[i].substr(0, v[i].find('='));
    if (std::find(owned.begin(), owned.end(), opt) != owned.end())
      throw InputError("myelin submit", opt, v[i],
                       "no " + opt + " after --: submit sets it (--output DIR; threads are --cpus-per-task)");
    const bool joined = v[i].find('=') != std::string::npos;
    const std::string value = joined ? v[i].substr(v[i].find('=') + 1) : (i + 1 < v.size() ? v[i + 1] : "");
    if (opt == "--set") {
      const auto eq = value.find('=');
      if (eq == std::string::npos || eq == 0) throw InputError("--set", "", value, "PATH=VALUE, such as run.seed=7");
      job.overrides.push_back({value.substr(0, eq), value.substr(eq + 1)});
    } else if (opt == "--parameters") {
      for (auto& o : load_parameter_file(value)) job.overrides.push_back(o);
    }
  }
}

/// The model of one task (or of the run), with every override applied and
/// checked: an error names the task.
ModelSpec task_model(const Job& job, std::size_t task) {
  std::vector<ParameterOverride> o = job.overrides;
  if (!job.tasks.empty()) o.insert(o.end(), job.tasks[task].begin(), job.tasks[task].end());
  ModelSpec spec;
  try {
    spec = load_model(job.model, o);
  } catch (const InputError& e) {
    if (job.tasks.empty()) throw;
    throw InputError(job.sweep_file + ": task " + std::to_string(task) + ": " + e.what());
  }
  // The run's length matters for nothing submit estimates but is checked
  // here, so that a bad --t-stop fails before the job is queued.
  const auto& v = job.run_options;
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::string t;
    if (v[i] == "--t-stop" && i + 1 < v.size()) t = v[i + 1];
    if (v[i].rfind("--t-stop=", 0) == 0) t = v[i].substr(9);
    if (t.empty()) continue;
    char* end = nullptr;
    spec.run.t_stop = std::strtod(t.c_str(), &end);
    if (*end != '\0') throw InputError("--t-stop", "", t, "a time in ms");
    check(spec);
  }
  return spec;
}

std::uint64_t neuron_count(const ModelSpec& spec) {
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  return n;
}

Estimate estimate(const Job& job, const ModelSpec& spec) {
  if (neuron_count(spec) < static_cast<std::uint64_t>(job.ranks()))
    throw InputError("--ntasks-per-node", "", std::to_string(job.ranks()) + " ranks",
                     "at most as many ranks (--nodes x --ntasks-per-node) as the model has neurons (" +
                         std::to_string(neuron_count(spec)) + ")");
  RunOptions ro;
  ro.threads = job.cpus_per_task;
  const MemoryReport m = estimate_job_memory(spec, job.ranks(), ro);
  Estimate e;
  const double synapses_per_rank = m.synapses_mb * 1048576.0 / 8.0;
  e.build_s = start_s + synapses_per_rank / (build_synapses_per_thread_s * job.cpus_per_task);
  e.checkpoint_mb = m.checkpoint_mb;
  e.checkpoint_s = 2.0 + m.checkpoint_mb / checkpoint_mb_per_s;
  e.peak_mb = m.peak_mb;
  // The warning leaves room for a checkpoint taken at the next safe point,
  // written twice over: at least a minute, as clusters commonly give.
  e.signal_s = std::max<long long>(60, static_cast<long long>(std::ceil(2.0 * e.checkpoint_s + 30.0)));
  return e;
}

void check_time(const Job& job, const Estimate& e) {
  const double need = e.build_s + e.checkpoint_s + static_cast<double>(e.signal_s);
  if (static_cast<double>(job.time_s) >= need) return;
  char why[512];
  std::snprintf(why, sizeof why,
                "at least %s: building takes about %.0f s, one checkpoint %.0f s, and the warning signal to "
                "checkpoint comes %lld s before the limit",
                slurm_time(static_cast<long long>(std::ceil(need / 60.0)) * 60).c_str(), e.build_s, e.checkpoint_s,
                e.signal_s);
  throw InputError("--time", "", job.time_text, why);
}


/// An output folder may hold an earlier run of the same network (it is
/// continued); another model's run there is refused.
void check_output_dir(const fs::path& dir, const ModelSpec& spec) {
  const std::string mine = model_fingerprint(spec);
  const auto refuse = [&](const std::string& what, const std::string& theirs) {
    throw InputError("--output", "", dir.string(),
                     "a folder without another model's run: it holds " + what + " of model '" + theirs +
                         "', a different network from " + spec.name + " (choose another --output)");
  };
  const nlohmann::json summary = read_json(dir / "summary.json");
  if (summary.value("model_hash", mine) != mine) refuse("summary.json", summary.value("model", "?"));
  const std::string checkpoint = newest_checkpoint((dir / "checkpoints").string());
  if (!checkpoint.empty()) {
    const ModelSpec theirs = checkpoint_model(checkpoint);
    if (model_fingerprint(theirs) != mine) refuse("a checkpoint", theirs.name);
  }
  const nlohmann::json progress = read_json(dir / "progress.json");
  if (progress.value("model", spec.name) != spec.name) refuse("progress.json", progress.value("model", "?"));
}

std::string join_quoted(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    if (!s.empty()) s += ' ';
    s += shell_quote(w);
  }
  return s;
}

std::string self_executable() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("myelin") : p.string();
}

std::string directives(const Job& job, const ModelSpec& spec, const Estimate& e) {
  std::ostringstream d;
  char line[512];
  std::snprintf(line, sizeof line,
                "# myelin submit: %s, %llu neurons on %d rank%s x %d thread%s%s; estimated per rank: peak %.0f MB, "
                "build %.0f s; checkpoint %.0f MB in about %.0f s\n",
                spec.name.c_str(), static_cast<unsigned long long>(neuron_count(spec)), job.ranks(),
                job.ranks() == 1 ? "" : "s", job.cpus_per_task, job.cpus_per_task == 1 ? "" : "s",
                job.tasks.empty() ? "" : (", " + std::to_string(job.tasks.size()) + " array tasks").c_str(), e.peak_mb,
                e.build_s, e.checkpoint_mb, e.checkpoint_s);
  d << line;
  for (std::size_t k = 0; k < job.tasks.size(); ++k) {
    d << "#   task " << k << ":";
    for (const auto& o : job.tasks[k]) d << " " << o.path << " = " << o.value;
    d << "\n";
  }
  d << "#SBATCH --job-name=" << job.name << "\n"
    << "#SBATCH --nodes=" << job.nodes << "\n"
    << "#SBATCH --ntasks-per-node=" << job.ntasks_per_node << "\n"
    << "#SBATCH --cpus-per-task=" << job.cpus_per_task << "\n"
    << "#SBATCH --time=" << slurm_time(job.time_s) << "\n"
    << "#SBATCH --signal=B:USR1@" << e.signal_s << "\n"
    << "#SBATCH --requeue\n"
    << "#SBATCH --open-mode=append\n";
  if (job.tasks.empty()) {
    d << "#SBATCH --output=" << job.output << "/slurm-%j.out\n";
  } else {
    d << "#SBATCH --array=0-" << job.tasks.size() - 1 << "\n"
      << "#SBATCH --output=" << job.output << "/%a/slurm-%A_%a.out\n";
  }
  if (!job.partition.empty()) d << "#SBATCH --partition=" << job.partition << "\n";
  if (!job.account.empty()) d << "#SBATCH --account=" << job.account << "\n";
  std::string s = d.str();
  s.pop_back();
  return s;
}

std::string render(const Job& job, const ModelSpec& spec, const Estimate& e) {
  std::map<std::string, std::string> v = {
      {"model", shell_quote(job.model)},
      {"output", shell_quote(job.output)},
      {"myelin", shell_quote(self_executable())},
      {"run_options", join_quoted(job.run_options)},
      {"max_requeues", std::to_string(job.max_requeues)},
      {"job_name", job.name},
      {"nodes", std::to_string(job.nodes)},
      {"ntasks", std::to_string(job.ranks())},
      {"cpus_per_task", std::to_string(job.cpus_per_task)},
      {"time", slurm_time(job.time_s)},
  };
  v["run"] = fill_template(job_run_block(), v, "jobs/templates/run-block.sh");
  v["directives"] = directives(job, spec, e);
  std::string text = default_job_template(), origin = "jobs/templates/default.sbatch";
  if (!job.template_file.empty()) {
    std::ifstream in(job.template_file);
    if (!in) throw InputError("--template", "", job.template_file, "a readable batch-script template");
    std::ostringstream t;
    t << in.rdbuf();
    text = t.str();
    origin = job.template_file;
  }
  return fill_template(text, v, origin, required_placeholders);
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string d; std::getline(dirs, d, ':');)
    if (!d.empty() && ::access((fs::path(d) / program).c_str(), X_OK) == 0) return true;
  return false;
}

/// The files a job reads and `myelin status` and `sweep-summary` use:
/// the script, job.json, and per task its parameters.
void write_job_files(const Job& job, const ModelSpec& spec, const std::string& script) {
  fs::create_directories(job.output);
  std::ofstream(fs::path(job.output) / "job.sbatch") << script;
  nlohmann::json tasks = nlohmann::json::array();
  for (std::size_t k = 0; k < job.tasks.size(); ++k) {
    const fs::path dir = fs::path(job.output) / std::to_string(k);
    fs::create_directories(dir);
    std::ofstream p(dir / "parameters.toml");
    nlohmann::json params = nlohmann::json::object();
    p << "# Task " << k << " of the sweep " << job.sweep_file << " (myelin submit)\n";
    for (const auto& o : job.tasks[k]) {
      p << "\"" << o.path << "\" = " << o.value << "\n";
      params[o.path] = o.value;
    }
    tasks.push_back(params);
  }
  nlohmann::json j = {{"model", spec.name},     {"model_file", job.model},       {"nodes", job.nodes},
                      {"ntasks_per_node", job.ntasks_per_node}, {"cpus_per_task", job.cpus_per_task},
                      {"time", slurm_time(job.time_s)},       {"max_requeues", job.max_requeues},
                      {"run_options", job.run_options},       {"sweep", job.sweep_file},
                      {"tasks", tasks},                        {"submitted", static_cast<long long>(std::time(nullptr))}};
  std::ofstream(fs::path(job.output) / "job.json") << j.dump(2) << "\n";
}

std::string submit(const Job& job) {
  const std::string cmd = "sbatch --parsable " + shell_quote((fs::path(job.output) / "job.sbatch").string()) + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) throw InputError("myelin submit", "sbatch", "", "an sbatch that can be started");
  std::string out;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) out += buf.data();
  const int status = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  if (status != 0) throw InputError("sbatch", "", out, "the job accepted by Slurm (sbatch refused it)");
  return out.substr(0, out.find(';'));  // "id" or "id;cluster"
}

void record_job_id(const Job& job, const std::string& id) {
  const fs::path path = fs::path(job.output) / "job.json";
  nlohmann::json j = read_json(path);
  j["job_id"] = id;
  std::ofstream(path) << j.dump(2) << "\n";
}


/// The job the command line asks for, its values checked; false after
/// --help.
bool parse_job(const std::vector<std::string>& all_args, Job& job, bool& dry_run) {
  po::options_description opts(
      "Usage: myelin submit MODEL.toml --time HH:MM:SS [options] [-- myelin run options]\n\n"
      "Submits MODEL.toml as a Slurm batch job that runs `myelin run` with srun (PMIx).\n"
      "Before the time limit Slurm signals the job (--signal=B:USR1), every rank writes a\n"
      "checkpoint, and the job requeues itself; the requeued job resumes from the newest\n"
      "checkpoint in DIR, and its outputs equal an uninterrupted run's. Options after --\n"
      "go to myelin run (--t-stop, --set PATH=VALUE, --checkpoint-every, ...).\n"
      "Follow the job with `myelin status DIR`; summarise a sweep with\n"
      "`myelin sweep-summary DIR`.\n\n"
      "Options");
  opts.add_options()
      ("help,h", "show this help")
      ("nodes,N", po::value<int>(&job.nodes)->default_value(1), "nodes")
      ("ntasks-per-node", po::value<int>(&job.ntasks_per_node)->default_value(1), "MPI ranks per node")
      ("cpus-per-task,c", po::value<int>(&job.cpus_per_task)->default_value(1), "threads per rank")
      ("time", po::value<std::string>(&job.time_text), "time limit (Slurm's formats: HH:MM:SS, D-HH:MM, minutes); required")
      ("partition,p", po::value<std::string>(&job.partition), "Slurm partition")
      ("account,A", po::value<std::string>(&job.account), "Slurm account")
      ("output,o", po::value<std::string>(&job.output), "output folder (default: output/<model name>); a sweep's\n"
       "task k writes to DIR/k/")
      ("array", po::value<std::string>(&job.sweep_file), "SWEEP.toml: one array task per parameter set: [grid] lists\n"
       "(every combination) or [[task]] tables of \"PATH\" = value")
      ("template", po::value<std::string>(&job.template_file), "batch-script template with {{directives}} and {{run}}\n"
       "(default jobs/templates/default.sbatch; see jobs/README.md)")
      ("max-requeues", po::value<int>(&job.max_requeues)->default_value(10), "most times a job requeues itself")
      ("job-name", po::value<std::string>(&job.name), "Slurm job name (default myelin-<model name>)")
      ("dry-run", "print the batch script and submit nothing");
  // Everything after "--" is myelin run's.
  std::vector<std::string> args = all_args;
  const auto dash = std::find(args.begin(), args.end(), "--");
  if (dash != args.end()) {
    job.run_options.assign(dash + 1, args.end());
    args.erase(dash, args.end());
  }
  po::variables_map vm;
  if (!parse_command_line(args, opts, job.model, vm)) return false;
  dry_run = vm.count("dry-run") > 0;
  if (job.model.empty()) throw InputError("myelin submit", "MODEL.toml", "", "a model file (see myelin submit --help)");
  if (job.nodes < 1) throw InputError("--nodes", "", std::to_string(job.nodes), "at least 1");
  if (job.ntasks_per_node < 1) throw InputError("--ntasks-per-node", "", std::to_string(job.ntasks_per_node), "at least 1");
  if (job.cpus_per_task < 1) throw InputError("--cpus-per-task", "", std::to_string(job.cpus_per_task), "at least 1");
  if (job.max_requeues < 0) throw InputError("--max-requeues", "", std::to_string(job.max_requeues), "0 or more");
  if (job.time_text.empty()) throw InputError("--time", "", "", "a time limit such as --time 01:00:00 (HH:MM:SS)");
  job.time_s = slurm_seconds(job.time_text);
  if (job.time_s <= 0)
    throw InputError("--time", "", job.time_text, "a time in one of Slurm's formats: HH:MM:SS, MM:SS, minutes, D-HH:MM:SS");
  job.model = fs::absolute(job.model).lexically_normal().string();
  check_run_options(job);
  if (!job.sweep_file.empty()) job.tasks = load_sweep(job.sweep_file);
  return true;
}

void print_submitted(const Job& job, const ModelSpec& spec, const Estimate& e, const std::string& id) {
  const auto s = [](int n) { return n == 1 ? "" : "s"; };
  std::printf("myelin: submitted %s %s: %s on %d node%s x %d rank%s x %d thread%s, --time %s (checkpoint signal %lld s "
              "before)\n",
              job.tasks.empty() ? "job" : "array job", id.c_str(), spec.name.c_str(), job.nodes, s(job.nodes),
              job.ntasks_per_node, s(job.ntasks_per_node), job.cpus_per_task, s(job.cpus_per_task),
              slurm_time(job.time_s).c_str(), e.signal_s);
  if (job.tasks.empty())
    std::printf("  outputs in %s/ (Slurm log slurm-%s.out); follow with: myelin status %s\n", job.output.c_str(), id.c_str(),
                job.output.c_str());
  else
    std::printf("  %zu tasks, outputs in %s/<task>/; follow with: myelin status %s; then: myelin sweep-summary %s\n",
                job.tasks.size(), job.output.c_str(), job.output.c_str(), job.output.c_str());
}

}  // namespace

int submit_command(const std::vector<std::string>& args) {
  Job job;
  bool dry_run = false;
  if (!parse_job(args, job, dry_run)) return 0;
  // Every task's model is loaded and estimated; the largest sets the limits.
  const ModelSpec spec = task_model(job, 0);
  Estimate worst = estimate(job, spec);
  for (std::size_t k = 1; k < job.tasks.size(); ++k) {
    const Estimate e = estimate(job, task_model(job, k));
    if (e.build_s + e.checkpoint_s > worst.build_s + worst.checkpoint_s) worst = e;
  }
  check_time(job, worst);
  if (job.output.empty()) job.output = "output/" + spec.name;
  job.output = fs::absolute(job.output).lexically_normal().string();
  if (job.output.find_first_of(" \t\n%") != std::string::npos)
    throw InputError("--output", "", job.output, "a folder path without spaces or % (Slurm's #SBATCH --output takes it)");
  if (job.name.empty()) job.name = "myelin-" + spec.name;
  for (std::size_t k = 0; k < std::max<std::size_t>(1, job.tasks.size()); ++k)
    check_output_dir(job.tasks.empty() ? fs::path(job.output) : fs::path(job.output) / std::to_string(k),
                     k == 0 ? spec : task_model(job, k));
  const std::string script = render(job, spec, worst);
  if (dry_run) {
    std::cout << script;
    return 0;
  }
  if (!on_path("sbatch"))
    throw InputError("myelin submit", "sbatch", "",
                     "Slurm's sbatch on PATH: Slurm is not installed here (see the script with --dry-run, or start a "
                     "local Slurm with jobs/local/start-slurm.sh)");
  write_job_files(job, spec, script);
  const std::string id = submit(job);
  record_job_id(job, id);
  print_submitted(job, spec, worst, id);
  return 0;
}

}  // namespace myelin::cli
