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
  Origin origin(const tvalue& v) const {
    Origin o;
    o.file = file;
    o.line = static_cast<int>(v.location().line());
    return o;
  }
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
/// It notes where each value it hands out came from in the element's
/// Origin, under the key's path within the element (`within`), so that
/// check() can name the line of a value it refuses.
class Table {
 public:
  Table(const tvalue& v, std::string field, const Ctx& ctx, Origin* origin = nullptr, std::string within = "")
      : v_(v), field_(std::move(field)), ctx_(ctx), origin_(origin), within_(std::move(within)) {
    if (!v.is_table()) ctx.fail(v, field_, "a table");
  }
  const tvalue* get(const std::string& key) {
    used_.insert(key);
    const auto& t = v_.as_table();
    const auto it = t.find(key);
    if (it == t.end()) return nullptr;
    if (origin_) origin_->places[within_.empty() ? key : within_ + "." + key] = ctx_.where(it->second);
    return &it->second;
  }
  /// A nested table of the same element, e.g. a population's `params`.
  Table nested(const tvalue& v, const std::string& key) const {
    return Table(v, field(key), ctx_, origin_, within_.empty() ? key : within_ + "." + key);
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
  Origin* origin_;
  std::string within_;
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

RunSpec load_run(const tvalue* v, const Ctx& ctx) {
  RunSpec r;
  r.origin.file = ctx.file;
  if (!v) return r;
  r.origin = ctx.origin(*v);
  Table t(*v, "run", ctx, &r.origin);
  if (const tvalue* x = t.get("dt")) r.dt = quantity(*x, "run.dt", Dimension::time, ctx);
  if (const tvalue* x = t.get("t_stop")) r.t_stop = quantity(*x, "run.t_stop", Dimension::time, ctx);
  if (const tvalue* x = t.get("seed")) {
    if (!x->is_integer() || x->as_integer() < 0 || x->as_integer() > 0xFFFFFFFFll)
      ctx.fail(*x, "run.seed", "an integer from 0 to 4294967295");
    r.seed = static_cast<std::uint64_t>(x->as_integer());
  }
  t.reject_unknown("dt, t_stop, seed");
  return r;
}

PopulationSpec load_population(const tvalue& v, std::size_t i, const Ctx& ctx) {
  const std::string f = "population[" + std::to_string(i) + "]";
  PopulationSpec p;
  p.origin = ctx.origin(v);
  Table t(v, f, ctx, &p.origin);
  const tvalue& name = t.require("name", "a population name");
  p.name = string_of(name, t.field("name"), ctx);
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
    for (auto& entry : file->dynamics_params) {
      // Named references, not a structured binding: clang 14 (Debian 12)
      // cannot capture one in the lambdas below.
      const std::string& key = entry.first;
      std::vector<double>& column = entry.second;
      const auto is = [&](const FieldInfo& fi) { return fi.name == key; };
      if (std::any_of(m->state.begin(), m->state.end(), is)) {
        p.initial_values[key] = std::move(column);
      } else if (std::any_of(m->parameters.begin(), m->parameters.end(), is)) {
        if (std::any_of(column.begin(), column.end(), [&](double c) { return c != column[0]; }))
          throw InputError(p.nodes_file, "dynamics_params/" + key, "",
                           "one value for the whole population (myelin populations share their parameters)");
        file_params[key] = column[0];
        p.origin.places["params." + key] = p.nodes_file + " (dynamics_params/" + key + ")";
      } else {
        throw InputError(p.nodes_file, "dynamics_params/" + key, "",
                         "a parameter or state variable of " + p.model);
      }
    }
  }

  p.params = file_params;
  std::string known;
  for (const auto& fi : m->parameters) known += (known.empty() ? "" : ", ") + fi.name;
  if (const tvalue* params = t.get("params")) {
    Table pt = t.nested(*params, "params");
    for (const auto& fi : m->parameters)
      if (const tvalue* x = pt.get(fi.name)) p.params[fi.name] = quantity(*x, pt.field(fi.name), fi.dim, ctx);
    pt.reject_unknown("the parameters of " + p.model + ": " + known);
  }
  if (const tvalue* init = t.get("initial")) {
    Table it = t.nested(*init, "initial");
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

/// A list of node ids (population-local).
std::vector<std::uint64_t> ids_of(const tvalue& v, const std::string& field, const Ctx& ctx) {
  if (!v.is_array()) ctx.fail(v, field, "a list of node ids");
  std::vector<std::uint64_t> ids;
  for (const auto& e : v.as_array()) ids.push_back(count_of(e, field, ctx));
  return ids;
}

/// A list of quantities of one dimension.
std::vector<double> quantities_of(const tvalue& v, const std::string& field, Dimension d, const Ctx& ctx) {
  if (!v.is_array()) ctx.fail(v, field, "a list of values");
  std::vector<double> x;
  for (const auto& e : v.as_array()) x.push_back(quantity(e, field, d, ctx));
  return x;
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
  if (s == "from_list") return Rule::from_list;
  ctx.fail(v, field,
           "one of one_to_one, all_to_all, fixed_indegree, fixed_outdegree, fixed_total_number, pairwise_bernoulli, "
           "from_file, from_list");
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
void load_synapse_model(Table& t, ProjectionSpec& p, Dimension weight_dim, const Ctx& ctx) {
  const tvalue* name = t.get("synapse_model");
  if (name) p.synapse_model = string_of(*name, t.field("synapse_model"), ctx);
  const SynapseModelInfo* m = find_synapse_model(p.synapse_model);
  if (!m) ctx.fail(*name, t.field("synapse_model"), "one of " + synapse_model_names());
  if (const tvalue* mod = t.get("modulator")) {
    Table mt = t.nested(*mod, "modulator");
    ProjectionSpec::Modulator& md = p.modulator;
    if (const tvalue* x = mt.get("population")) {
      md.population = string_of(*x, mt.field("population"), ctx);
      if (const tvalue* d = mt.get("delay")) md.delay = quantity(*d, mt.field("delay"), Dimension::time, ctx);
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
      if (md.times.empty()) ctx.fail(*mod, mt.field("times"), "at least one time");
    }
  }
  if (const tvalue* sc = t.get("scaling")) {
    Table st = t.nested(*sc, "scaling");
    ProjectionSpec::Scaling& s = p.scaling;
    s.target_rate = quantity(st.require("target_rate", "the target rate (Hz)"), st.field("target_rate"), Dimension::rate, ctx);
    s.beta = quantity(st.require("beta", "the scaling rate, 1 / (Hz s)"), st.field("beta"), Dimension::dimensionless, ctx);
    if (const tvalue* x = st.get("tau")) s.tau = quantity(*x, st.field("tau"), Dimension::time, ctx);
    if (const tvalue* x = st.get("interval")) s.interval = quantity(*x, st.field("interval"), Dimension::time, ctx);
    st.reject_unknown("target_rate, beta, tau, interval");
    if (s.beta == 0) ctx.fail(*sc, st.field("beta"), "a positive scaling rate");  // 0 would read as no scaling
  }
  load_delay_convention(t, p, *m, ctx);
  const tvalue* params = t.get("synapse");
  if (!params) return;
  if (m->parameters.empty())
    ctx.fail(*params, t.field("synapse"), "no parameters: " + m->name + " has none (set synapse_model)");
  Table st = t.nested(*params, "synapse");
  std::string known;
  for (const FieldInfo& f : m->parameters) {
    known += (known.empty() ? "" : ", ") + f.name;
    if (const tvalue* x = st.get(f.name))
      p.synapse_params[f.name] = quantity(*x, st.field(f.name), m->is_weight_parameter(f.name) ? weight_dim : f.dim, ctx);
  }
  st.reject_unknown(known + " (the parameters of " + m->name + ")");
}

ProjectionSpec load_projection(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "projection[" + std::to_string(i) + "]";
  ProjectionSpec p;
  p.origin = ctx.origin(v);
  Table t(v, f, ctx, &p.origin);
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

  std::string rule_keys;
  switch (p.rule) {
    case Rule::one_to_one:
    case Rule::all_to_all: break;
    case Rule::fixed_indegree:
      rule_keys = ", indegree";
      p.count = count_of(t.require("indegree", "the number of inputs per target"), t.field("indegree"), ctx);
      break;
    case Rule::fixed_outdegree:
      rule_keys = ", outdegree";
      p.count = count_of(t.require("outdegree", "the number of outputs per source"), t.field("outdegree"), ctx);
      break;
    case Rule::fixed_total_number: {
      rule_keys = ", N";
      p.count = count_of(t.require("N", "the total number of connections"), t.field("N"), ctx);
      break;
    }
    case Rule::pairwise_bernoulli: {
      rule_keys = ", p";
      p.p = quantity(t.require("p", "a connection probability"), t.field("p"), Dimension::dimensionless, ctx);
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
    case Rule::from_list: {
      rule_keys = ", sources, targets, weights, delays";
      p.list.sources = ids_of(t.require("sources", "the source node ids"), t.field("sources"), ctx);
      p.list.targets = ids_of(t.require("targets", "the target node ids"), t.field("targets"), ctx);
      if (const tvalue* x = t.get("weights"))
        p.list.weights = quantities_of(*x, t.field("weights"), weight_dimension(spec, p.target), ctx);
      if (const tvalue* x = t.get("delays")) p.list.delays = quantities_of(*x, t.field("delays"), Dimension::time, ctx);
      break;
    }
  }
  if (const tvalue* x = t.get("weight"))
    p.weight = value_spec(*x, t.field("weight"), weight_dimension(spec, p.target), ctx);
  if (const tvalue* x = t.get("delay")) p.delay = value_spec(*x, t.field("delay"), Dimension::time, ctx);
  load_synapse_model(t, p, weight_dimension(spec, p.target), ctx);
  t.reject_unknown("source, target, rule" + rule_keys +
                   ", weight, delay, allow_autapses, allow_multapses, synapse_model, synapse, delay_convention, scaling, "
                   "modulator");
  return p;
}

StimulusSpec load_stimulus(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "stimulus[" + std::to_string(i) + "]";
  StimulusSpec s;
  s.origin = ctx.origin(v);
  Table t(v, f, ctx, &s.origin);
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
  if (const tvalue* x = t.get("neurons")) s.neurons = ids_of(*x, t.field("neurons"), ctx);

  std::string keys = "type, name, targets, neurons, start, stop, weight, delay";
  if (const tvalue* x = t.get("start")) s.start = quantity(*x, t.field("start"), Dimension::time, ctx);
  if (const tvalue* x = t.get("stop")) s.stop = quantity(*x, t.field("stop"), Dimension::time, ctx);
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
  if (const tvalue* x = t.get("delay")) s.delay = value_spec(*x, t.field("delay"), Dimension::time, ctx);
  switch (s.type) {
    case StimulusType::poisson_generator:
      keys += ", rate";
      s.rate = quantity(t.require("rate", "a rate in Hz"), t.field("rate"), Dimension::rate, ctx);
      break;
    case StimulusType::dc_generator:
      keys = "type, name, targets, neurons, start, stop, amplitude, delay";
      s.amplitude = quantity(t.require("amplitude", "a current in pA"), t.field("amplitude"), Dimension::current, ctx);
      break;
    case StimulusType::spike_generator: {
      keys += ", spike_times";
      const tvalue& st = t.require("spike_times", "a list of spike times in ms");
      if (!st.is_array()) ctx.fail(st, t.field("spike_times"), "a list of spike times in ms");
      for (const auto& e : st.as_array()) s.spike_times.push_back(quantity(e, t.field("spike_times"), Dimension::time, ctx));
      break;
    }
  }
  t.reject_unknown(keys);
  return s;
}

RecorderSpec load_recorder(const tvalue& v, std::size_t i, const ModelSpec& spec, const Ctx& ctx) {
  const std::string f = "recorder[" + std::to_string(i) + "]";
  RecorderSpec r;
  r.origin = ctx.origin(v);
  Table t(v, f, ctx, &r.origin);
  const tvalue& type = t.require("type", "\"spikes\" or \"state\"");
  const std::string ty = string_of(type, t.field("type"), ctx);
  if (ty == "spikes") r.kind = RecorderSpec::Kind::spikes;
  else if (ty == "state") r.kind = RecorderSpec::Kind::state;
  else ctx.fail(type, t.field("type"), "\"spikes\" or \"state\"");
  if (const tvalue* x = t.get("populations")) {
    r.populations = names_of(*x, t.field("populations"), ctx);
  } else {
    for (const auto& p : spec.populations) r.populations.push_back(p.name);
  }
  if (r.kind == RecorderSpec::Kind::state) {
    r.variables = {"V_m"};
    if (const tvalue* x = t.get("variables")) r.variables = names_of(*x, t.field("variables"), ctx);
    if (const tvalue* x = t.get("neurons")) r.max_neurons = count_of(*x, t.field("neurons"), ctx, 1);
    r.interval = spec.run.dt;
    if (const tvalue* x = t.get("interval")) r.interval = quantity(*x, t.field("interval"), Dimension::time, ctx);
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
    spec.populations.push_back(load_population(pops->as_array()[i], i, ctx));
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
  // The parser checked types, units and keys; what the values must satisfy
  // is check()'s, the same for specs built in code.
  check(spec);
  return spec;
}

}  // namespace myelin
