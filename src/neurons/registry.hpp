#pragma once
// The neuron model registry: name -> fields and a factory. Adding a model is
// one header in src/neurons/ (its field tables, check() and step(); see
// neurons/model_fields.hpp) and one line in registry.cpp.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/fields.hpp"
#include "neurons/neuron_group.hpp"

namespace myelin {

struct ModelEntry {
  std::string name;
  std::vector<FieldInfo> parameters;  ///< order = the vector passed to make
  std::vector<FieldInfo> state;       ///< recordable and initialisable variables
  /// What a synaptic weight is to this model: a current (pA), a
  /// conductance (nS) or a voltage jump (mV).
  Dimension weight_dim = Dimension::current;
  std::function<std::unique_ptr<NeuronGroup>(const std::vector<double>& params, double dt, std::size_t n)> make;
  /// The common checks, then the model's own (NEST's per model): returns
  /// the first problem (what was expected) or "", naming its field in *field.
  std::function<std::string(const std::vector<double>& params, std::string* field)> check;
};

const std::vector<ModelEntry>& neuron_models();
/// nullptr if unknown.
const ModelEntry* find_neuron_model(const std::string& name);
/// Names joined for error messages: "iaf_psc_alpha, iaf_psc_exp".
std::string neuron_model_names();

}  // namespace myelin
