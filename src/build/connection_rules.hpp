#pragma once
// Connection rules, generated per target neuron: for_each_incoming(t) yields
// every connection into target t from t's own keyed stream, so each rank
// builds only its own neurons' inputs and the network is the same for every
// placement and thread count (DESIGN.md invariant 2).
//
// fixed_outdegree is defined per source; each rank draws every source's
// targets and keeps its own (work O(total), memory O(local)), like NEST.
// fixed_total_number first splits the total over targets with one shared
// stream (multinomial), then draws sources per target. from_file and
// from_list hold the local targets' explicit edges: read from a SONATA file
// by build/sonata_edges, or listed in the spec.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "build/distributions.hpp"
#include "core/rng.hpp"
#include "core/time_grid.hpp"
#include "myelin/error.hpp"
#include "myelin/model_spec.hpp"

namespace myelin {

/// One set of connections between a source range of gids and a target
/// population: a projection, or a spike_generator's connections.
struct ConnectionSet {
  std::string field;  ///< "projection[3]" or "stimulus[1]", for errors
  Origin origin;
  std::uint32_t key = 0;       ///< stream object index
  std::uint64_t source_first_gid = 0, n_source = 0;
  std::size_t target_population = 0;
  std::uint64_t target_first_gid = 0, n_target = 0;
  Rule rule = Rule::all_to_all;
  std::uint64_t count = 0;
  double p = 0.0;
  Value weight, delay;
  bool allow_autapses = true, allow_multapses = true;
  bool same_population = false;  ///< autapses only exist then
};

/// The connection set of projection k of `spec` (first gid per population
/// given); from_file sets still need their edges (set_file_edges).
ConnectionSet projection_set(const ModelSpec& spec, std::size_t k, const std::vector<std::uint64_t>& pop_first_gid);

/// Whether a rule's edges are given rather than drawn (set_file_edges).
inline bool explicit_rule(Rule r) { return r == Rule::from_file || r == Rule::from_list; }

/// Reusable per-thread scratch for draws without multapses.
struct DrawScratch {
  std::vector<std::uint8_t> taken;
  std::vector<std::uint64_t> chosen;
};

class ConnectionGenerator {
 public:
  /// @param is_local  which target nodes (population-local ids) this rank
  ///                  builds; used to keep fixed_outdegree's draws small.
  ConnectionGenerator(const ConnectionSet& set, std::uint32_t seed, double dt,
                      const std::vector<std::uint8_t>& is_local);

  const ConnectionSet& set() const { return set_; }

  /// Calls emit(source gid, weight pA, delay steps) for each connection into
  /// target node t (population-local id).
  template <class Emit>
  void for_each_incoming(std::uint64_t t, DrawScratch& scratch, Emit&& emit) const;

  /// Delay in steps; throws InputError below dt or beyond the segment range.
  std::uint32_t delay_steps(double ms) const;

  /// One edge of a from_file set: population-local node ids; a weight or
  /// delay the file does not have is NaN and is drawn from the set's value.
  struct FileEdge {
    std::uint64_t target, source;
    double weight, delay_ms;
  };
  /// rule = from_file or from_list: this rank's edges (local targets only),
  /// in file (list) order.
  void set_file_edges(const std::vector<FileEdge>& edges);

  /// rule = from_list: the listed connections into local targets.
  static std::vector<FileEdge> list_edges(const ProjectionSpec::ConnectionList& list,
                                          const std::vector<std::uint8_t>& is_local);

 private:
  template <class Emit>
  void draw_sources(std::uint64_t t, std::uint64_t k, Stream& s, DrawScratch& scratch, Emit&& emit) const;
  template <class Emit>
  void emit_one(std::uint64_t src, Stream& s, Emit&& emit) const {
    const double w = sample(set_.weight, s);
    // A constant delay is converted (and checked) once, not per synapse.
    const std::uint32_t d = const_delay_ ? const_delay_ : delay_steps(sample(set_.delay, s));
    emit(set_.source_first_gid + src, static_cast<float>(w), d);
  }

  ConnectionSet set_;
  std::uint32_t seed_;
  double dt_;
  std::uint32_t const_delay_ = 0;  ///< steps, when the delay is a constant
  std::vector<std::uint64_t> total_counts_;  ///< fixed_total_number: per target
  // fixed_outdegree and from_file: incoming connections of local targets,
  // grouped by target.
  std::vector<std::uint64_t> out_offsets_;
  struct Drawn { std::uint64_t src; float w; std::uint32_t d; };
  std::vector<Drawn> out_incoming_;
};

template <class Emit>
void ConnectionGenerator::for_each_incoming(std::uint64_t t, DrawScratch& scratch, Emit&& emit) const {
  const ConnectionSet& c = set_;
  Stream s(seed_, Purpose::connect, c.key, c.target_first_gid + t);
  const bool skip_self = c.same_population && !c.allow_autapses;
  switch (c.rule) {
    case Rule::one_to_one:
      if (!skip_self) emit_one(t, s, emit);
      return;
    case Rule::all_to_all:
      for (std::uint64_t src = 0; src < c.n_source; ++src)
        if (!(skip_self && src == t)) emit_one(src, s, emit);
      return;
    case Rule::pairwise_bernoulli: {
      if (c.p <= 0.0) return;
      if (c.p >= 1.0) {
        for (std::uint64_t src = 0; src < c.n_source; ++src)
          if (!(skip_self && src == t)) emit_one(src, s, emit);
        return;
      }
      // Geometric skips: O(connections) instead of O(sources) per target.
      const double log_q = std::log1p(-c.p);
      std::uint64_t src = 0;
      for (;;) {
        const double skip = std::floor(std::log(s.uniform()) / log_q);
        if (skip >= static_cast<double>(c.n_source - src)) return;
        src += static_cast<std::uint64_t>(skip);
        if (!(skip_self && src == t)) emit_one(src, s, emit);
        ++src;
      }
    }
    case Rule::fixed_indegree:
      draw_sources(t, c.count, s, scratch, emit);
      return;
    case Rule::fixed_total_number:
      draw_sources(t, total_counts_[t], s, scratch, emit);
      return;
    case Rule::fixed_outdegree:
    case Rule::from_file:
    case Rule::from_list:
      if (out_offsets_.empty()) return;
      for (std::uint64_t j = out_offsets_[t]; j < out_offsets_[t + 1]; ++j)
        emit(c.source_first_gid + out_incoming_[j].src, out_incoming_[j].w, out_incoming_[j].d);
      return;
  }
}

template <class Emit>
void ConnectionGenerator::draw_sources(std::uint64_t t, std::uint64_t k, Stream& s, DrawScratch& scratch,
                                       Emit&& emit) const {
  const ConnectionSet& c = set_;
  const bool skip_self = c.same_population && !c.allow_autapses;
  // Excluding self: draw from n-1 candidates and shift those at or above t.
  const std::uint64_t n = c.n_source - (skip_self ? 1 : 0);
  auto map = [&](std::uint64_t r) { return (skip_self && r >= t) ? r + 1 : r; };
  if (c.allow_multapses) {
    for (std::uint64_t j = 0; j < k; ++j) emit_one(map(s.below(n)), s, emit);
    return;
  }
  // Without multapses: Floyd's algorithm draws k distinct of n in k steps.
  scratch.taken.assign(n, 0);
  scratch.chosen.clear();
  for (std::uint64_t j = n - k; j < n; ++j) {
    std::uint64_t r = s.below(j + 1);
    if (scratch.taken[r]) r = j;
    scratch.taken[r] = 1;
    scratch.chosen.push_back(r);
  }
  for (std::uint64_t r : scratch.chosen) emit_one(map(r), s, emit);
}

}  // namespace myelin
