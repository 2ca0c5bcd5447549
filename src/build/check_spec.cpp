// check(ModelSpec): every rule a spec must satisfy before it is built, for
// specs made in code (the C++ API, Python) as for loaded ones. The TOML
// loader only parses (types, units, unknown keys, the names it needs to
// choose a unit) and then calls this; it records where each value came
// from, so an error names the line of the offending value.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/units.hpp"
#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"
#include "neurons/registry.hpp"
#include "build/plastic_connectivity.hpp"
#include "core/ring_buffer.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {
namespace {

std::string num(double x) { return short_number(x); }

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

template <class Fields>
std::string names_of(const Fields& fields) {
  std::string s;
  for (const auto& f : fields) s += (s.empty() ? "" : ", ") + f.name;
  return s;
}

template <class Fields>
bool has_field(const Fields& fields, const std::string& name) {
  return std::any_of(fields.begin(), fields.end(), [&](const auto& f) { return f.name == name; });
}

/// The errors of one element: its field path ("projection[2]") and origin.
struct Element {
  std::string path;
  const Origin& origin;
  [[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& expected) const {
    throw InputError(origin.where(key), path.empty() ? key : path + "." + key, value, expected);
  }
  void require(bool ok, const std::string& key, double value, const std::string& expected) const {
    if (!ok) fail(key, num(value), expected);
  }
};

bool valid_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

void check_run(const RunSpec& r) {
  const Element e{"run", r.origin};
  e.require(r.dt > 0 && std::isfinite(r.dt), "dt", r.dt, "a positive time step in ms");
  e.require(r.t_stop > 0, "t_stop", r.t_stop, "a positive duration in ms");
  e.require(on_grid(r.t_stop, r.dt), "t_stop", r.t_stop, "a multiple of dt = " + num(r.dt) + " ms");
  if (!(r.t_stop / r.dt <= max_steps))
    e.fail("t_stop", num(r.t_stop) + " ms", "at most 2^52 steps of dt (" + num(max_steps * r.dt) + " ms)");
  if (r.seed > 0xFFFFFFFFull) e.fail("seed", std::to_string(r.seed), "an integer from 0 to 4294967295");
}

void check_population(const PopulationSpec& p, std::size_t i, std::set<std::string>& names) {
  const Element e{"population[" + std::to_string(i) + "]", p.origin};
  if (!valid_name(p.name)) e.fail("name", quoted(p.name), "a name of letters, digits, '_' or '-'");
  if (!names.insert(p.name).second) e.fail("name", quoted(p.name), "a name not used by another population");
  const ModelEntry* m = find_neuron_model(p.model);
  if (!m) e.fail("model", quoted(p.model), "a known neuron model: " + neuron_model_names());
  if (p.size == 0) e.fail("size", "0", "a number of neurons >= 1");
  for (const auto& [name, value] : p.params)
    if (!has_field(m->parameters, name))
      e.fail("params." + name, num(value), "one of the parameters of " + p.model + ": " + names_of(m->parameters));
  std::vector<double> values;
  for (const FieldInfo& fi : m->parameters) {
    const auto it = p.params.find(fi.name);
    values.push_back(it == p.params.end() ? fi.default_value : it->second);
  }
  std::string bad;
  if (const std::string why = m->check(values, &bad); !why.empty()) {
    const auto it = p.params.find(bad);
    e.fail("params." + bad, it == p.params.end() ? "" : num(it->second), why);
  }
  for (const auto& [name, value] : p.initial) {
    if (!has_field(m->state, name))
      e.fail("initial." + name, "", "one of the state variables of " + p.model + ": " + names_of(m->state));
    if (!std::isfinite(value.a) || !std::isfinite(value.b) || std::isnan(value.min) || std::isnan(value.max))
      e.fail("initial." + name, num(value.a), "a finite initial value");
  }
}

void check_population_ref(const ModelSpec& spec, const std::string& name, const Element& e, const std::string& key) {
  if (spec.population_index(name)) return;
  std::string known;
  for (const auto& p : spec.populations) known += (known.empty() ? "" : ", ") + p.name;
  e.fail(key, quoted(name), "a defined population (" + known + ")");
}

void check_delay(const Value& d, double dt, const Element& e, const std::string& key) {
  if (d.is_constant() && !(d.a > 0)) e.fail(key, num(d.a), "a positive delay in ms");
  if (!(d.lower() >= dt - 1e-12 * dt))
    e.fail(key, num(d.lower()) + " ms",
           "a delay of at least dt = " + num(dt) + " ms" + (d.is_constant() ? "" : " (clip the distribution with min >= dt)"));
}

/// The weights a Value can draw lie within +-max_weight: its bounds, and
/// for an unclipped normal its mean +- 10 std (beyond: p ~ 1e-23).
void check_weight(const Value& w, const Element& e, const std::string& key) {
  if (!std::isfinite(w.a) || !std::isfinite(w.b))
    e.fail(key, num(w.a) + (w.is_constant() ? "" : ", " + num(w.b)), "finite numbers");
  double lo = w.lower(), hi = w.upper();
  if (w.kind == Value::Kind::normal) {
    lo = std::max(lo, w.a - 10 * w.b);
    hi = std::min(hi, w.a + 10 * w.b);
  }
  if (!(lo >= -max_weight && hi <= max_weight))
    e.fail(key, w.is_constant() ? num(w.a) : num(lo) + " .. " + num(hi),
           "weights within +-" + num(max_weight) + " (pA, nS or mV)" +
               (w.kind == Value::Kind::normal ? " over mean +- 10 std or the clip bounds" : ""));
}

void check_connection_rule(const ModelSpec& spec, const ProjectionSpec& p, const Element& e) {
  const std::uint64_t ns = spec.populations[*spec.population_index(p.source)].size;
  const std::uint64_t nt = spec.populations[*spec.population_index(p.target)].size;
  const bool self = p.source == p.target && !p.allow_autapses;
  if (p.rule == Rule::one_to_one && ns != nt)
    e.fail("rule", "\"one_to_one\"",
           "source and target of equal size for one_to_one (" + std::to_string(ns) + " vs " + std::to_string(nt) + ")");
  if (p.rule == Rule::pairwise_bernoulli) e.require(p.p >= 0 && p.p <= 1, "p", p.p, "a probability from 0 to 1");
  if (p.rule == Rule::fixed_indegree || p.rule == Rule::fixed_outdegree) {
    const bool in = p.rule == Rule::fixed_indegree;
    const std::string key = in ? "indegree" : "outdegree", candidates = in ? "sources" : "targets";
    const std::uint64_t n = (in ? ns : nt) - (self ? 1 : 0);
    if (p.count > 0 && n == 0) e.fail(key, std::to_string(p.count), "0: there are no candidate " + candidates);
    if (!p.allow_multapses && p.count > n)
      e.fail(key, std::to_string(p.count),
             "at most " + std::to_string(n) + " distinct " + candidates + " (or allow_multapses = true)");
  }
  if (p.rule != Rule::from_file) check_delay(p.delay, spec.run.dt, e, "delay");
  check_weight(p.weight, e, "weight");
}

void check_connection_list(const ModelSpec& spec, const ProjectionSpec& p, const Element& e) {
  const ProjectionSpec::ConnectionList& l = p.list;
  const std::size_t n = l.targets.size();
  const auto count = [](std::size_t k) { return std::to_string(k) + " entries"; };
  if (l.sources.size() != n) e.fail("sources", count(l.sources.size()), "one per target (" + count(n) + ")");
  if (!l.weights.empty() && l.weights.size() != n) e.fail("weights", count(l.weights.size()), "none, or one per target (" + count(n) + ")");
  if (!l.delays.empty() && l.delays.size() != n) e.fail("delays", count(l.delays.size()), "none, or one per target (" + count(n) + ")");
  const std::uint64_t ns = spec.populations[*spec.population_index(p.source)].size;
  const std::uint64_t nt = spec.populations[*spec.population_index(p.target)].size;
  for (std::size_t j = 0; j < n; ++j) {
    const std::string at = "[" + std::to_string(j) + "]";
    if (l.sources[j] >= ns) e.fail("sources" + at, std::to_string(l.sources[j]), "a node id below " + p.source + "'s size " + std::to_string(ns));
    if (l.targets[j] >= nt) e.fail("targets" + at, std::to_string(l.targets[j]), "a node id below " + p.target + "'s size " + std::to_string(nt));
    if (!l.weights.empty())
      e.require(std::abs(l.weights[j]) <= max_weight, "weights" + at, l.weights[j], "a weight within +-" + num(max_weight));
    if (!l.delays.empty())
      e.require(l.delays[j] >= spec.run.dt * (1 - 1e-12) && std::isfinite(l.delays[j]), "delays" + at, l.delays[j],
                "a delay of at least dt = " + num(spec.run.dt) + " ms");
  }
}

/// The weights a projection's synapses can start with: its listed ones, or
/// its weight's range.
std::pair<double, double> weight_range(const ProjectionSpec& p) {
  if (p.rule != Rule::from_list || p.list.weights.empty()) return {p.weight.lower(), p.weight.upper()};
  const auto [lo, hi] = std::minmax_element(p.list.weights.begin(), p.list.weights.end());
  return {*lo, *hi};
}

void check_synapse_parameters(const ModelSpec& spec, const ProjectionSpec& p, const SynapseModelInfo& m, const Element& e) {
  for (const auto& [name, value] : p.synapse_params)
    if (!has_field(m.parameters, name))
      e.fail("synapse." + name, num(value), names_of(m.parameters) + " (the parameters of " + m.name + ")");
  std::string bad;
  const auto [w_lo, w_hi] = weight_range(p);
  if (const std::string why = check_synapse_parameters(m, synapse_parameter_values(m, p.synapse_params), w_lo, w_hi, &bad);
      !why.empty()) {
    const auto it = p.synapse_params.find(bad);
    e.fail("synapse." + bad, it == p.synapse_params.end() ? "(default)" : num(it->second), why);
  }
  if (const auto ax = p.synapse_params.find("axonal_delay"); ax != p.synapse_params.end()) {
    // The dendritic part must stay at least one step: NEST's delay is the sum of both.
    if (p.delay_convention == ProjectionSpec::DelayConvention::axonal)
      e.fail("synapse.axonal_delay", num(ax->second),
             "no axonal_delay with delay_convention = \"axonal\" (the whole delay is axonal there)");
    if (!(ax->second <= p.delay.lower() - spec.run.dt + 1e-9))
      e.fail("synapse.axonal_delay", num(ax->second),
             "an axonal delay at least one step (" + num(spec.run.dt) + " ms) below the smallest delay of the projection (" +
                 num(p.delay.lower()) + " ms)");
  }
}

void check_modulator(const ModelSpec& spec, const ProjectionSpec& p, const SynapseModelInfo& m, const Element& e) {
  const ProjectionSpec::Modulator& md = p.modulator;
  const bool given = !md.population.empty() || !md.times.empty();
  if (given && !m.modulated) e.fail("modulator", "", "no modulator: only stdp_dopamine_synapse has a third factor");
  if (!m.modulated) return;
  if (!given)
    e.fail("modulator", "",
           "the third factor of " + m.name + ": {population = \"DA\", delay = 1.0} or {times = [...], values = [...]} (missing)");
  if (!md.population.empty()) {
    check_population_ref(spec, md.population, e, "modulator.population");
    check_delay(Value::constant(md.delay), spec.run.dt, e, "modulator.delay");
    return;
  }
  if (md.times.size() != md.values.size())
    e.fail("modulator.values", "", "one value per time (" + std::to_string(md.times.size()) + " times)");
  for (std::size_t i = 0; i < md.times.size(); ++i)
    if (!(md.times[i] >= 0) || (i > 0 && !(md.times[i] > md.times[i - 1])))
      e.fail("modulator.times", num(md.times[i]), "increasing times >= 0 ms");
}

void check_scaling(const ProjectionSpec& p, const SynapseModelInfo& m, const Element& e, double dt) {
  const ProjectionSpec::Scaling& s = p.scaling;
  if (s.beta == 0 && s.target_rate == 0) return;  // off
  if (!m.pairs) e.fail("scaling", "", "no scaling: " + m.name + " has no plastic weight (use a weight rule such as stdp_synapse)");
  e.require(s.target_rate >= 0, "scaling.target_rate", s.target_rate, "a rate >= 0 Hz");
  e.require(s.beta > 0, "scaling.beta", s.beta, "a positive scaling rate");
  e.require(s.tau > 0 && std::isfinite(s.tau), "scaling.tau", s.tau, "a positive, finite time constant");
  e.require(s.interval > 0 && s.interval / dt <= max_steps, "scaling.interval", s.interval,
            "a positive interval in ms, at most 2^52 steps");
}


void check_spike_times(const std::vector<double>& times, double dt, const Element& e) {
  double last = 0.0;
  for (double t : times) {
    e.require(t >= dt && std::isfinite(t), "spike_times", t, "times >= dt = " + num(dt) + " ms");
    e.require(t >= last, "spike_times", t, "times in increasing order");
    e.require(on_grid(t, dt), "spike_times", t, "times on the grid of dt = " + num(dt) + " ms");
    last = t;
  }
}

void check_stimulus(const ModelSpec& spec, const StimulusSpec& s, std::size_t i) {
  const Element e{"stimulus[" + std::to_string(i) + "]", s.origin};
  if (s.targets.empty()) e.fail("targets", "[]", "at least one population");
  for (const auto& t : s.targets) check_population_ref(spec, t, e, "targets");
  e.require(s.rate >= 0 && std::isfinite(s.rate), "rate", s.rate, "a rate >= 0 Hz");
  e.require(s.start >= 0, "start", s.start, "a time >= 0 ms");
  e.require(s.stop >= s.start, "stop", s.stop, "a time >= start");
  check_spike_times(s.spike_times, spec.run.dt, e);
  if (!s.neurons.empty()) {
    if (s.targets.size() != 1) e.fail("neurons", "", "one target population when neurons are named");
    const std::uint64_t n = spec.populations[*spec.population_index(s.targets[0])].size;
    for (std::uint64_t id : s.neurons)
      if (id >= n) e.fail("neurons", std::to_string(id), "node ids below " + s.targets[0] + "'s size " + std::to_string(n));
  }
  check_delay(s.delay, spec.run.dt, e, "delay");
  check_weight(s.weight, e, "weight");
  const char* type = s.type == StimulusType::poisson_generator ? "poisson_generator" : "dc_generator";
  if (s.type != StimulusType::spike_generator && !s.delay.is_constant())
    e.fail("delay", "", std::string("a constant delay for ") + type);
  if (s.type != StimulusType::spike_generator && !s.weight.is_constant())
    e.fail("weight", "", std::string("a constant weight for ") + type);
}

void check_recorder(const ModelSpec& spec, const RecorderSpec& r, std::size_t i) {
  const Element e{"recorder[" + std::to_string(i) + "]", r.origin};
  for (const auto& name : recorded_by(r, spec)) {
    check_population_ref(spec, name, e, "populations");
    if (r.kind != RecorderSpec::Kind::state) continue;
    const ModelEntry* m = find_neuron_model(spec.populations[*spec.population_index(name)].model);
    for (const auto& v : r.variables)
      if (!has_field(m->state, v)) e.fail("variables", quoted(v), "a state variable of " + m->name + " (" + names_of(m->state) + ")");
  }
  if (r.kind == RecorderSpec::Kind::state)
    e.require(r.interval >= spec.run.dt && r.interval / spec.run.dt <= max_steps && on_grid(r.interval, spec.run.dt),
              "interval", r.interval, "a multiple of dt = " + num(spec.run.dt) + " ms, at most 2^52 steps");
}

}  // namespace

void check_projection(const ModelSpec& spec, const ProjectionSpec& p, std::size_t i) {
  const Element e{"projection[" + std::to_string(i) + "]", p.origin};
  check_population_ref(spec, p.source, e, "source");
  check_population_ref(spec, p.target, e, "target");
  check_connection_rule(spec, p, e);
  if (p.rule == Rule::from_list) check_connection_list(spec, p, e);
  const SynapseModelInfo* m = find_synapse_model(p.synapse_model);
  if (!m) e.fail("synapse_model", quoted(p.synapse_model), "one of " + synapse_model_names());
  check_synapse_parameters(spec, p, *m, e);
  check_modulator(spec, p, *m, e);
  check_scaling(p, *m, e, spec.run.dt);
}

void check(const ModelSpec& spec) {
  check_run(spec.run);
  std::set<std::string> names;
  for (std::size_t i = 0; i < spec.populations.size(); ++i) check_population(spec.populations[i], i, names);
  for (std::size_t i = 0; i < spec.projections.size(); ++i) check_projection(spec, spec.projections[i], i);
  for (std::size_t i = 0; i < spec.stimuli.size(); ++i) check_stimulus(spec, spec.stimuli[i], i);
  for (std::size_t i = 0; i < spec.recorders.size(); ++i) check_recorder(spec, spec.recorders[i], i);
}

}  // namespace myelin
