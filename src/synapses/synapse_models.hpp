#pragma once
// The synapse model registry: what a projection's `synapse_model` may name,
// with NEST's parameter names, units and defaults, so that the loader can
// check a model file and the builder can make the rule. Static synapses
// are the default and cost 8 bytes; every other model is plastic and lives
// in the plastic store (synapses/plastic_store.hpp).
#include <map>
#include <string>
#include <vector>

#include "core/fields.hpp"

namespace myelin {

enum class SynapseKind {
  static_synapse,
  stdp,      ///< pair STDP, additive to multiplicative (synapses/stdp.hpp)
  tsodyks,   ///< short-term depression and facilitation (synapses/tsodyks.hpp)
  vogels,    ///< inhibitory plasticity to a target rate (synapses/vogels_sprekeler.hpp)
  stdp_symmetric,  ///< symmetric STDP (synapses/stdp_symmetric.hpp)
  dopamine,  ///< three-factor STDP (synapses/stdp_dopamine.hpp)
};

struct SynapseModelInfo {
  std::string name;
  SynapseKind kind;
  std::vector<FieldInfo> parameters;
  std::string summary;  ///< one line for --help and errors
  /// Parameters in the target model's weight unit (pA, nS or mV), like the
  /// projection's weight; their FieldInfo dimension is a placeholder.
  std::vector<std::string> weight_parameters = {"Wmax"};

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
/// outside (0, 1], a weight of the other sign than Wmax); returns the first
/// problem (what was expected) and sets *field, or returns "".
std::string check_synapse_parameters(const SynapseModelInfo& m, const std::vector<double>& values,
                                     double weight_lower, double weight_upper, std::string* field);

}  // namespace myelin
