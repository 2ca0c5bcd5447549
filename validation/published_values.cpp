#include "validation/published_values.hpp"

#include <toml.hpp>

#include <cmath>
#include <sstream>

#include "myelin/error.hpp"

namespace myelin {

PublishedValues read_published_values(const std::string& path) {
  toml::value root;
  try {
    root = toml::parse(path);
  } catch (const toml::syntax_error& e) {
    throw InputError(path + ": TOML syntax error:\n" + e.what());
  } catch (const std::exception& e) {
    throw InputError(path, "", "", std::string("a readable TOML file of published values (") + e.what() + ")");
  }
  if (!root.is_table()) throw InputError(path, "", "", "a TOML table");
  PublishedValues out;
  for (const auto& [key, value] : root.as_table()) {
    if (key == "source") {
      if (!value.is_string()) throw InputError(path, "source", "", "a string naming where the values come from");
      out.source = value.as_string();
    } else if (key != "populations") {
      throw InputError(path, key, "", "only the keys source and [populations.<name>]");
    }
  }
  if (out.source.empty()) throw InputError(path, "source", "", "the citation of the values (missing)");
  if (!root.contains("populations") || !root.at("populations").is_table() || root.at("populations").as_table().empty())
    throw InputError(path, "populations", "", "at least one [populations.<name>] table");
  for (const auto& [pop, stats] : root.at("populations").as_table()) {
    const std::string field = "populations." + pop;
    if (!stats.is_table() || stats.as_table().empty())
      throw InputError(path, field, "", "a table of statistics (rate, cv_isi, fano, correlation)");
    for (const auto& [name, v] : stats.as_table()) {
      if (name != "rate" && name != "cv_isi" && name != "fano" && name != "correlation")
        throw InputError(path, field + "." + name, "", "one of the statistics rate, cv_isi, fano, correlation");
      double x = 0.0;
      if (v.is_floating()) x = v.as_floating();
      else if (v.is_integer()) x = static_cast<double>(v.as_integer());
      else throw InputError(path, field + "." + name, "", "a number");
      if (!std::isfinite(x)) throw InputError(path, field + "." + name, std::to_string(x), "a finite number");
      out.means[pop][name] = x;
    }
  }
  return out;
}

}  // namespace myelin
