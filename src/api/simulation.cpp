#include "myelin/simulation.hpp"

#include <mpi.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>

#include "api/connections.hpp"
#include "api/memory_report.hpp"
#include "build/memory_estimate.hpp"
#include "build/network.hpp"
#include "build/plastic_connectivity.hpp"
#include "core/resources.hpp"
#include "core/stop_signal.hpp"
#include "core/units.hpp"
#include "exchange/delay_aware_exchange.hpp"
#include "exchange/exchange_plan.hpp"
#include "exchange/global_exchange.hpp"
#include "io/atomic_file.hpp"
#include "io/checkpoint.hpp"
#include "io/checkpoint_files.hpp"
#include "io/model_hash.hpp"
#include "io/placement_file.hpp"
#include "io/plastic_state.hpp"
#include "io/progress_file.hpp"
#include "io/recording.hpp"
#include "io/row_exchange.hpp"
#include "io/spike_file.hpp"
#include "io/summary_json.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"
#include "partition/placement.hpp"
#include "sim/checkpoint_trigger.hpp"
#include "sim/engine.hpp"
#include "synapses/synapse_models.hpp"

namespace myelin {
namespace {

/// Sources (neurons, not generators) with synapses on this rank, with the
/// smallest delay of those synapses, in gid order.
std::vector<IncomingSource> incoming_sources(const Network& net) {
  std::vector<std::uint64_t> min_delay(net.n_neurons, 0);
  // 0 is "no synapse yet"; generators' gids lie beyond n_neurons.
  const auto reach = [&](std::uint64_t g, std::uint64_t d) {
    if (g < net.n_neurons) min_delay[g] = min_delay[g] == 0 ? d : std::min(min_delay[g], d);
  };
  for (const auto& part : net.connectivity.parts)
    for (std::uint64_t g = 0; g < net.n_neurons; ++g)
      for (std::uint64_t j = part.row[g]; j < part.row[g + 1]; ++j) reach(g, part.segs[j].delay());
  for (const auto& pr : net.plastic) {
    for (const auto& part : pr.parts)
      for (std::uint64_t s = 0; s < pr.n_source; ++s)
        for (std::uint32_t j = part.row[s]; j < part.row[s + 1]; ++j) reach(pr.source_first_gid + s, part.seg_delay[j]);
    for (std::uint64_t g = pr.mod_first; g < pr.mod_first + pr.n_mod; ++g) reach(g, static_cast<std::uint64_t>(pr.mod_delay));
  }
  std::vector<IncomingSource> out;
  for (std::uint64_t g = 0; g < net.n_neurons; ++g)
    if (min_delay[g]) out.push_back({g, min_delay[g]});
  return out;
}

/// A placement computed on every rank (METIS included) must agree; a
/// mismatch would silently lose neurons, so it is checked once.
void check_same_placement(const ModelSpec& spec, const Placement& placement, MPI_Comm comm) {
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::uint64_t g = 0; g < n; ++g) h = (h ^ static_cast<std::uint64_t>(placement.rank_of(g))) * 0x100000001b3ull;
  std::uint64_t lo = 0, hi = 0;
  MPI_Allreduce(&h, &lo, 1, MPI_UINT64_T, MPI_MIN, comm);
  MPI_Allreduce(&h, &hi, 1, MPI_UINT64_T, MPI_MAX, comm);
  if (lo != hi) throw std::logic_error("ranks computed different placements (" + placement.name() + ")");
}

void attach_probes(const ModelSpec& spec, Network& net) {
  for (std::size_t r = 0; r < spec.recorders.size(); ++r) {
    const RecorderSpec& rec = spec.recorders[r];
    if (rec.kind != RecorderSpec::Kind::state) continue;
    for (const auto& name : recorded_by(rec, spec)) {
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

Step checked_step(double ms, double dt, const std::string& option) {
  if (!(ms > 0) || !on_grid(ms, dt))
    throw InputError(option, "", std::to_string(ms), "a positive multiple of dt = " + std::to_string(dt) + " ms");
  return to_steps(ms, dt);
}

/// Names the reports of a fresh run, so that a restore finds them again:
/// model, seed, start time and process (rank 0's, the same on all ranks).
std::string new_run_id(const ModelSpec& spec, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  char buf[128] = {0};
  if (rank == 0)
    std::snprintf(buf, sizeof buf, "%s-%llu-%lld-%d", hex(structure_hash(spec)).c_str(),
                  static_cast<unsigned long long>(spec.run.seed), static_cast<long long>(std::time(nullptr)),
                  static_cast<int>(::getpid()));
  MPI_Bcast(buf, sizeof buf, MPI_CHAR, 0, comm);
  return buf;
}

/// Which populations' spikes are recorded: those of the spike recorders,
/// or all when there is none.
std::vector<bool> recorded_populations(const ModelSpec& spec) {
  std::vector<bool> record(spec.populations.size(), false);
  bool any = false;
  for (const auto& r : spec.recorders)
    if (r.kind == RecorderSpec::Kind::spikes) {
      any = true;
      for (const auto& n : recorded_by(r, spec)) record[*spec.population_index(n)] = true;
    }
  if (!any) record.assign(record.size(), true);
  return record;
}

}  // namespace

// ---------------------------------------------------------------- Context

MpiSession::MpiSession(int* argc, char*** argv) {
  int up = 0;
  MPI_Initialized(&up);
  if (up) return;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  owner_ = true;
}

MpiSession::~MpiSession() {
  int done = 0;
  MPI_Finalized(&done);
  if (owner_ && !done) MPI_Finalize();
}

Context::Context(MPI_Comm comm, int threads) {
  int up = 0;
  MPI_Initialized(&up);
  if (!up)
    throw InputError("Context", "", "", "MPI initialised by the program first (MPI_Init_thread, mpi4py, or a "
                                        "myelin::MpiSession held for the program's lifetime)");
  if (threads < 0) throw InputError("Context", "threads", std::to_string(threads), "a positive number, or 0 for all cores");
  MPI_Comm dup = MPI_COMM_NULL;
  MPI_Comm_dup(comm, &dup);
  comm_ = std::shared_ptr<MPI_Comm>(new MPI_Comm(dup), [](MPI_Comm* c) {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Comm_free(c);
    delete c;
  });
  MPI_Comm_rank(dup, &rank_);
  MPI_Comm_size(dup, &ranks_);
  threads_ = threads > 0 ? threads : omp_get_max_threads();
}

MPI_Comm Context::communicator() const { return *comm_; }

// ---------------------------------------------------------------- Simulation

struct Simulation::Impl {
  ModelSpec spec;
  Context context;
  RunOptions options;
  MPI_Comm comm;
  int rank = 0, ranks = 1, threads = 1;
  std::optional<StopSignals> signals;
  std::unique_ptr<Placement> placement;
  Network net;
  ExchangePlan plan;
  std::uint64_t global_min = 0, global_max = 0;  ///< delay range over ranks, steps (global_min ~0: no synapse)
  std::vector<bool> record;
  std::unique_ptr<Recording> recording;
  std::unique_ptr<SpikeExchange> exchange;
  SimulationOutput out;
  Step t_begin = 0, now = 0;
  CheckpointSchedule schedule;  ///< checkpoints asked for in the options
  std::string checkpoint_dir;
  RunSummary s;  ///< what is known before the end: build, restore, checkpoints
  MemoryEstimate estimate;  ///< the largest rank's predicted peak
  double sim_s = 0.0;
  std::vector<SpikeCallback> callbacks;
  std::vector<Spike> slice_spikes;
  std::vector<SampleCallback> sample_callbacks;
  std::vector<Sample> slice_samples;
  SpikeTrains kept;  ///< this rank's, per population
  SliceObserver observer;
  std::vector<double> dc_amplitude;  ///< per stimulus, as set through the API (empty: the spec's)
  std::vector<StimulusChange> changes;  ///< every stimulus change made through the API, for checkpoints
  std::vector<SynapseChange> synapse_changes;  ///< every synapse rule change made through the API, likewise
  bool finished = false;
  bool ended = false;  ///< run()'s single run is over
  ProgressState progress;  ///< what OUTPUT/progress.json says

  Impl(const ModelSpec& sp, const Context& ctx, const RunOptions& o)
      : spec(sp), context(ctx), options(o), comm(ctx.communicator()), rank(ctx.rank()), ranks(ctx.ranks()),
        threads(ctx.threads()) {
    // From the start: a signal during the build is acted on at the first
    // safe point instead of killing the process.
    if (options.checkpoint_on_signal) signals.emplace();
    check(spec);
    check_options();
    // A model too large to place at all is refused on the even-share bound.
    check_memory(estimate_memory_even(spec, ranks, recording_budget_bytes(options)));
    place();
    estimate = estimate_memory(spec, *placement, recording_budget_bytes(options));
    check_memory(estimate);
    StopSignals::stop_if_terminated("placement");
    if (options.write_outputs && rank == 0) prepare_output_dir(options.output_dir);
    progress.model = spec.name;
    progress.t_stop_ms = spec.run.t_stop;
    report_progress("building");
    build();
    StopSignals::stop_if_terminated("build");
    std::optional<RecorderCheckpoint> resumed;
    if (!options.restore.empty()) resumed = restore();
    open_recording(resumed ? &*resumed : nullptr);
    plan_checkpoints();
    kept.node_ids.assign(spec.populations.size(), {});
    kept.times.assign(spec.populations.size(), {});
    observer = [this](const std::vector<SourceSpike>& v) { observe(v); };
  }

  /// Rank 0 rewrites OUTPUT/progress.json. A failed write (a full disk)
  /// must not end the run it describes: it is said once and skipped.
  void report_progress(const std::string& state) {
    progress.state = state;
    if (!options.write_outputs || rank != 0) return;
    try {
      write_progress_file((std::filesystem::path(options.output_dir) / "progress.json").string(), progress);
    } catch (const std::exception& e) {
      static bool said = false;
      if (!said) std::fprintf(stderr, "myelin: warning: progress.json not written: %s\n", e.what());
      said = true;
    }
  }

  void report_point(const ProgressPoint& p) {
    progress.t_ms = p.t_ms;
    progress.t_start_ms = static_cast<double>(t_begin) * spec.run.dt;
    progress.t_stop_ms = p.t_stop_ms;
    progress.real_time_factor = p.rtf;
    progress.eta_s = p.eta_s;
    report_progress("running");
  }

  /// Refuses a model whose estimated peak exceeds what a rank may use.
  void check_memory(const MemoryEstimate& e) const { refuse_unless_fits(memory_report(spec, e, options, comm)); }

  void check_options() const {
    if (options.exchange != "global" && options.exchange != "delay-aware")
      throw InputError("exchange", "", options.exchange, "global or delay-aware");
    if (!(options.record_buffer_mb > 0 && options.record_buffer_mb <= 1048576))
      throw InputError("record_buffer_mb", "", short_number(options.record_buffer_mb),
                       "a positive size in MB, at most 1 TiB (1048576)");
    if (options.checkpoint_keep < 1)
      throw InputError("checkpoint_keep", "", std::to_string(options.checkpoint_keep), "at least 1");
  }

  /// Every rank computes (or reads) the same placement; checked.
  void place() {
    placement = run_placement(spec, ranks, options);
    check_same_placement(spec, *placement, comm);
    s.ranks = ranks;
    s.threads = threads;
    s.placement = placement->name();
  }

  /// This rank's neurons and synapses, the slice length and the exchange plan.
  void build() {
    WallTimer timer;
    net = build_network(spec, threads, *placement, rank);
    attach_probes(spec, net);
    // The slice is the global minimum delay: a rank may only run ahead as
    // far as the shortest delay from any other rank allows.
    const bool has_synapses = net.synapses() > 0;
    std::uint64_t local_min = has_synapses ? static_cast<std::uint64_t>(net.min_delay) : ~0ull;
    MPI_Allreduce(&local_min, &global_min, 1, MPI_UINT64_T, MPI_MIN, comm);
    std::uint64_t local_max = has_synapses ? static_cast<std::uint64_t>(net.max_delay) : 0;
    MPI_Allreduce(&local_max, &global_max, 1, MPI_UINT64_T, MPI_MAX, comm);
    net.min_delay = global_min == ~0ull ? 10 : static_cast<Step>(global_min);
    plan = build_plan(incoming_sources(net), static_cast<std::uint64_t>(net.min_delay), *placement, net.local_gid, comm);
    record = recorded_populations(spec);
    MPI_Barrier(comm);
    s.build_time_s = timer.seconds();
  }

  /// Loads options.restore into the freshly built network; returns where
  /// its recordings stand.
  RecorderCheckpoint restore() {
    s.restored_from = resolve_checkpoint(options.restore);
    const std::string& path = s.restored_from;
    const CheckpointHeader h = read_checkpoint_header(path);
    if (h.model_hash != hex(structure_hash(spec)))
      throw InputError(path, "model_hash", h.model_hash,
                       "a checkpoint of this model (" + spec.source_file + " has structure hash " +
                           hex(structure_hash(spec)) + "; the checkpoint was written for model '" + h.model_name +
                           "' from " + h.model_path + ")");
    if (h.seed != spec.run.seed)
      throw InputError(path, "seed", std::to_string(h.seed),
                       "the model's seed " + std::to_string(spec.run.seed) + " (the network would differ)");
    std::vector<std::string> names;
    for (const auto& p : spec.populations) names.push_back(p.name);
    if (h.populations != names || h.neurons != net.n_neurons)
      throw InputError(path, "populations", "", "the populations of " + spec.source_file);
    std::vector<std::string> recorded;
    for (std::size_t p = 0; p < spec.populations.size(); ++p)
      if (record[p]) recorded.push_back(spec.populations[p].name);
    RecorderCheckpoint rec = restore_checkpoint(path, h, net, *placement, recorded, comm);
    out.spike_counts.assign(spec.populations.size(), 0);
    // Totals are summed over ranks at the end: rank 0 carries the past.
    if (rank == 0) out.spike_counts = h.spike_counts;
    t_begin = now = h.step;
    // Stimulus changes made through the API before the checkpoint, each
    // applied again as of its own step: the network continues as it was.
    for (const StimulusChange& c : h.stimulus_changes) apply(c);
    for (const SynapseChange& c : h.synapse_changes) apply(c);
    return rec;
  }

  /// A stimulus change from step c.at on (checked by the public call), logged.
  void apply(const StimulusChange& c) {
    switch (spec.stimuli.at(c.stimulus).type) {
      case StimulusType::poisson_generator: apply_rate(c.stimulus, c.value, c.at); break;
      case StimulusType::dc_generator: apply_amplitude(c.stimulus, c.value, c.at); break;
      case StimulusType::spike_generator: apply_spike_times(c.stimulus, c.times_ms); break;
    }
    changes.push_back(c);
  }

  /// Projection k's spec with every synapse change made so far.
  ProjectionSpec projection_now(std::size_t k) const {
    ProjectionSpec p = spec.projections[k];
    for (const SynapseChange& c : synapse_changes) {
      if (c.projection != k) continue;
      if (c.parameter == "scaling.beta") p.scaling.beta = c.value;
      else if (c.parameter == "scaling.target_rate") p.scaling.target_rate = c.value;
      else p.synapse_params[c.parameter] = c.value;
    }
    return p;
  }

  /// A rule parameter change (checked by the public call) from now on, logged.
  void apply(const SynapseChange& c) {
    synapse_changes.push_back(c);
    const ProjectionSpec p = projection_now(c.projection);
    for (PlasticProjection& pr : net.plastic) {
      if (pr.projection != c.projection) continue;
      pr.rule = make_rule(p);
      if (c.parameter == "scaling.beta") pr.scaling.gain = p.scaling.beta * static_cast<double>(pr.scaling.interval) * spec.run.dt;
      if (c.parameter == "scaling.target_rate") pr.scaling.target = p.scaling.target_rate * 1e-3;
    }
  }

  /// Emissions before `at` keep their rate (their spikes may still be on
  /// the way); those from `at` on take the new one, from the same stream.
  void apply_rate(std::size_t k, double rate_hz, Step at) {
    const StimulusSpec& st = spec.stimuli[k];
    PoissonInput in = poisson_input(st, k, rate_hz, spec.run.dt);
    in.start = std::max(at, in.start);
    for (auto& g : net.groups) {
      if (!targets(st, *g)) continue;
      for (PoissonInput& old : g->poisson)
        if (old.key1 == in.key1) old.stop = std::min(old.stop, at);
      // Inputs whose last emission has arrived by `at` add nothing more:
      // dropped, or every neuron would check them in every later step
      // (a protocol switching generators on and off would slow down).
      std::erase_if(g->poisson, [at](const PoissonInput& old) { return old.stop <= old.start || old.stop + old.delay <= at; });
      if (!st.neurons.empty()) in.reaches = stimulus_reaches(st, *g, spec.populations[g->population].size);
      if (rate_hz > 0 && in.start < in.stop) g->poisson.push_back(in);
    }
  }

  /// As the builder: emitted in step s, the current drives the membrane
  /// from step s + delay + 1. Before the start only the step that switches
  /// it on changes; later a step change is added, and the switch-off follows.
  void apply_amplitude(std::size_t k, double amplitude_pa, Step from) {
    const StimulusSpec& st = spec.stimuli[k];
    if (dc_amplitude.empty())
      for (const StimulusSpec& x : spec.stimuli) dc_amplitude.push_back(x.amplitude);
    const double old = dc_amplitude[k];
    dc_amplitude[k] = amplitude_pa;
    const auto [on, off] = dc_window(st, spec.run.dt);
    const Step start = first_step_at(st.start, spec.run.dt);
    const Step at = std::max(from, start) + (on - start);  // emitted from then, acting as `on` does for `start`
    if (at >= off) return;
    for (auto& g : net.groups) {
      if (!targets(st, *g)) continue;
      std::vector<DcEvent>& ev = g->dc_events;
      for (DcEvent& e : ev) {
        if (e.step == off && e.delta == -old) e.delta = -amplitude_pa;
        if (at == on && e.step == on && e.delta == old) e.delta = amplitude_pa;
      }
      if (at == on) continue;
      const auto pos = std::upper_bound(ev.begin(), ev.end(), at, [](Step x, const DcEvent& e) { return x < e.step; });
      std::vector<DcEvent> change;
      const auto on_neuron = stimulus_reaches(st, *g, spec.populations[g->population].size);
      for (std::size_t i = 0; i < g->size(); ++i)
        if (on_neuron[i]) change.push_back({at, static_cast<std::uint32_t>(i), amplitude_pa - old});
      ev.insert(pos, change.begin(), change.end());
    }
  }

  /// Stamped like a neuron spike emitted in step t/dt - 1 (network.cpp).
  void apply_spike_times(std::size_t k, const std::vector<double>& times_ms) {
    std::size_t g = 0;  // generators are numbered in the order of their stimuli
    for (std::size_t j = 0; j < k; ++j) g += spec.stimuli[j].type == StimulusType::spike_generator;
    std::vector<Step>& steps = net.generators[g].steps;
    for (double t : times_ms) {
      const Step emitted = to_steps(t, spec.run.dt) - 1;
      steps.insert(std::upper_bound(steps.begin(), steps.end(), emitted), emitted);
    }
  }

  bool targets(const StimulusSpec& st, const NeuronGroup& g) const {
    return std::find(st.targets.begin(), st.targets.end(), spec.populations[g.population].name) != st.targets.end();
  }

  void open_recording(const RecorderCheckpoint* resumed) {
    recording = std::make_unique<Recording>(spec, net, record, options.write_outputs ? options.output_dir : std::string(),
                                            static_cast<std::size_t>(options.record_buffer_mb * 1048576.0),
                                            new_run_id(spec, comm), comm, resumed, t_begin);
    if (out.spike_counts.empty()) out.spike_counts.assign(spec.populations.size(), 0);
  }

  void plan_checkpoints() {
    schedule.on_signal = options.checkpoint_on_signal;
    if (options.checkpoint_every_ms > 0)
      schedule.every = checked_step(options.checkpoint_every_ms, spec.run.dt, "checkpoint_every");
    for (double ms : options.checkpoint_at_ms) {
      const Step k = checked_step(ms, spec.run.dt, "checkpoint_at");
      if (k > t_begin) schedule.at.push_back(k);
    }
    std::sort(schedule.at.begin(), schedule.at.end());
    checkpoint_dir = options.checkpoint_dir.empty()
                         ? (std::filesystem::path(options.output_dir) / "checkpoints").string()
                         : options.checkpoint_dir;
    if (rank == 0 && (schedule.every > 0 || !schedule.at.empty())) prepare_output_dir(checkpoint_dir);
  }

  /// The exchange, made at the first run: for the simulation's whole life
  /// (each run_until ends with a flush, after which its schedule
  /// continues), or to t_last for run()'s single run, which drains only
  /// what was sent, as a run that never continues needs.
  void exchange_spikes(Step t_last) {
    if (options.exchange == "global") exchange = std::make_unique<GlobalExchange>(comm);
    else exchange = std::make_unique<DelayAwareExchange>(plan, net.local_gid, now, t_last, comm);
  }

  /// This rank's spikes and samples of one slice: to the callbacks, the
  /// kept trains and (through the probes) the reports.
  void observe(const std::vector<SourceSpike>& v) {
    observe_samples();
    observe_spikes(v);
  }

  void observe_samples() {
    if (!sample_callbacks.empty()) {
      slice_samples.clear();
      for (const auto& g : net.groups)
        if (const StateProbe* pr = g->probe.get()) append_slice_samples(*g, *pr);
      for (const auto& cb : sample_callbacks) cb(std::span<const Sample>(slice_samples));
    }
    // Without report files nothing else reads the probes: each slice's
    // rows are dropped once the callbacks have seen them.
    if (!options.write_outputs)
      for (const auto& g : net.groups)
        if (g->probe) g->probe->data.clear();
  }

  /// The probe rows of the slice just simulated (from slice_row0 on).
  void append_slice_samples(const NeuronGroup& g, const StateProbe& pr) {
    const std::size_t width = pr.width(), nv = pr.vars.size();
    const std::size_t rows = width ? pr.data.size() / width : 0;
    for (std::size_t r = pr.slice_row0; r < rows; ++r) {
      const Step sample = pr.slice_first + static_cast<Step>(r - pr.slice_row0);
      const double t = static_cast<double>(sample * pr.interval) * spec.run.dt;
      for (std::size_t c = 0; c < pr.node_ids.size(); ++c)
        for (std::size_t v = 0; v < nv; ++v)
          slice_samples.push_back({static_cast<std::uint32_t>(g.population), pr.node_ids[c],
                                   static_cast<std::uint32_t>(v), t, pr.data[r * width + c * nv + v]});
    }
  }

  void observe_spikes(const std::vector<SourceSpike>& v) {
    if (callbacks.empty() && !options.keep_spikes) return;
    slice_spikes.clear();
    for (const SourceSpike& sp : v) {
      const std::size_t pop = net.population_of(sp.gid);
      if (!record[pop]) continue;
      slice_spikes.push_back({static_cast<std::uint32_t>(pop), sp.gid - net.pop_first_gid[pop],
                              static_cast<double>(sp.step + 1) * spec.run.dt});
    }
    if (options.keep_spikes)
      for (const Spike& sp : slice_spikes) {
        kept.node_ids[sp.population].push_back(sp.node);
        kept.times[sp.population].push_back(sp.time_ms);
      }
    for (const auto& cb : callbacks) cb(std::span<const Spike>(slice_spikes));
  }

  /// `last`: run()'s only run, which need not leave the exchange ready to continue.
  double run_until(double t_ms, bool last = false) {
    if (finished || ended) throw InputError("run_until", "", "", "a simulation that is not finished (finish() ends it)");
    if (!(t_ms >= 0) || !(t_ms / spec.run.dt <= max_steps) || !on_grid(t_ms, spec.run.dt))
      throw InputError("run_until", "t", std::to_string(t_ms) + " ms",
                       "a multiple of dt = " + std::to_string(spec.run.dt) + " ms, at most 2^52 steps");
    const Step t_end = to_steps(t_ms, spec.run.dt);
    if (t_end < now)
      throw InputError("run_until", "t", std::to_string(t_ms) + " ms",
                       "a time at or after the simulation's, " + std::to_string(static_cast<double>(now) * spec.run.dt) + " ms");
    s.stopped_by_signal = 0;
    if (t_end == now) return t_ms;
    if (!exchange) exchange_spikes(last ? t_end : std::numeric_limits<Step>::max() / 4);
    ended = last;
    WallTimer timer;
    double written_s = 0.0;
    // The run stops at t_end like at a checkpoint: the exchange is flushed,
    // so the next call continues as if there had been no stop.
    CheckpointSchedule sched = schedule;
    if (!last) sched.at.insert(std::upper_bound(sched.at.begin(), sched.at.end(), t_end), t_end);
    // Signals are polled every 16 slices: a few ms of biological time.
    CheckpointTrigger trigger(sched, t_end, 16 * net.min_delay, comm);
    Progress bar(static_cast<double>(now) * spec.run.dt, t_ms, options.progress && rank == 0);
    if (options.write_outputs && rank == 0) bar.listen([this](const ProgressPoint& p) { report_point(p); }, 5.0);
    while (now < t_end) {
      now = simulate(net, now, t_end, *recording, threads, bar, out, *exchange, &trigger, &observer);
      if (trigger.stopped_at() != now) continue;
      const bool scheduled = std::binary_search(schedule.at.begin(), schedule.at.end(), now) ||
                             (schedule.every > 0 && now % schedule.every == 0);
      if (scheduled || trigger.signal()) {
        if (rank == 0 && trigger.signal()) prepare_output_dir(checkpoint_dir);
        written_s += write_checkpoint_now(checkpoint_dir).write_s;
      }
      if (trigger.signal()) {
        s.stopped_by_signal = trigger.signal();
        break;
      }
    }
    bar.finish(static_cast<double>(now) * spec.run.dt, out.spikes_emitted);
    if (s.stopped_by_signal) report_progress("checkpointed");
    // Checkpoint writing is reported per checkpoint, not as simulation.
    sim_s += timer.seconds() - written_s;
    return static_cast<double>(now) * spec.run.dt;
  }

  /// Collective, at a stop of the loop (no spike in flight).
  CheckpointRecord write_checkpoint_now(const std::string& dir) {
    CheckpointHeader h;
    h.model_name = spec.name;
    h.model_hash = hex(structure_hash(spec));
    h.model_text = spec.source_text;
    h.model_path = spec.source_file.empty() ? std::string() : std::filesystem::absolute(spec.source_file).string();
    h.dt = spec.run.dt;
    h.step = now;
    h.seed = spec.run.seed;
    h.ranks = ranks;
    h.threads = threads;
    h.neurons = net.n_neurons;
    for (const auto& p : spec.populations) h.populations.push_back(p.name);
    h.stimulus_changes = changes;
    h.synapse_changes = synapse_changes;
    h.spike_counts.resize(out.spike_counts.size());
    MPI_Allreduce(out.spike_counts.data(), h.spike_counts.data(), static_cast<int>(h.spike_counts.size()),
                  MPI_UINT64_T, MPI_SUM, comm);
    WallTimer wt;
    // The reports are written up to now and made durable before the
    // checkpoint records how far they go.
    recording->flush(net, now);
    const RecorderCheckpoint rec = recording->checkpoint_state();
    CheckpointRecord c;
    c.path = commit_checkpoint(dir, checkpoint_file_name(now, spec.run.dt), options.checkpoint_keep,
                               [&](const std::string& temp) { write_checkpoint(temp, h, net, rec, comm); }, comm);
    c.write_s = wt.seconds();
    c.time_ms = static_cast<double>(now) * spec.run.dt;
    std::error_code ec;
    c.bytes = rank == 0 ? static_cast<std::uint64_t>(std::filesystem::file_size(c.path, ec)) : 0;
    s.checkpoints.push_back(c);
    progress.checkpoint = c.path;
    return c;
  }

  /// This rank's group of a population by name, or an InputError.
  std::pair<std::size_t, NeuronGroup*> group(const std::string& population, const char* what) const {
    const auto p = spec.population_index(population);
    if (!p) throw InputError(what, "population", population, "one of the model's populations");
    return {*p, net.group_of(*p)};
  }

  int variable_index(std::size_t p, const std::string& variable, const char* what) const {
    const ModelEntry* m = find_neuron_model(spec.populations[p].model);
    std::string names;
    for (std::size_t k = 0; k < m->state.size(); ++k) {
      if (m->state[k].name == variable) return static_cast<int>(k);
      names += (k ? ", " : "") + m->state[k].name;
    }
    throw InputError(what, "variable", variable, "a state variable of " + m->name + " (" + names + ")");
  }

  std::size_t stimulus_index(const std::string& name, StimulusType type, const char* what) const {
    const char* kind = type == StimulusType::poisson_generator ? "poisson_generator"
                       : type == StimulusType::dc_generator    ? "dc_generator"
                                                               : "spike_generator";
    std::string known;
    for (std::size_t k = 0; k < spec.stimuli.size(); ++k) {
      if (spec.stimuli[k].type != type) continue;
      if (spec.stimuli[k].name == name) return k;
      known += (known.empty() ? "" : ", ") + spec.stimuli[k].name;
    }
    throw InputError(what, "stimulus", name,
                     "the name of a " + std::string(kind) + " of the model (" + (known.empty() ? "it has none" : known) + ")");
  }

  RunSummary summarise() const;
};

RunSummary Simulation::Impl::summarise() const {
  RunSummary r = s;
  r.t_start_ms = static_cast<double>(t_begin) * spec.run.dt;
  r.t_reached_ms = static_cast<double>(now) * spec.run.dt;
  r.sim_time_s = sim_s;
  r.neurons = net.n_neurons;
  r.synapses = sum_all(net.synapses(), comm);
  r.connectivity_bytes = sum_all(net.synapse_bytes(), comm);
  r.bytes_per_synapse = r.synapses ? static_cast<double>(r.connectivity_bytes) / static_cast<double>(r.synapses) : 0.0;
  {
    std::uint64_t n = 0, b = 0;
    for (const auto& pr : net.plastic) {
      n += pr.synapses();
      b += pr.bytes();
    }
    r.plastic_synapses = sum_all(n, comm);
    const std::uint64_t pb = sum_all(b, comm);
    r.plastic_bytes_per_synapse = r.plastic_synapses ? static_cast<double>(pb) / static_cast<double>(r.plastic_synapses) : 0.0;
  }
  r.bio_time_ms = r.t_reached_ms;
  const double simulated_ms = r.t_reached_ms - r.t_start_ms;
  r.real_time_factor = simulated_ms > 0 ? r.sim_time_s / (simulated_ms * 1e-3) : 0.0;
  r.events_delivered = sum_all(out.events, comm);
  r.events_per_second = r.sim_time_s > 0 ? static_cast<double>(r.events_delivered) / r.sim_time_s : 0.0;
  r.steps = static_cast<std::uint64_t>(now);
  r.min_delay_steps = global_min == ~0ull ? 0 : global_min;
  r.max_delay_steps = global_max;
  const ExchangeCounters none;
  r.exchange_scheme = exchange ? exchange->name() : options.exchange;
  const ExchangeCounters& xc = exchange ? exchange->counters() : none;
  r.exchange_synchronisations = xc.synchronisations;
  r.synchronisations_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.synchronisations}, comm);
  r.messages_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.messages}, comm);
  r.bytes_sent_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.bytes_sent}, comm);
  r.update_s_per_rank = gather_to_root(std::vector<double>{out.update_s}, comm);
  r.deliver_s_per_rank = gather_to_root(std::vector<double>{out.deliver_s}, comm);
  r.exchange_s_per_rank = gather_to_root(std::vector<double>{xc.exchange_s}, comm);
  r.wait_s_per_rank = gather_to_root(std::vector<double>{xc.wait_s}, comm);
  if (rank == 0 && !r.update_s_per_rank.empty()) {
    double mx = 0, sum = 0;
    for (double x : r.update_s_per_rank) {
      mx = std::max(mx, x);
      sum += x;
    }
    r.load_imbalance = sum > 0 ? mx / (sum / static_cast<double>(r.update_s_per_rank.size())) : 1.0;
  }
  r.exchange_messages = sum_all(xc.messages, comm);
  const std::uint64_t received = sum_all(xc.messages_received, comm), slack = sum_all(xc.slack_steps, comm);
  r.mean_slack_steps = received ? static_cast<double>(slack) / static_cast<double>(received) : 0.0;
  r.exchange_bytes_sent = sum_all(xc.bytes_sent, comm);
  // Per-tier counters: ranks may know different numbers of tiers.
  std::uint64_t my_tiers = xc.tier_messages.size(), n_tiers = 0;
  MPI_Allreduce(&my_tiers, &n_tiers, 1, MPI_UINT64_T, MPI_MAX, comm);
  for (const auto* v : {&xc.tier_messages, &xc.tier_bytes}) {
    std::vector<std::uint64_t> mine(*v), all(n_tiers, 0);
    mine.resize(n_tiers, 0);
    MPI_Allreduce(mine.data(), all.data(), static_cast<int>(n_tiers), MPI_UINT64_T, MPI_SUM, comm);
    (v == &xc.tier_messages ? r.tier_messages : r.tier_bytes) = std::move(all);
  }
  // The plan's D(a, b) matrix (rows gathered from every rank) and tiers.
  r.delay_matrix = gather_to_root(plan.delay_out, comm);
  std::uint64_t tiers = plan.tiers(), max_tiers = 0;
  MPI_Allreduce(&tiers, &max_tiers, 1, MPI_UINT64_T, MPI_MAX, comm);
  r.exchange_tiers = max_tiers;
  r.populations.clear();
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    PopulationResult pr;
    pr.name = spec.populations[p].name;
    pr.size = spec.populations[p].size;
    pr.spikes = sum_all(out.spike_counts[p], comm);
    pr.rate_hz = r.bio_time_ms > 0 ? static_cast<double>(pr.spikes) / (static_cast<double>(pr.size) * r.bio_time_ms * 1e-3) : 0.0;
    r.populations.push_back(pr);
  }
  r.report_appends = recording->appends();
  r.report_write_s = recording->write_seconds();
  double mem = peak_memory_mb(), mem_max = 0;
  MPI_Allreduce(&mem, &mem_max, 1, MPI_DOUBLE, MPI_MAX, comm);
  r.peak_memory_mb = mem_max;
  r.estimated_memory_mb = estimate.peak() / 1048576.0;
  return r;
}

Simulation::Simulation(const ModelSpec& spec, const Context& context, const RunOptions& options)
    : impl_(std::make_unique<Impl>(spec, context, options)) {}
Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

double Simulation::run_until(double t_ms) { return impl_->run_until(t_ms); }
double Simulation::time() const { return static_cast<double>(impl_->now) * impl_->spec.run.dt; }
bool Simulation::stopped_by_signal() const { return impl_->s.stopped_by_signal != 0; }
void Simulation::on_spikes(SpikeCallback callback) { impl_->callbacks.push_back(std::move(callback)); }

void Simulation::on_samples(SampleCallback callback) { impl_->sample_callbacks.push_back(std::move(callback)); }

SpikeTrains Simulation::spikes() const {
  const Impl& m = *impl_;
  SpikeTrains all;
  all.node_ids.resize(m.spec.populations.size());
  all.times.resize(m.spec.populations.size());
  for (std::size_t p = 0; p < m.spec.populations.size(); ++p) {
    const std::vector<std::uint64_t> ids = gather_to_all(m.kept.node_ids[p], m.comm);
    const std::vector<double> t = gather_to_all(m.kept.times[p], m.comm);
    std::vector<std::size_t> order(ids.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return t[a] != t[b] ? t[a] < t[b] : ids[a] < ids[b];
    });
    for (std::size_t i : order) {
      all.node_ids[p].push_back(ids[i]);
      all.times[p].push_back(t[i]);
    }
  }
  return all;
}

Connections Simulation::connections(std::size_t projection) const {
  const Impl& m = *impl_;
  if (projection >= m.spec.projections.size())
    throw InputError("connections", "projection", std::to_string(projection),
                     "the index of one of the model's " + std::to_string(m.spec.projections.size()) + " projections");
  const Connections mine = local_connections(m.spec, m.net, projection, m.now, m.comm);
  Connections all{gather_to_all(mine.sources, m.comm), gather_to_all(mine.targets, m.comm),
                  gather_to_all(mine.weights, m.comm), gather_to_all(mine.delays, m.comm)};
  // Ranks hold targets in turn; a stable sort by target keeps each
  // target's synapses in the rule's order.
  std::vector<std::size_t> order(all.targets.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return all.targets[a] < all.targets[b]; });
  Connections sorted;
  for (std::size_t i : order) {
    sorted.sources.push_back(all.sources[i]);
    sorted.targets.push_back(all.targets[i]);
    sorted.weights.push_back(all.weights[i]);
    sorted.delays.push_back(all.delays[i]);
  }
  return sorted;
}

void Simulation::clear_spikes() {
  for (auto& v : impl_->kept.node_ids) v.clear();
  for (auto& v : impl_->kept.times) v.clear();
}

std::vector<double> Simulation::get_state(const std::string& population, const std::string& variable) const {
  const Impl& m = *impl_;
  const auto [p, g] = m.group(population, "get_state");
  const int var = m.variable_index(p, variable, "get_state");
  std::vector<double> mine;  // (node id, value) pairs
  for (std::size_t i = 0; g && i < g->size(); ++i) {
    mine.push_back(static_cast<double>(g->node_ids[i]));
    mine.push_back(g->get_variable(i, var));
  }
  const std::vector<double> all = gather_to_all(mine, m.comm);
  std::vector<double> values(m.spec.populations[p].size, 0.0);
  for (std::size_t k = 0; k + 1 < all.size(); k += 2) values[static_cast<std::size_t>(all[k])] = all[k + 1];
  return values;
}

void Simulation::set_state(const std::string& population, const std::string& variable, const std::vector<double>& values) {
  const Impl& m = *impl_;
  const auto [p, g] = m.group(population, "set_state");
  const auto var = static_cast<std::size_t>(m.variable_index(p, variable, "set_state"));
  if (values.size() != m.spec.populations[p].size)
    throw InputError("set_state", "values", std::to_string(values.size()) + " values",
                     std::to_string(m.spec.populations[p].size) + " (one per neuron of " + population + ")");
  for (std::size_t i = 0; g && i < g->size(); ++i) g->set_variable(i, var, values[g->node_ids[i]]);
}

void Simulation::set_state(const std::string& population, const std::string& variable, double value) {
  const auto p = impl_->spec.population_index(population);
  set_state(population, variable, std::vector<double>(p ? impl_->spec.populations[*p].size : 0, value));
}

void Simulation::set_rate(const std::string& stimulus, double rate_hz) {
  Impl& m = *impl_;
  const std::size_t k = m.stimulus_index(stimulus, StimulusType::poisson_generator, "set_rate");
  if (!(rate_hz >= 0) || !std::isfinite(rate_hz))
    throw InputError("set_rate", "rate", std::to_string(rate_hz) + " Hz", "a rate of 0 Hz or more");
  m.apply({m.now, static_cast<std::uint32_t>(k), rate_hz, {}});
}

void Simulation::set_amplitude(const std::string& stimulus, double amplitude_pa) {
  Impl& m = *impl_;
  const std::size_t k = m.stimulus_index(stimulus, StimulusType::dc_generator, "set_amplitude");
  if (!std::isfinite(amplitude_pa)) throw InputError("set_amplitude", "amplitude", std::to_string(amplitude_pa), "a current in pA");
  m.apply({m.now, static_cast<std::uint32_t>(k), amplitude_pa, {}});
}

void Simulation::add_spike_times(const std::string& stimulus, const std::vector<double>& times_ms) {
  Impl& m = *impl_;
  const std::size_t k = m.stimulus_index(stimulus, StimulusType::spike_generator, "add_spike_times");
  const double dt = m.spec.run.dt;
  for (double t : times_ms)
    if (!on_grid(t, dt) || to_steps(t, dt) - 1 < m.now)
      throw InputError("add_spike_times", "times", std::to_string(t) + " ms",
                       "times on the dt grid after the simulation's time, " +
                           std::to_string(static_cast<double>(m.now) * dt) + " ms");
  m.apply({m.now, static_cast<std::uint32_t>(k), 0.0, times_ms});
}

namespace {

/// Throws unless `parameter` of rule `model` may change during a run: any
/// but time constants and delays, which size the build's decay tables.
void require_changeable(const SynapseModelInfo& model, const std::string& parameter) {
  const std::string where = "set_synapse_parameter";
  const auto f = std::find_if(model.parameters.begin(), model.parameters.end(),
                              [&](const FieldInfo& x) { return x.name == parameter; });
  std::string names;
  for (const FieldInfo& x : model.parameters)
    if (x.dim != Dimension::time) names += (names.empty() ? "" : ", ") + x.name;
  if (f == model.parameters.end())
    throw InputError(where, "parameter", parameter,
                     "a parameter of " + model.name + " that may change during a run (" + names +
                         (model.pairs ? ", scaling.beta, scaling.target_rate" : "") + ")");
  if (f->dim == Dimension::time)
    throw InputError(where, "parameter", parameter,
                     "a parameter other than a time constant or delay (those are fixed at the build): " + names);
}

}  // namespace

void Simulation::set_synapse_parameter(std::size_t projection, const std::string& parameter, double value) {
  Impl& m = *impl_;
  const std::string where = "set_synapse_parameter";
  if (projection >= m.spec.projections.size())
    throw InputError(where, "projection", std::to_string(projection),
                     "the index of one of the model's " + std::to_string(m.spec.projections.size()) + " projections");
  const ProjectionSpec& spec = m.spec.projections[projection];
  const SynapseModelInfo* model = find_synapse_model(spec.synapse_model);
  if (!model || !model->plastic)
    throw InputError(where, "projection", std::to_string(projection),
                     "a plastic projection (this one's synapses are " + spec.synapse_model + ", fixed)");
  const bool scaling = parameter == "scaling.beta" || parameter == "scaling.target_rate";
  if (scaling && !spec.scaling.on())
    throw InputError(where, "parameter", parameter, "a projection built with synaptic scaling (scaling.beta != 0 in the model)");
  if (scaling) {
    // beta = 0 pauses scaling (in a model file scaling needs beta > 0 to be on at all).
    if (!(value >= 0 && std::isfinite(value)))
      throw InputError(where, parameter, std::to_string(value),
                       parameter == "scaling.beta" ? "a scaling rate >= 0 (0 pauses it)" : "a rate >= 0 Hz");
  } else {
    require_changeable(*model, parameter);
    ProjectionSpec now = m.projection_now(projection);
    now.synapse_params[parameter] = value;
    now.scaling = spec.scaling;  // paused scaling (beta = 0) is valid here, not in a model file
    try {
      check_projection(m.spec, now, projection);
    } catch (const InputError& e) {
      throw InputError(where + ": " + e.what());
    }
  }
  m.apply({m.now, static_cast<std::uint32_t>(projection), parameter, value});
}

std::string Simulation::checkpoint(const std::string& dir) {
  Impl& m = *impl_;
  const std::string d = dir.empty() ? m.checkpoint_dir : dir;
  if (m.rank == 0) prepare_output_dir(d);
  return m.write_checkpoint_now(d).path;
}

RunSummary Simulation::summary() const { return impl_->summarise(); }

RunSummary Simulation::finish() {
  Impl& m = *impl_;
  if (m.finished) throw InputError("finish", "", "", "one call (the simulation is finished)");
  m.finished = true;
  m.recording->finish(m.net, m.now);
  // A run stopped by a signal continues from its checkpoint, which holds
  // the plastic state; only a finished run writes the final weights.
  if (m.options.write_outputs && !m.s.stopped_by_signal)
    write_plastic_edges((std::filesystem::path(m.options.output_dir) / "synapses.h5").string(), m.spec, m.net, m.now,
                        m.comm);
  const RunSummary r = m.summarise();
  if (m.options.write_outputs && m.rank == 0)
    write_text_file((std::filesystem::path(m.options.output_dir) / "summary.json").string(),
                    summary_json(r, m.spec, hex(structure_hash(m.spec))));
  if (!m.s.stopped_by_signal) m.report_progress("finished");
  return r;
}

namespace {

/// Every spike of a finished report (a restored run's included), on rank 0.
SpikeTrains report_spikes(const ModelSpec& spec, const std::string& output_dir, MPI_Comm comm) {
  SpikeTrains t;
  t.node_ids.resize(spec.populations.size());
  t.times.resize(spec.populations.size());
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return t;
  for (PopulationSpikes& p : read_spike_file((std::filesystem::path(output_dir) / "spikes.h5").string())) {
    const std::size_t k = *spec.population_index(p.population);
    t.node_ids[k] = std::move(p.node_ids);
    t.times[k] = std::move(p.timestamps);
  }
  return t;
}

}  // namespace

namespace {

/// run() failed: progress.json says so and why, when its folder exists
/// (a rank that fails alone is named by its own message on stderr).
void report_failure(const ModelSpec& spec, const RunOptions& options, const std::string& state, const std::string& why) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::error_code ec;
  if (!options.write_outputs || rank != 0 || !std::filesystem::is_directory(options.output_dir, ec)) return;
  ProgressState p;
  p.state = state;
  p.model = spec.name;
  p.t_stop_ms = spec.run.t_stop;
  p.message = why;
  try {
    write_progress_file((std::filesystem::path(options.output_dir) / "progress.json").string(), p);
  } catch (const std::exception&) {
    // The error being reported matters more than the file.
  }
}

}  // namespace

RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out) {
  // A lambda, not a helper: it needs the friend's access to impl_.
  const auto run_once = [&] {
    RunOptions o = options;
    o.keep_spikes = spikes_out != nullptr && !options.write_outputs;
    const Context context(MPI_COMM_WORLD, options.threads);
    Simulation sim(spec, context, o);
    if (to_steps(sim.time(), spec.run.dt) >= to_steps(spec.run.t_stop, spec.run.dt))
      throw InputError("run.t_stop", "", std::to_string(spec.run.t_stop) + " ms",
                       "a stop time after the checkpoint's " + std::to_string(sim.time()) + " ms");
    sim.impl_->run_until(spec.run.t_stop, true);
    const RunSummary s = sim.finish();
    if (spikes_out)
      *spikes_out = options.write_outputs && !s.stopped_by_signal
                        ? report_spikes(spec, options.output_dir, context.communicator())
                        : sim.spikes();
    return s;
  };
  try {
    return run_once();
  } catch (const StoppedBySignal& e) {
    report_failure(spec, options, "stopped", e.what());
    throw;
  } catch (const std::exception& e) {
    report_failure(spec, options, "failed", e.what());
    throw;
  }
}

}  // namespace myelin
