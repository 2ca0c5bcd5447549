#include "core/units.hpp"

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace myelin {

std::string short_number(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", x);
  return b;
}

namespace {

struct Unit {
  const char* name;
  Dimension dim;
  double factor;  ///< to the base unit
};

const std::vector<Unit>& units() {
  static const std::vector<Unit> u = {
      {"ms", Dimension::time, 1.0},           {"s", Dimension::time, 1e3},
      {"us", Dimension::time, 1e-3},          {"mV", Dimension::voltage, 1.0},
      {"V", Dimension::voltage, 1e3},         {"uV", Dimension::voltage, 1e-3},
      {"pA", Dimension::current, 1.0},        {"nA", Dimension::current, 1e3},
      {"uA", Dimension::current, 1e6},        {"pF", Dimension::capacitance, 1.0},
      {"nF", Dimension::capacitance, 1e3},    {"uF", Dimension::capacitance, 1e6},
      {"nS", Dimension::conductance, 1.0},    {"uS", Dimension::conductance, 1e3},
      {"pS", Dimension::conductance, 1e-3},   {"mS", Dimension::conductance, 1e6},
      {"Hz", Dimension::rate, 1.0},           {"kHz", Dimension::rate, 1e3},
  };
  return u;
}

}  // namespace

const char* base_unit(Dimension d) {
  switch (d) {
    case Dimension::time: return "ms";
    case Dimension::voltage: return "mV";
    case Dimension::current: return "pA";
    case Dimension::capacitance: return "pF";
    case Dimension::conductance: return "nS";
    case Dimension::rate: return "Hz";
    case Dimension::dimensionless: return "";
  }
  return "";
}

std::optional<double> parse_quantity(const std::string& text, Dimension d, std::string* why) {
  const char* s = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s) {
    *why = "no number";
    return std::nullopt;
  }
  std::string unit(end);
  const auto first = unit.find_first_not_of(' ');
  unit = first == std::string::npos ? "" : unit.substr(first, unit.find_last_not_of(' ') - first + 1);
  if (unit.empty()) {
    if (d == Dimension::dimensionless) return v;
    *why = "no unit";
    return std::nullopt;
  }
  for (const Unit& u : units()) {
    if (unit != u.name) continue;
    if (u.dim != d) {
      *why = "unit " + unit + " is not a unit of " + base_unit(d);
      return std::nullopt;
    }
    return v * u.factor;
  }
  *why = "unknown unit '" + unit + "'";
  return std::nullopt;
}

}  // namespace myelin
