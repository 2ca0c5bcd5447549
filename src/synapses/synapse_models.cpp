#include "synapses/synapse_models.hpp"

#include <cmath>

namespace myelin {
namespace {

/// The part of a pair rule's delay that is axonal (delay_convention = "dendritic").
FieldInfo axonal_delay() {
  return {"axonal_delay", Dimension::time, 0.0, "axonal part of the delay for pairing (ms; the rest is dendritic, as NEST)"};
}

std::vector<FieldInfo> stdp_parameters() {
  return {{"tau_plus", Dimension::time, 20.0, "decay of the presynaptic trace (ms)"},
          {"tau_minus", Dimension::time, 20.0, "decay of the postsynaptic trace (ms; NEST keeps it on the neuron)"},
          {"lambda", Dimension::dimensionless, 0.01, "learning rate, potentiation step relative to Wmax"},
          {"alpha", Dimension::dimensionless, 1.0, "depression step relative to potentiation"},
          {"mu_plus", Dimension::dimensionless, 1.0, "weight dependence of potentiation: 0 additive, 1 multiplicative"},
          {"mu_minus", Dimension::dimensionless, 1.0, "weight dependence of depression: 0 additive, 1 multiplicative"},
          {"Wmax", weight_unit, 100.0, "upper weight bound (the weight's unit and sign; the lower bound is 0)"},
          axonal_delay()};
}

}  // namespace

const std::vector<SynapseModelInfo>& synapse_models() {
  static const std::vector<SynapseModelInfo> models = {
      {"static_synapse", SynapseKind::static_synapse, {}, "fixed weight (8 bytes per synapse)", {}},
      {"stdp_synapse", SynapseKind::stdp, stdp_parameters(),
       "pair STDP, all-to-all pairing, additive to multiplicative (Guetig 2003)"},
      {"stdp_nn_symm_synapse", SynapseKind::stdp, stdp_parameters(),
       "pair STDP, symmetric nearest-neighbour pairing (Morrison 2008)"},
      {"tsodyks2_synapse",
       SynapseKind::tsodyks,
       {{"U", Dimension::dimensionless, 0.5, "utilisation increment per spike, 0 < U <= 1"},
        {"tau_rec", Dimension::time, 800.0, "recovery of resources (ms)"},
        {"tau_fac", Dimension::time, 0.0, "decay of facilitation (ms); 0: none"}},
       "short-term depression and facilitation (Tsodyks-Markram)",
       {}},
      {"vogels_sprekeler_synapse",
       SynapseKind::vogels,
       {{"tau", Dimension::time, 20.0, "decay of both traces (ms)"},
        {"eta", weight_unit, 0.001, "learning rate (the weight's unit)"},
        {"alpha", Dimension::dimensionless, 0.12, "depression per presynaptic spike, sets the target rate alpha / (2 tau)"},
        {"Wmax", weight_unit, 1.0, "bound of |w|, with the weights' sign (negative for inhibition)"},
        axonal_delay()},
       "inhibitory plasticity balancing excitation (Vogels et al. 2011)",
       {"eta", "Wmax"}},
      {"stdp_symmetric_synapse",
       SynapseKind::stdp_symmetric,
       {{"tau_plus", Dimension::time, 20.0, "potentiation window (ms)"},
        {"tau_minus", Dimension::time, 60.0, "depression window (ms), longer than tau_plus"},
        {"eta", Dimension::dimensionless, 0.01, "learning rate relative to Wmax"},
        {"alpha", Dimension::dimensionless, 0.5, "depression relative to potentiation"},
        {"Wmax", weight_unit, 100.0, "upper weight bound (the weight's unit and sign; the lower bound is 0)"},
        axonal_delay()},
       "symmetric STDP, potentiation within |dt| < ln(alpha) tau+ tau- / (tau+ - tau-)"},
      {"stdp_dopamine_synapse",
       SynapseKind::dopamine,
       {{"tau_plus", Dimension::time, 20.0, "decay of the presynaptic trace (ms)"},
        {"tau_minus", Dimension::time, 20.0, "decay of the postsynaptic trace (ms)"},
        {"A_plus", Dimension::dimensionless, 1.0, "eligibility added per pre-before-post pair"},
        {"A_minus", Dimension::dimensionless, 1.5, "eligibility removed per post-before-pre pair"},
        {"tau_c", Dimension::time, 1000.0, "decay of the eligibility trace (ms)"},
        {"tau_n", Dimension::time, 200.0, "decay of the modulator concentration (ms; a population modulator)"},
        {"b", Dimension::dimensionless, 0.0, "baseline concentration: dw/dt = c (n - b)"},
        {"Wmin", weight_unit, 0.0, "lower weight bound (the weight's unit)"},
        {"Wmax", weight_unit, 200.0, "upper weight bound (the weight's unit)"},
        axonal_delay()},
       "three-factor STDP: pairs drive an eligibility trace, a modulator turns it into weight (Izhikevich 2007)",
       {"Wmin", "Wmax"}},
  };
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
    const std::string& n = m.parameters[i].name;
    const double v = values[i];
    *field = n;
    if (!std::isfinite(v)) return "a finite number";
    if ((n == "tau_plus" || n == "tau_minus" || n == "tau_rec" || n == "tau") && !(v > 0)) return "a positive time constant";
    if (n == "eta" && !(v >= 0)) return "a learning rate >= 0";
    if (n == "tau_fac" && !(v >= 0)) return "a time constant >= 0 (0: no facilitation)";
    if (n == "axonal_delay" && !(v >= 0)) return "a delay >= 0 ms, below the synapses' delays";
    if ((n == "lambda" || n == "alpha" || n == "mu_plus" || n == "mu_minus" || n == "A_plus" || n == "A_minus") &&
        !(v >= 0))
      return "a number >= 0";
    if (n == "U" && !(v > 0 && v <= 1)) return "a utilisation 0 < U <= 1";
    if (m.kind == SynapseKind::dopamine && (n == "Wmin" || n == "Wmax")) {
      const double lo = values[i - (n == "Wmax" ? 1 : 0)], hi = values[i + (n == "Wmin" ? 1 : 0)];
      if (!(lo < hi && weight_lower >= lo && weight_upper <= hi))
        return "bounds Wmin < Wmax around every weight (weights range " + std::to_string(weight_lower) + " .. " +
               std::to_string(weight_upper) + ")";
      continue;
    }
    if (n == "tau_c" || n == "tau_n") {
      if (!(v > 0)) return "a positive time constant";
      continue;
    }
    if (n == "Wmax") {
      if (v == 0) return "a non-zero upper bound";
      // Weights stay in [0, Wmax] (or [Wmax, 0]): one sign, one input channel.
      if (v > 0 && !(weight_lower >= 0 && weight_upper <= v))
        return "an upper bound >= every weight, with weights >= 0 (weights range " + std::to_string(weight_lower) +
               " .. " + std::to_string(weight_upper) + ")";
      if (v < 0 && !(weight_upper <= 0 && weight_lower >= v))
        return "a bound <= every weight, with weights <= 0 (weights range " + std::to_string(weight_lower) + " .. " +
               std::to_string(weight_upper) + ")";
    }
  }
  field->clear();
  return "";
}

}  // namespace myelin
