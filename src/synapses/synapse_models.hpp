#pragma once
// The synapse model registry: what a projection's `synapse_model` may name,
// with NEST's parameter names, units and defaults, so that the loader can
// check a model file and the builder can make the rule. Static synapses
// are the default and cost 8 bytes; every other model is plastic, lives in
// the plastic store (synapses/plastic_store.hpp) and is generated from its
// rule's declarations (synapses/rule_registry.hpp).
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/fields.hpp"
#include "synapses/rule_registry.hpp"

namespace myelin {

struct SynapseModelInfo {
  std::string name;
  std::vector<FieldInfo> parameters;
  std::string summary;  ///< one line for --help and errors
  /// Parameters in the target model's weight unit (pA, nS or mV), like the
  /// projection's weight; their FieldInfo dimension is a placeholder.
  std::vector<std::string> weight_parameters;
  bool plastic = false;    ///< anything but static_synapse
  bool pairs = false;      ///< times pre/post pairs: delay_convention, axonal_delay, scaling
  bool modulated = false;  ///< a third factor: needs a modulator
  /// The rule from values in `parameters` order (plastic models only).
  std::function<PlasticRule(const std::vector<double>&)> make;
  /// The rule's checks: the first problem (what was expected) or "", its
  /// field in *field; weights range [w_lo, w_hi].
  std::function<std::string(const std::vector<double>&, double w_lo, double w_hi, std::string* field)> check;

  bool is_weight_parameter(const std::string& field) const {
    for (const auto& w : weight_parameters)
      if (w == field) return true;
    return false;
  }
};

/// The placeholder dimension of weight parameters.
inline constexpr Dimension weight_unit = Dimension::dimensionless;

const std::vector<SynapseModelInfo>& synapse_models();
/// nullptr if unknown.
const SynapseModelInfo* find_synapse_model(const std::string& name);
std::string synapse_model_names();

/// The model's parameters in its order: defaults overridden by `given`.
std::vector<double> synapse_parameter_values(const SynapseModelInfo& m, const std::map<std::string, double>& given);

/// Checks values that make a rule meaningless (time constants <= 0, U
/// outside (0, 1], a weight of the other sign than Wmax, a negative
/// axonal_delay); returns the first problem (what was expected) and sets
/// *field, or returns "".
std::string check_synapse_parameters(const SynapseModelInfo& m, const std::vector<double>& values,
                                     double weight_lower, double weight_upper, std::string* field);

}  // namespace myelin
