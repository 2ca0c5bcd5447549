// Parameter overrides: a model file's values changed by path before it is
// loaded (myelin run --set / --parameters, and the tasks of a sweep).
// They act on the TOML tree, so the loader checks an overridden model
// exactly as it checks a written one.
#include <toml.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"

namespace myelin {
namespace {

// Ordered tables: an overridden model, and the tasks of a sweep, come out
// the same on every run and rank.
using tvalue = toml::basic_value<toml::discard_comments, std::map, std::vector>;

std::vector<std::string> split_path(const ParameterOverride& o) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : o.path) {
    if (c == '.') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  for (const auto& p : parts)
    if (p.empty())
      throw InputError("override", o.path, o.value, "a path of names joined by dots, such as run.seed or population.E.size");
  return parts;
}

tvalue parse_value(const ParameterOverride& o) {
  try {
    std::istringstream in("v = " + o.value);
    const tvalue doc = toml::parse<toml::discard_comments, std::map, std::vector>(in, "override " + o.path);
    return toml::find(doc, "v");
  } catch (const std::exception&) {
    throw InputError("override", o.path, o.value, "a TOML value: a number, true or false, a \"string\" or an [array]");
  }
}

/// The table of a list of tables (population, projection, stimulus,
/// recorder) that `key` names: its `name`, SOURCE->TARGET for a projection,
/// or its index.
tvalue& select(tvalue::array_type& list, const std::string& list_name, const std::string& key, const ParameterOverride& o) {
  std::vector<std::size_t> hits;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_table()) continue;
    const auto& t = list[i].as_table();
    const auto str = [&](const char* k) {
      const auto it = t.find(k);
      return it != t.end() && it->second.is_string() ? it->second.as_string().str : std::string();
    };
    if (str("name") == key || std::to_string(i) == key) hits.push_back(i);
    else if (list_name == "projection" && str("source") + "->" + str("target") == key) hits.push_back(i);
  }
  if (hits.size() == 1) return list[hits[0]];
  const std::string how = list_name == "projection" ? "a projection's name, SOURCE->TARGET or index (0 to " : "a name or an index (0 to ";
  if (hits.empty())
    throw InputError("override", o.path, o.value,
                     how + std::to_string(list.size() - 1) + ") of the model's [[" + list_name + "]] tables; '" + key +
                         "' is none");
  throw InputError("override", o.path, o.value,
                   "'" + key + "' to name one [[" + list_name + "]] table; " + std::to_string(hits.size()) +
                       " match it: use the index");
}

void apply(tvalue& root, const ParameterOverride& o) {
  const std::vector<std::string> parts = split_path(o);
  tvalue* node = &root;
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    if (!node->is_table())
      throw InputError("override", o.path, o.value, "a path through tables; '" + parts[k - 1] + "' holds a value");
    // A missing table is made (params of a population that sets none):
    // the loader refuses keys it does not know, so a typo still fails.
    auto& table = node->as_table();
    auto it = table.find(parts[k]);
    if (it == table.end()) it = table.emplace(parts[k], tvalue::table_type{}).first;
    node = &it->second;
    if (node->is_array() && !node->as_array().empty() && node->as_array().front().is_table()) {
      if (++k + 1 >= parts.size())
        throw InputError("override", o.path, o.value, "a field of one [[" + parts[k - 1] + "]] table, such as " +
                                                          parts[k - 1] + ".NAME.FIELD");
      node = &select(node->as_array(), parts[k - 1], parts[k], o);
    }
  }
  if (!node->is_table())
    throw InputError("override", o.path, o.value, "a path through tables; its last-but-one part holds a value");
  node->as_table()[parts.back()] = parse_value(o);
}

}  // namespace

std::string override_model_text(const std::string& text, const std::string& path,
                                const std::vector<ParameterOverride>& overrides) {
  if (overrides.empty()) return text;
  tvalue root;
  try {
    std::istringstream in(text);
    root = toml::parse<toml::discard_comments, std::map, std::vector>(in, path);
  } catch (const std::exception&) {
    return text;  // the loader reports the syntax error with its context
  }
  for (const auto& o : overrides) apply(root, o);
  std::ostringstream out;
  out << "# " << path << " with";
  for (const auto& o : overrides) out << " " << o.path << " = " << o.value << ";";
  out << "\n" << toml::format(root);
  return out.str();
}

namespace {

tvalue parse_file(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "", "", std::string("a readable ") + what);
  try {
    return toml::parse<toml::discard_comments, std::map, std::vector>(in, path);
  } catch (const std::exception& e) {
    throw InputError(path + ": TOML syntax error:\n" + e.what());
  }
}

std::string value_text(const tvalue& v) {
  std::string s = toml::format(v);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

/// "path" = value pairs of a table, as overrides.
std::vector<ParameterOverride> overrides_of(const tvalue& table, const std::string& where) {
  std::vector<ParameterOverride> v;
  for (const auto& [key, value] : table.as_table()) {
    if (value.is_table()) throw InputError(where, key, "{...}", "a value (quote dotted paths: \"run.seed\" = 3)");
    v.push_back({key, value_text(value)});
  }
  return v;
}

}  // namespace

std::vector<ParameterOverride> load_parameter_file(const std::string& path) {
  return overrides_of(parse_file(path, "parameter file"), path);
}

std::vector<std::vector<ParameterOverride>> load_sweep(const std::string& path) {
  const tvalue root = parse_file(path, "sweep file");
  std::vector<std::vector<ParameterOverride>> tasks;
  for (const auto& [key, value] : root.as_table())
    if (key != "grid" && key != "task")
      throw InputError(path, key, "", "only [grid] (lists whose every combination is a task) and [[task]] tables");
  if (root.contains("task")) {
    const tvalue& list = root.at("task");
    if (!list.is_array()) throw InputError(path, "task", "", "[[task]] tables of \"path\" = value overrides");
    for (std::size_t i = 0; i < list.as_array().size(); ++i) {
      if (!list.as_array()[i].is_table()) throw InputError(path, "task[" + std::to_string(i) + "]", "", "a table");
      tasks.push_back(overrides_of(list.as_array()[i], path + ": task[" + std::to_string(i) + "]"));
    }
  }
  if (tasks.empty()) tasks.emplace_back();
  if (root.contains("grid")) {
    const tvalue& grid = root.at("grid");
    if (!grid.is_table()) throw InputError(path, "grid", "", "a table of \"path\" = [values] lists");
    // Each list multiplies the tasks so far; the last key varies fastest.
    for (const auto& [key, values] : grid.as_table()) {
      if (!values.is_array() || values.as_array().empty())
        throw InputError(path, "grid." + key, "", "a non-empty list of values, e.g. \"" + key + "\" = [1, 2, 3]");
      std::vector<std::vector<ParameterOverride>> next;
      for (const auto& t : tasks)
        for (const auto& v : values.as_array()) {
          next.push_back(t);
          next.back().push_back({key, value_text(v)});
        }
      tasks = std::move(next);
    }
  }
  if (tasks.size() == 1 && tasks[0].empty()) throw InputError(path, "", "", "a [grid] or [[task]] tables (the file sweeps nothing)");
  return tasks;
}

ModelSpec load_model(const std::string& path, const std::vector<ParameterOverride>& overrides) {
  if (overrides.empty()) return load_model(path);
  std::ifstream in(path);
  if (!in) throw InputError(path, "", "", "a readable model file");
  std::ostringstream text;
  text << in.rdbuf();
  return load_model_text(override_model_text(text.str(), path, overrides), path);
}

}  // namespace myelin
