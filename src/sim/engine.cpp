#include "sim/engine.hpp"

#include <omp.h>

#include <algorithm>
#include <exception>

#include "core/progress.hpp"
#include "exchange/spike.hpp"
#include "sim/delivery.hpp"

namespace myelin {
namespace {

/// Allocates the probe rows of every group for the slice starting at t0.
void prepare_probes(Network& net, Step t0, Step steps) {
  for (auto& g : net.groups) {
    StateProbe* pr = g->probe.get();
    if (!pr) continue;
    const Step first = (t0 + 1 + pr->interval - 1) / pr->interval;  // samples at (k+1) = j*interval
    const Step last = (t0 + steps) / pr->interval;
    pr->slice_first = first;
    pr->slice_row0 = pr->width() ? pr->data.size() / pr->width() : 0;
    if (last >= first) pr->data.resize(pr->data.size() + static_cast<std::size_t>(last - first + 1) * pr->width());
  }
}

}  // namespace

Step simulate(Network& net, Step t_begin, Step t_end, SpikeRecorder& recording, int threads, Progress& bar,
              SimulationOutput& out, SpikeExchange& exchange, CheckpointTrigger* trigger,
              const SliceObserver* observe) {
  const std::size_t n_pop = net.pop_first_gid.size();
  if (out.spike_counts.size() != n_pop) out.spike_counts.assign(n_pop, 0);
  std::vector<PopulationSpikes>& recorded = recording.spikes();
  std::vector<int> slot(n_pop);
  for (std::size_t p = 0; p < n_pop; ++p) slot[p] = recording.slot(p);

  const Step m = net.min_delay;
  // The end of the slice starting at t0: the next multiple of m (so the
  // exchange schedule stays aligned after a restore), a scheduled
  // checkpoint, or t_end.
  const auto slice_end = [&](Step t0) {
    Step t1 = std::min((t0 / m + 1) * m, t_end);
    if (trigger) t1 = std::min(t1, trigger->next_scheduled(t0));
    return t1;
  };
  std::vector<std::vector<LocalSpike>> thread_spikes(static_cast<std::size_t>(threads));
  std::vector<SourceSpike> slice_spikes;
  std::vector<std::size_t> gen_cursor(net.generators.size(), 0);
  SliceContext ctx;
  ctx.seed = net.seed;
  ctx.ring = &net.ring;
  ctx.t0 = t_begin;
  ctx.steps = static_cast<int>(slice_end(t_begin) - t_begin);
  if (t_begin < t_end) prepare_probes(net, ctx.t0, ctx.steps);
  std::exception_ptr error;

  std::uint64_t events = 0;
  std::vector<double> t_update(static_cast<std::size_t>(threads), 0.0), t_deliver(t_update);
  std::vector<SourceSpike> remote;
  bool receive_now = false, flush_now = false, stop = false;
#pragma omp parallel num_threads(threads) reduction(+ : events)
  {
    const auto tid = static_cast<std::size_t>(omp_get_thread_num());
    auto& mine = thread_spikes[tid];
    const ConnectivityPart& part = net.connectivity.parts[tid];
    // Delivers a list of spikes into this thread's neurons, timed.
    const auto deliver_all = [&](const std::vector<SourceSpike>& spikes) {
      const double d0 = omp_get_wtime();
      for (const SourceSpike& s : spikes) events += deliver(part, s.gid, s.step, net.ring);
      // Plastic synapses act at arrival, in step order (plastic_store.hpp).
      for (PlasticProjection& pr : net.plastic)
        for (const SourceSpike& s : spikes) pr.enqueue(tid, s.gid, s.step);
      t_deliver[tid] += omp_get_wtime() - d0;
    };
    // With plastic synapses the slice goes step by step: arrivals, update,
    // then the postsynaptic part of the rule for each spike of the step.
    const auto update_plastic = [&]() {
      SliceContext one = ctx;
      one.steps = 1;
      for (Step k = ctx.t0; k < ctx.t0 + ctx.steps; ++k) {
        // Three-factor synapses are brought up to date at fixed steps, the
        // same whatever the slices and checkpoints, so results stay exact.
        for (PlasticProjection& pr : net.plastic)
          if (k > 0 && k % pr.consolidate_every == 0) pr.consolidate(tid, k);
        for (PlasticProjection& pr : net.plastic) events += pr.arrive(tid, k, net.ring);
        one.t0 = k;
        const std::size_t before = mine.size();
        for (const TargetRange& r : net.thread_ranges[tid]) net.groups[r.group]->update(one, r.begin, r.end, mine);
        for (std::size_t j = before; j < mine.size(); ++j) {
          const std::uint32_t l = mine[j].local;
          const std::size_t pop = net.groups[net.local_group[l]]->population;
          for (PlasticProjection& pr : net.plastic)
            if (pr.target_population == pop) pr.fire(l, k);
        }
        for (PlasticProjection& pr : net.plastic)
          if (pr.scaling.on)
            for (const TargetRange& r : net.thread_ranges[tid]) {
              const NeuronGroup& g = *net.groups[r.group];
              if (g.population == pr.target_population) pr.scale(k, g.first_local + r.begin, g.first_local + r.end);
            }
      }
    };
    for (;;) {
      // ctx changes only in the master section below, between barriers.
      if (ctx.t0 >= t_end) break;
      mine.clear();
      const double u0 = omp_get_wtime();
      try {
        if (net.plastic.empty()) {
          for (const TargetRange& r : net.thread_ranges[tid]) net.groups[r.group]->update(ctx, r.begin, r.end, mine);
        } else {
          update_plastic();
        }
      } catch (...) {
#pragma omp critical(myelin_sim_error)
        if (!error) error = std::current_exception();
      }
      t_update[tid] += omp_get_wtime() - u0;
#pragma omp barrier
      // MPI is called from the master thread only (MPI_THREAD_FUNNELED).
#pragma omp master
      {
        // This rank's spikes in (step, gid) order: the order they are
        // recorded in. Delivery order does not matter (fixed-point sums).
        slice_spikes.clear();
        for (const auto& v : thread_spikes)
          for (const LocalSpike& s : v) {
            slice_spikes.push_back({s.step, net.local_gid[s.local]});
            ++out.spike_counts[net.groups[net.local_group[s.local]]->population];
          }
        std::sort(slice_spikes.begin(), slice_spikes.end());
        out.spikes_emitted += slice_spikes.size();
        // Recording: population-local ids, already time-sorted.
        for (const SourceSpike& s : slice_spikes) {
          const std::size_t pop = static_cast<std::size_t>(
              std::upper_bound(net.pop_first_gid.begin(), net.pop_first_gid.end(), s.gid) - net.pop_first_gid.begin() - 1);
          const int k = slot[pop];
          if (k < 0) continue;
          recorded[static_cast<std::size_t>(k)].node_ids.push_back(s.gid - net.pop_first_gid[pop]);
          recorded[static_cast<std::size_t>(k)].timestamps.push_back(static_cast<double>(s.step + 1) * net.dt);
        }
        if (observe && *observe && !error) try {
            (*observe)(slice_spikes);
          } catch (...) {
            error = std::current_exception();
          }
        const Step t1 = ctx.t0 + ctx.steps;
        if (!error) try {
            exchange.post(slice_spikes, t1);
          } catch (...) {
            error = std::current_exception();
          }
        flush_now = false;
        if (trigger && !error) try {
            flush_now = trigger->stop_at(t1, recording.over_budget(net));
            // At a stop the caller flushes the recording before the checkpoint.
            if (!flush_now && trigger->flush_due()) recording.flush(net, t1);
          } catch (...) {
            error = std::current_exception();
          }
        receive_now = flush_now || exchange.receive_due(t1);
        // Spike generators emitting in this slice: every rank knows their
        // times, so they are added locally, never exchanged.
        for (std::size_t g = 0; g < net.generators.size(); ++g) {
          const auto& steps = net.generators[g].steps;
          while (gen_cursor[g] < steps.size() && steps[gen_cursor[g]] < t1) {
            if (steps[gen_cursor[g]] >= ctx.t0) slice_spikes.push_back({steps[gen_cursor[g]], net.generators[g].gid});
            ++gen_cursor[g];
          }
        }
        bar.update(static_cast<double>(t1) * net.dt, out.spikes_emitted);
        ctx.t0 = t1;
        ctx.steps = static_cast<int>(slice_end(t1) - t1);
        if (!flush_now && ctx.steps > 0) prepare_probes(net, ctx.t0, ctx.steps);
        // A failed rank stops here; the caller aborts the job (MPI_Abort),
        // so no other rank waits for it forever.
        stop = error != nullptr;
      }
#pragma omp barrier
      if (stop) break;
      // Local spikes are delivered while this slice's messages travel.
      // Each thread writes only its own neurons' slots, and the next
      // update reads only those, so no barrier is needed before it.
      deliver_all(slice_spikes);
      if (receive_now) {
        // Remote spikes that must act in the next slice; the schedule is
        // the same on every thread, so all or none take this barrier.
#pragma omp master
        {
          try {
            if (flush_now) exchange.flush(remote, ctx.t0);
            else exchange.receive(remote, ctx.t0);
          } catch (...) {
            error = std::current_exception();
            remote.clear();
          }
          stop = error != nullptr;
        }
#pragma omp barrier
        if (stop) break;
        deliver_all(remote);
      }
      if (flush_now) break;
    }
  }
  out.events += events;
  out.exchange = exchange.counters();
  out.update_s += *std::max_element(t_update.begin(), t_update.end());
  out.deliver_s += *std::max_element(t_deliver.begin(), t_deliver.end());
  if (error) std::rethrow_exception(error);
  return ctx.t0;
}

}  // namespace myelin
