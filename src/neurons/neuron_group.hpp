#pragma once
// A population's neurons on this rank, as one object per (population,
// model). The engine makes one virtual call per group, thread and slice;
// inside, GroupImpl<Model> steps each neuron through the whole slice with
// its state in registers, reading its ring-buffer slots and drawing its
// Poisson input on the way. There is no virtual call per neuron or step.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/poisson.hpp"
#include "core/rng.hpp"
#include "core/time_grid.hpp"
#include "sim/ring_buffer.hpp"

namespace myelin {

/// Independent Poisson spike trains, one per target neuron (NEST's
/// poisson_generator): count(gid, e) for emission step e arrives at e+delay.
struct PoissonInput {
  PoissonTable table;  ///< mean rate * dt
  float weight = 0.f;
  Step delay = 1;
  Step start = 0, stop = 0;  ///< emission steps start <= e < stop
  std::uint32_t key1 = 0;    ///< purpose_key(Purpose::poisson, stimulus index)
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
  /// Sets an initial state variable of group-local neuron i (user units).
  virtual void set_initial(std::size_t i, const std::string& var, double value) = 0;
  virtual double initial_default(const std::string& var) const = 0;

  std::size_t size() const { return gids.size(); }

  std::size_t population = 0;         ///< index into ModelSpec::populations
  std::size_t first_local = 0;        ///< rank-local index of this group's first neuron
  std::vector<std::uint64_t> gids;    ///< global id per group-local neuron
  std::vector<std::uint64_t> node_ids;///< population-local (SONATA) id per group-local neuron
  std::vector<PoissonInput> poisson;
  std::vector<DcEvent> dc_events;     ///< sorted by (step, local)
  std::unique_ptr<StateProbe> probe;
};

template <class Model>
class GroupImpl final : public NeuronGroup {
 public:
  GroupImpl(const typename Model::Parameters& p, double dt, std::size_t n) : params_(p), prop_(p, dt) {
    state_.resize(n);
  }

  void set_initial(std::size_t i, const std::string& var, double value) override {
    Model::set_initial(state_, i, params_, var, value);
  }
  double initial_default(const std::string& var) const override { return Model::initial_default(params_, var); }

  void update(const SliceContext& ctx, std::size_t begin, std::size_t end, std::vector<LocalSpike>& out) override {
    const Step t0 = ctx.t0, t1 = ctx.t0 + ctx.steps;
    std::vector<DcEvent> dc = slice_dc_events(t0, t1, begin, end);
    auto dc_it = dc.begin();

    struct Cursor {
      Step block = -1;
      r123::Philox4x32::ctr_type words{};
    };
    std::vector<Cursor> cursors(poisson.size());

    std::int64_t* const ring = ctx.ring->data();
    const std::size_t stride = ctx.ring->stride();
    const std::uint64_t mask = ctx.ring->mask();
    const StateProbe* pr = probe.get();

    for (std::size_t i = begin; i < end; ++i) {
      auto l = Model::load(state_, i);
      const std::uint32_t local = static_cast<std::uint32_t>(first_local + i);
      std::int64_t* const rb = ring + static_cast<std::size_t>(local) * stride;
      for (auto& c : cursors) c.block = -1;
      const std::int32_t col = pr ? pr->column[i] : -1;

      for (Step k = t0; k < t1; ++k) {
        while (dc_it != dc.end() && dc_it->local == i && dc_it->step == k) {
          l.I_dc += dc_it->delta;
          ++dc_it;
        }
        std::int64_t* slot = rb + (static_cast<std::uint64_t>(k) & mask) * RingBuffer::channels;
        double in_ex = from_fixed(slot[0]), in_in = from_fixed(slot[1]);
        slot[0] = 0;
        slot[1] = 0;
        for (std::size_t p = 0; p < poisson.size(); ++p) {
          const PoissonInput& in = poisson[p];
          const Step e = k - in.delay;
          if (e < in.start || e >= in.stop) continue;
          Cursor& c = cursors[p];
          if ((e >> 2) != c.block) {
            c.block = e >> 2;
            c.words = philox(ctx.seed, in.key1, gids[i], static_cast<std::uint64_t>(c.block));
          }
          const double x = in.table.draw(c.words.v[e & 3]) * static_cast<double>(in.weight);
          if (in.weight >= 0.f) in_ex += x; else in_in += x;
        }
        if (Model::step(l, prop_, in_ex, in_in)) out.push_back({k, local});
        if (col >= 0 && (k + 1) % pr->interval == 0) record(l, *pr, col, (k + 1) / pr->interval);
      }
      Model::store(state_, i, l);
    }
  }

 private:
  std::vector<DcEvent> slice_dc_events(Step t0, Step t1, std::size_t begin, std::size_t end) const {
    std::vector<DcEvent> v;
    for (const DcEvent& e : dc_events) {
      if (e.step >= t1) break;
      if (e.step >= t0 && e.local >= begin && e.local < end) v.push_back(e);
    }
    std::stable_sort(v.begin(), v.end(), [](const DcEvent& a, const DcEvent& b) { return a.local < b.local; });
    return v;
  }

  void record(const typename Model::Local& l, const StateProbe& pr, std::int32_t col, Step sample) {
    // Rows for this slice were allocated by the engine before the update;
    // threads write disjoint columns.
    auto* row = const_cast<double*>(pr.data.data()) + (pr.slice_row0 + static_cast<std::size_t>(sample - pr.slice_first)) * pr.width();
    for (std::size_t v = 0; v < pr.vars.size(); ++v)
      row[static_cast<std::size_t>(col) * pr.vars.size() + v] = Model::get(l, params_, pr.vars[v]);
  }

  typename Model::Parameters params_;
  typename Model::Propagators prop_;
  typename Model::State state_;
};

}  // namespace myelin
