#include "validation/validation_report.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "io/atomic_file.hpp"

extern char** environ;

namespace myelin {
namespace {

namespace fs = std::filesystem;

std::string divergence(const ExactMatch& m) {
  if (!m.diverged) return "-";
  char buf[96];
  std::snprintf(buf, sizeof buf, "node %llu at %.4f ms (%s)", static_cast<unsigned long long>(m.node), m.time,
                m.missing_first ? "missing in the run" : "extra in the run");
  return buf;
}

/// JSON has no inf or NaN: those become null.
std::string number(double x) {
  if (!std::isfinite(x)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", x);
  return buf;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string array(const std::vector<double>& x) {
  std::string out = "[";
  for (std::size_t i = 0; i < x.size(); ++i) out += (i ? ", " : "") + number(x[i]);
  return out + "]";
}

std::string markdown(const ValidationResult& r) {
  std::ostringstream md;
  md << "# myelin validate (" << r.mode << ")\n\nrun: `" << r.run_file << "`  \nreference: `" << r.reference_file
     << "`  \n";
  if (r.mode == "exact") {
    md << "tolerance: " << r.tolerance << " ms, required fraction: " << r.min_match << "\n\n"
       << "| population | reference | run | matched | missing | extra | fraction | max shift (ms) | first divergence |\n"
       << "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const ExactMatch& m : r.exact)
      md << "| " << m.population << " | " << m.reference << " | " << m.run << " | " << m.matched << " | " << m.missing
         << " | " << m.extra << " | " << m.fraction() << " | " << m.max_shift << " | " << divergence(m)
         << (m.fraction() >= r.min_match ? "" : " **FAIL**") << " |\n";
  } else if (!r.published_source.empty()) {
    md << "published values: " << r.published_source << "  \nwindow: " << r.t_start << " .. " << r.t_stop
       << " ms, largest relative deviation of a mean " << r.mean_max << "\n\n"
       << "| population | statistic | n run | mean run | published | deviation |\n"
       << "| --- | --- | --- | --- | --- | --- |\n";
    for (const PublishedResult& p : r.published)
      md << "| " << p.population << " | " << p.statistic << " | " << p.run.size() << " | " << p.run_mean << " | "
         << p.published << " | " << p.deviation << (p.pass ? "" : " **FAIL**") << " |\n";
  } else {
    md << "window: " << r.t_start << " .. " << r.t_stop << " ms";
    if (r.neurons) md << ", the first " << r.neurons << " neurons of each population";
    if (r.ks_limits.empty()) md << ", KS max " << r.ks_max << ", |effect| max " << r.effect_max;
    else md << ", KS limits from " << r.ks_limits << " (KS only)";
    if (r.ks_alpha > 0) md << ", each raised to the KS critical value at alpha = " << r.ks_alpha;
    md << "\n\n"
       << "| population | statistic | n run | n ref | mean run | mean ref | KS distance | KS limit | p | effect size |\n"
       << "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n";
    for (const StatisticResult& s : r.stats) {
      const SampleComparison& c = s.comparison;
      md << "| " << s.population << " | " << s.statistic << " | " << c.n_run << " | " << c.n_ref << " | " << c.mean_run
         << " | " << c.mean_ref << " | " << c.ks << " | " << (s.judged ? std::to_string(s.ks_limit) : "not judged")
         << " | " << c.p << " | " << c.effect << (s.pass ? "" : " **FAIL**") << " |\n";
    }
  }
  md << "\n**" << (r.pass ? "PASS" : "FAIL") << "**\n";
  return md.str();
}

std::string json(const ValidationResult& r) {
  std::ostringstream js;
  js << "{\n  \"mode\": " << quoted(r.mode) << ",\n  \"pass\": " << (r.pass ? "true" : "false")
     << ",\n  \"run\": " << quoted(fs::absolute(r.run_file).string())
     << ",\n  \"reference\": " << quoted(fs::absolute(r.reference_file).string()) << ",\n";
  if (r.mode == "exact") {
    js << "  \"tolerance_ms\": " << number(r.tolerance) << ",\n  \"min_match\": " << number(r.min_match)
       << ",\n  \"populations\": [";
    for (std::size_t i = 0; i < r.exact.size(); ++i) {
      const ExactMatch& m = r.exact[i];
      js << (i ? "," : "") << "\n    {\"name\": " << quoted(m.population) << ", \"reference\": " << m.reference
         << ", \"run\": " << m.run << ", \"matched\": " << m.matched << ", \"missing\": " << m.missing
         << ", \"extra\": " << m.extra << ", \"fraction\": " << number(m.fraction())
         << ", \"max_shift_ms\": " << number(m.max_shift) << ", \"pass\": " << (m.fraction() >= r.min_match ? "true" : "false");
      if (m.diverged)
        js << ", \"first_divergence\": {\"node\": " << m.node << ", \"time_ms\": " << number(m.time)
           << ", \"kind\": " << quoted(m.missing_first ? "missing" : "extra") << "}";
      js << "}";
    }
  } else if (!r.published_source.empty()) {
    js << "  \"published_source\": " << quoted(r.published_source) << ",\n  \"t_start_ms\": " << number(r.t_start)
       << ",\n  \"t_stop_ms\": " << number(r.t_stop) << ",\n  \"neurons\": " << r.neurons
       << ",\n  \"mean_max\": " << number(r.mean_max) << ",\n  \"published\": [";
    for (std::size_t i = 0; i < r.published.size(); ++i) {
      const PublishedResult& p = r.published[i];
      js << (i ? "," : "") << "\n    {\"population\": " << quoted(p.population) << ", \"statistic\": " << quoted(p.statistic)
         << ", \"mean_run\": " << number(p.run_mean) << ", \"published\": " << number(p.published)
         << ", \"deviation\": " << number(p.deviation) << ", \"pass\": " << (p.pass ? "true" : "false")
         << ",\n     \"run_sample\": " << array(p.run) << "}";
    }
  } else {
    js << "  \"t_start_ms\": " << number(r.t_start) << ",\n  \"t_stop_ms\": " << number(r.t_stop)
       << ",\n  \"neurons\": " << r.neurons << ",\n  \"ks_max\": " << number(r.ks_max)
       << ",\n  \"effect_max\": " << number(r.effect_max) << ",\n  \"statistics\": [";
    for (std::size_t i = 0; i < r.stats.size(); ++i) {
      const StatisticResult& s = r.stats[i];
      const SampleComparison& c = s.comparison;
      js << (i ? "," : "") << "\n    {\"population\": " << quoted(s.population)
         << ", \"statistic\": " << quoted(s.statistic) << ", \"ks\": " << number(c.ks) << ", \"p\": " << number(c.p)
         << ", \"effect\": " << number(c.effect) << ", \"mean_run\": " << number(c.mean_run)
         << ", \"mean_reference\": " << number(c.mean_ref) << ", \"ks_limit\": " << number(s.ks_limit)
         << ", \"judged\": " << (s.judged ? "true" : "false") << ", \"pass\": " << (s.pass ? "true" : "false")
         << ",\n     \"run_sample\": " << array(s.run) << ",\n     \"reference_sample\": " << array(s.reference) << "}";
    }
  }
  js << "\n  ]\n}\n";
  return js.str();
}

/// Runs the plotting script on DIR; "" when it drew, else why not.
std::string draw_plots(const std::string& dir) {
  const char* py_env = std::getenv("MYELIN_PYTHON");
  const std::string python = py_env && *py_env ? py_env : "/usr/bin/python3";
  const std::string script = std::string(MYELIN_SOURCE_DIR) + "/validation/plot_validation.py";
  if (!fs::exists(script)) return script + " not found";
  if (!fs::exists(python)) return python + " not found (set MYELIN_PYTHON to a Python with matplotlib)";
  std::vector<std::string> args = {python, script, dir};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, python.c_str(), nullptr, nullptr, argv.data(), environ) != 0)
    return "could not start " + python;
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return script + " failed (see its message above)";
  return "";
}

}  // namespace

std::string validation_table(const ValidationResult& r) {
  std::ostringstream table;
  char line[256];
  if (r.mode == "exact") {
    int w = 14;  // the population column fits the longest name
    for (const ExactMatch& m : r.exact) w = std::max(w, static_cast<int>(m.population.size()));
    std::snprintf(line, sizeof line, "  %-*s %10s %10s %10s %8s %8s %9s  %s\n", w, "population", "reference", "run",
                  "matched", "missing", "extra", "fraction", "first divergence");
    table << line;
    for (const ExactMatch& m : r.exact) {
      std::snprintf(line, sizeof line, "  %-*s %10llu %10llu %10llu %8llu %8llu %9.6f  %s%s\n", w, m.population.c_str(),
                    static_cast<unsigned long long>(m.reference), static_cast<unsigned long long>(m.run),
                    static_cast<unsigned long long>(m.matched), static_cast<unsigned long long>(m.missing),
                    static_cast<unsigned long long>(m.extra), m.fraction(), divergence(m).c_str(),
                    m.fraction() >= r.min_match ? "" : "  FAIL");
      table << line;
    }
    return table.str();
  }
  if (!r.published_source.empty()) {
    std::snprintf(line, sizeof line, "  %-10s %-12s %8s %10s %10s %10s\n", "population", "statistic", "n_run",
                  "mean_run", "published", "deviation");
    table << line;
    for (const PublishedResult& p : r.published) {
      std::snprintf(line, sizeof line, "  %-10s %-12s %8zu %10.4g %10.4g %10.4f%s\n", p.population.c_str(),
                    p.statistic.c_str(), p.run.size(), p.run_mean, p.published, p.deviation, p.pass ? "" : "  FAIL");
      table << line;
    }
    return table.str();
  }
  std::snprintf(line, sizeof line, "  %-10s %-12s %8s %8s %10s %10s %8s %8s %9s\n", "population", "statistic", "n_run",
                "n_ref", "mean_run", "mean_ref", "KS", "KS_limit", "effect");
  table << line;
  for (const StatisticResult& s : r.stats) {
    const SampleComparison& c = s.comparison;
    char limit[16] = "-";
    if (s.judged) std::snprintf(limit, sizeof limit, "%.4f", s.ks_limit);
    std::snprintf(line, sizeof line, "  %-10s %-12s %8zu %8zu %10.4g %10.4g %8.4f %8s %9.3f%s\n", s.population.c_str(),
                  s.statistic.c_str(), c.n_run, c.n_ref, c.mean_run, c.mean_ref, c.ks, limit, c.effect,
                  s.pass ? "" : "  FAIL");
    table << line;
  }
  return table.str();
}

void write_validation_report(const ValidationResult& r, const std::string& dir, bool plots) {
  prepare_output_dir(dir);
  write_text_file((fs::path(dir) / "validation.json").string(), json(r));
  std::string md = markdown(r);
  if (plots) {
    const std::string why = draw_plots(dir);
    if (why.empty()) {
      md += "\n![raster: run and reference](raster.png)\n";
      if (r.mode == "stats") md += "\n![distributions: run and reference](distributions.png)\n";
    } else {
      std::fprintf(stderr, "myelin validate: warning: no plots: %s\n", why.c_str());
      md += "\nNo plots: " + why + ".\n";
    }
  }
  write_text_file((fs::path(dir) / "report.md").string(), md);
}

}  // namespace myelin
