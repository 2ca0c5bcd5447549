#include "synapses/synapse_models.hpp"

#include <cmath>
#include <variant>

#include "core/ring_buffer.hpp"

namespace myelin {
namespace {

/// The part of a pair rule's delay that is axonal (delay_convention =
/// "dendritic"): a property of the projection, not of the rule, so the
/// registry adds it to every rule that times pairs.
FieldInfo axonal_delay() {
  return {"axonal_delay", Dimension::time, 0.0, "axonal part of the delay for pairing (ms; the rest is dendritic, as NEST)"};
}

template <class Rule>
SynapseModelInfo entry() {
  SynapseModelInfo m;
  m.name = Rule::name;
  m.summary = Rule::summary;
  m.parameters = field_info(Rule::parameter_table());
  if (Rule::pairs) m.parameters.push_back(axonal_delay());
  m.weight_parameters = Rule::weight_parameters();
  m.plastic = true;
  m.pairs = Rule::pairs;
  m.modulated = Rule::modulated;
  m.make = [](const std::vector<double>& v) -> PlasticRule { return from_values(Rule::parameter_table(), v); };
  m.check = [](const std::vector<double>& v, double lo, double hi, std::string* field) {
    return Rule::check(from_values(Rule::parameter_table(), v), lo, hi, field);
  };
  return m;
}

template <class... Rules>
std::vector<SynapseModelInfo> entries(std::variant<Rules...>*) {
  return {entry<Rules>()...};
}

}  // namespace

const std::vector<SynapseModelInfo>& synapse_models() {
  static const std::vector<SynapseModelInfo> models = [] {
    SynapseModelInfo fixed;
    fixed.name = "static_synapse";
    fixed.summary = "fixed weight (8 bytes per synapse)";
    fixed.check = [](const std::vector<double>&, double, double, std::string* field) {
      field->clear();
      return std::string();
    };
    std::vector<SynapseModelInfo> all = {fixed};
    for (auto& m : entries(static_cast<PlasticRule*>(nullptr))) all.push_back(std::move(m));
    return all;
  }();
  return models;
}

const SynapseModelInfo* find_synapse_model(const std::string& name) {
  for (const auto& m : synapse_models())
    if (m.name == name) return &m;
  return nullptr;
}

std::string synapse_model_names() {
  std::string s;
  for (const auto& m : synapse_models()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

std::vector<double> synapse_parameter_values(const SynapseModelInfo& m, const std::map<std::string, double>& given) {
  std::vector<double> v;
  for (const auto& f : m.parameters) {
    const auto it = given.find(f.name);
    v.push_back(it == given.end() ? f.default_value : it->second);
  }
  return v;
}

std::string check_synapse_parameters(const SynapseModelInfo& m, const std::vector<double>& values,
                                     double weight_lower, double weight_upper, std::string* field) {
  for (std::size_t i = 0; i < m.parameters.size(); ++i) {
    *field = m.parameters[i].name;
    if (!std::isfinite(values[i])) return "a finite number";
    if (*field == "axonal_delay" && !(values[i] >= 0)) return "a delay >= 0 ms, below the synapses' delays";
    if (m.is_weight_parameter(*field) && !(std::abs(values[i]) <= max_weight)) return "a weight within +-1e6";
  }
  return m.check(values, weight_lower, weight_upper, field);
}

}  // namespace myelin
