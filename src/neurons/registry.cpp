#include "neurons/registry.hpp"

#include "neurons/aeif.hpp"
#include "neurons/arlif.hpp"
#include "neurons/iaf_cond_exp.hpp"
#include "neurons/iaf_psc_alpha.hpp"
#include "neurons/iaf_psc_exp.hpp"
#include "neurons/iaf_psc_exp_ip.hpp"
#include "neurons/izhikevich.hpp"
#include "neurons/parrot_neuron.hpp"

namespace myelin {
namespace {

/// Everything the registry knows of a model comes from its field tables
/// (neurons/model_fields.hpp) and its check().
template <class Model>
ModelEntry entry() {
  return {Model::name, fields::parameter_info<Model>(), fields::state_info<Model>(), Model::weight_dim,
          [](const std::vector<double>& p, double dt, std::size_t n) -> std::unique_ptr<NeuronGroup> {
            return std::make_unique<GroupImpl<Model>>(fields::make_parameters<Model>(p), dt, n);
          },
          [](const std::vector<double>& values, std::string* field) {
            const auto p = fields::make_parameters<Model>(values);
            if (std::string why = fields::common_check<Model>(p, field); !why.empty()) return why;
            return Model::check(p, field);
          }};
}

}  // namespace

const std::vector<ModelEntry>& neuron_models() {
  static const std::vector<ModelEntry> models = {
      entry<IafPscAlpha>(),
      entry<IafPscExp>(),
      entry<IafCondExp>(),
      entry<AeifCondExp>(),
      entry<AeifPscExp>(),
      entry<Izhikevich>(),
      entry<ParrotNeuron>(),
      entry<Arlif>(),
      entry<IafPscExpIp>(),
  };
  return models;
}

const ModelEntry* find_neuron_model(const std::string& name) {
  for (const auto& m : neuron_models())
    if (m.name == name) return &m;
  return nullptr;
}

std::string neuron_model_names() {
  std::string s;
  for (const auto& m : neuron_models()) s += (s.empty() ? "" : ", ") + m.name;
  return s;
}

}  // namespace myelin
