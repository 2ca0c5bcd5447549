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

json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return json::object();
  try {
    return json::parse(in);
  } catch (const std::exception&) {
    return json::object();
  }
}

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
    r.detail = "stopped at " + std::to_string(p.value("t_ms", 0.0)) + " ms after a checkpoint (" +
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
  const std::size_t n = task_count(job);
  if (n == 0)
    throw InputError("myelin sweep-summary", "DIR", dir.string(),
                     "the output folder of `myelin submit --array` (its job.json lists no sweep tasks)");
  std::vector<std::string> params, pops;
  for (const auto& t : job["tasks"])
    for (const auto& [k, _] : t.items())
      if (std::find(params.begin(), params.end(), k) == params.end()) params.push_back(k);
  std::vector<json> summaries;
  for (std::size_t k = 0; k < n; ++k) {
    summaries.push_back(read_json(dir / std::to_string(k) / "summary.json"));
    if (summaries.back().contains("populations"))
      for (const auto& p : summaries.back()["populations"]) {
        const std::string name = p.value("name", "");
        if (std::find(pops.begin(), pops.end(), name) == pops.end()) pops.push_back(name);
      }
  }
  const auto slurm = slurm_states(job.value("job_id", std::string()));
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"task"};
  head.insert(head.end(), params.begin(), params.end());
  head.push_back("status");
  for (const auto& p : pops) head.push_back("rate_" + p + "_hz");
  head.insert(head.end(), {"real_time_factor", "peak_memory_mb"});
  rows.push_back(head);
  for (std::size_t k = 0; k < n; ++k) {
    const json& t = job["tasks"][k];
    const json& s = summaries[k];
    const auto it = slurm.find(std::to_string(k));
    std::vector<std::string> row = {std::to_string(k)};
    for (const auto& p : params) row.push_back(t.contains(p) ? t[p].get<std::string>() : "");
    row.push_back(run_state(dir / std::to_string(k), it == slurm.end() ? "" : it->second).state);
    for (const auto& name : pops) {
      std::string rate;
      if (s.contains("populations"))
        for (const auto& p : s["populations"])
          if (p.value("name", "") == name) {
            char b[32];
            std::snprintf(b, sizeof b, "%.3f", p.value("rate_hz", 0.0));
            rate = b;
          }
      row.push_back(rate);
    }
    char rtf[32] = "", mem[32] = "";
    if (s.contains("real_time_factor")) std::snprintf(rtf, sizeof rtf, "%.3f", s.value("real_time_factor", 0.0));
    if (s.contains("peak_memory_mb")) std::snprintf(mem, sizeof mem, "%.1f", s.value("peak_memory_mb", 0.0));
    row.insert(row.end(), {rtf, mem});
    rows.push_back(row);
  }
  std::vector<std::size_t> width(head.size(), 0);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::ofstream csv(dir / "sweep_summary.csv");
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const int pad = c + 1 < r.size() ? static_cast<int>(width[c]) : 0;  // no trailing blanks
      std::printf("%s%-*s", c ? "  " : "", pad, r[c].c_str());
      std::string cell = r[c];
      if (cell.find_first_of(",\"") != std::string::npos) {
        std::string q = "\"";
        for (char ch : cell) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        cell = q + "\"";
      }
      line += (c ? "," : "") + cell;
    }
    std::printf("\n");
    csv << line << "\n";
  }
  if (!csv) throw InputError("myelin sweep-summary", "", (dir / "sweep_summary.csv").string(), "a writable file");
  std::printf("written to %s\n", (dir / "sweep_summary.csv").c_str());
  return 0;
}

}  // namespace myelin::cli
