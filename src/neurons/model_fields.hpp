#pragma once
// A neuron model describes its fields once, in two tables, and everything
// else is generated from them: the parameter list the catalogue and the
// loader see (names, units, help, defaults taken from the Parameters
// struct's initialisers, so a default is written once), positional
// construction from the loader's value vector, and reading and setting the
// recordable state in user units. A model header lists
//
//   static std::vector<Param<Parameters>> parameter_table();  // in order
//   static std::vector<StateVar<Parameters>> state_table();
//   static std::string check(const Parameters&, std::string* field);
//
// and the registry (neurons/registry.cpp) does the rest.
#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include "core/fields.hpp"

namespace myelin {

/// One recordable, initialisable state variable: a column of the group's
/// state. A model may store a variable relative to a parameter (NEST's LIF
/// models keep V relative to E_L); users always see the absolute value.
template <class P>
struct StateVar {
  const char* name;
  std::size_t column;  ///< the model's Var index
  Dimension dim;
  std::string help;
  double P::*stored_relative_to = nullptr;  ///< user value = stored + this parameter
  double P::*starts_at = nullptr;           ///< initial value: this parameter, else `initial`
  double initial = 0.0;
};

namespace fields {

/// p.*member, or `otherwise` for a null member (and for a model without
/// parameters, where no member exists and the compiler should not look).
template <class P>
double member_or(const P& p, double P::*member, double otherwise) {
  if constexpr (std::is_empty_v<P>) return otherwise;
  else return member ? p.*member : otherwise;
}

template <class Model>
const std::vector<StateVar<typename Model::Parameters>>& state_table() {
  static const auto table = Model::state_table();  // built once; get() runs per recorded sample
  return table;
}

template <class Model>
std::vector<FieldInfo> parameter_info() {
  return field_info(Model::parameter_table());
}

template <class Model>
double initial_default(const typename Model::Parameters& p, std::size_t var) {
  const auto& s = state_table<Model>()[var];
  return member_or(p, s.starts_at, s.initial);
}

template <class Model>
std::vector<FieldInfo> state_info() {
  const typename Model::Parameters defaults{};
  std::vector<FieldInfo> out;
  const auto& table = state_table<Model>();
  for (std::size_t v = 0; v < table.size(); ++v)
    out.push_back({table[v].name, table[v].dim, initial_default<Model>(defaults, v), table[v].help});
  return out;
}

/// Parameters from values in parameter_table() order (the loader's vector).
template <class Model>
typename Model::Parameters make_parameters(const std::vector<double>& values) {
  return from_values(Model::parameter_table(), values);
}

/// The checks every model shares, NEST's for any model that has such a
/// field: capacitances and time constants (tau_*) positive, t_ref >= 0.
/// Returns the first problem (what was expected) and names its field.
template <class Model>
std::string common_check(const typename Model::Parameters& p, std::string* field) {
  for (const auto& f : Model::parameter_table()) {
    const double v = p.*f.member;
    *field = f.name;
    if (f.dim == Dimension::capacitance && !(v > 0)) return "a positive capacitance";
    if (std::string(f.name).rfind("tau", 0) == 0 && !(v > 0)) return "a positive time constant";
    if (std::string(f.name) == "t_ref" && !(v >= 0)) return "a non-negative refractory period";
  }
  field->clear();
  return "";
}

/// Sets state variable `var` (index in state_table()) of neuron i, given in user units.
template <class Model, class Columns>
void set(Columns& s, std::size_t i, const typename Model::Parameters& p, std::size_t var, double value) {
  const auto& f = state_table<Model>()[var];
  s[f.column][i] = f.stored_relative_to ? value - member_or(p, f.stored_relative_to, 0.0) : value;
}

/// State variable `var` of lane j, in user units.
template <class Model, class Lanes>
double get(const Lanes& l, std::size_t j, const typename Model::Parameters& p, std::size_t var) {
  const auto& f = state_table<Model>()[var];
  const double x = l.x[f.column][j];
  return f.stored_relative_to ? x + member_or(p, f.stored_relative_to, 0.0) : x;
}

}  // namespace fields
}  // namespace myelin
