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

template <class Model>
ModelEntry entry() {
  ModelEntry e{Model::name, Model::parameter_info(), Model::state_info(), Model::weight_dim,
               [](const std::vector<double>& p, double dt, std::size_t n) -> std::unique_ptr<NeuronGroup> {
                 return std::make_unique<GroupImpl<Model>>(Model::make_parameters(p), dt, n);
               },
               nullptr};
  if constexpr (requires(const typename Model::Parameters& q, std::string* f) { Model::check(q, f); })
    e.check = [](const std::vector<double>& p, std::string* field) { return Model::check(Model::make_parameters(p), field); };
  return e;
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

std::string check_parameters(const ModelEntry& m, const std::vector<double>& values, std::string* field) {
  double v_reset = 0, v_th = 0;
  bool has_reset = false, has_th = false;
  for (std::size_t i = 0; i < m.parameters.size(); ++i) {
    const auto& f = m.parameters[i];
    const double v = values[i];
    *field = f.name;
    if (f.dim == Dimension::capacitance && !(v > 0)) return "a positive capacitance";
    if (f.name.rfind("tau", 0) == 0 && !(v > 0)) return "a positive time constant";
    if (f.name == "t_ref" && !(v >= 0)) return "a non-negative refractory period";
    if (f.name == "V_reset") { v_reset = v; has_reset = true; }
    if (f.name == "V_th") { v_th = v; has_th = true; }
  }
  // A model with its own checks says how V_reset relates to its threshold.
  *field = "V_reset";
  if (!m.check && has_reset && has_th && !(v_reset < v_th)) return "V_reset below V_th";
  field->clear();
  return m.check ? m.check(values, field) : "";
}

}  // namespace myelin
