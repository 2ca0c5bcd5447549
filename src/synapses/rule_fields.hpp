#pragma once
// What a plasticity rule declares about itself, so that the registry
// (synapses/rule_registry.hpp) generates its catalogue entry, its
// construction from the loader's values and its checks. A rule header lists
//
//   static constexpr const char* name;      // NEST's synapse model name
//   static constexpr const char* summary;   // one line for --help and errors
//   static constexpr bool pairs;            // times pre/post pairs: takes a
//                                           //   delay convention, axonal_delay, scaling
//   static constexpr bool modulated;        // has a third factor (a modulator)
//   static std::vector<Param<Rule>> parameter_table();
//   static std::vector<std::string> weight_parameters();  // in the weight's unit
//   static std::string check(const Rule&, double w_lo, double w_hi, std::string* field);
//   static std::vector<std::pair<std::size_t, const char*>> checkpoint_columns();
#include <cstddef>
#include <initializer_list>
#include <string>

#include "core/fields.hpp"

namespace myelin {

/// One condition of a rule's check, in the order the rule lists them.
struct Requirement {
  const char* field;
  bool ok;
  std::string expected;  ///< what a user must give instead
};

/// The first unmet requirement: what was expected, its field in *field.
inline std::string first_problem(std::initializer_list<Requirement> rs, std::string* field) {
  for (const auto& r : rs)
    if (!r.ok) {
      *field = r.field;
      return r.expected;
    }
  field->clear();
  return "";
}

/// A bound the weights stay within, [0, Wmax] or [Wmax, 0] (one sign, one
/// input channel), checked against the projection's weights.
inline Requirement weight_bound(const char* field, double wmax, double w_lo, double w_hi) {
  const std::string range = " (weights range " + std::to_string(w_lo) + " .. " + std::to_string(w_hi) + ")";
  if (wmax == 0) return {field, false, "a non-zero upper bound"};
  if (wmax > 0) return {field, w_lo >= 0 && w_hi <= wmax, "an upper bound >= every weight, with weights >= 0" + range};
  return {field, w_hi <= 0 && w_lo >= wmax, "a bound <= every weight, with weights <= 0" + range};
}

}  // namespace myelin
