#pragma once
// The model as the user described it, in NEST's units (ms, mV, pA, pF, nS,
// Hz), after the loader has checked it. Nothing here is built yet: the
// builder turns a ModelSpec into each rank's neurons and incoming synapses.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace myelin {

/// A per-element value: a constant or a distribution sampled per synapse
/// (or per neuron) from that element's keyed random stream.
struct Value {
  enum class Kind { constant, normal, uniform };
  Kind kind = Kind::constant;
  double a = 0.0;  ///< constant value, normal mean, or uniform min
  double b = 0.0;  ///< normal std, or uniform max
  /// Bounds of a clipped normal (NEST's normal_clipped): samples outside are
  /// redrawn. Infinite when unset.
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();

  static Value constant(double v) { return Value{Kind::constant, v, 0.0}; }
  bool is_constant() const { return kind == Kind::constant; }
  /// Smallest and largest value a sample can take.
  double lower() const;
  double upper() const;
};

/// Where a value came from, for error messages raised after loading.
/// check() names the place of the offending value itself where the loader
/// recorded one, else the element's.
struct Origin {
  std::string file;
  int line = 0;
  /// Place of each value read, by its key within the element ("delay",
  /// "params.C_m", "synapse.tau_plus"): "file:line", or a SONATA file's
  /// dataset for values read from one.
  std::map<std::string, std::string> places;
  std::string where() const { return line > 0 ? file + ":" + std::to_string(line) : file; }
  std::string where(const std::string& key) const {
    const auto it = places.find(key);
    return it == places.end() ? where() : it->second;
  }
};

struct PopulationSpec {
  std::string name;
  std::string model;  ///< registry name, e.g. "iaf_psc_alpha"
  std::uint64_t size = 0;
  std::map<std::string, double> params;   ///< per-population constants, base units
  std::map<std::string, Value> initial;   ///< initial state, e.g. V_m
  /// Per-neuron initial state read from a SONATA nodes file (`from_file`):
  /// one value per neuron, overriding `initial`.
  std::map<std::string, std::vector<double>> initial_values;
  std::string nodes_file;  ///< SONATA nodes.h5 the population came from, if any
  std::string node_population;  ///< its population name in that file
  Origin origin;
};

enum class Rule {
  one_to_one,
  all_to_all,
  fixed_indegree,
  fixed_outdegree,
  fixed_total_number,
  pairwise_bernoulli,
  from_file,  ///< the edges of a SONATA edge population
  from_list   ///< explicit connections (ProjectionSpec::list)
};

struct ProjectionSpec {
  std::string source, target;  ///< population names
  Rule rule = Rule::all_to_all;
  std::uint64_t count = 0;     ///< indegree, outdegree or total number
  double p = 0.0;              ///< pairwise_bernoulli probability
  Value weight = Value::constant(1.0);  ///< pA for current synapses; sign picks ex/in
  Value delay = Value::constant(1.0);   ///< ms
  bool allow_autapses = true;
  bool allow_multapses = true;
  std::string synapse_model = "static_synapse";
  /// Parameters of a plastic synapse model (base units; weights such as
  /// Wmax in the weight's unit); unset ones take the model's defaults.
  std::map<std::string, double> synapse_params;
  /// How a pair rule (the STDP family, Vogels-Sprekeler, three-factor)
  /// splits the delay when it times a pair. dendritic (NEST's, the
  /// default): the delay is dendritic but for the `axonal_delay`
  /// parameter, so a pair counts as t_post + d_dendritic - (t_pre +
  /// d_axonal). axonal (Brian2's): the whole delay is axonal, a pair counts
  /// as t_post - (t_pre + d).
  enum class DelayConvention { dendritic, axonal };
  DelayConvention delay_convention = DelayConvention::dendritic;
  /// Homeostatic synaptic scaling of a plastic projection's weights
  /// (van Rossum, Bi & Turrigiano 2000): every `interval` ms each target
  /// neuron's incoming weights are multiplied by
  /// 1 + beta * interval * (target_rate - rate), rate being the neuron's
  /// firing rate low-pass filtered with `tau`. Off when beta = 0.
  struct Scaling {
    double target_rate = 0.0;  ///< Hz
    double tau = 1000.0;       ///< ms
    double beta = 0.0;         ///< 1 / (Hz s)
    double interval = 100.0;   ///< ms
    bool on() const { return beta != 0.0; }
  } scaling;
  /// The third factor of a three-factor rule (stdp_dopamine_synapse): the
  /// spikes of a population (each adds 1/tau_n to the concentration,
  /// after `delay`), or a time series of concentrations held from their
  /// times on.
  struct Modulator {
    std::string population;
    double delay = 1.0;  ///< ms
    std::vector<double> times, values;  ///< ms, concentration
  } modulator;
  /// rule = from_file: the SONATA edges file and edge population; weights
  /// and delays come from its syn_weight and delay datasets where present,
  /// else from `weight` and `delay` above. `count` is the number of edges
  /// and `delay` is widened to the file's delay range (for the partitioner).
  std::string edges_file, edge_population;
  /// rule = from_list: the connections themselves (PyNN's FromListConnector,
  /// NEST's Connect with arrays), as population-local node ids. Weights and
  /// delays per connection, or empty to draw each from `weight` and `delay`.
  struct ConnectionList {
    std::vector<std::uint64_t> sources, targets;
    std::vector<double> weights, delays;  ///< pA (or nS, mV: the target's weight unit), ms
  } list;
  Origin origin;
};

enum class StimulusType { poisson_generator, spike_generator, dc_generator };

struct StimulusSpec {
  std::string name;
  StimulusType type = StimulusType::poisson_generator;
  std::vector<std::string> targets;  ///< population names
  /// Population-local ids of the neurons it reaches (one target population
  /// only); empty: every neuron of the targets.
  std::vector<std::uint64_t> neurons;
  double rate = 0.0;                 ///< Hz (poisson)
  double amplitude = 0.0;            ///< pA (dc)
  double start = 0.0;                ///< ms, emission times t with start <= t < stop
  double stop = std::numeric_limits<double>::infinity();
  std::vector<double> spike_times;   ///< ms (spike_generator)
  Value weight = Value::constant(1.0);
  Value delay = Value::constant(1.0);
  Origin origin;
};

struct RecorderSpec {
  enum class Kind { spikes, state };
  Kind kind = Kind::spikes;
  std::vector<std::string> populations;  ///< empty: all
  std::vector<std::string> variables;    ///< state recorders: e.g. V_m
  std::uint64_t max_neurons = 10;        ///< state: record the first N of each population
  double interval = 0.1;                 ///< ms, state sampling interval
  Origin origin;
};

struct RunSpec {
  double dt = 0.1;        ///< ms
  double t_stop = 1000.0; ///< ms
  std::uint64_t seed = 12345;
  Origin origin;
};

struct ModelSpec {
  std::string name;  ///< file stem, used in outputs
  std::string source_file;
  std::string source_text;  ///< the model file as read (kept in checkpoints)
  RunSpec run;
  std::vector<PopulationSpec> populations;
  std::vector<ProjectionSpec> projections;
  std::vector<StimulusSpec> stimuli;
  std::vector<RecorderSpec> recorders;

  /// Index of a population by name, or nullopt.
  std::optional<std::size_t> population_index(const std::string& name) const;
};

/// The populations a recorder records: its list, or every population
/// when the list is empty.
inline std::vector<std::string> recorded_by(const RecorderSpec& r, const ModelSpec& spec) {
  if (!r.populations.empty()) return r.populations;
  std::vector<std::string> all;
  for (const auto& p : spec.populations) all.push_back(p.name);
  return all;
}

/// Checks a spec built in code (or loaded): known models and parameter
/// names, parameter values, references between elements, delays of at
/// least dt, run settings. Throws InputError naming the element and field.
/// A Simulation checks its spec before it builds anything.
void check(const ModelSpec& spec);

/// Loads and checks a TOML model file; throws InputError on any problem.
ModelSpec load_model(const std::string& path);
/// The same from the text of a model file; `path` names it in messages and
/// anchors its relative paths.
ModelSpec load_model_text(const std::string& text, const std::string& path);

/// One value of a model file changed before it is loaded. `path` names it
/// as the file does: "run.seed", "population.E.params.tau_m",
/// "stimulus.background.rate", "projection.I->E.weight": a table of a
/// list ([[population]], [[projection]], ...) by its name, a projection
/// also by SOURCE->TARGET, any by its index. `value` is TOML: 3, -80.5,
/// "iaf_psc_exp", [1.0, 2.0].
struct ParameterOverride {
  std::string path, value;
};

/// Loads a model file with `overrides` applied; the overridden model is
/// checked like a written one. InputError naming an override whose path
/// the model lacks or whose value is not TOML.
ModelSpec load_model(const std::string& path, const std::vector<ParameterOverride>& overrides);
/// A model file's text with `overrides` applied (`path` names it).
std::string override_model_text(const std::string& text, const std::string& path,
                                const std::vector<ParameterOverride>& overrides);
/// A parameter file: TOML lines "path" = value, one override each.
std::vector<ParameterOverride> load_parameter_file(const std::string& path);
/// A sweep file: the tasks it makes, each a list of overrides. `[grid]`
/// holds "path" = [values] lists, every combination of which is a task
/// (keys in alphabetical order, the last varying fastest); `[[task]]`
/// tables list tasks one by one. With both, every task is combined with
/// every grid point.
std::vector<std::vector<ParameterOverride>> load_sweep(const std::string& path);

}  // namespace myelin
