// check(ModelSpec): what a spec must satisfy before it is built, for specs
// made in code (the C++ API, Python) as for loaded ones. The TOML loader
// checks the same as it parses, with the line of each value; this names
// the element's origin and the field's path.
#include <cmath>
#include <cstdio>
#include <set>

#include "core/units.hpp"
#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"
#include "neurons/registry.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {
namespace {

/// A number as a user would write it: 1e+300, not 300 digits.
std::string num(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", x);
  return b;
}

template <class Fields>
std::string names_of(const Fields& fields) {
  std::string s;
  for (const auto& f : fields) s += (s.empty() ? "" : ", ") + f.name;
  return s;
}

void check_run(const RunSpec& r) {
  if (!(r.dt > 0) || !std::isfinite(r.dt)) throw InputError("", "run.dt", std::to_string(r.dt), "a positive time step in ms");
  if (!(r.t_stop > 0) || !on_grid(r.t_stop, r.dt))
    throw InputError("", "run.t_stop", std::to_string(r.t_stop), "a positive multiple of dt = " + std::to_string(r.dt) + " ms");
  if (!(r.t_stop / r.dt <= max_steps))
    throw InputError("", "run.t_stop", num(r.t_stop) + " ms", "at most 2^52 steps of dt (" + num(max_steps * r.dt) + " ms)");
  if (r.seed > 0xFFFFFFFFull) throw InputError("", "run.seed", std::to_string(r.seed), "an integer from 0 to 4294967295");
}

void check_population(const PopulationSpec& p, std::size_t i, std::set<std::string>& names) {
  const std::string f = "population[" + std::to_string(i) + "]", at = p.origin.where();
  if (p.name.empty() || !names.insert(p.name).second)
    throw InputError(at, f + ".name", "\"" + p.name + "\"", "a name not used by another population");
  const ModelEntry* m = find_neuron_model(p.model);
  if (!m) throw InputError(at, f + ".model", "\"" + p.model + "\"", "a known neuron model: " + neuron_model_names());
  if (p.size == 0) throw InputError(at, f + ".size", "0", "a number of neurons >= 1");
  std::vector<double> values;
  for (const FieldInfo& fi : m->parameters) {
    const auto it = p.params.find(fi.name);
    values.push_back(it == p.params.end() ? fi.default_value : it->second);
  }
  for (const auto& [name, value] : p.params)
    if (std::none_of(m->parameters.begin(), m->parameters.end(), [&](const FieldInfo& x) { return x.name == name; }))
      throw InputError(at, f + ".params." + name, std::to_string(value), "one of the parameters of " + p.model + ": " + names_of(m->parameters));
  std::string bad;
  if (const std::string why = check_parameters(*m, values, &bad); !why.empty())
    throw InputError(at, f + ".params." + bad, "", why);
  for (const auto& [name, value] : p.initial)
    if (std::none_of(m->state.begin(), m->state.end(), [&](const FieldInfo& x) { return x.name == name; }))
      throw InputError(at, f + ".initial." + name, "", "one of the state variables of " + p.model + ": " + names_of(m->state));
}

void check_population_ref(const ModelSpec& spec, const std::string& name, const std::string& at, const std::string& field) {
  if (!spec.population_index(name)) throw InputError(at, field, "\"" + name + "\"", "a defined population");
}

void check_delay(const Value& d, double dt, const std::string& at, const std::string& field) {
  if (!(d.lower() >= dt - 1e-12 * dt))
    throw InputError(at, field, std::to_string(d.lower()) + " ms",
                     "a delay of at least dt = " + std::to_string(dt) + " ms" +
                         (d.is_constant() ? "" : " (clip the distribution with min >= dt)"));
}

void check_projection(const ModelSpec& spec, const ProjectionSpec& p, std::size_t i) {
  const std::string f = "projection[" + std::to_string(i) + "]", at = p.origin.where();
  check_population_ref(spec, p.source, at, f + ".source");
  check_population_ref(spec, p.target, at, f + ".target");
  const std::uint64_t ns = spec.populations[*spec.population_index(p.source)].size;
  const std::uint64_t nt = spec.populations[*spec.population_index(p.target)].size;
  if (p.rule == Rule::one_to_one && ns != nt)
    throw InputError(at, f + ".rule", "one_to_one", "source and target of equal size (" + std::to_string(ns) + " and " + std::to_string(nt) + ")");
  if (p.rule == Rule::pairwise_bernoulli && !(p.p >= 0 && p.p <= 1))
    throw InputError(at, f + ".p", std::to_string(p.p), "a probability from 0 to 1");
  const bool self = p.source == p.target && !p.allow_autapses;
  if (!p.allow_multapses && ((p.rule == Rule::fixed_indegree && p.count > ns - (self ? 1 : 0)) ||
                             (p.rule == Rule::fixed_outdegree && p.count > nt - (self ? 1 : 0))))
    throw InputError(at, f + (p.rule == Rule::fixed_indegree ? ".indegree" : ".outdegree"), std::to_string(p.count),
                     "at most the number of distinct candidates without multapses");
  if (p.rule != Rule::from_file) check_delay(p.delay, spec.run.dt, at, f + ".delay");
  const SynapseModelInfo* m = find_synapse_model(p.synapse_model);
  if (!m) throw InputError(at, f + ".synapse_model", "\"" + p.synapse_model + "\"", "one of " + synapse_model_names());
  for (const auto& [name, value] : p.synapse_params)
    if (std::none_of(m->parameters.begin(), m->parameters.end(), [&](const FieldInfo& x) { return x.name == name; }))
      throw InputError(at, f + ".synapse." + name, std::to_string(value), names_of(m->parameters) + " (the parameters of " + m->name + ")");
  std::string bad;
  if (const std::string why = check_synapse_parameters(*m, synapse_parameter_values(*m, p.synapse_params), p.weight.lower(),
                                                       p.weight.upper(), &bad);
      !why.empty())
    throw InputError(at, f + ".synapse." + bad, "", why);
  const bool has_modulator = !p.modulator.population.empty() || !p.modulator.times.empty();
  if (has_modulator != m->modulated)
    throw InputError(at, f + ".modulator", "", has_modulator ? "no modulator: only stdp_dopamine_synapse has a third factor"
                                                             : "a modulator (population or time series) for " + m->name);
  if (!p.modulator.population.empty()) check_population_ref(spec, p.modulator.population, at, f + ".modulator.population");
  if (p.modulator.times.size() != p.modulator.values.size())
    throw InputError(at, f + ".modulator.values", "", "one value per time (" + std::to_string(p.modulator.times.size()) + " times)");
}

void check_stimulus(const ModelSpec& spec, const StimulusSpec& s, std::size_t i) {
  const std::string f = "stimulus[" + std::to_string(i) + "]", at = s.origin.where();
  if (s.targets.empty()) throw InputError(at, f + ".targets", "[]", "at least one population");
  for (const auto& t : s.targets) check_population_ref(spec, t, at, f + ".targets");
  if (!(s.rate >= 0) || !std::isfinite(s.rate)) throw InputError(at, f + ".rate", std::to_string(s.rate), "a rate >= 0 Hz");
  if (!(s.start >= 0)) throw InputError(at, f + ".start", std::to_string(s.start), "a time >= 0 ms");
  if (!(s.stop >= s.start)) throw InputError(at, f + ".stop", std::to_string(s.stop), "a time >= start");
  double last = 0.0;
  for (double t : s.spike_times) {
    if (!(t >= spec.run.dt) || !std::isfinite(t) || !on_grid(t, spec.run.dt) || t < last)
      throw InputError(at, f + ".spike_times", std::to_string(t), "increasing times on the dt grid, at least dt");
    last = t;
  }
  check_delay(s.delay, spec.run.dt, at, f + ".delay");
  if (s.type != StimulusType::spike_generator && !(s.weight.is_constant() && s.delay.is_constant()))
    throw InputError(at, f + ".weight", "", "a constant weight and delay for poisson_generator and dc_generator");
}

void check_recorder(const ModelSpec& spec, const RecorderSpec& r, std::size_t i) {
  const std::string f = "recorder[" + std::to_string(i) + "]", at = r.origin.where();
  for (const auto& name : r.populations) {
    check_population_ref(spec, name, at, f + ".populations");
    if (r.kind != RecorderSpec::Kind::state) continue;
    const ModelEntry* m = find_neuron_model(spec.populations[*spec.population_index(name)].model);
    for (const auto& v : r.variables)
      if (std::none_of(m->state.begin(), m->state.end(), [&](const FieldInfo& x) { return x.name == v; }))
        throw InputError(at, f + ".variables", "\"" + v + "\"", "state variables of " + m->name + ": " + names_of(m->state));
  }
  if (r.kind == RecorderSpec::Kind::state && (!(r.interval > 0) || !on_grid(r.interval, spec.run.dt)))
    throw InputError(at, f + ".interval", std::to_string(r.interval), "a positive multiple of dt");
}

}  // namespace

void check(const ModelSpec& spec) {
  check_run(spec.run);
  std::set<std::string> names;
  for (std::size_t i = 0; i < spec.populations.size(); ++i) check_population(spec.populations[i], i, names);
  for (std::size_t i = 0; i < spec.projections.size(); ++i) check_projection(spec, spec.projections[i], i);
  for (std::size_t i = 0; i < spec.stimuli.size(); ++i) check_stimulus(spec, spec.stimuli[i], i);
  for (std::size_t i = 0; i < spec.recorders.size(); ++i) check_recorder(spec, spec.recorders[i], i);
}

}  // namespace myelin
