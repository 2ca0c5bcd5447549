#pragma once
// What a model may name: neuron models, synapse models and connection
// rules, with their parameters, units and defaults (NEST's names), so that
// a front end (Python, PyNN, --help) can list them without reading the
// engine's headers.
#include <string>
#include <vector>

namespace myelin {

struct ParameterInfo {
  std::string name;
  std::string unit;  ///< "ms", "mV", "pA", "pF", "nS", "Hz", "" (a number), or "weight" (the projection's weight unit)
  double default_value = 0.0;
  std::string help;
};

struct ModelInfo {
  std::string name;
  std::string summary;                     ///< one line
  std::vector<ParameterInfo> parameters;
  std::vector<ParameterInfo> state;        ///< neurons: recordable and settable variables
  std::string weight_unit;                 ///< neurons: what a synaptic weight is to them (pA, nS or mV)
};

std::vector<ModelInfo> neuron_catalogue();
std::vector<ModelInfo> synapse_catalogue();
/// Connection rules: name and the keys each needs.
std::vector<ModelInfo> connection_rule_catalogue();

}  // namespace myelin
