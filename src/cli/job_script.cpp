#include "cli/job_script.hpp"

#include <cstdio>
#include <fstream>
#include <regex>

#include "cli/job_templates.hpp"  // generated from jobs/templates/ by CMake
#include "myelin/error.hpp"

namespace myelin::cli {

const std::string& default_job_template() {
  static const std::string t = embedded_default_template;
  return t;
}

const std::string& job_run_block() {
  static const std::string t = embedded_run_block;
  return t;
}

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values,
                          const std::string& origin, const std::vector<std::string>& required) {
  for (const auto& name : required)
    if (text.find("{{" + name + "}}") == std::string::npos)
      throw InputError(origin, "{{" + name + "}}", "", "a template holding {{" + name + "}} (see jobs/README.md)");
  static const std::regex placeholder(R"(\{\{([A-Za-z_]+)\}\})");
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator it(text.begin(), text.end(), placeholder), end; it != end; ++it) {
    const std::string name = (*it)[1].str();
    const auto v = values.find(name);
    if (v == values.end()) {
      std::string known;
      for (const auto& [k, _] : values) known += (known.empty() ? "" : ", ") + ("{{" + k + "}}");
      throw InputError(origin, "{{" + name + "}}", "", "one of the placeholders " + known);
    }
    out.append(last, text.cbegin() + it->position());
    out += v->second;
    last = text.cbegin() + it->position() + it->length();
  }
  out.append(last, text.cend());
  return out;
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nlohmann::json::object();
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    return j.is_object() ? j : nlohmann::json::object();
  } catch (const std::exception&) {
    return nlohmann::json::object();
  }
}

std::string shell_quote(const std::string& word) {
  static const std::regex plain(R"([A-Za-z0-9_./:=@%+,-]+)");
  if (!word.empty() && std::regex_match(word, plain)) return word;
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

long long slurm_seconds(const std::string& text) {
  static const std::regex day(R"((\d+)-(\d+)(?::(\d+)(?::(\d+))?)?)");
  static const std::regex clock(R"((\d+)(?::(\d+)(?::(\d+))?)?)");
  std::smatch m;
  const auto num = [&](int i) { return m[i].matched ? std::stoll(m[i].str()) : 0LL; };
  if (text.size() > 20) return -1;
  if (std::regex_match(text, m, day)) return ((num(1) * 24 + num(2)) * 60 + num(3)) * 60 + num(4);
  if (std::regex_match(text, m, clock)) {
    if (m[3].matched) return (num(1) * 60 + num(2)) * 60 + num(3);  // H:M:S
    return num(1) * 60 + num(2);                                     // M or M:S
  }
  return -1;
}

std::string slurm_time(long long s) {
  char buf[48];
  if (s >= 86400)
    std::snprintf(buf, sizeof buf, "%lld-%02lld:%02lld:%02lld", s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
  return buf;
}

}  // namespace myelin::cli
