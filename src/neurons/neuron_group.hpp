#pragma once
// A population's neurons on this rank, as one object per (population,
// model). The engine makes one virtual call per group, thread and slice;
// inside, GroupImpl<Model> steps each neuron through the whole slice with
// its state in registers, reading its ring-buffer slots and drawing its
// Poisson input on the way. There is no virtual call per neuron or step.
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/poisson.hpp"
#include "core/rng.hpp"
#include "core/simd.hpp"
#include "core/time_grid.hpp"
#include "core/ring_buffer.hpp"
#include "neurons/model_fields.hpp"

namespace myelin {

/// Independent Poisson spike trains, one per target neuron (NEST's
/// poisson_generator): count(gid, e) for emission step e arrives at e+delay.
struct PoissonInput {
  PoissonTable table;  ///< mean rate * dt
  float weight = 0.f;
  Step delay = 1;
  Step start = 0, stop = 0;  ///< emission steps start <= e < stop
  std::uint32_t key1 = 0;    ///< purpose_key(Purpose::poisson, stimulus index)
  /// Per group-local neuron, whether the train reaches it; empty: all do.
  std::vector<std::uint8_t> reaches;
};

/// A step change in a neuron's direct current (dc_generator on/off).
struct DcEvent {
  Step step;            ///< first step whose update sees the change
  std::uint32_t local;  ///< group-local index
  double delta;         ///< pA
};

/// A spike of a local neuron: step and rank-local neuron index.
struct LocalSpike {
  Step step;
  std::uint32_t local;
};

/// Samples of state variables for some neurons of a group.
struct StateProbe {
  std::vector<int> vars;                ///< model variable indices
  std::vector<std::string> var_names;
  Step interval = 1;                    ///< steps between samples
  std::vector<std::int32_t> column;     ///< per group-local neuron; -1 if not recorded
  std::vector<std::uint64_t> node_ids;  ///< population-local id per column
  std::vector<double> data;             ///< row-major: sample x (column x var)
  std::size_t slice_row0 = 0;           ///< row of the first sample in the current slice
  Step slice_first = 0;                 ///< sample index ((k+1)/interval) of that row
  std::size_t width() const { return node_ids.size() * vars.size(); }
};

struct SliceContext {
  Step t0 = 0;  ///< first step of the slice
  int steps = 1;
  std::uint32_t seed = 0;
  RingBuffer* ring = nullptr;
};

class NeuronGroup {
 public:
  virtual ~NeuronGroup() = default;

  /// Advance group-local neurons [begin, end) through one slice, appending
  /// spikes (in neuron order, then step order) to `out`.
  virtual void update(const SliceContext& ctx, std::size_t begin, std::size_t end,
                      std::vector<LocalSpike>& out) = 0;
  /// Sets state variable `var` (index in the model's state fields) of
  /// group-local neuron i, in user units.
  virtual void set_variable(std::size_t i, std::size_t var, double value) = 0;
  /// The initial value of state variable `var` when a model file gives none.
  virtual double initial_default(std::size_t var) const = 0;

  /// The full dynamic state of one neuron, as the doubles the update works
  /// on (refractory counters included): what a checkpoint saves. Restoring
  /// these values continues the neuron bit-exactly.
  virtual std::size_t state_size() const = 0;
  virtual std::vector<std::string> state_names() const = 0;
  virtual void get_state(std::size_t i, double* x) const = 0;
  virtual void set_state(std::size_t i, const double* x) = 0;
  /// Recordable variable `var` (index in the model's state fields) of
  /// group-local neuron i, in user units, as a state recorder sees it.
  virtual double get_variable(std::size_t i, int var) const = 0;

  std::size_t size() const { return gids.size(); }

  std::size_t population = 0;         ///< index into ModelSpec::populations
  std::size_t first_local = 0;        ///< rank-local index of this group's first neuron
  std::vector<std::uint64_t> gids;    ///< global id per group-local neuron
  std::vector<std::uint64_t> node_ids;///< population-local (SONATA) id per group-local neuron
  std::vector<PoissonInput> poisson;
  std::vector<DcEvent> dc_events;     ///< sorted by (step, local)
  std::unique_ptr<StateProbe> probe;
};

/// A group's state: one column per model variable (structure of arrays),
/// all doubles (refractory counters too) so that the vectorised step works
/// on them unchanged.
template <std::size_t N>
using VarColumns = std::array<std::vector<double>, N>;

/// The state of NB neurons while they are stepped together: x[variable][lane].
template <std::size_t N, std::size_t NB>
struct Lanes {
  double x[N][NB];
};

template <class Model>
class GroupImpl final : public NeuronGroup {
 public:
  static constexpr std::size_t nv = Model::n_vars;
  template <std::size_t NB>
  using ModelLanes = Lanes<nv, NB>;

  GroupImpl(const typename Model::Parameters& p, double dt, std::size_t n) : params_(p), prop_(p, dt) {
    for (auto& c : state_) c.resize(n);
  }

  void set_variable(std::size_t i, std::size_t var, double value) override {
    fields::set<Model>(state_, i, params_, var, value);
  }
  double initial_default(std::size_t var) const override { return fields::initial_default<Model>(params_, var); }

  std::size_t state_size() const override { return Model::n_vars; }
  std::vector<std::string> state_names() const override {
    return {std::begin(Model::var_names), std::end(Model::var_names)};
  }
  void get_state(std::size_t i, double* x) const override {
    for (std::size_t v = 0; v < nv; ++v) x[v] = state_[v][i];
  }
  void set_state(std::size_t i, const double* x) override {
    for (std::size_t v = 0; v < nv; ++v) state_[v][i] = x[v];
  }
  double get_variable(std::size_t i, int var) const override {
    ModelLanes<1> l;
    for (std::size_t v = 0; v < nv; ++v) l.x[v][0] = state_[v][i];
    return fields::get<Model>(l, 0, params_, static_cast<std::size_t>(var));
  }

  void update(const SliceContext& ctx, std::size_t begin, std::size_t end, std::vector<LocalSpike>& out) override {
    const Step t0 = ctx.t0, t1 = ctx.t0 + ctx.steps;
    const std::vector<DcEvent> dc = slice_dc_events(t0, t1, begin, end);
    auto dc_it = dc.cbegin();
    const StateProbe* pr = probe.get();
    const typename Model::Propagators q = prop_;  // a local copy: stores cannot alias it

    // Neurons that are recorded or get a dc change this slice take the
    // general path one by one; the rest go in blocks.
    auto general = [&](std::size_t k) { return (pr && pr->column[k] >= 0) || (dc_it != dc.end() && dc_it->local == k); };
    std::size_t i = begin;
    while (i < end) {
      if (general(i)) {
        update_one(ctx, q, i, dc_it, dc.cend(), out);
        ++i;
        continue;
      }
      std::size_t j = i + 1;
      while (j < end && j - i < block && !general(j)) ++j;
      if (j - i == block) update_block<block>(ctx, q, i, out);
      else for (std::size_t k = i; k < j; ++k) update_one(ctx, q, k, dc_it, dc.cend(), out);
      i = j;
    }
  }

 private:
  /// Neurons stepped together: the step vectorises across them.
  static constexpr std::size_t block = 8;
  static constexpr Step chunk = 32;  // steps gathered at once; = bits in the spike mask

  /// Ring-buffer and Poisson input of neuron i for steps [c0, c0 + n), into
  /// lane j of in[channel][step][lane] with NB lanes.
  template <std::size_t NB>
  void gather(const SliceContext& ctx, std::size_t i, std::size_t j, Step c0, Step n, double (&in)[2][chunk][NB]) {
    const std::size_t local = first_local + i;
    for (Step s = 0; s < n; ++s) {
      std::int64_t* slot = ctx.ring->slot(local, c0 + s);
      in[0][s][j] = from_fixed(slot[0]);
      in[1][s][j] = from_fixed(slot[1]);
      slot[0] = 0;
      slot[1] = 0;
    }
    for (const PoissonInput& p : poisson)
      if (p.reaches.empty() || p.reaches[i]) add_poisson<NB>(p, ctx.seed, gids[i], c0, n, &in[p.weight < 0.f ? 1 : 0][0][j]);
  }

  template <std::size_t NB>
  void load(std::size_t i0, ModelLanes<NB>& l) const {
    for (std::size_t v = 0; v < nv; ++v)
      for (std::size_t j = 0; j < NB; ++j) l.x[v][j] = state_[v][i0 + j];
  }
  template <std::size_t NB>
  void store(std::size_t i0, const ModelLanes<NB>& l) {
    for (std::size_t v = 0; v < nv; ++v)
      for (std::size_t j = 0; j < NB; ++j) state_[v][i0 + j] = l.x[v][j];
  }

  /// The fast path: NB neurons without probes or dc changes, four SIMD
  /// lanes at a time. Each group of lanes runs through the whole chunk with
  /// its state in registers; the step makes no call.
  template <std::size_t NB>
  void update_block(const SliceContext& ctx, const typename Model::Propagators& q, std::size_t i0,
                    std::vector<LocalSpike>& out) {
    static_assert(NB % simd::width == 0);
    const Step t1 = ctx.t0 + ctx.steps;
    ModelLanes<NB> l;
    load(i0, l);
    alignas(64) double in[2][chunk][NB];
    for (Step c0 = ctx.t0; c0 < t1; c0 += chunk) {
      const Step n = std::min(chunk, t1 - c0);
      for (std::size_t j = 0; j < NB; ++j) gather(ctx, i0 + j, j, c0, n, in);
      std::uint32_t fired[NB] = {};
      if constexpr (Model::vectorised) {
        for (std::size_t g = 0; g < NB; g += simd::width) {
          simd::Vec x[nv];
          for (std::size_t k = 0; k < nv; ++k) x[k] = simd::load(&l.x[k][g]);
          for (Step s = 0; s < n; ++s) {
            const simd::Vec f = Model::step(x, q, simd::load(&in[0][s][g]), simd::load(&in[1][s][g]));
            for (std::size_t w = 0; w < simd::width; ++w) fired[g + w] |= static_cast<std::uint32_t>(f[w] != 0.0) << s;
          }
          for (std::size_t k = 0; k < nv; ++k) simd::store(&l.x[k][g], x[k]);
        }
      } else {
        // Nonlinear models (exp, substeps, branches) step one lane at a time.
        for (std::size_t j = 0; j < NB; ++j) {
          double x[nv];
          for (std::size_t k = 0; k < nv; ++k) x[k] = l.x[k][j];
          for (Step s = 0; s < n; ++s)
            fired[j] |= static_cast<std::uint32_t>(Model::step(x, q, in[0][s][j], in[1][s][j]) != 0.0) << s;
          for (std::size_t k = 0; k < nv; ++k) l.x[k][j] = x[k];
        }
      }
      for (std::size_t j = 0; j < NB; ++j)
        for (std::uint32_t f = fired[j]; f; f &= f - 1)
          out.push_back({c0 + std::countr_zero(f), static_cast<std::uint32_t>(first_local + i0 + j)});
    }
    store(i0, l);
  }

  /// The general path for one neuron: dc changes and state sampling.
  void update_one(const SliceContext& ctx, const typename Model::Propagators& q, std::size_t i,
                  std::vector<DcEvent>::const_iterator& dc_it, std::vector<DcEvent>::const_iterator dc_end,
                  std::vector<LocalSpike>& out) {
    const Step t1 = ctx.t0 + ctx.steps;
    StateProbe* pr = probe.get();
    const std::int32_t col = pr ? pr->column[i] : -1;
    const auto local = static_cast<std::uint32_t>(first_local + i);
    ModelLanes<1> l;
    load(i, l);
    alignas(64) double in[2][chunk][1];
    for (Step c0 = ctx.t0; c0 < t1; c0 += chunk) {
      const Step n = std::min(chunk, t1 - c0);
      gather(ctx, i, 0, c0, n, in);
      for (Step s = 0; s < n; ++s) {
        const Step k = c0 + s;
        while (dc_it != dc_end && dc_it->local == i && dc_it->step == k) {
          l.x[Model::I_dc_][0] += dc_it->delta;
          ++dc_it;
        }
        double x[nv];
        for (std::size_t v = 0; v < nv; ++v) x[v] = l.x[v][0];
        if (Model::step(x, q, in[0][s][0], in[1][s][0]) != 0.0) out.push_back({k, local});
        for (std::size_t v = 0; v < nv; ++v) l.x[v][0] = x[v];
        if (col >= 0 && (k + 1) % pr->interval == 0) record(l, *pr, col, (k + 1) / pr->interval);
      }
    }
    store(i, l);
  }

  /// Adds the Poisson counts for steps [c0, c0 + n) of one neuron into
  /// dst[s * NB] (its lane of the gathered input).
  template <std::size_t NB>
  static void add_poisson(const PoissonInput& p, std::uint32_t seed, std::uint64_t gid, Step c0, Step n, double* dst) {
    // Steps k whose emission step e = k - delay lies in [start, stop).
    const Step a = std::max(c0, p.start + p.delay), b = std::min(c0 + n, p.stop + p.delay);
    const double w = p.weight;
    for (Step k = a; k < b;) {
      const Step e = k - p.delay;
      const auto words = philox(seed, p.key1, gid, static_cast<std::uint64_t>(e >> 2));
      for (Step j = e & 3; j < 4 && k < b; ++j, ++k) dst[static_cast<std::size_t>(k - c0) * NB] += p.table.draw(words.v[j]) * w;
    }
  }

  std::vector<DcEvent> slice_dc_events(Step t0, Step t1, std::size_t begin, std::size_t end) const {
    // Events are sorted by step: start at t0 rather than scanning the
    // past, which grows with every set_amplitude of a long protocol.
    std::vector<DcEvent> v;
    auto it = std::lower_bound(dc_events.begin(), dc_events.end(), t0, [](const DcEvent& e, Step s) { return e.step < s; });
    for (; it != dc_events.end() && it->step < t1; ++it)
      if (it->local >= begin && it->local < end) v.push_back(*it);
    std::stable_sort(v.begin(), v.end(), [](const DcEvent& a, const DcEvent& b) { return a.local < b.local; });
    return v;
  }

  void record(const ModelLanes<1>& l, StateProbe& pr, std::int32_t col, Step sample) {
    // Rows for this slice were allocated by the engine before the update;
    // threads write disjoint columns.
    double* row = pr.data.data() + (pr.slice_row0 + static_cast<std::size_t>(sample - pr.slice_first)) * pr.width();
    for (std::size_t v = 0; v < pr.vars.size(); ++v)
      row[static_cast<std::size_t>(col) * pr.vars.size() + v] = fields::get<Model>(l, 0, params_, static_cast<std::size_t>(pr.vars[v]));
  }

  typename Model::Parameters params_;
  typename Model::Propagators prop_;
  VarColumns<nv> state_;
};

}  // namespace myelin
