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

/// One call of simulate(): the state the threads share, and the steps of
/// a slice. Thread work (update, deliver) and the master's end of the
/// slice (record, exchange, stop decisions, generators) alternate between
/// barriers; the hot loops are in the neuron groups and delivery.
class SliceLoop {
 public:
  SliceLoop(Network& net, Step t_begin, Step t_end, SpikeRecorder& recording, int threads, Progress& bar,
            SimulationOutput& out, SpikeExchange& exchange, CheckpointTrigger* trigger, const SliceObserver* observe)
      : net_(net), t_end_(t_end), recording_(recording), bar_(bar), out_(out), exchange_(exchange), trigger_(trigger),
        observe_(observe), thread_spikes_(static_cast<std::size_t>(threads)), gen_cursor_(net.generators.size(), 0),
        t_update_(static_cast<std::size_t>(threads), 0.0), t_deliver_(t_update_) {
    const std::size_t n_pop = net.pop_first_gid.size();
    if (out.spike_counts.size() != n_pop) out.spike_counts.assign(n_pop, 0);
    slot_.resize(n_pop);
    for (std::size_t p = 0; p < n_pop; ++p) slot_[p] = recording.slot(p);
    ctx_.seed = net.seed;
    ctx_.ring = &net.ring;
    ctx_.t0 = t_begin;
    ctx_.steps = static_cast<int>(slice_end(t_begin) - t_begin);
    if (t_begin < t_end) prepare_probes(net, ctx_.t0, ctx_.steps);
  }

  /// Runs the slices on `threads` threads; returns the step reached.
  Step run(int threads) {
    std::uint64_t events = 0;
#pragma omp parallel num_threads(threads) reduction(+ : events)
    {
      const auto tid = static_cast<std::size_t>(omp_get_thread_num());
      for (;;) {
        // ctx_ changes only in the master section, between barriers.
        if (ctx_.t0 >= t_end_) break;
        update(tid, events);
#pragma omp barrier
        // MPI is called from the master thread only (MPI_THREAD_FUNNELED).
#pragma omp master
        end_slice();
#pragma omp barrier
        if (stop_) break;
        // Local spikes are delivered while this slice's messages travel.
        // Each thread writes only its own neurons' slots, and the next
        // update reads only those, so no barrier is needed before it.
        deliver_all(tid, slice_spikes_, events);
        if (receive_now_) {
          // Remote spikes that must act in the next slice; the schedule is
          // the same on every thread, so all or none take this barrier.
#pragma omp master
          receive_remote();
#pragma omp barrier
          if (stop_) break;
          deliver_all(tid, remote_, events);
        }
        if (flush_now_) break;
      }
    }
    out_.events += events;
    out_.exchange = exchange_.counters();
    out_.update_s += *std::max_element(t_update_.begin(), t_update_.end());
    out_.deliver_s += *std::max_element(t_deliver_.begin(), t_deliver_.end());
    if (error_) std::rethrow_exception(error_);
    return ctx_.t0;
  }

 private:
  /// The end of the slice starting at t0: the next multiple of the minimum
  /// delay (so the exchange schedule stays aligned after a restore), a
  /// scheduled checkpoint, or t_end.
  Step slice_end(Step t0) const {
    const Step m = net_.min_delay;
    Step t1 = std::min((t0 / m + 1) * m, t_end_);
    if (trigger_) t1 = std::min(t1, trigger_->next_scheduled(t0));
    return t1;
  }

  /// Runs f, keeping the first exception for the caller (threads must not
  /// throw out of the parallel region).
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (...) {
#pragma omp critical(myelin_sim_error)
      if (!error_) error_ = std::current_exception();
    }
  }

  /// This thread's neurons through the slice.
  void update(std::size_t tid, std::uint64_t& events) {
    auto& mine = thread_spikes_[tid];
    mine.clear();
    const double u0 = omp_get_wtime();
    guarded([&] {
      if (net_.plastic.empty()) {
        for (const TargetRange& r : net_.thread_ranges[tid]) net_.groups[r.group]->update(ctx_, r.begin, r.end, mine);
      } else {
        update_plastic(tid, events);
      }
    });
    t_update_[tid] += omp_get_wtime() - u0;
  }

  /// With plastic synapses the slice goes step by step: arrivals, update,
  /// then the postsynaptic part of the rule for each spike of the step.
  void update_plastic(std::size_t tid, std::uint64_t& events) {
    auto& mine = thread_spikes_[tid];
    SliceContext one = ctx_;
    one.steps = 1;
    for (Step k = ctx_.t0; k < ctx_.t0 + ctx_.steps; ++k) {
      // Three-factor synapses are brought up to date at fixed steps, the
      // same whatever the slices and checkpoints, so results stay exact.
      for (PlasticProjection& pr : net_.plastic)
        if (k > 0 && k % pr.consolidate_every == 0) pr.consolidate(tid, k);
      for (PlasticProjection& pr : net_.plastic) events += pr.arrive(tid, k, net_.ring);
      one.t0 = k;
      const std::size_t before = mine.size();
      for (const TargetRange& r : net_.thread_ranges[tid]) net_.groups[r.group]->update(one, r.begin, r.end, mine);
      for (std::size_t j = before; j < mine.size(); ++j) {
        const std::uint32_t l = mine[j].local;
        const std::size_t pop = net_.groups[net_.local_group[l]]->population;
        for (PlasticProjection& pr : net_.plastic)
          if (pr.target_population == pop) pr.fire(l, k);
      }
      for (PlasticProjection& pr : net_.plastic)
        if (pr.scaling.on)
          for (const TargetRange& r : net_.thread_ranges[tid]) {
            const NeuronGroup& g = *net_.groups[r.group];
            if (g.population == pr.target_population) pr.scale(k, g.first_local + r.begin, g.first_local + r.end);
          }
    }
  }

  /// Delivers a list of spikes into this thread's neurons, timed.
  void deliver_all(std::size_t tid, const std::vector<SourceSpike>& spikes, std::uint64_t& events) {
    const double d0 = omp_get_wtime();
    const ConnectivityPart& part = net_.connectivity.parts[tid];
    for (const SourceSpike& s : spikes) events += deliver(part, s.gid, s.step, net_.ring);
    // Plastic synapses act at arrival, in step order (plastic_store.hpp).
    for (PlasticProjection& pr : net_.plastic)
      for (const SourceSpike& s : spikes) pr.enqueue(tid, s.gid, s.step);
    t_deliver_[tid] += omp_get_wtime() - d0;
  }

  /// The master's part between the update and delivery.
  void end_slice() {
    collect_spikes();
    if (observe_ && *observe_ && !error_) guarded([&] { (*observe_)(slice_spikes_); });
    const Step t1 = ctx_.t0 + ctx_.steps;
    if (!error_) guarded([&] { exchange_.post(slice_spikes_, t1); });
    flush_now_ = false;
    if (trigger_ && !error_) guarded([&] {
        flush_now_ = trigger_->stop_at(t1, recording_.over_budget(net_));
        // At a stop the caller flushes the recording before the checkpoint.
        if (!flush_now_ && trigger_->flush_due()) recording_.flush(net_, t1);
      });
    receive_now_ = flush_now_ || exchange_.receive_due(t1);
    add_generator_spikes(t1);
    bar_.update(static_cast<double>(t1) * net_.dt, out_.spikes_emitted);
    ctx_.t0 = t1;
    ctx_.steps = static_cast<int>(slice_end(t1) - t1);
    if (!flush_now_ && ctx_.steps > 0) prepare_probes(net_, ctx_.t0, ctx_.steps);
    // A failed rank stops here; the caller aborts the job (MPI_Abort), so
    // no other rank waits for it forever.
    stop_ = error_ != nullptr;
  }

  /// This rank's spikes of the slice in (step, gid) order, the order they
  /// are recorded in (delivery order does not matter: fixed-point sums),
  /// counted and recorded with population-local ids.
  void collect_spikes() {
    slice_spikes_.clear();
    for (const auto& v : thread_spikes_)
      for (const LocalSpike& s : v) {
        slice_spikes_.push_back({s.step, net_.local_gid[s.local]});
        ++out_.spike_counts[net_.groups[net_.local_group[s.local]]->population];
      }
    std::sort(slice_spikes_.begin(), slice_spikes_.end());
    out_.spikes_emitted += slice_spikes_.size();
    std::vector<PopulationSpikes>& recorded = recording_.spikes();
    for (const SourceSpike& s : slice_spikes_) {
      const std::size_t pop = net_.population_of(s.gid);
      const int k = slot_[pop];
      if (k < 0) continue;
      recorded[static_cast<std::size_t>(k)].node_ids.push_back(s.gid - net_.pop_first_gid[pop]);
      recorded[static_cast<std::size_t>(k)].timestamps.push_back(static_cast<double>(s.step + 1) * net_.dt);
    }
  }

  /// Spike generators emitting in the slice ending at t1: every rank knows
  /// their times, so they are added locally, never exchanged.
  void add_generator_spikes(Step t1) {
    for (std::size_t g = 0; g < net_.generators.size(); ++g) {
      const auto& steps = net_.generators[g].steps;
      while (gen_cursor_[g] < steps.size() && steps[gen_cursor_[g]] < t1) {
        if (steps[gen_cursor_[g]] >= ctx_.t0) slice_spikes_.push_back({steps[gen_cursor_[g]], net_.generators[g].gid});
        ++gen_cursor_[g];
      }
    }
  }

  void receive_remote() {
    try {
      if (flush_now_) exchange_.flush(remote_, ctx_.t0);
      else exchange_.receive(remote_, ctx_.t0);
    } catch (...) {
      error_ = std::current_exception();
      remote_.clear();
    }
    stop_ = error_ != nullptr;
  }

  Network& net_;
  const Step t_end_;
  SpikeRecorder& recording_;
  Progress& bar_;
  SimulationOutput& out_;
  SpikeExchange& exchange_;
  CheckpointTrigger* trigger_;
  const SliceObserver* observe_;
  std::vector<int> slot_;  ///< recorder slot per population
  std::vector<std::vector<LocalSpike>> thread_spikes_;
  std::vector<SourceSpike> slice_spikes_, remote_;
  std::vector<std::size_t> gen_cursor_;
  std::vector<double> t_update_, t_deliver_;
  SliceContext ctx_;
  std::exception_ptr error_;
  bool receive_now_ = false, flush_now_ = false, stop_ = false;
};

}  // namespace

Step simulate(Network& net, Step t_begin, Step t_end, SpikeRecorder& recording, int threads, Progress& bar,
              SimulationOutput& out, SpikeExchange& exchange, CheckpointTrigger* trigger,
              const SliceObserver* observe) {
  return SliceLoop(net, t_begin, t_end, recording, threads, bar, out, exchange, trigger, observe).run(threads);
}

}  // namespace myelin
