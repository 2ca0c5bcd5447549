#pragma once
// Plastic synapses on the target rank: one PlasticProjection per projection
// whose synapse model is not static, kept apart from the static store so
// that static synapses still cost 8 bytes.
//
// Layout, per thread part (the part owns its targets, as for static
// synapses, so a thread changes only its own synapses and traces):
//   rows by source (dense over the projection's source population), split
//   into (source, delay) segments, each a run of synapses in increasing
//   target order: target (4 B) and weight (8 B, double so that the rule is
//   exact to 1e-9 and more); per segment, the presynaptic state (the trace,
//   or u and x of short-term plasticity) and the step it was last updated;
//   a target-major index over the whole projection: for each local neuron
//   its synapses in generation order (4 B synapse, 4 B segment), used by
//   postsynaptic spikes and as the canonical order of checkpoints and
//   exports; per local neuron, the postsynaptic trace.
//   So a plastic synapse costs 20 B plus its share of the tables.
//
// Events: a spike emitted in step k is queued, per segment, for its
// arrival step k + d; in step a, before the neurons' update, each arrival
// runs the rule's presynaptic part and adds the weight into the ring
// buffer slot the update reads; after the update, each postsynaptic spike
// runs the postsynaptic part on the neuron's synapses (synapses/stdp.hpp
// has the timing). Every event touches only its own segment's synapses or
// its own neuron's, and ring-buffer sums are fixed point, so the result is
// the same for any number of ranks and threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <array>
#include <type_traits>
#include <variant>
#include <vector>

#include "core/time_grid.hpp"
#include "core/ring_buffer.hpp"
#include "synapses/rule_registry.hpp"

namespace myelin {

/// Presynaptic state of a segment: trace rules use a (and b, the second
/// trace of rules with two); short-term plasticity a = u, b = x. `last` is
/// the arrival step of the last spike (-1: none yet, which short-term
/// plasticity treats as time 0).
struct SegmentState {
  double a = 0.0, b = 0.0;
  Step last = -1;
};

/// Postsynaptic traces of one neuron (y2: rules with two traces; rate:
/// synaptic scaling's rate estimate, 1/ms).
struct PostTrace {
  double y = 0.0, y2 = 0.0, rate = 0.0;
  Step last = -1;
};

/// A postsynaptic spike as the dendritic delay convention remembers it:
/// its step and the neuron's traces just after it.
struct PostSpike {
  Step step;
  double y, y2;
};

/// Synaptic scaling (ProjectionSpec::Scaling) in steps and 1/ms.
struct ScalingRule {
  bool on = false;
  double target = 0.0;     ///< 1/ms
  double tau = 1000.0;     ///< ms
  double gain = 0.0;       ///< beta * interval, in ms (1/ms of rate error -> relative change)
  Step interval = 1000;    ///< steps
};

inline std::int64_t to_fixed(double w) { return static_cast<std::int64_t>(w * 0x1p32); }

struct PlasticPart {
  std::vector<std::uint32_t> row;        ///< per source + 1: first segment
  std::vector<std::uint32_t> seg_begin;  ///< per segment + 1: first synapse
  std::vector<std::uint16_t> seg_delay;  ///< steps
  std::vector<SegmentState> seg_state;
  std::vector<std::uint32_t> target;     ///< rank-local neuron
  std::vector<double> weight;
  /// Segments whose spike arrives in step s, at pending[s & mask].
  std::vector<std::vector<std::uint32_t>> pending;
  /// Three-factor rules: per synapse the eligibility trace and the step it
  /// and the weight were brought up to; the modulator's recent history and
  /// its spikes on their way (gids, at mod_pending[s & mask]).
  std::vector<double> elig;
  std::vector<Step> touched;
  Modulator mod;
  std::vector<std::vector<std::uint64_t>> mod_pending;
  /// Dendritic convention: postsynaptic spikes that meet this part's
  /// synapses of delay D in step s, as (neuron, D) at post_pending[s & post_mask].
  std::vector<std::vector<std::pair<std::uint32_t, std::uint16_t>>> post_pending;

  std::size_t synapses() const { return target.size(); }
  /// The source (0-based in the projection) of segment j.
  std::uint64_t source_of(std::uint32_t j) const;
};

struct PlasticProjection {
  std::size_t projection = 0;         ///< index in ModelSpec::projections
  std::size_t target_population = 0;
  std::uint64_t source_first_gid = 0, n_source = 0;
  double dt = 0.1;
  PlasticRule rule;
  std::vector<PlasticPart> parts;     ///< per thread
  /// Target-major index: the synapses of rank-local neuron l are
  /// col_syn[col_off[l] .. col_off[l+1]) of part col_part[l], in the order
  /// the connection rule generated them.
  std::vector<std::uint64_t> col_off;
  std::vector<std::uint32_t> col_syn, col_seg;
  std::vector<std::uint8_t> col_part;  ///< per rank-local neuron
  std::vector<PostTrace> post;         ///< per rank-local neuron
  Step mask = 0;                       ///< pending ring size - 1
  /// exp(-n dt / tau) for the rule's time constants (presynaptic traces
  /// 0, 1, postsynaptic 2, 3) and n steps below the table's size, computed
  /// by the same expression as decay() uses beyond: a lookup instead of an
  /// exp per synapse event, with the same result.
  std::array<std::vector<double>, 4> decay_table;
  ScalingRule scaling;
  /// Three-factor rules: the modulator population (gids) and its delay, or
  /// none (a time series, already in each part's Modulator).
  std::uint64_t mod_first = 0, n_mod = 0;
  Step mod_delay = 1;
  Step consolidate_every = 10000;  ///< steps
  /// The delay convention of pair rules (ProjectionSpec::DelayConvention).
  /// Dendritic (NEST): a pair counts as t_post + d_dendritic - (t_pre +
  /// d_axonal). The presynaptic part still runs at arrival, step a = k + D
  /// for emission step k, and sees the postsynaptic spikes before step
  /// a - shift(D) (from `history`); a postsynaptic spike of step u meets
  /// the synapses of delay D in step u + shift(D), before that step's
  /// arrivals, with the presynaptic traces of arrivals before it. shift =
  /// 2 (D - axonal) >= 2. A pair at equal times counts neither way, as in
  /// NEST. Axonal (Brian2): shift 0, the postsynaptic part runs right
  /// after the spike, and a pair at equal times counts as pre-before-post.
  bool dendritic = false;
  Step axonal = 0;                          ///< steps
  std::vector<std::uint16_t> delays;        ///< distinct delays of this rank's synapses (dendritic)
  Step post_mask = 0;                       ///< post_pending ring size - 1
  /// Dendritic: per rank-local neuron its recent spikes, enough to look
  /// back shift(D) steps (the newest older one is kept as the base).
  std::vector<std::vector<PostSpike>> history;
  Step shift(Step d) const { return dendritic ? 2 * (d - axonal) : 0; }
  Step max_shift() const { return delays.empty() ? 0 : shift(delays.back()); }
  /// Three-factor rules: how many steps late a synapse of delay d sees the
  /// modulator (synapses/stdp_dopamine.hpp), the dendritic part of d.
  Step lag(Step d) const { return dendritic ? d - axonal : 0; }

  bool has_post() const { return !std::holds_alternative<TsodyksRule>(rule); }
  std::uint64_t synapses() const;
  std::size_t bytes() const;

  /// Queues the arrivals of a spike of `gid` emitted in step t into part p,
  /// those arriving in step `from` or later (a restore re-queues spikes
  /// some of whose arrivals are done).
  void enqueue(std::size_t p, std::uint64_t gid, Step t, Step from = 0) {
    PlasticPart& c = parts[p];
    if (gid >= mod_first && gid < mod_first + n_mod && t + mod_delay >= from)
      c.mod_pending[static_cast<std::size_t>((t + mod_delay) & mask)].push_back(gid);
    if (gid < source_first_gid || gid >= source_first_gid + n_source) return;
    const std::uint64_t s = gid - source_first_gid;
    for (std::uint32_t j = c.row[s]; j < c.row[s + 1]; ++j) {
      const Step a = t + c.seg_delay[j];
      if (a >= from) c.pending[static_cast<std::size_t>(a & mask)].push_back(j);
    }
  }

  /// The presynaptic part of every arrival in step a of part p, after the
  /// postsynaptic spikes that meet synapses in step a (dendritic
  /// convention); returns the events delivered.
  std::uint64_t arrive(std::size_t p, Step a, RingBuffer& ring) {
    PlasticPart& c = parts[p];
    if (dendritic) {
      auto& due = c.post_pending[static_cast<std::size_t>(a & post_mask)];
      // Not a structured binding: clang 14 (Debian 12) cannot capture one in a lambda.
      for (const auto& ld : due) std::visit([&](const auto& r) { pair_post(r, ld.first, a, ld.second); }, rule);
      due.clear();
    }
    if (n_mod) {
      auto& m = c.mod_pending[static_cast<std::size_t>(a & mask)];
      const double jump = 1.0 / c.mod.tau_n;
      for (std::size_t i = 0; i < m.size(); ++i) c.mod.add(a, jump, dt);
      m.clear();
    }
    auto& q = c.pending[static_cast<std::size_t>(a & mask)];
    std::uint64_t events = 0;
    for (std::uint32_t j : q) events += std::visit([&](const auto& r) { return on_pre(r, c, j, a, ring); }, rule);
    q.clear();
    return events;
  }

  /// Fills the decay tables (trace rules).
  void tabulate(std::size_t n = 4096) {
    std::visit(
        [&](const auto& r) {
          using R = std::decay_t<decltype(r)>;
          if constexpr (!std::is_same_v<R, TsodyksRule>)
            for (int i = 0; i < 4; ++i) {
              const double tau = i < 2 ? r.tau_pre(i) : r.tau_post(i - 2);
              decay_table[static_cast<std::size_t>(i)].resize(n);
              for (std::size_t k = 0; k < n; ++k) decay_table[static_cast<std::size_t>(i)][k] = decay(static_cast<Step>(k), tau);
            }
        },
        rule);
  }
  double decay(Step n, double tau) const { return std::exp(-static_cast<double>(n) * dt / tau); }
  double decay(Step n, double tau, int table) const {
    const auto& t = decay_table[static_cast<std::size_t>(table)];
    return static_cast<std::uint64_t>(n) < t.size() ? t[static_cast<std::size_t>(n)] : decay(n, tau);
  }

  /// Three-factor rules: brings every synapse of part p up to step s and
  /// forgets the modulator's history before it. Called at fixed steps
  /// only: where a synapse's integration is split changes its last bits.
  void consolidate(std::size_t p, Step s) {
    const DopamineRule* r = std::get_if<DopamineRule>(&rule);
    if (!r) return;
    PlasticPart& c = parts[p];
    for (std::uint32_t j = 0; j + 1 < c.seg_begin.size(); ++j)
      for (std::uint32_t k = c.seg_begin[j]; k < c.seg_begin[j + 1]; ++k) {
        r->advance(c.weight[k], c.elig[k], c.touched[k], s, c.mod, dt, lag(c.seg_delay[j]));
        c.touched[k] = s;
      }
    c.mod.trim(s - (delays.empty() ? 0 : lag(delays.back())));
  }

  /// Synaptic scaling at the end of step k, for rank-local neurons
  /// [begin, end) (one thread's): every interval, each neuron's incoming
  /// weights are multiplied by 1 + gain (target - rate), within the rule's
  /// bounds. The rate is the spikes' exponential average at step k.
  void scale(Step k, std::size_t begin, std::size_t end) {
    if (!scaling.on || (k + 1) % scaling.interval != 0) return;
    const double wmax = std::visit(
        [](const auto& r) {
          if constexpr (std::is_same_v<std::decay_t<decltype(r)>, TsodyksRule>) return 0.0;
          else return r.Wmax;
        },
        rule);
    for (std::size_t l = begin; l < end; ++l) {
      if (col_off[l] == col_off[l + 1]) continue;
      const PostTrace& t = post[l];
      const double rate = t.last < 0 ? 0.0 : t.rate * decay(k - t.last, scaling.tau);
      const double f = 1.0 + scaling.gain * (scaling.target - rate);
      PlasticPart& c = parts[col_part[l]];
      for (std::uint64_t j = col_off[l]; j < col_off[l + 1]; ++j) {
        double& w = c.weight[col_syn[j]];
        const double n = w / wmax * f;  // in [0, 1] of the rule's bounds
        w = (n < 0.0 ? 0.0 : n < 1.0 ? n : 1.0) * wmax;
      }
    }
  }

  /// The postsynaptic part of a spike of rank-local neuron l in step u:
  /// now (axonal convention) or queued for each delay (dendritic).
  void fire(std::uint32_t l, Step u) {
    std::visit(
        [&](const auto& r) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, TsodyksRule>) {
            if (!dendritic) pair_post(r, l, u, 0);
            bump_post(r, l, u);
            if (dendritic) {
              remember_post(l, {u, post[l].y, post[l].y2});
              queue_post(l, u);
            }
          }
        },
        rule);
  }

  /// Dendritic: keeps a spike of neuron l in its history. Lookups ask for
  /// spikes before steps > spike.step - max_shift(): the newest spike older
  /// than that and everything after it are kept.
  void remember_post(std::uint32_t l, const PostSpike& spike) {
    auto& h = history[l];
    h.push_back(spike);
    std::size_t keep = 0;
    while (keep + 1 < h.size() && h[keep + 1].step < spike.step + 1 - max_shift()) ++keep;
    h.erase(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(keep));
  }
  /// Dendritic: queues where l's spike of step u meets its synapses of
  /// each delay, those in step `from` or later (a restore re-queues spikes
  /// some of whose meetings are done).
  void queue_post(std::uint32_t l, Step u, Step from = 0) {
    // A neuron without synapses here has no part: queue nothing (another
    // thread's part must not be touched).
    if (col_off[l] == col_off[l + 1]) return;
    PlasticPart& c = parts[col_part[l]];
    for (std::uint16_t d : delays)
      if (u + shift(d) >= from) c.post_pending[static_cast<std::size_t>((u + shift(d)) & post_mask)].push_back({l, d});
  }

 private:
  static void add(RingBuffer& ring, std::uint32_t target, Step a, double w) {
    ring.slot(target, a)[std::signbit(w) ? 1 : 0] += to_fixed(w);
  }

  template <class R>
  std::uint64_t on_pre(const R& r, PlasticPart& c, std::uint32_t j, Step a, RingBuffer& ring) {
    const std::uint32_t b = c.seg_begin[j], e = c.seg_begin[j + 1];
    for (std::uint32_t k = b; k < e; ++k) {
      const std::uint32_t t = c.target[k];
      double& w = c.weight[k];
      // Every arrival runs the rule (Vogels depresses without any
      // postsynaptic spike); traces are 0 before the first one.
      const auto [y, y2] = post_traces(r, t, a, c.seg_delay[j]);
      w = r.on_pre(w, y, y2);
      add(ring, t, a, w);
    }
    bump_pre(r, c.seg_state[j], a);
    return e - b;
  }

  /// The postsynaptic traces of neuron t as an arrival in step a over
  /// delay d sees them: of the spikes before step a - shift(d), decayed to
  /// that step (0 before any spike).
  template <class R>
  std::pair<double, double> post_traces(const R& r, std::uint32_t t, Step a, Step d) const {
    const Step at = a - shift(d);
    Step last = post[t].last;
    double y = post[t].y, y2 = post[t].y2;
    if (dendritic) {
      const auto& h = history[t];
      auto it = std::lower_bound(h.begin(), h.end(), at, [](const PostSpike& p, Step s) { return p.step < s; });
      if (it == h.begin()) return {0.0, 0.0};
      --it;
      last = it->step, y = it->y, y2 = it->y2;
    }
    if (last < 0) return {0.0, 0.0};
    const Step n = at - last;
    return {y * decay(n, r.tau_post(0), 2), R::two_traces ? y2 * decay(n, r.tau_post(1), 3) : 0.0};
  }

  /// A segment's presynaptic traces after an arrival in step a.
  template <class R>
  void bump_pre(const R& r, SegmentState& s, Step a) {
    const Step n = a - s.last;
    s.a = r.bump(s.last < 0 ? 0.0 : s.a * decay(n, r.tau_pre(0), 0));
    if constexpr (R::two_traces) s.b = r.bump(s.last < 0 ? 0.0 : s.b * decay(n, r.tau_pre(1), 1));
    s.last = a;
  }

  /// The postsynaptic part of a spike of neuron l on its synapses of
  /// delay d (0: all) in step u, with the presynaptic traces of arrivals
  /// up to step u (before u for the dendritic convention, whose meetings
  /// run before the step's arrivals).
  template <class R>
  void pair_post(const R& r, std::uint32_t l, Step u, std::uint16_t d) {
    if constexpr (!std::is_same_v<R, TsodyksRule>) {
      PlasticPart& c = parts[col_part[l]];
      for (std::uint64_t k = col_off[l]; k < col_off[l + 1]; ++k) {
        const std::uint32_t j = col_seg[k];
        const SegmentState& s = c.seg_state[j];
        // A segment with no arrival yet has no trace.
        if (s.last < 0 || (d && c.seg_delay[j] != d)) continue;
        const Step n = u - s.last;
        double& w = c.weight[col_syn[k]];
        w = r.on_post(w, s.a * decay(n, r.tau_pre(0), 0), R::two_traces ? s.b * decay(n, r.tau_pre(1), 1) : 0.0);
      }
    }
  }

  template <class R>
  void bump_post(const R& r, std::uint32_t l, Step u) {
    PostTrace& t = post[l];
    const Step n = u - t.last;
    t.y = r.bump(t.last < 0 ? 0.0 : t.y * decay(n, r.tau_post(0), 2));
    if constexpr (R::two_traces) t.y2 = r.bump(t.last < 0 ? 0.0 : t.y2 * decay(n, r.tau_post(1), 3));
    if (scaling.on) t.rate = (t.last < 0 ? 0.0 : t.rate * decay(n, scaling.tau)) + 1.0 / scaling.tau;
    t.last = u;
  }

  // Three-factor: pairs move the eligibility trace; the weight follows it
  // up to the event's step first.
  std::uint64_t on_pre(const DopamineRule& r, PlasticPart& c, std::uint32_t j, Step a, RingBuffer& ring) {
    const std::uint32_t b = c.seg_begin[j], e = c.seg_begin[j + 1];
    for (std::uint32_t k = b; k < e; ++k) {
      const std::uint32_t t = c.target[k];
      r.advance(c.weight[k], c.elig[k], c.touched[k], a, c.mod, dt, lag(c.seg_delay[j]));
      c.touched[k] = a;
      c.elig[k] -= r.A_minus * post_traces(r, t, a, c.seg_delay[j]).first;
      add(ring, t, a, c.weight[k]);
    }
    bump_pre(r, c.seg_state[j], a);
    return e - b;
  }

  void pair_post(const DopamineRule& r, std::uint32_t l, Step u, std::uint16_t d) {
    PlasticPart& c = parts[col_part[l]];
    for (std::uint64_t k = col_off[l]; k < col_off[l + 1]; ++k) {
      const std::uint32_t j = col_seg[k];
      if (d && c.seg_delay[j] != d) continue;
      const SegmentState& s = c.seg_state[j];
      const std::uint32_t syn = col_syn[k];
      r.advance(c.weight[syn], c.elig[syn], c.touched[syn], u, c.mod, dt, lag(c.seg_delay[j]));
      c.touched[syn] = u;
      if (s.last >= 0) c.elig[syn] += r.A_plus * s.a * decay(u - s.last, r.tau_plus, 0);
    }
  }

  std::uint64_t on_pre(const TsodyksRule& r, PlasticPart& c, std::uint32_t j, Step a, RingBuffer& ring) {
    SegmentState& s = c.seg_state[j];
    // Times at the synapse are NEST stamps: arrival step a is at (a+1) dt.
    // The first spike finds u and x as they were set (NEST 3.9).
    const double f = s.last < 0 ? s.a * s.b : r.spike(s.a, s.b, static_cast<double>(a - s.last) * dt);
    s.last = a;
    const std::uint32_t b = c.seg_begin[j], e = c.seg_begin[j + 1];
    for (std::uint32_t k = b; k < e; ++k) add(ring, c.target[k], a, f * c.weight[k]);
    return e - b;
  }
};

/// The initial presynaptic state of a segment under `rule`.
SegmentState initial_segment_state(const PlasticRule& rule);

/// Names of the state a checkpoint keeps per synapse after its weight:
/// the segment's (a, b, last), the target's (y, y2, rate, last), and a
/// three-factor synapse's eligibility and the step it is up to.
inline constexpr const char* plastic_state_names =
    "weight,pre_a,pre_b,pre_last_step,post_y,post_y2,post_rate,post_last_step,eligibility,touched_step";
inline constexpr std::size_t plastic_state_size = 10;

}  // namespace myelin
