#include "io/model_loader.hpp"

#include <toml.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/time_grid.hpp"
#include "build/sonata_edges.hpp"
#include "build/sonata_nodes.hpp"
#include "core/units.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {

double Value::lower() const {
  switch (kind) {
    case Kind::constant: return a;
    case Kind::uniform: return a;
    case Kind::normal: return min;
  }
  return a;
}
double Value::upper() const {
  switch (kind) {
    case Kind::constant: return a;
    case Kind::uniform: return b;
    case Kind::normal: return max;
  }
  return a;
}

std::optional<std::size_t> ModelSpec::population_index(const std::string& pop_name) const {
  for (std::size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == pop_name) return i;
  return std::nullopt;
}

namespace {

using tvalue = toml::value;

std::string text_of(const tvalue& v) {
  if (v.is_string()) return "\"" + v.as_string().str + "\"";
  if (v.is_integer()) return std::to_string(v.as_integer());
  if (v.is_floating()) {
    std::ostringstream s;
    s << v.as_floating();
    return s.str();
  }
  if (v.is_boolean()) return v.as_boolean() ? "true" : "false";
  if (v.is_table()) return "{...}";
  if (v.is_array()) return "[...]";
  return "?";
}

/// Context for errors: the file and the line of a value.
struct Ctx {
  std::string file;
  std::string where(const tvalue& v) const {
    const auto line = v.location().line();
    return line > 0 ? file + ":" + std::to_string(line) : file;
  }
  Origin origin(const tvalue& v) const { return Origin{file, static_cast<int>(v.location().line())}; }
  [[noreturn]] void fail(const tvalue& v, const std::string& field, const std::string& expected) const {
    throw InputError(where(v), field, text_of(v), expected);
  }
};

/// A path in a model file, relative to the model file's directory.
std::string resolve_path(const std::string& model_file, const std::string& p) {
  namespace fs = std::filesystem;
  if (fs::path(p).is_absolute()) return p;
  return (fs::path(model_file).parent_path() / p).lexically_normal().string();
}

/// A TOML table read key by key; keys never read are reported as unknown.
class Table {
 public:
  Table(const tvalue& v, std::string field, const Ctx& ctx) : v_(v), field_(std::move(field)), ctx_(ctx) {
    if (!v.is_table()) ctx.fail(v, field_, "a table");
  }
  const tvalue* get(const std::string& key) {
    used_.insert(key);
    const auto& t = v_.as_table();
    const auto it = t.find(key);
    return it == t.end() ? nullptr : &it->second;
  }
  const tvalue& require(const std::string& key, const std::string& expected) {
    const tvalue* v = get(key);
    if (!v) throw InputError(ctx_.where(v_), field(key), "", expected + " (missing)");
    return *v;
  }
  std::string field(const std::string& key) const { return field_.empty() ? key : field_ + "." + key; }
  /// Call after reading: any key not asked for is a typo or unsupported.
  void reject_unknown(const std::string& known) const {
    for (const auto& [k, val] : v_.as_table())
      if (!used_.count(k)) throw InputError(ctx_.where(val), field(k), text_of(val), "one of the known keys: " + known);
  }
  const tvalue& value() const { return v_; }

 private:
  const tvalue& v_;
  std::string field_;
  const Ctx& ctx_;
  std::set<std::string> used_;
};

std::string dim_hint(Dimension d) {
  const std::string u = base_unit(d);
  return u.empty() ? "a number" : "a number in " + u + " (or a string such as \"1.5 " + u + "\")";
}

double quantity(const tvalue& v, const std::string& field, Dimension d, const Ctx& ctx) {
  if (v.is_integer()) return static_cast<double>(v.as_integer());
  if (v.is_floating()) return v.as_floating();
  if (v.is_string()) {
    std::string why;
    if (auto q = parse_quantity(v.as_string().str, d, &why)) return *q;
    ctx.fail(v, field, dim_hint(d) + "; " + why);
  }
  ctx.fail(v, field, dim_hint(d));
}

Value value_spec(const tvalue& v, const std::string& field, Dimension d, const Ctx& ctx) {
  if (!v.is_table()) return Value::constant(quantity(v, field, d, ctx));
  const auto& t = v.as_table();
  const std::string expected = dim_hint(d) + ", or {normal = {mean, std, min?, max?}} or {uniform = {min, max}}";
  if (t.size() != 1) ctx.fail(v, field, expected);
  const auto& [kind, body] = *t.begin();
  Table b(body, field + "." + kind, ctx);
  Value out;
  if (kind == "normal") {
    out.kind = Value::Kind::normal;
    out.a = quantity(b.require("mean", dim_hint(d)), b.field("mean"), d, ctx);
    const tvalue& sd = b.require("std", dim_hint(d));
    out.b = quantity(sd, b.field("std"), d, ctx);
    if (!(out.b >= 0)) ctx.fail(sd, b.field("std"), "a non-negative standard deviation");
    if (const tvalue* m = b.get("min")) out.min = quantity(*m, b.field("min"), d, ctx);
    if (const tvalue* m = b.get("max")) out.max = quantity(*m, b.field("max"), d, ctx);
    if (!(out.min < out.max)) ctx.fail(body, field, "min < max");
    // The clipped normal redraws outside [min, max]; refuse bounds that
    // would leave (almost) nothing to draw.
    if (out.b > 0) {
      const double z = 1.0 / std::sqrt(2.0);
      const double mass = 0.5 * (std::erf((out.max - out.a) / out.b * z) - std::erf((out.min - out.a) / out.b * z));
      if (mass < 1e-3) ctx.fail(body, field, "bounds that keep at least 0.1 % of the distribution");
    } else if (out.a < out.min || out.a > out.max) {
      ctx.fail(body, field, "the mean within [min, max] when std = 0");
    }
    b.reject_unknown("mean, std, min, max");
  } else if (kind == "uniform") {
    out.kind = Value::Kind::uniform;
    out.a = quantity(b.require("min", dim_hint(d)), b.field("min"), d, ctx);
    out.b = quantity(b.require("max", dim_hint(d)), b.field("max"), d, ctx);
    if (!(out.a <= out.b)) ctx.fail(body, field, "min <= max");
    b.reject_unknown("min, max");
  } else {
    ctx.fail(v, field, expected);
  }
  return out;
}

std::string string_of(const tvalue& v, const std::string& field, const Ctx& ctx) {
  if (!v.is_string()) ctx.fail(v, field, "a string");
  return v.as_string().str;
}

bool bool_of(const tvalue& v, const std::string& field, const Ctx& ctx) {
  if (!v.is_boolean()) ctx.fail(v, field, "true or false");
  return v.as_boolean();
}

std::uint64_t count_of(const tvalue& v, const std::string& field, const Ctx& ctx, std::uint64_t min_value = 0) {
  if (!v.is_integer() || v.as_integer() < static_cast<std::int64_t>(min_value))
    ctx.fail(v, field, "an integer >= " + std::to_string(min_value));
  return static_cast<std::uint64_t>(v.as_integer());
}

std::vector<std::string> names_of(const tvalue& v, const std::string& field, const Ctx& ctx) {
  if (v.is_string()) return {v.as_string().str};
  if (!v.is_array()) ctx.fail(v, field, "a name or a list of names");
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.push_back(string_of(e, field, ctx));
  return out;
}

/// What a synaptic weight onto population `name` is: its model's weight
/// dimension (pA for current-based models, nS for conductance-based, mV
/// for voltage jumps).
Dimension weight_dimension(const ModelSpec& spec, const std::string& name) {
  const PopulationSpec& ps = spec.populations[*spec.population_index(name)];
  const ModelEntry* m = find_neuron_model(ps.model);
  return m ? m->weight_dim : Dimension::current;
}

void check_population_ref(const ModelSpec& spec, const std::string& name, const tvalue& v, const std::string& field,
                          const Ctx& ctx) {
  if (spec.population_index(name)) return;
  std::string known;
  for (const auto& p : spec.populations) known += (known.empty() ? "" : ", ") + p.name;
  throw InputError(ctx.where(v), field, "\"" + name + "\"", "a defined population (" + known + ")");
}

void check_delay(const Value& d, const tvalue& v, const std::string& field, double dt, const Ctx& ctx) {
  if (d.is_constant() && !(d.a > 0)) ctx.fail(v, field, "a positive delay in ms");
  if (d.lower() < dt - 1e-12 * dt)
    ctx.fail(v, field, "a delay of at least dt = " + std::to_string(dt) + " ms" +
                           (d.is_constant() ? "" : " (clip the distribution with min >= dt)"));
}

RunSpec load_run(const tvalue* v, const Ctx& ctx) {
  RunSpec r;
  if (!v) return r;
  Table t(*v, "run", ctx);
  if (const tvalue* x = t.get("dt")) {
    r.dt = quantity(*x, "run.dt", Dimension::time, ctx);
    if (!(r.dt > 0)) ctx.fail(*x, "run.dt", "a positive time step in ms");
  }
  if (const tvalue* x = t.get("t_stop")) {
    r.t_stop = quantity(*x, "run.t_stop", Dimension::time, ctx);
    if (!(r.t_stop > 0)) ctx.fail(*x, "run.t_stop", "a positive duration in ms");
    if (!on_grid(r.t_stop, r.dt)) ctx.fail(*x, "run.t_stop", "a multiple of dt = " + std::to_string(r.dt) + " ms");
  }
  if (const tvalue* x = t.get("seed")) {
    if (!x->is_integer() || x->as_integer() < 0 || x->as_integer() > 0xFFFFFFFFll)
      ctx.fail(*x, "run.seed", "an integer from 0 to 4294967295");
    r.seed = static_cast<std::uint64_t>(x->as_integer());
  }
  t.reject_unknown("dt, t_stop, seed");
  return r;
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

PopulationSpec load_population(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "population[" + std::to_string(i) + "]";
  Table t(v, f, ctx);
  PopulationSpec p;
  p.origin = ctx.origin(v);
  const tvalue& name = t.require("name", "a population name");
  p.name = string_of(name, t.field("name"), ctx);
  if (!valid_name(p.name)) ctx.fail(name, t.field("name"), "a name of letters, digits, '_' or '-'");
  if (spec.population_index(p.name)) ctx.fail(name, t.field("name"), "a name not used by another population");
  // A population may come from a SONATA nodes file: size, model and
  // dynamics_params from there, the model file's keys overriding.
  std::optional<NodePopulationInfo> file;
  if (const tvalue* x = t.get("from_file")) {
    p.nodes_file = resolve_path(ctx.file, string_of(*x, t.field("from_file"), ctx));
    std::string node_pop = p.name, types;
    if (const tvalue* y = t.get("node_population")) node_pop = string_of(*y, t.field("node_population"), ctx);
    if (const tvalue* y = t.get("node_types"))
      types = resolve_path(ctx.file, string_of(*y, t.field("node_types"), ctx));
    file = read_node_population(p.nodes_file, node_pop, types);
    p.node_population = node_pop;
  }
  const tvalue* model = t.get("model");
  if (model) {
    p.model = string_of(*model, t.field("model"), ctx);
  } else if (file && !file->model.empty()) {
    p.model = file->model;
  } else {
    throw InputError(ctx.where(v), t.field("model"), "",
                     "a neuron model (" + neuron_model_names() + ")" +
                         (file ? "; the nodes file has no node_types.csv to take it from" : " (missing)"));
  }
  const ModelEntry* m = find_neuron_model(p.model);
  if (!m) {
    if (model) ctx.fail(*model, t.field("model"), "a known neuron model: " + neuron_model_names());
    throw InputError(file->node_types_file, "model_template", p.model, "a known neuron model: " + neuron_model_names());
  }
  if (const tvalue* x = t.get("size")) {
    p.size = count_of(*x, t.field("size"), ctx, 1);
    if (file && file->size != p.size)
      ctx.fail(*x, t.field("size"), "the size of the population in " + p.nodes_file + " (" +
                                        std::to_string(file->size) + "), or no size");
  } else if (file) {
    p.size = file->size;
  } else {
    throw InputError(ctx.where(v), t.field("size"), "", "a number of neurons (missing)");
  }
  std::map<std::string, double> file_params;
  if (file) {
    for (auto& [key, column] : file->dynamics_params) {
      const auto is = [&](const FieldInfo& fi) { return fi.name == key; };
      if (std::any_of(m->state.begin(), m->state.end(), is)) {
        p.initial_values[key] = std::move(column);
      } else if (std::any_of(m->parameters.begin(), m->parameters.end(), is)) {
        if (std::any_of(column.begin(), column.end(), [&](double c) { return c != column[0]; }))
          throw InputError(p.nodes_file, "dynamics_params/" + key, "",
                           "one value for the whole population (myelin populations share their parameters)");
        file_params[key] = column[0];
      } else {
        throw InputError(p.nodes_file, "dynamics_params/" + key, "",
                         "a parameter or state variable of " + p.model);
      }
    }
  }

  std::vector<double> values;
  for (const auto& fi : m->parameters) {
    const auto it = file_params.find(fi.name);
    values.push_back(it == file_params.end() ? fi.default_value : it->second);
    if (it != file_params.end()) p.params[fi.name] = it->second;
  }
  std::string known;
  for (const auto& fi : m->parameters) known += (known.empty() ? "" : ", ") + fi.name;
  if (const tvalue* params = t.get("params")) {
    Table pt(*params, t.field("params"), ctx);
    for (std::size_t k = 0; k < m->parameters.size(); ++k) {
      const auto& fi = m->parameters[k];
      if (const tvalue* x = pt.get(fi.name)) {
        values[k] = quantity(*x, pt.field(fi.name), fi.dim, ctx);
        p.params[fi.name] = values[k];
      }
    }
    pt.reject_unknown("the parameters of " + p.model + ": " + known);
  }
  {
    std::string bad_field;
    const std::string why = check_parameters(*m, values, &bad_field);
    if (!why.empty()) {
      const tvalue* params = t.get("params");
      if (params && params->as_table().count(bad_field)) ctx.fail(params->as_table().at(bad_field), t.field("params." + bad_field), why);
      if (file_params.count(bad_field)) throw InputError(p.nodes_file, "dynamics_params/" + bad_field, "", why);
      throw InputError(ctx.where(params ? *params : v), t.field("params." + bad_field), "", why);
    }
  }
  if (const tvalue* init = t.get("initial")) {
    Table it(*init, t.field("initial"), ctx);
    std::string vars;
    for (const auto& si : m->state) {
      vars += (vars.empty() ? "" : ", ") + si.name;
      if (const tvalue* x = it.get(si.name)) p.initial[si.name] = value_spec(*x, it.field(si.name), si.dim, ctx);
    }
    it.reject_unknown("the state variables of " + p.model + ": " + vars);
  }
  t.reject_unknown("name, model, size, params, initial, from_file, node_population, node_types");
  return p;
}

Rule rule_of(const tvalue& v, const std::string& field, const Ctx& ctx) {
  const std::string s = string_of(v, field, ctx);
  if (s == "one_to_one") return Rule::one_to_one;
  if (s == "all_to_all") return Rule::all_to_all;
  if (s == "fixed_indegree") return Rule::fixed_indegree;
  if (s == "fixed_outdegree") return Rule::fixed_outdegree;
  if (s == "fixed_total_number") return Rule::fixed_total_number;
  if (s == "pairwise_bernoulli") return Rule::pairwise_bernoulli;
  if (s == "from_file") return Rule::from_file;
  ctx.fail(v, field,
           "one of one_to_one, all_to_all, fixed_indegree, fixed_outdegree, fixed_total_number, pairwise_bernoulli, "
           "from_file");
}

/// indegree or outdegree: a count that, without multapses, cannot exceed the
/// number of distinct candidates (sources or targets, less self if no
/// autapses).
std::uint64_t degree(Table& t, const std::string& key, const std::string& what, const std::string& candidates,
                     std::uint64_t n_candidates, bool multapses, const Ctx& ctx) {
  const tvalue& k = t.require(key, "the number of " + what);
  const std::uint64_t count = count_of(k, t.field(key), ctx);
  if (count > 0 && n_candidates == 0) ctx.fail(k, t.field(key), "0: there are no candidate " + candidates);
  if (!multapses && count > n_candidates)
    ctx.fail(k, t.field(key), "at most " + std::to_string(n_candidates) + " distinct " + candidates +
                                  " (or allow_multapses = true)");
  return count;
}

/// delay_convention: "dendritic" (NEST's, the default) or "axonal"
/// (Brian2's), for rules that time pairs of pre- and postsynaptic spikes.
void load_delay_convention(Table& t, ProjectionSpec& p, const SynapseModelInfo& m, const Ctx& ctx) {
  const tvalue* c = t.get("delay_convention");
  if (!c) return;
  const std::string s = string_of(*c, t.field("delay_convention"), ctx);
  if (!m.pairs)
    ctx.fail(*c, t.field("delay_convention"),
             "no delay_convention: " + m.name + " does not time pairs of pre- and postsynaptic spikes");
  if (s == "dendritic") p.delay_convention = ProjectionSpec::DelayConvention::dendritic;
  else if (s == "axonal") p.delay_convention = ProjectionSpec::DelayConvention::axonal;
  else ctx.fail(*c, t.field("delay_convention"), "\"dendritic\" (NEST's) or \"axonal\" (Brian2's)");
}

/// synapse_model and its parameters (the `synapse` table), checked against
/// the projection's weights.
void load_synapse_model(Table& t, ProjectionSpec& p, const ModelSpec& spec, Dimension weight_dim, const Ctx& ctx) {
  const tvalue* name = t.get("synapse_model");
  if (name) p.synapse_model = string_of(*name, t.field("synapse_model"), ctx);
  const SynapseModelInfo* m = find_synapse_model(p.synapse_model);
  if (!m) ctx.fail(*name, t.field("synapse_model"), "one of " + synapse_model_names());
  const tvalue* mod = t.get("modulator");
  if (mod && !m->modulated)
    ctx.fail(*mod, t.field("modulator"), "no modulator: only stdp_dopamine_synapse has a third factor");
  if (m->modulated) {
    if (!mod)
      throw InputError(ctx.where(t.value()), t.field("modulator"), "",
                       "the third factor of stdp_dopamine_synapse: {population = \"DA\", delay = 1.0} or "
                       "{times = [...], values = [...]} (missing)");
    Table mt(*mod, t.field("modulator"), ctx);
    ProjectionSpec::Modulator& md = p.modulator;
    if (const tvalue* x = mt.get("population")) {
      md.population = string_of(*x, mt.field("population"), ctx);
      check_population_ref(spec, md.population, *x, mt.field("population"), ctx);
      if (const tvalue* d = mt.get("delay")) {
        md.delay = quantity(*d, mt.field("delay"), Dimension::time, ctx);
        check_delay(Value::constant(md.delay), *d, mt.field("delay"), spec.run.dt, ctx);
      }
      mt.reject_unknown("population, delay");
    } else {
      const auto list = [&](const char* key, Dimension d) {
        const tvalue& given = mt.require(key, "a list, or population = \"NAME\"");
        if (!given.is_array()) ctx.fail(given, mt.field(key), "a list of numbers");
        std::vector<double> v;
        for (const auto& e : given.as_array()) v.push_back(quantity(e, mt.field(key), d, ctx));
        return v;
      };
      md.times = list("times", Dimension::time);
      md.values = list("values", Dimension::dimensionless);
      mt.reject_unknown("population, delay, times, values");
      if (md.times.size() != md.values.size() || md.times.empty())
        ctx.fail(*mod, mt.field("values"), "one value per time (" + std::to_string(md.times.size()) + " times)");
      for (std::size_t i = 0; i < md.times.size(); ++i)
        if (!(md.times[i] >= 0) || (i > 0 && !(md.times[i] > md.times[i - 1])))
          ctx.fail(*mod, mt.field("times"), "increasing times >= 0 ms");
    }
  }
  if (const tvalue* sc = t.get("scaling")) {
    if (!m->pairs)
      ctx.fail(*sc, t.field("scaling"), "no scaling: " + m->name + " has no plastic weight (use a weight rule such as stdp_synapse)");
    Table st(*sc, t.field("scaling"), ctx);
    ProjectionSpec::Scaling& s = p.scaling;
    s.target_rate = quantity(st.require("target_rate", "the target rate (Hz)"), st.field("target_rate"), Dimension::rate, ctx);
    s.beta = quantity(st.require("beta", "the scaling rate, 1 / (Hz s)"), st.field("beta"), Dimension::dimensionless, ctx);
    if (const tvalue* x = st.get("tau")) s.tau = quantity(*x, st.field("tau"), Dimension::time, ctx);
    if (const tvalue* x = st.get("interval")) s.interval = quantity(*x, st.field("interval"), Dimension::time, ctx);
    st.reject_unknown("target_rate, beta, tau, interval");
    if (!(s.target_rate >= 0)) ctx.fail(*sc, st.field("target_rate"), "a rate >= 0 Hz");
    if (!(s.beta > 0)) ctx.fail(*sc, st.field("beta"), "a positive scaling rate");
    if (!(s.tau > 0)) ctx.fail(*sc, st.field("tau"), "a positive time constant");
    if (!(s.interval > 0)) ctx.fail(*sc, st.field("interval"), "a positive interval in ms");
  }
  load_delay_convention(t, p, *m, ctx);
  const tvalue* params = t.get("synapse");
  if (!params) return;
  if (m->parameters.empty())
    ctx.fail(*params, t.field("synapse"), "no parameters: " + m->name + " has none (set synapse_model)");
  Table st(*params, t.field("synapse"), ctx);
  std::string known;
  for (const FieldInfo& f : m->parameters) {
    known += (known.empty() ? "" : ", ") + f.name;
    if (const tvalue* x = st.get(f.name))
      p.synapse_params[f.name] = quantity(*x, st.field(f.name), m->is_weight_parameter(f.name) ? weight_dim : f.dim, ctx);
  }
  st.reject_unknown(known + " (the parameters of " + m->name + ")");
  std::string field;
  const std::string problem = check_synapse_parameters(*m, synapse_parameter_values(*m, p.synapse_params),
                                                       p.weight.lower(), p.weight.upper(), &field);
  if (!problem.empty()) {
    const auto it = p.synapse_params.find(field);
    throw InputError(ctx.where(*params), st.field(field), it == p.synapse_params.end() ? "(default)" : std::to_string(it->second),
                     problem);
  }
  if (const auto ax = p.synapse_params.find("axonal_delay"); ax != p.synapse_params.end()) {
    // The dendritic part must stay at least one step: NEST's delay is the sum of both.
    if (p.delay_convention == ProjectionSpec::DelayConvention::axonal)
      throw InputError(ctx.where(*params), st.field("axonal_delay"), std::to_string(ax->second),
                       "no axonal_delay with delay_convention = \"axonal\" (the whole delay is axonal there)");
    if (!(ax->second <= p.delay.lower() - spec.run.dt + 1e-9))
      throw InputError(ctx.where(*params), st.field("axonal_delay"), std::to_string(ax->second),
                       "an axonal delay at least one step (" + std::to_string(spec.run.dt) +
                           " ms) below the smallest delay of the projection (" + std::to_string(p.delay.lower()) + " ms)");
  }
}

ProjectionSpec load_projection(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "projection[" + std::to_string(i) + "]";
  Table t(v, f, ctx);
  ProjectionSpec p;
  p.origin = ctx.origin(v);
  const tvalue& src = t.require("source", "a population name");
  p.source = string_of(src, t.field("source"), ctx);
  check_population_ref(spec, p.source, src, t.field("source"), ctx);
  const tvalue& tgt = t.require("target", "a population name");
  p.target = string_of(tgt, t.field("target"), ctx);
  check_population_ref(spec, p.target, tgt, t.field("target"), ctx);
  const tvalue& rule = t.require("rule", "a connection rule");
  p.rule = rule_of(rule, t.field("rule"), ctx);
  if (const tvalue* x = t.get("allow_autapses")) p.allow_autapses = bool_of(*x, t.field("allow_autapses"), ctx);
  if (const tvalue* x = t.get("allow_multapses")) p.allow_multapses = bool_of(*x, t.field("allow_multapses"), ctx);

  const std::uint64_t n_src = spec.populations[*spec.population_index(p.source)].size;
  const std::uint64_t n_tgt = spec.populations[*spec.population_index(p.target)].size;
  const bool self = p.source == p.target && !p.allow_autapses;
  std::string rule_keys;
  switch (p.rule) {
    case Rule::one_to_one:
      if (n_src != n_tgt)
        ctx.fail(rule, t.field("rule"), "source and target of equal size for one_to_one (" + std::to_string(n_src) +
                                            " vs " + std::to_string(n_tgt) + ")");
      break;
    case Rule::all_to_all: break;
    case Rule::fixed_indegree:
      rule_keys = ", indegree";
      p.count = degree(t, "indegree", "inputs per target", "sources", n_src - (self ? 1 : 0), p.allow_multapses, ctx);
      break;
    case Rule::fixed_outdegree:
      rule_keys = ", outdegree";
      p.count = degree(t, "outdegree", "outputs per source", "targets", n_tgt - (self ? 1 : 0), p.allow_multapses, ctx);
      break;
    case Rule::fixed_total_number: {
      rule_keys = ", N";
      p.count = count_of(t.require("N", "the total number of connections"), t.field("N"), ctx);
      break;
    }
    case Rule::pairwise_bernoulli: {
      rule_keys = ", p";
      const tvalue& x = t.require("p", "a connection probability");
      p.p = quantity(x, t.field("p"), Dimension::dimensionless, ctx);
      if (!(p.p >= 0.0 && p.p <= 1.0)) ctx.fail(x, t.field("p"), "a probability from 0 to 1");
      break;
    }
    case Rule::from_file: {
      rule_keys = ", file, edge_population";
      const tvalue& fv = t.require("file", "a SONATA edges file");
      p.edges_file = resolve_path(ctx.file, string_of(fv, t.field("file"), ctx));
      if (const tvalue* x = t.get("edge_population")) {
        p.edge_population = string_of(*x, t.field("edge_population"), ctx);
      } else {
        const auto names = edge_population_names(p.edges_file);
        if (names.size() != 1)
          throw InputError(ctx.where(v), t.field("edge_population"), "",
                           "the edge population to read (" + p.edges_file + " has " + std::to_string(names.size()) + ")");
        p.edge_population = names[0];
      }
      const EdgePopulationInfo info = read_edge_population_info(p.edges_file, p.edge_population);
      // The file's node populations must be the projection's.
      const auto check_pop = [&](const std::string& in_file, const std::string& name, const char* which) {
        const PopulationSpec& ps = spec.populations[*spec.population_index(name)];
        const std::string expected = ps.node_population.empty() ? ps.name : ps.node_population;
        if (!in_file.empty() && in_file != expected)
          throw InputError(p.edges_file, "/edges/" + p.edge_population + "/" + which + "_node_id@node_population",
                           in_file, "\"" + expected + "\", the projection's " + std::string(which) + " population");
      };
      check_pop(info.source_population, p.source, "source");
      check_pop(info.target_population, p.target, "target");
      p.count = info.edges;
      const std::string edges = p.edges_file + ":/edges/" + p.edge_population;
      if (const tvalue* x = t.get("weight"); x && info.has_weight)
        ctx.fail(*x, t.field("weight"), "no weight: " + edges + " has syn_weight");
      if (const tvalue* x = t.get("delay"); x && info.has_delay)
        ctx.fail(*x, t.field("delay"), "no delay: " + edges + " has delay");
      if (info.has_delay && info.edges) {
        if (!(info.delay_min >= spec.run.dt * (1 - 1e-12)))
          throw InputError(p.edges_file, "/edges/" + p.edge_population + "/delay", std::to_string(info.delay_min) + " ms",
                           "delays of at least dt = " + std::to_string(spec.run.dt) + " ms");
        p.delay = info.delay_min == info.delay_max ? Value::constant(info.delay_min)
                                                   : Value{Value::Kind::uniform, info.delay_min, info.delay_max};
      }
      break;
    }
  }
  if (const tvalue* x = t.get("weight"))
    p.weight = value_spec(*x, t.field("weight"), weight_dimension(spec, p.target), ctx);
  if (const tvalue* x = t.get("delay")) {
    p.delay = value_spec(*x, t.field("delay"), Dimension::time, ctx);
    check_delay(p.delay, *x, t.field("delay"), spec.run.dt, ctx);
  } else {
    check_delay(p.delay, v, t.field("delay"), spec.run.dt, ctx);
  }
  load_synapse_model(t, p, spec, weight_dimension(spec, p.target), ctx);
  t.reject_unknown("source, target, rule" + rule_keys +
                   ", weight, delay, allow_autapses, allow_multapses, synapse_model, synapse, delay_convention, scaling, "
                   "modulator");
  return p;
}

StimulusSpec load_stimulus(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "stimulus[" + std::to_string(i) + "]";
  Table t(v, f, ctx);
  StimulusSpec s;
  s.origin = ctx.origin(v);
  const tvalue& type = t.require("type", "poisson_generator, spike_generator or dc_generator");
  const std::string ty = string_of(type, t.field("type"), ctx);
  if (ty == "poisson_generator") s.type = StimulusType::poisson_generator;
  else if (ty == "spike_generator") s.type = StimulusType::spike_generator;
  else if (ty == "dc_generator") s.type = StimulusType::dc_generator;
  else ctx.fail(type, t.field("type"), "poisson_generator, spike_generator or dc_generator");
  s.name = ty + "_" + std::to_string(i);
  if (const tvalue* x = t.get("name")) s.name = string_of(*x, t.field("name"), ctx);
  const tvalue& targets = t.require("targets", "a population name or list of names");
  s.targets = names_of(targets, t.field("targets"), ctx);
  if (s.targets.empty()) ctx.fail(targets, t.field("targets"), "at least one population");
  for (const auto& n : s.targets) check_population_ref(spec, n, targets, t.field("targets"), ctx);

  std::string keys = "type, name, targets, start, stop, weight, delay";
  if (const tvalue* x = t.get("start")) {
    s.start = quantity(*x, t.field("start"), Dimension::time, ctx);
    if (!(s.start >= 0)) ctx.fail(*x, t.field("start"), "a time >= 0 ms");
  }
  if (const tvalue* x = t.get("stop")) {
    s.stop = quantity(*x, t.field("stop"), Dimension::time, ctx);
    if (!(s.stop >= s.start)) ctx.fail(*x, t.field("stop"), "a time >= start");
  }
  if (const tvalue* x = t.get("weight")) {
    // A weight is a current, conductance or voltage jump as the target
    // model takes it; one stimulus cannot feed models that differ.
    const Dimension d = weight_dimension(spec, s.targets[0]);
    for (const auto& n : s.targets)
      if (weight_dimension(spec, n) != d)
        ctx.fail(*x, t.field("weight"), "targets whose models take weights of one kind (" + s.targets[0] + " takes " +
                                            base_unit(d) + ", " + n + " " + base_unit(weight_dimension(spec, n)) + ")");
    s.weight = value_spec(*x, t.field("weight"), d, ctx);
  }
  if (const tvalue* x = t.get("delay")) {
    s.delay = value_spec(*x, t.field("delay"), Dimension::time, ctx);
    check_delay(s.delay, *x, t.field("delay"), spec.run.dt, ctx);
  }
  switch (s.type) {
    case StimulusType::poisson_generator: {
      keys += ", rate";
      const tvalue& r = t.require("rate", "a rate in Hz");
      s.rate = quantity(r, t.field("rate"), Dimension::rate, ctx);
      if (!(s.rate >= 0)) ctx.fail(r, t.field("rate"), "a rate >= 0 Hz");
      if (!s.weight.is_constant()) ctx.fail(*t.get("weight"), t.field("weight"), "a constant weight for poisson_generator");
      if (!s.delay.is_constant()) ctx.fail(*t.get("delay"), t.field("delay"), "a constant delay for poisson_generator");
      break;
    }
    case StimulusType::dc_generator: {
      keys = "type, name, targets, start, stop, amplitude, delay";
      s.amplitude = quantity(t.require("amplitude", "a current in pA"), t.field("amplitude"), Dimension::current, ctx);
      if (!s.delay.is_constant()) ctx.fail(*t.get("delay"), t.field("delay"), "a constant delay for dc_generator");
      break;
    }
    case StimulusType::spike_generator: {
      keys += ", spike_times";
      const tvalue& st = t.require("spike_times", "a list of spike times in ms");
      if (!st.is_array()) ctx.fail(st, t.field("spike_times"), "a list of spike times in ms");
      double last = 0.0;
      for (const auto& e : st.as_array()) {
        const double x = quantity(e, t.field("spike_times"), Dimension::time, ctx);
        if (!(x >= spec.run.dt)) ctx.fail(e, t.field("spike_times"), "times >= dt = " + std::to_string(spec.run.dt) + " ms");
        if (x < last) ctx.fail(e, t.field("spike_times"), "times in increasing order");
        if (!on_grid(x, spec.run.dt)) ctx.fail(e, t.field("spike_times"), "times on the grid of dt = " + std::to_string(spec.run.dt) + " ms");
        s.spike_times.push_back(x);
        last = x;
      }
      break;
    }
  }
  t.reject_unknown(keys);
  return s;
}

RecorderSpec load_recorder(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "recorder[" + std::to_string(i) + "]";
  Table t(v, f, ctx);
  RecorderSpec r;
  r.origin = ctx.origin(v);
  const tvalue& type = t.require("type", "\"spikes\" or \"state\"");
  const std::string ty = string_of(type, t.field("type"), ctx);
  if (ty == "spikes") r.kind = RecorderSpec::Kind::spikes;
  else if (ty == "state") r.kind = RecorderSpec::Kind::state;
  else ctx.fail(type, t.field("type"), "\"spikes\" or \"state\"");
  if (const tvalue* x = t.get("populations")) {
    r.populations = names_of(*x, t.field("populations"), ctx);
    for (const auto& n : r.populations) check_population_ref(spec, n, *x, t.field("populations"), ctx);
  } else {
    for (const auto& p : spec.populations) r.populations.push_back(p.name);
  }
  if (r.kind == RecorderSpec::Kind::state) {
    r.variables = {"V_m"};
    if (const tvalue* x = t.get("variables")) {
      r.variables = names_of(*x, t.field("variables"), ctx);
      for (const auto& var : r.variables)
        for (const auto& pn : r.populations) {
          const ModelEntry* m = find_neuron_model(spec.populations[*spec.population_index(pn)].model);
          bool found = false;
          std::string known;
          for (const auto& si : m->state) {
            found |= si.name == var;
            known += (known.empty() ? "" : ", ") + si.name;
          }
          if (!found) throw InputError(ctx.where(*x), t.field("variables"), "\"" + var + "\"",
                                       "a state variable of " + m->name + " (" + known + ")");
        }
    }
    if (const tvalue* x = t.get("neurons")) r.max_neurons = count_of(*x, t.field("neurons"), ctx, 1);
    r.interval = spec.run.dt;
    if (const tvalue* x = t.get("interval")) {
      r.interval = quantity(*x, t.field("interval"), Dimension::time, ctx);
      if (!(r.interval >= spec.run.dt) || !on_grid(r.interval, spec.run.dt))
        ctx.fail(*x, t.field("interval"), "a multiple of dt = " + std::to_string(spec.run.dt) + " ms");
    }
    t.reject_unknown("type, populations, variables, neurons, interval");
  } else {
    t.reject_unknown("type, populations");
  }
  return r;
}

const tvalue* array_of_tables(Table& top, const std::string& key, const Ctx& ctx) {
  const tvalue* v = top.get(key);
  if (v && !v->is_array()) ctx.fail(*v, key, "an array of tables: [[" + key + "]]");
  return v;
}

}  // namespace

ModelSpec load_model(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw InputError(path, "", "", "an existing model file (no such file)");
  if (fs::is_directory(path, ec)) throw InputError(path, "", "", "a model file, not a directory");
  {
    std::ifstream probe(path);
    if (!probe) throw InputError(path, "", "", std::string("a readable model file (") + std::strerror(errno) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return load_model_text(text.str(), path);
}

ModelSpec load_model_text(const std::string& text, const std::string& path) {
  namespace fs = std::filesystem;
  tvalue root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, path);
  } catch (const toml::syntax_error& e) {
    throw InputError(path + ": TOML syntax error:\n" + e.what());
  } catch (const std::exception& e) {
    throw InputError(path + ": cannot parse: " + e.what());
  }
  const Ctx ctx{path};
  ModelSpec spec;
  spec.source_file = path;
  spec.source_text = text;
  spec.name = fs::path(path).stem().string();
  Table top(root, "", ctx);
  if (const tvalue* x = top.get("name")) spec.name = string_of(*x, "name", ctx);
  if (const tvalue* x = top.get("description")) string_of(*x, "description", ctx);
  spec.run = load_run(top.get("run"), ctx);

  const tvalue* pops = array_of_tables(top, "population", ctx);
  if (!pops || pops->as_array().empty())
    throw InputError(path, "population", "", "at least one [[population]] table");
  for (std::size_t i = 0; i < pops->as_array().size(); ++i)
    spec.populations.push_back(load_population(pops->as_array()[i], i, spec, ctx));
  if (const tvalue* v = array_of_tables(top, "projection", ctx))
    for (std::size_t i = 0; i < v->as_array().size(); ++i)
      spec.projections.push_back(load_projection(v->as_array()[i], i, spec, ctx));
  if (const tvalue* v = array_of_tables(top, "stimulus", ctx))
    for (std::size_t i = 0; i < v->as_array().size(); ++i)
      spec.stimuli.push_back(load_stimulus(v->as_array()[i], i, spec, ctx));
  if (const tvalue* v = array_of_tables(top, "recorder", ctx))
    for (std::size_t i = 0; i < v->as_array().size(); ++i)
      spec.recorders.push_back(load_recorder(v->as_array()[i], i, spec, ctx));
  top.reject_unknown("name, description, run, population, projection, stimulus, recorder");
  // What the parser checked as it read, once more on the whole spec:
  // the same rules as for specs built in code.
  check(spec);
  return spec;
}

}  // namespace myelin
