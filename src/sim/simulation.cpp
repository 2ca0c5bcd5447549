#include "myelin/simulation.hpp"

#include <mpi.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <map>
#include <optional>

#include "core/resources.hpp"
#include "exchange/delay_aware_exchange.hpp"
#include "exchange/exchange_plan.hpp"
#include "exchange/global_exchange.hpp"
#include "core/stop_signal.hpp"
#include "io/atomic_file.hpp"
#include "io/checkpoint.hpp"
#include "io/row_exchange.hpp"
#include "io/checkpoint_files.hpp"
#include "io/model_hash.hpp"
#include "io/placement_file.hpp"
#include "io/plastic_state.hpp"
#include "io/summary_json.hpp"
#include "io/units.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"
#include "partition/placement.hpp"
#include "sim/checkpoint_trigger.hpp"
#include "sim/engine.hpp"
#include "sim/network.hpp"
#include "sim/recording.hpp"

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

Step checked_step(double ms, double dt, const std::string& option) {
  if (!(ms > 0) || !on_grid(ms, dt))
    throw InputError(option, "", std::to_string(ms), "a positive multiple of dt = " + std::to_string(dt) + " ms");
  return to_steps(ms, dt);
}

/// Loads a checkpoint into the freshly built network; returns where its
/// recordings stand, and its step in `step`.
RecorderCheckpoint restore_run(const ModelSpec& spec, const std::string& path, Network& net,
                               const Placement& placement, const std::vector<bool>& record, Step t_end,
                               SimulationOutput& out, Step& step, MPI_Comm comm) {
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
  if (h.step >= t_end)
    throw InputError("--t-stop", "", std::to_string(static_cast<double>(t_end) * spec.run.dt) + " ms",
                     "a stop time after the checkpoint's " + std::to_string(static_cast<double>(h.step) * h.dt) + " ms");
  std::vector<std::string> recorded;
  for (std::size_t p = 0; p < spec.populations.size(); ++p)
    if (record[p]) recorded.push_back(spec.populations[p].name);
  RecorderCheckpoint rec = restore_checkpoint(path, h, net, placement, recorded, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  out.spike_counts.assign(spec.populations.size(), 0);
  // Totals are summed over ranks at the end: rank 0 carries the past.
  if (rank == 0) out.spike_counts = h.spike_counts;
  step = h.step;
  return rec;
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

}  // namespace

RunSummary run(const ModelSpec& spec, const RunOptions& options, SpikeTrains* spikes_out) {
  int mpi_up = 0;
  MPI_Initialized(&mpi_up);
  if (!mpi_up) {
    // Library use without MPI_Init (tests, embedding): run as one rank.
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    std::atexit([] {
      int done = 0;
      MPI_Finalized(&done);
      if (!done) MPI_Finalize();
    });
  }
  const MPI_Comm comm = MPI_COMM_WORLD;
  int ranks = 1, rank = 0;
  MPI_Comm_size(comm, &ranks);
  MPI_Comm_rank(comm, &rank);
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
  // From the start: a signal during the build is acted on at the first
  // safe point instead of killing the process.
  std::optional<StopSignals> signals;
  if (options.checkpoint_on_signal) signals.emplace();
  if (options.exchange != "global" && options.exchange != "delay-aware")
    throw InputError("--exchange", "", options.exchange, "global or delay-aware");
  // Every rank computes (or reads) the same placement; checked below.
  const std::unique_ptr<Placement> placement =
      options.placement_file.empty()
          ? make_placement(options.partition, ranks, spec, {options.chunk_size, options.imbalance_tolerance})
          : std::unique_ptr<Placement>(read_placement_file(options.placement_file, spec, ranks));
  check_same_placement(spec, *placement, comm);
  if (options.write_outputs && rank == 0) prepare_output_dir(options.output_dir);

  RunSummary s;
  s.ranks = ranks;
  s.threads = threads;
  s.placement = placement->name();
  WallTimer build_timer;
  Network net = build_network(spec, threads, *placement, rank);
  // State samples go only to report files.
  if (options.write_outputs) attach_probes(spec, net);
  // The slice is the global minimum delay: a rank may only run ahead as far
  // as the shortest delay from any other rank allows.
  const bool has_synapses = net.synapses() > 0;
  std::uint64_t local_min = has_synapses ? static_cast<std::uint64_t>(net.min_delay) : ~0ull, global_min = 0;
  MPI_Allreduce(&local_min, &global_min, 1, MPI_UINT64_T, MPI_MIN, comm);
  std::uint64_t global_max = 0, local_max = has_synapses ? static_cast<std::uint64_t>(net.max_delay) : 0;
  MPI_Allreduce(&local_max, &global_max, 1, MPI_UINT64_T, MPI_MAX, comm);
  net.min_delay = global_min == ~0ull ? 10 : static_cast<Step>(global_min);
  const ExchangePlan plan = build_plan(incoming_sources(net), static_cast<std::uint64_t>(net.min_delay), *placement,
                                       net.local_gid, comm);
  MPI_Barrier(comm);
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
  Step t_begin = 0;
  std::optional<RecorderCheckpoint> resumed;
  if (!options.restore.empty()) {
    s.restored_from = resolve_checkpoint(options.restore);
    resumed = restore_run(spec, s.restored_from, net, *placement, record, t_end, out, t_begin, comm);
  }
  if (!(options.record_buffer_mb > 0))
    throw InputError("--record-buffer", "", std::to_string(options.record_buffer_mb), "a positive size in MB");
  Recording recording(spec, net, record, options.write_outputs ? options.output_dir : std::string(),
                      static_cast<std::size_t>(options.record_buffer_mb * 1048576.0), new_run_id(spec, comm), comm,
                      resumed ? &*resumed : nullptr, t_begin);
  resumed.reset();
  CheckpointSchedule schedule;
  schedule.on_signal = options.checkpoint_on_signal;
  if (options.checkpoint_every_ms > 0)
    schedule.every = checked_step(options.checkpoint_every_ms, spec.run.dt, "--checkpoint-every");
  for (double ms : options.checkpoint_at_ms) {
    const Step k = checked_step(ms, spec.run.dt, "--checkpoint-at");
    if (k > t_begin && k <= t_end) schedule.at.push_back(k);
  }
  const std::string checkpoint_dir =
      options.checkpoint_dir.empty() ? (std::filesystem::path(options.output_dir) / "checkpoints").string()
                                     : options.checkpoint_dir;
  if (rank == 0 && (schedule.every > 0 || !schedule.at.empty())) prepare_output_dir(checkpoint_dir);

  WallTimer sim_timer;
  std::unique_ptr<SpikeExchange> exchange;
  if (options.exchange == "global") exchange = std::make_unique<GlobalExchange>(comm);
  else exchange = std::make_unique<DelayAwareExchange>(plan, net.local_gid, t_begin, t_end, comm);
  {
    // Signals are polled every 16 slices: a few ms of biological time.
    CheckpointTrigger trigger(schedule, t_end, 16 * net.min_delay, comm);
    Progress bar(static_cast<double>(t_begin) * spec.run.dt, static_cast<double>(t_end) * spec.run.dt,
                 options.progress && rank == 0);
    Step t = t_begin;
    while (t < t_end) {
      t = simulate(net, t, t_end, recording, threads, bar, out, *exchange, &trigger);
      if (trigger.stopped_at() != t) continue;
      if (rank == 0 && trigger.signal()) prepare_output_dir(checkpoint_dir);
      CheckpointHeader h;
      h.model_name = spec.name;
      h.model_hash = hex(structure_hash(spec));
      h.model_text = spec.source_text;
      h.model_path = std::filesystem::absolute(spec.source_file).string();
      h.dt = spec.run.dt;
      h.step = t;
      h.seed = spec.run.seed;
      h.ranks = ranks;
      h.threads = threads;
      h.neurons = net.n_neurons;
      for (const auto& p : spec.populations) h.populations.push_back(p.name);
      h.spike_counts.resize(out.spike_counts.size());
      MPI_Allreduce(out.spike_counts.data(), h.spike_counts.data(), static_cast<int>(h.spike_counts.size()),
                    MPI_UINT64_T, MPI_SUM, comm);
      WallTimer wt;
      // The reports are written up to t and made durable before the
      // checkpoint records how far they go.
      recording.flush(net, t);
      const RecorderCheckpoint rec = recording.checkpoint_state();
      CheckpointRecord c;
      c.path = commit_checkpoint(checkpoint_dir, checkpoint_file_name(t, spec.run.dt), options.checkpoint_keep,
                                 [&](const std::string& temp) {
                                   write_checkpoint(temp, h, net, rec, comm);
                                 },
                                 comm);
      c.write_s = wt.seconds();
      c.time_ms = static_cast<double>(t) * spec.run.dt;
      std::error_code ec;
      c.bytes = rank == 0 ? static_cast<std::uint64_t>(std::filesystem::file_size(c.path, ec)) : 0;
      s.checkpoints.push_back(c);
      if (trigger.signal()) {
        s.stopped_by_signal = trigger.signal();
        break;
      }
    }
    bar.finish(static_cast<double>(t) * spec.run.dt, out.spikes_emitted);
    s.t_reached_ms = static_cast<double>(t) * spec.run.dt;
  }
  s.t_start_ms = static_cast<double>(t_begin) * spec.run.dt;
  // Checkpoint writing is reported per checkpoint, not as simulation.
  s.sim_time_s = sim_timer.seconds();
  for (const auto& c : s.checkpoints) s.sim_time_s -= c.write_s;

  s.neurons = net.n_neurons;
  s.synapses = sum_all(net.synapses(), comm);
  s.connectivity_bytes = sum_all(net.synapse_bytes(), comm);
  s.bytes_per_synapse = s.synapses ? static_cast<double>(s.connectivity_bytes) / static_cast<double>(s.synapses) : 0.0;
  {
    std::uint64_t n = 0, b = 0;
    for (const auto& pr : net.plastic) {
      n += pr.synapses();
      b += pr.bytes();
    }
    s.plastic_synapses = sum_all(n, comm);
    const std::uint64_t pb = sum_all(b, comm);
    s.plastic_bytes_per_synapse = s.plastic_synapses ? static_cast<double>(pb) / static_cast<double>(s.plastic_synapses) : 0.0;
  }
  s.bio_time_ms = s.t_reached_ms;
  const double simulated_ms = s.t_reached_ms - s.t_start_ms;
  s.real_time_factor = simulated_ms > 0 ? s.sim_time_s / (simulated_ms * 1e-3) : 0.0;
  s.events_delivered = sum_all(out.events, comm);
  s.events_per_second = s.sim_time_s > 0 ? static_cast<double>(s.events_delivered) / s.sim_time_s : 0.0;
  s.steps = static_cast<std::uint64_t>(std::llround(s.t_reached_ms / spec.run.dt));
  s.min_delay_steps = global_min == ~0ull ? 0 : global_min;
  s.max_delay_steps = global_max;
  s.exchange_scheme = exchange->name();
  s.exchange_synchronisations = out.exchange.synchronisations;
  const ExchangeCounters& xc = out.exchange;
  s.synchronisations_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.synchronisations}, comm);
  s.messages_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.messages}, comm);
  s.bytes_sent_per_rank = gather_to_root(std::vector<std::uint64_t>{xc.bytes_sent}, comm);
  s.update_s_per_rank = gather_to_root(std::vector<double>{out.update_s}, comm);
  s.deliver_s_per_rank = gather_to_root(std::vector<double>{out.deliver_s}, comm);
  s.exchange_s_per_rank = gather_to_root(std::vector<double>{xc.exchange_s}, comm);
  s.wait_s_per_rank = gather_to_root(std::vector<double>{xc.wait_s}, comm);
  if (rank == 0 && !s.update_s_per_rank.empty()) {
    double mx = 0, sum = 0;
    for (double x : s.update_s_per_rank) {
      mx = std::max(mx, x);
      sum += x;
    }
    s.load_imbalance = sum > 0 ? mx / (sum / static_cast<double>(s.update_s_per_rank.size())) : 1.0;
  }
  s.exchange_messages = sum_all(xc.messages, comm);
  const std::uint64_t received = sum_all(xc.messages_received, comm), slack = sum_all(xc.slack_steps, comm);
  s.mean_slack_steps = received ? static_cast<double>(slack) / static_cast<double>(received) : 0.0;
  s.exchange_bytes_sent = sum_all(xc.bytes_sent, comm);
  // Per-tier counters: ranks may know different numbers of tiers.
  std::uint64_t my_tiers = xc.tier_messages.size(), n_tiers = 0;
  MPI_Allreduce(&my_tiers, &n_tiers, 1, MPI_UINT64_T, MPI_MAX, comm);
  for (const auto* v : {&xc.tier_messages, &xc.tier_bytes}) {
    std::vector<std::uint64_t> mine(*v), all(n_tiers, 0);
    mine.resize(n_tiers, 0);
    MPI_Allreduce(mine.data(), all.data(), static_cast<int>(n_tiers), MPI_UINT64_T, MPI_SUM, comm);
    (v == &xc.tier_messages ? s.tier_messages : s.tier_bytes) = std::move(all);
  }
  // The plan's D(a, b) matrix (rows gathered from every rank) and tiers.
  s.delay_matrix = gather_to_root(plan.delay_out, comm);
  std::uint64_t tiers = plan.tiers(), max_tiers = 0;
  MPI_Allreduce(&tiers, &max_tiers, 1, MPI_UINT64_T, MPI_MAX, comm);
  s.exchange_tiers = max_tiers;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    PopulationResult r;
    r.name = spec.populations[p].name;
    r.size = spec.populations[p].size;
    r.spikes = sum_all(out.spike_counts[p], comm);
    r.rate_hz = static_cast<double>(r.spikes) / (static_cast<double>(r.size) * s.bio_time_ms * 1e-3);
    s.populations.push_back(r);
  }

  recording.finish(net, static_cast<Step>(std::llround(s.t_reached_ms / spec.run.dt)));
  // A run stopped by a signal continues from its checkpoint, which holds
  // the plastic state; only a finished run writes the final weights.
  if (options.write_outputs && !s.stopped_by_signal)
    write_plastic_edges((std::filesystem::path(options.output_dir) / "synapses.h5").string(), spec, net,
                        static_cast<Step>(std::llround(s.t_reached_ms / spec.run.dt)), comm);
  // Library callers get every spike on rank 0, in the order one rank
  // records them in: by time, then node id.
  s.report_appends = recording.appends();
  s.report_write_s = recording.write_seconds();
  if (spikes_out) recording.all_spikes(spikes_out->node_ids, spikes_out->times);
  double mem = peak_memory_mb(), mem_max = 0;
  MPI_Allreduce(&mem, &mem_max, 1, MPI_DOUBLE, MPI_MAX, comm);
  s.peak_memory_mb = mem_max;
  if (options.write_outputs && rank == 0)
    write_text_file((std::filesystem::path(options.output_dir) / "summary.json").string(), summary_json(s, spec));
  return s;
}

}  // namespace myelin
