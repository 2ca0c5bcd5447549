#include "myelin/simulation.hpp"

#include <mpi.h>
#include <omp.h>

#include <filesystem>
#include <map>

#include "core/resources.hpp"
#include "io/atomic_file.hpp"
#include "io/spike_report.hpp"
#include "io/state_report.hpp"
#include "io/summary_json.hpp"
#include "io/units.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"
#include "partition/placement.hpp"
#include "sim/engine.hpp"
#include "sim/network.hpp"

namespace myelin {
namespace {

void attach_probes(const ModelSpec& spec, Network& net) {
  for (std::size_t r = 0; r < spec.recorders.size(); ++r) {
    const RecorderSpec& rec = spec.recorders[r];
    if (rec.kind != RecorderSpec::Kind::state) continue;
    for (const auto& name : rec.populations) {
      const std::size_t p = *spec.population_index(name);
      const ModelEntry* m = find_neuron_model(spec.populations[p].model);
      for (auto& g : net.groups) {
        if (g->population != p) continue;
        if (g->probe)
          throw InputError(rec.origin.where(), "recorder[" + std::to_string(r) + "].populations", name,
                           "each population in at most one state recorder");
        auto pr = std::make_unique<StateProbe>();
        for (const auto& v : rec.variables)
          for (std::size_t k = 0; k < m->state.size(); ++k)
            if (m->state[k].name == v) {
              pr->vars.push_back(static_cast<int>(k));
              pr->var_names.push_back(v);
            }
        pr->interval = to_steps(rec.interval, spec.run.dt);
        pr->column.assign(g->size(), -1);
        for (std::size_t i = 0; i < g->size(); ++i)
          if (g->node_ids[i] < rec.max_neurons) {
            pr->column[i] = static_cast<std::int32_t>(pr->node_ids.size());
            pr->node_ids.push_back(g->node_ids[i]);
          }
        g->probe = std::move(pr);
      }
    }
  }
}

void write_state_reports(const ModelSpec& spec, const Network& net, const std::string& dir) {
  std::map<std::string, std::vector<PopulationTrace>> by_var;
  std::map<std::string, std::string> units;
  for (const auto& g : net.groups) {
    const StateProbe* pr = g->probe.get();
    if (!pr) continue;
    const ModelEntry* m = find_neuron_model(spec.populations[g->population].model);
    const std::size_t cols = pr->node_ids.size(), nv = pr->vars.size();
    const std::size_t rows = pr->width() ? pr->data.size() / pr->width() : 0;
    for (std::size_t v = 0; v < nv; ++v) {
      PopulationTrace t;
      t.population = spec.populations[g->population].name;
      t.node_ids = pr->node_ids;
      t.data.resize(rows * cols);
      for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) t.data[r * cols + c] = pr->data[r * pr->width() + c * nv + v];
      t.t_step = static_cast<double>(pr->interval) * spec.run.dt;
      t.t_start = t.t_step;
      t.t_stop = t.t_start + static_cast<double>(rows) * t.t_step;
      by_var[pr->var_names[v]].push_back(std::move(t));
      units[pr->var_names[v]] = base_unit(m->state[static_cast<std::size_t>(pr->vars[v])].dim);
    }
  }
  for (const auto& [var, traces] : by_var)
    write_state_report((std::filesystem::path(dir) / (var + ".h5")).string(), var, units[var], traces);
}

}  // namespace

RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out) {
  int ranks = 1, rank = 0, mpi_up = 0;
  MPI_Initialized(&mpi_up);
  if (mpi_up) {
    MPI_Comm_size(MPI_COMM_WORLD, &ranks);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  }
  if (ranks > 1)
    throw InputError("mpirun", "-np", std::to_string(ranks),
                     "1 rank: this build runs one rank with OpenMP threads (use --threads)");
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  if (options.write_outputs) prepare_output_dir(options.output_dir);

  RunSummary s;
  s.ranks = ranks;
  s.threads = threads;
  WallTimer build_timer;
  auto placement = make_placement("round_robin", ranks);
  Network net = build_network(spec, threads, *placement, rank);
  attach_probes(spec, net);
  s.build_time_s = build_timer.seconds();

  std::vector<bool> record(spec.populations.size(), false);
  bool any_spike_recorder = false;
  for (const auto& r : spec.recorders)
    if (r.kind == RecorderSpec::Kind::spikes) {
      any_spike_recorder = true;
      for (const auto& n : r.populations) record[*spec.population_index(n)] = true;
    }
  if (!any_spike_recorder) record.assign(record.size(), true);

  const Step t_end = to_steps(spec.run.t_stop, spec.run.dt);
  SimulationOutput out;
  WallTimer sim_timer;
  simulate(net, t_end, record, threads, options.progress, out);
  s.sim_time_s = sim_timer.seconds();

  s.neurons = net.n_neurons;
  s.synapses = net.connectivity.synapses();
  s.connectivity_bytes = net.connectivity.bytes();
  s.bytes_per_synapse = s.synapses ? static_cast<double>(s.connectivity_bytes) / static_cast<double>(s.synapses) : 0.0;
  s.bio_time_ms = static_cast<double>(t_end) * spec.run.dt;
  s.real_time_factor = s.sim_time_s / (s.bio_time_ms * 1e-3);
  s.events_delivered = out.events;
  s.events_per_second = s.sim_time_s > 0 ? static_cast<double>(out.events) / s.sim_time_s : 0.0;
  s.steps = static_cast<std::uint64_t>(t_end);
  s.min_delay_steps = net.connectivity.min_delay;
  s.max_delay_steps = net.connectivity.max_delay;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    PopulationResult r;
    r.name = spec.populations[p].name;
    r.size = spec.populations[p].size;
    r.spikes = out.spike_counts[p];
    r.rate_hz = static_cast<double>(r.spikes) / (static_cast<double>(r.size) * s.bio_time_ms * 1e-3);
    s.populations.push_back(r);
  }

  if (options.write_outputs) {
    namespace fs = std::filesystem;
    std::vector<PopulationSpikes> reports;
    for (std::size_t p = 0; p < spec.populations.size(); ++p)
      if (record[p]) reports.push_back({spec.populations[p].name, out.node_ids[p], out.times[p]});
    write_spike_report((fs::path(options.output_dir) / "spikes.h5").string(), reports);
    write_state_reports(spec, net, options.output_dir);
  }
  s.peak_memory_mb = peak_memory_mb();
  if (options.write_outputs)
    write_text_file((std::filesystem::path(options.output_dir) / "summary.json").string(), summary_json(s, spec));
  if (spikes_out) {
    spikes_out->node_ids = std::move(out.node_ids);
    spikes_out->times = std::move(out.times);
  }
  return s;
}

}  // namespace myelin
