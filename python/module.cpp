// myelin._myelin: the public C++ API (include/myelin/) for Python. Specs
// are the C++ structs with their fields; lists of elements are bound by
// reference (spec.populations.append(...) changes the spec); spikes and
// state come back as numpy arrays the caller owns. The GIL is released
// while the engine runs. myelin/__init__.py adds the Pythonic layer
// (keyword constructors, the mpi4py communicator, Neo conversion).
#include <mpi.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl_bind.h>

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "myelin/catalogue.hpp"
#include "myelin/context.hpp"
#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"
#include "myelin/simulation.hpp"
#include "myelin/version.hpp"

namespace py = pybind11;
using namespace myelin;

PYBIND11_MAKE_OPAQUE(std::vector<PopulationSpec>)
PYBIND11_MAKE_OPAQUE(std::vector<ProjectionSpec>)
PYBIND11_MAKE_OPAQUE(std::vector<StimulusSpec>)
PYBIND11_MAKE_OPAQUE(std::vector<RecorderSpec>)
PYBIND11_MAKE_OPAQUE(std::map<std::string, double>)
PYBIND11_MAKE_OPAQUE(std::map<std::string, Value>)

namespace {

/// Names as model files write them, both ways.
template <class E>
struct Names {
  std::vector<std::pair<E, const char*>> list;
  const char* what;
  std::string of(E e) const {
    for (const auto& [k, n] : list)
      if (k == e) return n;
    return "?";
  }
  E parse(const std::string& s) const {
    std::string known;
    for (const auto& [k, n] : list) {
      if (s == n) return k;
      known += (known.empty() ? "" : ", ") + std::string(n);
    }
    throw InputError("", what, "\"" + s + "\"", "one of " + known);
  }
};

const Names<Rule> rules{{{Rule::one_to_one, "one_to_one"},
                         {Rule::all_to_all, "all_to_all"},
                         {Rule::fixed_indegree, "fixed_indegree"},
                         {Rule::fixed_outdegree, "fixed_outdegree"},
                         {Rule::fixed_total_number, "fixed_total_number"},
                         {Rule::pairwise_bernoulli, "pairwise_bernoulli"},
                         {Rule::from_file, "from_file"},
                         {Rule::from_list, "from_list"}},
                        "rule"};
const Names<StimulusType> stimulus_types{{{StimulusType::poisson_generator, "poisson_generator"},
                                         {StimulusType::spike_generator, "spike_generator"},
                                         {StimulusType::dc_generator, "dc_generator"}},
                                        "type"};
const Names<RecorderSpec::Kind> recorder_kinds{
    {{RecorderSpec::Kind::spikes, "spikes"}, {RecorderSpec::Kind::state, "state"}}, "type"};
const Names<ProjectionSpec::DelayConvention> conventions{
    {{ProjectionSpec::DelayConvention::dendritic, "dendritic"}, {ProjectionSpec::DelayConvention::axonal, "axonal"}},
    "delay_convention"};

void bind_value(py::module_& m) {
  py::class_<Value>(m, "Value", "A constant, or a distribution sampled per synapse or neuron")
      .def(py::init([](double v) { return Value::constant(v); }), py::arg("value"))
      .def_static("constant", &Value::constant, py::arg("value"))
      .def_static(
          "normal",
          [](double mean, double std, double min, double max) { return Value{Value::Kind::normal, mean, std, min, max}; },
          py::arg("mean"), py::arg("std"), py::arg("min") = -std::numeric_limits<double>::infinity(),
          py::arg("max") = std::numeric_limits<double>::infinity(), "normal, redrawn outside [min, max] (NEST's normal_clipped)")
      .def_static(
          "uniform", [](double lo, double hi) { return Value{Value::Kind::uniform, lo, hi}; }, py::arg("min"), py::arg("max"))
      .def_property_readonly("is_constant", &Value::is_constant)
      .def_property_readonly("lower", &Value::lower)
      .def_property_readonly("upper", &Value::upper)
      .def("__repr__", [](const Value& v) {
        if (v.is_constant()) return "Value(" + std::to_string(v.a) + ")";
        return std::string(v.kind == Value::Kind::normal ? "Value.normal(" : "Value.uniform(") + std::to_string(v.a) + ", " +
               std::to_string(v.b) + ")";
      });
  py::implicitly_convertible<double, Value>();
  py::implicitly_convertible<int, Value>();
}

/// A vector field of a spec as a numpy array (a copy) both ways: lists of
/// connections are long, and element-wise conversion would be slow.
/// `field(s)` returns the vector of spec `s`.
template <class S, class T, class Field>
void def_array(py::class_<S>& c, const char* name, Field field, const char* doc) {
  c.def_property(
      name, [field](S& s) { const std::vector<T>& v = field(s); return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data()); },
      [field, name](S& s, const py::array_t<T, py::array::c_style | py::array::forcecast>& a) {
        if (a.ndim() != 1) throw InputError("", name, std::to_string(a.ndim()) + " dimensions", "a 1-d array");
        field(s).assign(a.data(), a.data() + a.size());
      },
      doc);
}

/// A Python dict as a map of the spec (keys str, values T).
template <class T>
std::map<std::string, T> map_of(const py::dict& d) {
  std::map<std::string, T> out;
  for (const auto& [k, v] : d) out[py::cast<std::string>(k)] = py::cast<T>(v);
  return out;
}

/// The spec's maps (parameters, initial values) by reference, so that
/// spec.populations[0].params["tau_m"] = 20.0 changes the spec; a dict
/// converts to one where a map is expected.
template <class T>
void bind_map(py::module_& m, const char* name) {
  using Map = std::map<std::string, T>;
  py::bind_map<Map>(m, name).def(py::init([](const py::dict& d) { return map_of<T>(d); }));
  py::implicitly_convertible<py::dict, Map>();
}

void bind_elements(py::module_& m) {
  bind_map<double>(m, "ParameterMap");
  bind_map<Value>(m, "ValueMap");
  py::class_<PopulationSpec>(m, "PopulationSpec")
      .def(py::init([](std::string name, std::string model, std::uint64_t size, const py::dict& params,
                       const py::dict& initial) {
             PopulationSpec p;
             p.name = std::move(name);
             p.model = std::move(model);
             p.size = size;
             p.params = map_of<double>(params);
             p.initial = map_of<Value>(initial);
             return p;
           }),
           py::arg("name"), py::arg("model"), py::arg("size"), py::arg("params") = py::dict(),
           py::arg("initial") = py::dict())
      .def_readwrite("name", &PopulationSpec::name)
      .def_readwrite("model", &PopulationSpec::model)
      .def_readwrite("size", &PopulationSpec::size)
      .def_readwrite("params", &PopulationSpec::params)
      .def_readwrite("initial", &PopulationSpec::initial)
      .def_readwrite("initial_values", &PopulationSpec::initial_values,
                     "per-neuron initial state: {variable: one value per neuron}, over `initial`");
  py::class_<ProjectionSpec::Scaling>(m, "Scaling", "homeostatic synaptic scaling of a plastic projection (off while beta = 0)")
      .def(py::init<>())
      .def_readwrite("target_rate", &ProjectionSpec::Scaling::target_rate, "Hz")
      .def_readwrite("tau", &ProjectionSpec::Scaling::tau, "ms, the rate's low-pass filter")
      .def_readwrite("beta", &ProjectionSpec::Scaling::beta, "1 / (Hz s)")
      .def_readwrite("interval", &ProjectionSpec::Scaling::interval, "ms between scalings");
  py::class_<ProjectionSpec> projection(m, "ProjectionSpec");
  projection.def(py::init<>())
      .def_readwrite("source", &ProjectionSpec::source)
      .def_readwrite("target", &ProjectionSpec::target)
      .def_property("rule", [](const ProjectionSpec& p) { return rules.of(p.rule); },
                    [](ProjectionSpec& p, const std::string& s) { p.rule = rules.parse(s); })
      .def_readwrite("count", &ProjectionSpec::count, "indegree, outdegree or total number")
      .def_readwrite("p", &ProjectionSpec::p)
      .def_readwrite("weight", &ProjectionSpec::weight)
      .def_readwrite("delay", &ProjectionSpec::delay)
      .def_readwrite("allow_autapses", &ProjectionSpec::allow_autapses)
      .def_readwrite("allow_multapses", &ProjectionSpec::allow_multapses)
      .def_readwrite("synapse_model", &ProjectionSpec::synapse_model)
      .def_readwrite("synapse_params", &ProjectionSpec::synapse_params)
      .def_readwrite("scaling", &ProjectionSpec::scaling)
      .def_property("delay_convention", [](const ProjectionSpec& p) { return conventions.of(p.delay_convention); },
                    [](ProjectionSpec& p, const std::string& s) { p.delay_convention = conventions.parse(s); })
      .def_readwrite("edges_file", &ProjectionSpec::edges_file)
      .def_readwrite("edge_population", &ProjectionSpec::edge_population);
  def_array<ProjectionSpec, std::uint64_t>(projection, "sources", [](ProjectionSpec& p) -> auto& { return p.list.sources; },
                                           "from_list: source node ids");
  def_array<ProjectionSpec, std::uint64_t>(projection, "targets", [](ProjectionSpec& p) -> auto& { return p.list.targets; },
                                           "from_list: target node ids");
  def_array<ProjectionSpec, double>(projection, "weights", [](ProjectionSpec& p) -> auto& { return p.list.weights; },
                                    "from_list: one weight per connection, or empty");
  def_array<ProjectionSpec, double>(projection, "delays", [](ProjectionSpec& p) -> auto& { return p.list.delays; },
                                    "from_list: one delay (ms) per connection, or empty");
  py::class_<StimulusSpec>(m, "StimulusSpec")
      .def(py::init<>())
      .def_readwrite("name", &StimulusSpec::name)
      .def_property("type", [](const StimulusSpec& s) { return stimulus_types.of(s.type); },
                    [](StimulusSpec& s, const std::string& t) { s.type = stimulus_types.parse(t); })
      .def_readwrite("targets", &StimulusSpec::targets)
      .def_readwrite("neurons", &StimulusSpec::neurons, "node ids of the one target population it reaches; empty: all")
      .def_readwrite("rate", &StimulusSpec::rate)
      .def_readwrite("amplitude", &StimulusSpec::amplitude)
      .def_readwrite("start", &StimulusSpec::start)
      .def_readwrite("stop", &StimulusSpec::stop)
      .def_readwrite("spike_times", &StimulusSpec::spike_times)
      .def_readwrite("weight", &StimulusSpec::weight)
      .def_readwrite("delay", &StimulusSpec::delay);
  py::class_<RecorderSpec>(m, "RecorderSpec")
      .def(py::init<>())
      .def_property("type", [](const RecorderSpec& r) { return recorder_kinds.of(r.kind); },
                    [](RecorderSpec& r, const std::string& t) { r.kind = recorder_kinds.parse(t); })
      .def_readwrite("populations", &RecorderSpec::populations)
      .def_readwrite("variables", &RecorderSpec::variables)
      .def_readwrite("neurons", &RecorderSpec::max_neurons)
      .def_readwrite("interval", &RecorderSpec::interval);
}

/// A Python value as TOML: what `set` of load_model passes to the loader.
std::string toml_literal(const py::handle& v) {
  if (py::isinstance<py::bool_>(v)) return v.cast<bool>() ? "true" : "false";
  if (py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v)) return py::repr(v);
  if (py::isinstance<py::str>(v)) return py::module_::import("json").attr("dumps")(v).cast<std::string>();
  if (py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) {
    std::string s = "[";
    for (const auto& x : v) s += (s.size() > 1 ? ", " : "") + toml_literal(x);
    return s + "]";
  }
  throw py::type_error("load_model(set=...): values are numbers, booleans, strings or lists of them, not " +
                       std::string(py::str(v.get_type())));
}

void bind_spec(py::module_& m) {
  py::bind_vector<std::vector<PopulationSpec>>(m, "PopulationList");
  py::bind_vector<std::vector<ProjectionSpec>>(m, "ProjectionList");
  py::bind_vector<std::vector<StimulusSpec>>(m, "StimulusList");
  py::bind_vector<std::vector<RecorderSpec>>(m, "RecorderList");
  py::class_<RunSpec>(m, "RunSpec")
      .def_readwrite("dt", &RunSpec::dt)
      .def_readwrite("t_stop", &RunSpec::t_stop)
      .def_readwrite("seed", &RunSpec::seed);
  py::class_<ModelSpec>(m, "ModelSpec")
      .def(py::init([](std::string name) {
             ModelSpec s;
             s.name = std::move(name);
             return s;
           }),
           py::arg("name") = "model")
      .def_readwrite("name", &ModelSpec::name)
      .def_readwrite("run", &ModelSpec::run)
      .def_readwrite("populations", &ModelSpec::populations)
      .def_readwrite("projections", &ModelSpec::projections)
      .def_readwrite("stimuli", &ModelSpec::stimuli)
      .def_readwrite("recorders", &ModelSpec::recorders)
      .def_readonly("source_file", &ModelSpec::source_file);
  m.def("check", &check, py::arg("spec"), "Raises InputError when the spec cannot run, naming element and field");
  m.def(
      "load_model",
      [](const std::string& path, const py::dict& set) {
        std::vector<ParameterOverride> overrides;
        for (const auto& [key, value] : set) overrides.push_back({py::str(key), toml_literal(value)});
        return load_model(path, overrides);
      },
      py::arg("path"), py::arg("set") = py::dict(),
      "A TOML model file, loaded and checked; `set` changes values first, by their path in the file:\n"
      "load_model('brunel.toml', set={'run.seed': 7, 'stimulus.background.rate': 15000.0})");
}

void bind_catalogue(py::module_& m) {
  py::class_<ParameterInfo>(m, "ParameterInfo")
      .def_readonly("name", &ParameterInfo::name)
      .def_readonly("unit", &ParameterInfo::unit)
      .def_readonly("default", &ParameterInfo::default_value)
      .def_readonly("help", &ParameterInfo::help);
  py::class_<ModelInfo>(m, "ModelInfo")
      .def_readonly("name", &ModelInfo::name)
      .def_readonly("parameters", &ModelInfo::parameters)
      .def_readonly("state", &ModelInfo::state)
      .def_readonly("weight_unit", &ModelInfo::weight_unit);
  m.def("neuron_models", &neuron_catalogue);
  m.def("synapse_models", &synapse_catalogue);
}

}  // namespace

void bind_simulation(py::module_& m);

PYBIND11_MODULE(_myelin, m) {
  m.doc() = "myelin: a distributed simulator of spiking neural networks";
  m.attr("__version__") = version_string;
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      input_error(e.what());
    } catch (const StoppedBySignal& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    }
  });
  bind_value(m);
  bind_elements(m);
  bind_spec(m);
  bind_catalogue(m);
  bind_simulation(m);
}
