// myelin._myelin.Simulation: Context, RunOptions and Simulation for Python.
// The communicator comes as mpi4py's Fortran handle (Comm.py2f()), which
// needs no mpi4py headers; myelin/__init__.py passes it.
#include <mpi.h>
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "myelin/context.hpp"
#include "myelin/error.hpp"
#include "myelin/simulation.hpp"

namespace py = pybind11;
using namespace myelin;

namespace {

/// A numpy array that owns a copy of `v`.
template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

/// {population: (node_ids, times_ms)}.
py::dict spikes_of(const Simulation& sim, const ModelSpec& spec) {
  SpikeTrains s;
  {
    py::gil_scoped_release free;
    s = sim.spikes();
  }
  py::dict out;
  for (std::size_t p = 0; p < spec.populations.size(); ++p)
    out[py::str(spec.populations[p].name)] = py::make_tuple(to_numpy(s.node_ids[p]), to_numpy(s.times[p]));
  return out;
}

py::dict summary_of(const RunSummary& s) {
  py::dict d;
  d["neurons"] = s.neurons;
  d["synapses"] = s.synapses;
  d["build_time_s"] = s.build_time_s;
  d["sim_time_s"] = s.sim_time_s;
  d["real_time_factor"] = s.real_time_factor;
  d["events_delivered"] = s.events_delivered;
  d["peak_memory_mb"] = s.peak_memory_mb;
  d["ranks"] = s.ranks;
  d["threads"] = s.threads;
  d["t_reached_ms"] = s.t_reached_ms;
  py::dict pops;
  for (const auto& p : s.populations) pops[py::str(p.name)] = py::dict(py::arg("size") = p.size, py::arg("spikes") = p.spikes,
                                                                       py::arg("rate_hz") = p.rate_hz);
  d["populations"] = pops;
  return d;
}

/// Spikes of one slice as three arrays (population index, node id, time ms).
py::tuple spike_arrays(std::span<const Spike> s) {
  py::array_t<std::uint32_t> pop(static_cast<py::ssize_t>(s.size()));
  py::array_t<std::uint64_t> node(static_cast<py::ssize_t>(s.size()));
  py::array_t<double> time(static_cast<py::ssize_t>(s.size()));
  for (std::size_t i = 0; i < s.size(); ++i) {
    pop.mutable_data()[i] = s[i].population;
    node.mutable_data()[i] = s[i].node;
    time.mutable_data()[i] = s[i].time_ms;
  }
  return py::make_tuple(pop, node, time);
}

/// Samples of one slice as five arrays (population, node, variable, time, value).
py::tuple sample_arrays(std::span<const Sample> s) {
  const auto n = static_cast<py::ssize_t>(s.size());
  py::array_t<std::uint32_t> pop(n), var(n);
  py::array_t<std::uint64_t> node(n);
  py::array_t<double> time(n), value(n);
  for (std::size_t i = 0; i < s.size(); ++i) {
    pop.mutable_data()[i] = s[i].population;
    node.mutable_data()[i] = s[i].node;
    var.mutable_data()[i] = s[i].variable;
    time.mutable_data()[i] = s[i].time_ms;
    value.mutable_data()[i] = s[i].value;
  }
  return py::make_tuple(pop, node, var, time, value);
}

/// The Simulation and the spec it was built from (for population names).
struct PySimulation {
  ModelSpec spec;
  Simulation sim;
};

void bind_options(py::module_& m) {
  py::class_<RunOptions>(m, "RunOptions")
      .def(py::init<>())
      .def_readwrite("output_dir", &RunOptions::output_dir)
      .def_readwrite("progress", &RunOptions::progress)
      .def_readwrite("write_outputs", &RunOptions::write_outputs)
      .def_readwrite("record_buffer_mb", &RunOptions::record_buffer_mb)
      .def_readwrite("exchange", &RunOptions::exchange)
      .def_readwrite("partition", &RunOptions::partition)
      .def_readwrite("keep_spikes", &RunOptions::keep_spikes)
      .def_readwrite("placement_file", &RunOptions::placement_file)
      .def_readwrite("checkpoint_every_ms", &RunOptions::checkpoint_every_ms)
      .def_readwrite("checkpoint_at_ms", &RunOptions::checkpoint_at_ms)
      .def_readwrite("checkpoint_on_signal", &RunOptions::checkpoint_on_signal)
      .def_readwrite("checkpoint_dir", &RunOptions::checkpoint_dir)
      .def_readwrite("checkpoint_keep", &RunOptions::checkpoint_keep)
      .def_readwrite("restore", &RunOptions::restore)
      .def_readwrite("memory_limit_mb", &RunOptions::memory_limit_mb);
  py::class_<Context>(m, "Context")
      .def(py::init([](std::int64_t fortran_comm, int threads) {
             return Context(MPI_Comm_f2c(static_cast<MPI_Fint>(fortran_comm)), threads);
           }),
           py::arg("fortran_comm"), py::arg("threads") = 0)
      .def_property_readonly("threads", &Context::threads)
      .def_property_readonly("ranks", [](const Context& c) {
        int n = 1;
        MPI_Comm_size(c.communicator(), &n);
        return n;
      });
}

}  // namespace

void bind_simulation(py::module_& m) {
  bind_options(m);
  py::class_<PySimulation>(m, "Simulation")
      .def(py::init([](const ModelSpec& spec, const Context& context, const RunOptions& options) {
             py::gil_scoped_release free;
             return new PySimulation{spec, Simulation(spec, context, options)};
           }),
           py::arg("spec"), py::arg("context"), py::arg("options") = RunOptions{})
      .def(
          "run_until", [](PySimulation& s, double t) { py::gil_scoped_release free; return s.sim.run_until(t); },
          py::arg("t_ms"), "Collective: simulates to t_ms; returns the time reached")
      .def_property_readonly("time", [](const PySimulation& s) { return s.sim.time(); })
      .def_property_readonly("spec", [](const PySimulation& s) { return s.spec; }, "the model it was built from (a copy)")
      .def_property_readonly("stopped_by_signal", [](const PySimulation& s) { return s.sim.stopped_by_signal(); })
      .def("spikes", [](const PySimulation& s) { return spikes_of(s.sim, s.spec); },
           "Collective: {population: (node_ids, times_ms)} kept since the start or clear_spikes()")
      .def("clear_spikes", [](PySimulation& s) { s.sim.clear_spikes(); })
      .def(
          "connections",
          [](const PySimulation& s, std::size_t k) {
            Connections c;
            {
              py::gil_scoped_release free;
              c = s.sim.connections(k);
            }
            py::dict d;
            d["sources"] = to_numpy(c.sources);
            d["targets"] = to_numpy(c.targets);
            d["weights"] = to_numpy(c.weights);
            d["delays"] = to_numpy(c.delays);
            return d;
          },
          py::arg("projection"),
          "Collective: {sources, targets, weights, delays} of projection k's synapses (plastic weights as now)")
      .def(
          "on_spikes",
          [](PySimulation& s, py::function f) {
            // Called by the engine with the GIL released: take it for Python.
            s.sim.on_spikes([f](std::span<const Spike> v) {
              py::gil_scoped_acquire gil;
              f(*spike_arrays(v));
            });
          },
          py::arg("callback"), "callback(population, node, time_ms): this rank's spikes of each slice, as arrays")
      .def(
          "on_samples",
          [](PySimulation& s, py::function f) {
            s.sim.on_samples([f](std::span<const Sample> v) {
              py::gil_scoped_acquire gil;
              f(*sample_arrays(v));
            });
          },
          py::arg("callback"),
          "callback(population, node, variable, time_ms, value): this rank's state-recorder samples of each slice")
      .def(
          "get_state",
          [](const PySimulation& s, const std::string& pop, const std::string& var) {
            std::vector<double> v;
            {
              py::gil_scoped_release free;
              v = s.sim.get_state(pop, var);
            }
            return to_numpy(v);
          },
          py::arg("population"), py::arg("variable"))
      .def(
          "set_state",
          [](PySimulation& s, const std::string& pop, const std::string& var, const std::vector<double>& values) {
            s.sim.set_state(pop, var, values);
          },
          py::arg("population"), py::arg("variable"), py::arg("values"))
      .def(
          "set_state",
          [](PySimulation& s, const std::string& pop, const std::string& var, double value) { s.sim.set_state(pop, var, value); },
          py::arg("population"), py::arg("variable"), py::arg("value"))
      .def("set_rate", [](PySimulation& s, const std::string& st, double r) { s.sim.set_rate(st, r); }, py::arg("stimulus"),
           py::arg("rate_hz"))
      .def("set_amplitude", [](PySimulation& s, const std::string& st, double a) { s.sim.set_amplitude(st, a); },
           py::arg("stimulus"), py::arg("amplitude_pa"))
      .def("add_spike_times",
           [](PySimulation& s, const std::string& st, const std::vector<double>& t) { s.sim.add_spike_times(st, t); },
           py::arg("stimulus"), py::arg("times_ms"))
      .def(
          "set_synapse_parameter",
          [](PySimulation& s, std::size_t k, const std::string& name, double v) { s.sim.set_synapse_parameter(k, name, v); },
          py::arg("projection"), py::arg("parameter"), py::arg("value"),
          "A plastic projection's rule parameter from now on (base units), e.g. ('eta', 0.0) to freeze learning; "
          "also scaling.beta and scaling.target_rate")
      .def(
          "checkpoint", [](PySimulation& s, const std::string& dir) { py::gil_scoped_release free; return s.sim.checkpoint(dir); },
          py::arg("dir") = "")
      .def("summary", [](const PySimulation& s) { return summary_of(s.sim.summary()); })
      .def("finish", [](PySimulation& s) {
        RunSummary r;
        {
          py::gil_scoped_release free;
          r = s.sim.finish();
        }
        return summary_of(r);
      });
}
