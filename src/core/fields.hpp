#pragma once
// What the loader and recorders need to know about a model's fields (a
// neuron model's or a synapse rule's): names, units, defaults. Kept as
// plain data so that adding a model means one header and one registry line
// (DESIGN.md).
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

namespace myelin {

/// Physical dimension of a parameter; the loader converts "2 ms" or
/// "0.25 nF" to the base unit and rejects a value of the wrong dimension.
enum class Dimension { time, voltage, current, capacitance, conductance, rate, dimensionless };

struct FieldInfo {
  std::string name;
  Dimension dim;
  double default_value;
  std::string help;
};

/// One parameter as a model declares it: a member of its parameter struct
/// P, whose initialiser is the default.
template <class P>
struct Param {
  const char* name;
  double P::*member;
  Dimension dim;
  std::string help;
};

/// The FieldInfo list of a parameter table, defaults read from P{}.
template <class P>
std::vector<FieldInfo> field_info(const std::vector<Param<P>>& table) {
  std::vector<FieldInfo> out;
  if constexpr (!std::is_empty_v<P>) {  // a model without parameters has no members to read
    const P defaults{};
    for (const auto& f : table) out.push_back({f.name, f.dim, defaults.*f.member, f.help});
  }
  return out;
}

/// P from values in table order, the rest at their defaults.
template <class P>
P from_values(const std::vector<Param<P>>& table, const std::vector<double>& values) {
  P p{};
  if constexpr (!std::is_empty_v<P>)
    for (std::size_t i = 0; i < table.size() && i < values.size(); ++i) p.*table[i].member = values[i];
  return p;
}

}  // namespace myelin
