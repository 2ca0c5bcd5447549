#include "build/network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "build/distributions.hpp"
#include "build/plastic_connectivity.hpp"
#include "build/sonata_edges.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"

namespace myelin {
namespace {

void make_groups(const ModelSpec& spec, Network& net, const Placement& placement, int rank) {
  std::uint64_t gid = 0;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    const PopulationSpec& ps = spec.populations[p];
    net.pop_first_gid.push_back(gid);
    const ModelEntry* m = find_neuron_model(ps.model);
    std::vector<std::uint64_t> gids, node_ids;
    for (std::uint64_t i = 0; i < ps.size; ++i)
      if (placement.rank_of(gid + i) == rank) {
        gids.push_back(gid + i);
        node_ids.push_back(i);
      }
    auto group = m->make(parameter_values(*m, ps), spec.run.dt, gids.size());
    group->population = p;
    group->first_local = net.local_gid.size();
    group->gids = std::move(gids);
    group->node_ids = std::move(node_ids);
    set_initial_state(*group, ps, net.seed);
    for (std::uint64_t g : group->gids) {
      net.local_gid.push_back(g);
      net.local_group.push_back(static_cast<std::uint32_t>(net.groups.size()));
    }
    net.groups.push_back(std::move(group));
    gid += ps.size;
  }
  net.n_neurons = gid;
}

/// A spike_generator's connections to the neurons it names (one source).
ProjectionSpec::ConnectionList generator_targets(const StimulusSpec& st) {
  ProjectionSpec::ConnectionList l;
  l.targets = st.neurons;
  l.sources.assign(st.neurons.size(), 0);
  return l;
}

void attach_stimuli(const ModelSpec& spec, Network& net, std::vector<ConnectionSet>& sets) {
  const double dt = spec.run.dt;
  for (std::size_t k = 0; k < spec.stimuli.size(); ++k) {
    const StimulusSpec& st = spec.stimuli[k];
    const std::string field = "stimulus[" + std::to_string(k) + "]";
    switch (st.type) {
      case StimulusType::poisson_generator: {
        PoissonInput in = poisson_input(st, k, st.rate, dt);
        for (auto& g : net.groups)
          for (const auto& name : st.targets)
            if (spec.populations[g->population].name == name && st.rate > 0) {
              if (!st.neurons.empty()) in.reaches = stimulus_reaches(st, *g, spec.populations[g->population].size);
              g->poisson.push_back(in);
            }
        break;
      }
      case StimulusType::dc_generator: {
        const auto [on, off] = dc_window(st, dt);
        for (auto& g : net.groups)
          for (const auto& name : st.targets)
            if (spec.populations[g->population].name == name) {
              const auto on_neuron = stimulus_reaches(st, *g, spec.populations[g->population].size);
              for (std::size_t i = 0; i < g->size(); ++i) {
                if (!on_neuron[i]) continue;
                g->dc_events.push_back({on, static_cast<std::uint32_t>(i), st.amplitude});
                g->dc_events.push_back({off, static_cast<std::uint32_t>(i), -st.amplitude});
              }
            }
        break;
      }
      case StimulusType::spike_generator: {
        // A generator spike at time T is stamped like a neuron spike emitted
        // in step T/dt - 1 (NEST's convention), so it acts at T + delay.
        SpikeSource src;
        src.gid = net.n_neurons + net.generators.size();
        for (double t : st.spike_times)
          if (t >= st.start && t < st.stop) src.steps.push_back(to_steps(t, dt) - 1);
        for (const auto& name : st.targets) {
          ConnectionSet c;
          c.field = field;
          c.origin = st.origin;
          c.key = static_cast<std::uint32_t>(spec.projections.size() + k);
          c.source_first_gid = src.gid;
          c.n_source = 1;
          c.target_population = *spec.population_index(name);
          c.target_first_gid = net.pop_first_gid[c.target_population];
          c.n_target = spec.populations[c.target_population].size;
          c.rule = st.neurons.empty() ? Rule::all_to_all : Rule::from_list;
          c.weight = st.weight;
          c.delay = st.delay;
          sets.push_back(c);
        }
        net.generators.push_back(std::move(src));
        break;
      }
    }
  }
  for (auto& g : net.groups)
    std::stable_sort(g->dc_events.begin(), g->dc_events.end(),
                     [](const DcEvent& a, const DcEvent& b) { return a.step < b.step; });
}

}  // namespace

std::vector<std::uint8_t> stimulus_reaches(const StimulusSpec& st, const NeuronGroup& g, std::uint64_t size) {
  std::vector<std::uint8_t> in_pop(st.neurons.empty() ? 0 : size, 0), out(g.size(), 1);
  if (st.neurons.empty()) return out;
  for (std::uint64_t n : st.neurons) in_pop[n] = 1;
  for (std::size_t i = 0; i < g.size(); ++i) out[i] = in_pop[g.node_ids[i]];
  return out;
}

PoissonInput poisson_input(const StimulusSpec& st, std::size_t k, double rate_hz, double dt) {
  PoissonInput in;
  in.table = PoissonTable(rate_hz * dt * 1e-3);
  in.weight = static_cast<float>(st.weight.a);
  in.delay = to_steps(st.delay.a, dt);
  in.start = first_step_at(st.start, dt);
  in.stop = first_step_at(st.stop, dt);
  in.key1 = purpose_key(Purpose::poisson, static_cast<std::uint32_t>(k));
  return in;
}

std::pair<Step, Step> dc_window(const StimulusSpec& st, double dt) {
  // NEST: the current emitted in step s reaches the target's input in step
  // s + delay and drives the membrane from the step after.
  const Step d = to_steps(st.delay.a, dt);
  return {first_step_at(st.start, dt) + d + 1, first_step_at(st.stop, dt) + d + 1};
}

std::vector<double> parameter_values(const ModelEntry& m, const PopulationSpec& ps) {
  std::vector<double> values;
  for (const auto& f : m.parameters) {
    const auto it = ps.params.find(f.name);
    values.push_back(it == ps.params.end() ? f.default_value : it->second);
  }
  return values;
}

void initial_state_of(const ModelEntry& m, const NeuronGroup& g, const PopulationSpec& ps, std::uint32_t seed,
                      std::uint64_t gid, std::uint64_t node, std::vector<double>& out) {
  // Defaults first (V_m = E_L), then the nodes file's values, then the
  // model file's sampled values, each neuron from its own stream so the
  // draw does not depend on placement.
  out.resize(m.state.size());
  for (std::size_t v = 0; v < m.state.size(); ++v) {
    out[v] = g.initial_default(v);
    const auto it = ps.initial_values.find(m.state[v].name);
    if (it != ps.initial_values.end()) out[v] = it->second[node];
  }
  if (ps.initial.empty()) return;
  Stream s(seed, Purpose::initial_state, static_cast<std::uint32_t>(g.population), gid);
  for (const auto& [var, value] : ps.initial) {
    const double x = sample(value, s);
    for (std::size_t v = 0; v < m.state.size(); ++v)
      if (m.state[v].name == var) out[v] = x;
  }
}

void set_initial_state(NeuronGroup& g, const PopulationSpec& ps, std::uint32_t seed) {
  const ModelEntry* m = find_neuron_model(ps.model);
  std::vector<double> x;
  for (std::size_t i = 0; i < g.size(); ++i) {
    initial_state_of(*m, g, ps, seed, g.gids[i], g.node_ids[i], x);
    for (std::size_t v = 0; v < x.size(); ++v) g.set_variable(i, v, x[v]);
  }
}

Network build_network(const ModelSpec& spec, int threads, const Placement& placement, int rank) {
  Network net;
  net.dt = spec.run.dt;
  net.seed = static_cast<std::uint32_t>(spec.run.seed);
  make_groups(spec, net, placement, rank);

  std::vector<ConnectionSet> sets;
  for (std::size_t k = 0; k < spec.projections.size(); ++k) sets.push_back(projection_set(spec, k, net.pop_first_gid));
  attach_stimuli(spec, net, sets);

  std::vector<ConnectionGenerator> generators, plastic_generators;
  std::vector<std::size_t> plastic_projection;
  std::vector<std::vector<std::uint8_t>> local_mask(spec.populations.size());
  for (const auto& g : net.groups) {
    local_mask[g->population].assign(spec.populations[g->population].size, 0);
    for (auto id : g->node_ids) local_mask[g->population][id] = 1;
  }
  for (std::size_t k = 0; k < sets.size(); ++k) {
    const ConnectionSet& c = sets[k];
    const bool plastic = k < spec.projections.size() && spec.projections[k].synapse_model != "static_synapse";
    auto& into = plastic ? plastic_generators : generators;
    if (plastic) plastic_projection.push_back(k);
    into.emplace_back(c, net.seed, net.dt, local_mask[c.target_population]);
    if (k < spec.projections.size() && explicit_rule(c.rule))
      into.back().set_file_edges(given_edges(spec.projections[k], c.n_source, local_mask[c.target_population]));
    else if (c.rule == Rule::from_list)  // a spike_generator reaching some neurons
      into.back().set_file_edges(ConnectionGenerator::list_edges(
          generator_targets(spec.stimuli[c.key - spec.projections.size()]), local_mask[c.target_population]));
  }

  // Thread p updates, and receives the synapses of, the p-th equal slice of
  // every group: balanced per population, whatever the model mix.
  net.thread_ranges.resize(static_cast<std::size_t>(threads));
  for (std::size_t gi = 0; gi < net.groups.size(); ++gi) {
    const std::size_t n = net.groups[gi]->size();
    for (std::size_t p = 0; p < net.thread_ranges.size(); ++p) {
      const std::size_t b = n * p / net.thread_ranges.size(), e = n * (p + 1) / net.thread_ranges.size();
      if (b < e) net.thread_ranges[p].push_back({gi, b, e});
    }
  }
  net.connectivity = build_connectivity(generators, net.groups, net.thread_ranges,
                                        net.n_neurons + net.generators.size());
  net.min_delay = static_cast<Step>(net.connectivity.min_delay);
  net.max_delay = static_cast<Step>(net.connectivity.max_delay);
  // Plastic synapses and modulators widen the delay range like static ones.
  const auto widen = [&](Step d) {
    net.min_delay = net.min_delay == 0 ? d : std::min(net.min_delay, d);
    net.max_delay = std::max(net.max_delay, d);
  };
  for (std::size_t j = 0; j < plastic_generators.size(); ++j) {
    const std::size_t k = plastic_projection[j];
    net.plastic.push_back(build_plastic_projection(k, spec.projections[k], plastic_generators[j], net.groups,
                                                   net.thread_ranges, net.local_size(), net.dt));
    PlasticProjection& pr = net.plastic.back();
    for (const PlasticPart& part : pr.parts)
      for (std::uint16_t d : part.seg_delay) widen(d);
    // A modulator population reaches the synapses like a projection would.
    const ProjectionSpec::Modulator& mod = spec.projections[k].modulator;
    if (!mod.population.empty() && pr.synapses() > 0) {
      const std::size_t mp = *spec.population_index(mod.population);
      pr.mod_first = net.pop_first_gid[mp];
      pr.n_mod = spec.populations[mp].size;
      pr.mod_delay = to_steps(mod.delay, net.dt);
      widen(pr.mod_delay);
    }
  }
  if (net.min_delay == 0) {
    // No synapses: neurons are independent, so any slice length is causal.
    net.min_delay = 10;
    net.max_delay = 10;
  }
  net.ring = RingBuffer(net.local_size(), static_cast<std::size_t>(net.max_delay) + 1);
  for (auto& pr : net.plastic) size_pending(pr, net.max_delay);
  return net;
}

std::uint64_t Network::synapses() const {
  std::uint64_t n = connectivity.synapses();
  for (const auto& p : plastic) n += p.synapses();
  return n;
}

std::size_t Network::synapse_bytes() const {
  std::size_t n = connectivity.bytes();
  for (const auto& p : plastic) n += p.bytes();
  return n;
}

}  // namespace myelin
