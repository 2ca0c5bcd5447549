// `myelin status DIR` and `myelin sweep-summary DIR`: where a submitted run
// (or each task of a sweep) stands, read from the files the run and its
// job write (progress.json, job_events.log, summary.json, job.json) and,
// when Slurm answers, from squeue.
#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/job_script.hpp"
#include "myelin/error.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace myelin::cli {
namespace {


/// Slurm's state of a job's tasks ("" key for a plain job, the task index
/// for an array's), from squeue; empty when Slurm does not know the job
/// (any more) or cannot be asked.
std::map<std::string, std::string> slurm_states(const std::string& job_id) {
  std::map<std::string, std::string> states;
  if (job_id.empty() || job_id.find_first_not_of("0123456789") != std::string::npos) return states;
  FILE* p = ::popen(("squeue -h -r -j " + job_id + " -o '%i %T' 2>/dev/null").c_str(), "r");
  if (!p) return states;
  std::array<char, 256> buf{};
  while (std::fgets(buf.data(), buf.size(), p)) {
    std::istringstream line(buf.data());
    std::string id, state;
    if (!(line >> id >> state)) continue;
    const auto us = id.find('_');
    states[us == std::string::npos ? std::string() : id.substr(us + 1)] = state;
  }
  ::pclose(p);
  return states;
}

struct RunState {
  std::string state;   ///< pending, running, requeued, finished, failed, checkpointed
  std::string detail;  ///< one line
  int attempts = 0;
  std::string last_event;
};

std::string events_of(const fs::path& dir, int& started) {
  std::ifstream in(dir / "job_events.log");
  std::string line, last;
  started = 0;
  while (std::getline(in, line)) {
    if (line.find(": started on ") != std::string::npos) ++started;
    if (!line.empty()) last = line;
  }
  return last;
}

std::string progress_line(const json& p) {
  const double t = p.value("t_ms", 0.0), stop = p.value("t_stop_ms", 0.0);
  char buf[256];
  std::snprintf(buf, sizeof buf, "%.1f / %.1f ms (%.1f %%)", t, stop, stop > 0 ? 100.0 * t / stop : 0.0);
  return buf;
}

RunState run_state(const fs::path& dir, const std::string& slurm) {
  RunState r;
  r.last_event = events_of(dir, r.attempts);
  const json p = read_json(dir / "progress.json");
  const std::string ps = p.value("state", "");
  const long long age = static_cast<long long>(std::time(nullptr)) - p.value("updated", 0LL);
  char buf[512];
  if (ps == "finished") {
    const json s = read_json(dir / "summary.json");
    std::snprintf(buf, sizeof buf, "%s, real-time factor %.2f, peak %.0f MB", progress_line(p).c_str(),
                  s.value("real_time_factor", 0.0), s.value("peak_memory_mb", 0.0));
    return {"finished", buf, r.attempts, r.last_event};
  }
  if (r.last_event.find(": failed") != std::string::npos) {
    r.state = "failed";
    r.detail = r.last_event.substr(r.last_event.find(": failed") + 2);
    if (!p.value("message", std::string()).empty()) r.detail += "; myelin said: " + p.value("message", std::string());
    return r;
  }
  if (ps == "failed" || ps == "stopped") return {"failed", p.value("message", std::string("see the Slurm log")), r.attempts, r.last_event};
  if (ps == "checkpointed" || slurm == "REQUEUED" || (slurm == "PENDING" && r.attempts > 0)) {
    r.state = slurm.empty() || slurm == "COMPLETED" ? "checkpointed" : "requeued";
    std::snprintf(buf, sizeof buf, "%.1f", p.value("t_ms", 0.0));
    r.detail = std::string("stopped at ") + buf + " ms after a checkpoint (" +
               p.value("checkpoint", std::string("?")) + ")" +
               (r.state == "requeued" ? "; resumes from it when Slurm starts it again"
                                      : "; not queued: submit again, or myelin run --resume, to continue");
    return r;
  }
  if (ps == "running" || ps == "building") {
    r.state = ps;
    std::snprintf(buf, sizeof buf, "%s, real-time factor %.2f, ETA %.0f s; updated %lld s ago on %s",
                  progress_line(p).c_str(), p.value("real_time_factor", 0.0), p.value("eta_s", 0.0), age,
                  p.value("host", std::string("?")).c_str());
    r.detail = ps == "building" ? "building the network; updated " + std::to_string(age) + " s ago" : buf;
    if (slurm.empty() && age > 120) {
      r.state = "lost";
      r.detail += " (Slurm no longer knows the job and nothing was written since: killed?)";
    }
    return r;
  }
  r.state = slurm.empty() ? "not started" : "pending";
  r.detail = slurm.empty() ? "no progress.json yet, and Slurm does not list the job" : "Slurm: " + slurm;
  return r;
}

fs::path job_dir(const std::string& arg) {
  const fs::path dir = fs::absolute(arg).lexically_normal();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError("myelin status", "DIR", arg, "the output folder of a submitted job or of a myelin run");
  return dir;
}

std::size_t task_count(const json& job) { return job.contains("tasks") ? job["tasks"].size() : 0; }

}  // namespace

int status_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin status DIR\n\n"
      "Where the run in DIR stands: running (biological time reached, real-time factor,\n"
      "ETA), requeued after a checkpoint, finished, or failed and why; for a sweep, each\n"
      "task. Reads DIR/progress.json (written by the run), DIR/job_events.log (by the\n"
      "batch job) and, when Slurm answers, squeue.\n\nOptions");
  opts.add_options()("help,h", "show this help");
  std::string arg;
  po::variables_map vm;
  if (!parse_command_line(args, opts, arg, vm)) return 0;
  if (arg.empty()) throw InputError("myelin status", "DIR", "", "an output folder (see myelin status --help)");
  const fs::path dir = job_dir(arg);
  const json job = read_json(dir / "job.json");
  const std::string id = job.value("job_id", std::string());
  const auto slurm = slurm_states(id);
  const auto slurm_of = [&](const std::string& k) {
    const auto it = slurm.find(k);
    return it == slurm.end() ? std::string() : it->second;
  };
  std::printf("%s: %s%s\n", dir.c_str(), job.value("model", std::string("a myelin run")).c_str(),
              id.empty() ? "" : (", Slurm job " + id).c_str());
  const std::size_t n = task_count(job);
  if (n == 0) {
    const RunState r = run_state(dir, slurm_of(""));
    std::printf("  %s: %s\n", r.state.c_str(), r.detail.c_str());
    if (r.attempts) std::printf("  attempts: %d; last: %s\n", r.attempts, r.last_event.c_str());
    return 0;
  }
  std::map<std::string, int> counts;
  for (std::size_t k = 0; k < n; ++k) {
    std::string s = slurm_of(std::to_string(k));
    const RunState r = run_state(dir / std::to_string(k), s);
    ++counts[r.state];
    std::printf("  task %-3zu %-12s %s%s\n", k, r.state.c_str(), r.detail.c_str(),
                r.attempts > 1 ? (" [" + std::to_string(r.attempts) + " attempts]").c_str() : "");
  }
  std::string line;
  for (const auto& [state, c] : counts) line += (line.empty() ? "" : ", ") + std::to_string(c) + " " + state;
  std::printf("  %zu tasks: %s\n", n, line.c_str());
  return 0;
}

namespace {

using Table = std::vector<std::vector<std::string>>;

std::string fixed(double x, int digits) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", digits, x);
  return b;
}

/// The names that appear in any of `objects` (under `key`, or their own
/// keys when key is empty), in order of first appearance.
std::vector<std::string> names_in(const std::vector<json>& objects, const char* key) {
  std::vector<std::string> names;
  const auto add = [&](const std::string& s) {
    if (std::find(names.begin(), names.end(), s) == names.end()) names.push_back(s);
  };
  for (const json& o : objects) {
    if (!*key) {
      for (const auto& [k, _] : o.items()) add(k);
    } else if (o.contains(key)) {
      for (const auto& p : o[key]) add(p.value("name", ""));
    }
  }
  return names;
}

/// One row per task of the sweep in dir, under a header row.
Table sweep_table(const fs::path& dir, const json& job) {
  const std::size_t n = task_count(job);
  std::vector<json> tasks(job["tasks"].begin(), job["tasks"].end()), summaries;
  for (std::size_t k = 0; k < n; ++k) summaries.push_back(read_json(dir / std::to_string(k) / "summary.json"));
  const std::vector<std::string> params = names_in(tasks, ""), pops = names_in(summaries, "populations");
  const auto slurm = slurm_states(job.value("job_id", std::string()));
  Table rows(1, {"task"});
  rows[0].insert(rows[0].end(), params.begin(), params.end());
  rows[0].push_back("status");
  for (const auto& p : pops) rows[0].push_back("rate_" + p + "_hz");
  rows[0].insert(rows[0].end(), {"real_time_factor", "peak_memory_mb"});
  for (std::size_t k = 0; k < n; ++k) {
    const json& s = summaries[k];
    const auto it = slurm.find(std::to_string(k));
    std::vector<std::string> row = {std::to_string(k)};
    for (const auto& p : params) row.push_back(tasks[k].contains(p) ? tasks[k][p].get<std::string>() : "");
    row.push_back(run_state(dir / std::to_string(k), it == slurm.end() ? "" : it->second).state);
    for (const auto& name : pops) {
      std::string rate;
      for (const auto& p : s.value("populations", json::array()))
        if (p.value("name", "") == name) rate = fixed(p.value("rate_hz", 0.0), 3);
      row.push_back(rate);
    }
    row.push_back(s.contains("real_time_factor") ? fixed(s.value("real_time_factor", 0.0), 3) : "");
    row.push_back(s.contains("peak_memory_mb") ? fixed(s.value("peak_memory_mb", 0.0), 1) : "");
    rows.push_back(row);
  }
  return rows;
}

std::string csv_cell(const std::string& cell) {
  if (cell.find_first_of(",\"") == std::string::npos) return cell;
  std::string q = "\"";
  for (char ch : cell) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

/// Prints the table in aligned columns and writes it as CSV to `path`.
void print_and_write(const Table& rows, const fs::path& path) {
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::ofstream csv(path);
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) {
      const int pad = c + 1 < r.size() ? static_cast<int>(width[c]) : 0;  // no trailing blanks
      std::printf("%s%-*s", c ? "  " : "", pad, r[c].c_str());
      csv << (c ? "," : "") << csv_cell(r[c]);
    }
    std::printf("\n");
    csv << "\n";
  }
  if (!csv) throw InputError("myelin sweep-summary", "", path.string(), "a writable file");
  std::printf("written to %s\n", path.c_str());
}

}  // namespace

int sweep_summary_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin sweep-summary DIR\n\n"
      "One table of the tasks of a sweep submitted with `myelin submit --array`: each task's\n"
      "parameters, status, rate per population, real-time factor and peak memory; also\n"
      "written as DIR/sweep_summary.csv.\n\nOptions");
  opts.add_options()("help,h", "show this help");
  std::string arg;
  po::variables_map vm;
  if (!parse_command_line(args, opts, arg, vm)) return 0;
  if (arg.empty()) throw InputError("myelin sweep-summary", "DIR", "", "a sweep's output folder (see --help)");
  const fs::path dir = job_dir(arg);
  const json job = read_json(dir / "job.json");
  if (task_count(job) == 0)
    throw InputError("myelin sweep-summary", "DIR", dir.string(),
                     "the output folder of `myelin submit --array` (its job.json lists no sweep tasks)");
  print_and_write(sweep_table(dir, job), dir / "sweep_summary.csv");
  return 0;
}

}  // namespace myelin::cli
