#include "api/connections.hpp"

#include "build/sonata_edges.hpp"
#include "io/plastic_state.hpp"

namespace myelin {
namespace {

Connections static_connections(const ModelSpec& spec, const Network& net, std::size_t k) {
  const ConnectionSet set = projection_set(spec, k, net.pop_first_gid);
  std::vector<std::uint8_t> local(set.n_target, 0);
  for (const auto& g : net.groups)
    if (g->population == set.target_population)
      for (std::uint64_t id : g->node_ids) local[id] = 1;
  ConnectionGenerator gen(set, net.seed, net.dt, local);
  if (explicit_rule(set.rule)) gen.set_file_edges(given_edges(spec.projections[k], set.n_source, local));
  Connections c;
  DrawScratch scratch;
  for (std::uint64_t t = 0; t < set.n_target; ++t) {
    if (!local[t]) continue;
    gen.for_each_incoming(t, scratch, [&](std::uint64_t src, float w, std::uint32_t d) {
      c.sources.push_back(src - set.source_first_gid);
      c.targets.push_back(t);
      c.weights.push_back(w);
      c.delays.push_back(static_cast<double>(d) * net.dt);
    });
  }
  return c;
}

Connections plastic_connections(const Network& net, const PlasticProjection& pr, Step now, MPI_Comm comm) {
  Connections c;
  // A row: source node id, target node id, delay (ms), weight, ...
  for_each_plastic_block(
      net, pr, comm,
      [&](const PlasticBlock& b) {
        for (std::size_t r = 0; r + plastic_row_size <= b.rows.size(); r += plastic_row_size) {
          c.sources.push_back(static_cast<std::uint64_t>(b.rows[r]));
          c.targets.push_back(static_cast<std::uint64_t>(b.rows[r + 1]));
          c.delays.push_back(b.rows[r + 2]);
          c.weights.push_back(b.rows[r + 3]);
        }
      },
      now);
  return c;
}

}  // namespace

Connections local_connections(const ModelSpec& spec, const Network& net, std::size_t k, Step now, MPI_Comm comm) {
  for (const PlasticProjection& pr : net.plastic)
    if (pr.projection == k) return plastic_connections(net, pr, now, comm);
  return static_connections(spec, net, k);
}

}  // namespace myelin
