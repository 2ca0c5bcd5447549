#include "io/sonata_export.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "build/connection_rules.hpp"
#include "io/atomic_file.hpp"
#include "core/hdf5_handles.hpp"
#include "io/row_exchange.hpp"
#include "build/sonata_edges.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"
#include "neurons/registry.hpp"
#include "build/network.hpp"

namespace myelin {
namespace {

constexpr std::int64_t node_type_base = 100, edge_type_base = 100;

struct Ctx {
  MPI_Comm comm;
  int rank = 0, ranks = 1;
};

template <class T>
void write_column(hid_t parent, const std::string& name, std::uint64_t n, std::uint64_t row0,
                  const std::vector<T>& local) {
  h5::Handle ds = h5::create_dataset(parent, name, h5::native_type<T>(), {n});
  // n is the same on every rank: an empty dataset has nothing to write.
  if (n) h5::write_rows(ds, h5::native_type<T>(), row0, local.size(), local.data(), true);
}

template <class T>
void write_table(hid_t parent, const std::string& name, std::uint64_t rows, std::uint64_t row0,
                 const std::vector<T>& local_pairs) {
  h5::Handle ds = h5::create_dataset(parent, name, h5::native_type<T>(), {rows, 2});
  if (rows) h5::write_rows(ds, h5::native_type<T>(), row0, local_pairs.size() / 2, local_pairs.data(), true);
}

std::uint64_t exclusive_prefix(std::uint64_t x, MPI_Comm comm) {
  std::uint64_t before = 0;
  MPI_Exscan(&x, &before, 1, MPI_UINT64_T, MPI_SUM, comm);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  return rank == 0 ? 0 : before;
}

void write_nodes(const ModelSpec& spec, const std::vector<std::uint64_t>& first_gid, hid_t file, const Ctx& c,
                 ExportSummary& out) {
  h5::Handle nodes = h5::create_group(file, "nodes");
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    const PopulationSpec& ps = spec.populations[p];
    const ModelEntry& m = *find_neuron_model(ps.model);
    const std::uint64_t n = ps.size, b = block_begin(n, c.rank, c.ranks), e = block_begin(n, c.rank + 1, c.ranks);
    h5::Handle g = h5::create_group(nodes, ps.name);
    write_column(g, "node_type_id", n, b, std::vector<std::int64_t>(e - b, node_type_base + static_cast<std::int64_t>(p)));
    write_column(g, "node_group_id", n, b, std::vector<std::int64_t>(e - b, 0));
    std::vector<std::uint64_t> index(e - b);
    for (std::uint64_t i = b; i < e; ++i) index[i - b] = i;
    write_column(g, "node_group_index", n, b, index);
    h5::Handle g0 = h5::create_group(g, "0");
    h5::Handle dyn = h5::create_group(g0, "dynamics_params");
    const std::vector<double> params = parameter_values(m, ps);
    for (std::size_t k = 0; k < m.parameters.size(); ++k)
      write_column(dyn, m.parameters[k].name, n, b, std::vector<double>(e - b, params[k]));
    // The initial state as the model's seed draws it, so that a model
    // loading these nodes starts from the same state.
    const auto proto = m.make(params, spec.run.dt, 0);
    proto->population = p;
    std::vector<std::vector<double>> init(m.state.size(), std::vector<double>(e - b));
    std::vector<double> x;
    for (std::uint64_t i = b; i < e; ++i) {
      initial_state_of(m, *proto, ps, static_cast<std::uint32_t>(spec.run.seed), first_gid[p] + i, i, x);
      for (std::size_t v = 0; v < x.size(); ++v) init[v][i - b] = x[v];
    }
    for (std::size_t v = 0; v < m.state.size(); ++v) write_column(dyn, m.state[v].name, n, b, init[v]);
    out.nodes += n;
  }
}

/// This rank's edges of one projection: those into its block of targets,
/// in target order, then in the order the rule generates them.
struct LocalEdges {
  std::uint64_t target_begin = 0, target_end = 0;
  std::vector<std::uint64_t> source, target, per_target;  ///< per_target: edges of each block target
  std::vector<double> weight, delay;
};

LocalEdges generate(const ModelSpec& spec, std::size_t k, const std::vector<std::uint64_t>& first_gid, const Ctx& c) {
  const ConnectionSet set = projection_set(spec, k, first_gid);
  LocalEdges le;
  le.target_begin = block_begin(set.n_target, c.rank, c.ranks);
  le.target_end = block_begin(set.n_target, c.rank + 1, c.ranks);
  std::vector<std::uint8_t> mask(set.n_target, 0);
  for (std::uint64_t t = le.target_begin; t < le.target_end; ++t) mask[t] = 1;
  ConnectionGenerator gen(set, static_cast<std::uint32_t>(spec.run.seed), spec.run.dt, mask);
  if (explicit_rule(set.rule)) gen.set_file_edges(given_edges(spec.projections[k], set.n_source, mask));
  DrawScratch scratch;
  le.per_target.assign(le.target_end - le.target_begin, 0);
  for (std::uint64_t t = le.target_begin; t < le.target_end; ++t)
    gen.for_each_incoming(t, scratch, [&](std::uint64_t src, float w, std::uint32_t d) {
      le.source.push_back(src - set.source_first_gid);
      le.target.push_back(t);
      le.weight.push_back(w);
      le.delay.push_back(static_cast<double>(d) * spec.run.dt);
      ++le.per_target[t - le.target_begin];
    });
  return le;
}

/// indices/source_to_target: for each source node the ranges of its edges.
/// A range is a run of consecutive edges with that source within one
/// target's edges, so the index does not depend on the number of ranks.
void write_source_index(hid_t idx, const LocalEdges& le, std::uint64_t n_source, std::uint64_t edge0, const Ctx& c) {
  std::vector<std::uint64_t> runs(n_source, 0);
  struct Run { std::uint64_t source, begin, end; };
  std::vector<Run> local;
  for (std::size_t j = 0; j < le.source.size(); ++j) {
    const bool extends = !local.empty() && local.back().source == le.source[j] && le.target[j - 1] == le.target[j] &&
                         local.back().end == edge0 + j;
    if (extends) {
      ++local.back().end;
    } else {
      local.push_back({le.source[j], edge0 + j, edge0 + j + 1});
      ++runs[le.source[j]];
    }
  }
  std::vector<std::uint64_t> before(n_source, 0), total(n_source, 0);
  MPI_Exscan(runs.data(), before.data(), static_cast<int>(n_source), MPI_UINT64_T, MPI_SUM, c.comm);
  if (c.rank == 0) std::fill(before.begin(), before.end(), 0);
  MPI_Allreduce(runs.data(), total.data(), static_cast<int>(n_source), MPI_UINT64_T, MPI_SUM, c.comm);
  std::vector<std::uint64_t> start(n_source + 1, 0);
  for (std::uint64_t s = 0; s < n_source; ++s) start[s + 1] = start[s] + total[s];
  const std::uint64_t n_runs = start[n_source];

  const std::uint64_t sb = block_begin(n_source, c.rank, c.ranks), se = block_begin(n_source, c.rank + 1, c.ranks);
  std::vector<std::uint64_t> node_ranges;
  for (std::uint64_t s = sb; s < se; ++s) {
    node_ranges.push_back(start[s]);
    node_ranges.push_back(start[s + 1]);
  }
  write_table(idx, "node_id_to_ranges", n_source, sb, node_ranges);

  // Run rows go to the rank that writes their block of range_to_edge_id.
  std::vector<std::uint64_t> ids(local.size());
  std::vector<int> dest(local.size());
  std::vector<std::uint64_t> next(before);
  for (std::size_t j = 0; j < local.size(); ++j) {
    const std::uint64_t s = local[j].source;
    ids[j] = start[s] + next[s]++;
    dest[j] = block_owner(ids[j], n_runs, c.ranks);
  }
  const std::uint64_t rb = block_begin(n_runs, c.rank, c.ranks), re = block_begin(n_runs, c.rank + 1, c.ranks);
  std::vector<std::uint64_t> rows(2 * (re - rb));
  exchange_rows(
      2 * sizeof(std::uint64_t), ids, dest,
      [&](std::size_t j, unsigned char* row) {
        const std::uint64_t r[2] = {local[j].begin, local[j].end};
        std::memcpy(row, r, sizeof r);
      },
      [&](std::uint64_t id, const unsigned char* row) { std::memcpy(&rows[2 * (id - rb)], row, 2 * sizeof(std::uint64_t)); },
      c.comm);
  write_table(idx, "range_to_edge_id", n_runs, rb, rows);
}

void write_edges(const ModelSpec& spec, const std::vector<std::uint64_t>& first_gid, hid_t file, const Ctx& c,
                 ExportSummary& out) {
  h5::Handle edges = h5::create_group(file, "edges");
  for (std::size_t k = 0; k < spec.projections.size(); ++k) {
    const ProjectionSpec& proj = spec.projections[k];
    const std::uint64_t n_source = spec.populations[*spec.population_index(proj.source)].size;
    const std::uint64_t n_target = spec.populations[*spec.population_index(proj.target)].size;
    const LocalEdges le = generate(spec, k, first_gid, c);
    const std::uint64_t n_local = le.source.size(), edge0 = exclusive_prefix(n_local, c.comm);
    std::uint64_t n = 0;
    MPI_Allreduce(&n_local, &n, 1, MPI_UINT64_T, MPI_SUM, c.comm);

    const std::string name = edge_population_name(spec, k);
    out.edge_populations.push_back(name);
    h5::Handle g = h5::create_group(edges, name);
    write_column(g, "source_node_id", n, edge0, le.source);
    h5::write_dataset_attribute(g, "source_node_id", "node_population", proj.source);
    write_column(g, "target_node_id", n, edge0, le.target);
    h5::write_dataset_attribute(g, "target_node_id", "node_population", proj.target);
    write_column(g, "edge_type_id", n, edge0, std::vector<std::int64_t>(n_local, edge_type_base + static_cast<std::int64_t>(k)));
    write_column(g, "edge_group_id", n, edge0, std::vector<std::int64_t>(n_local, 0));
    std::vector<std::uint64_t> index(n_local);
    for (std::uint64_t j = 0; j < n_local; ++j) index[j] = edge0 + j;
    write_column(g, "edge_group_index", n, edge0, index);
    {
      h5::Handle g0 = h5::create_group(g, "0");
      write_column(g0, "syn_weight", n, edge0, le.weight);
      write_column(g0, "delay", n, edge0, le.delay);
      // The delay range, so that loading needs no pass over the delays.
      double lo = le.delay.empty() ? HUGE_VAL : *std::min_element(le.delay.begin(), le.delay.end());
      double hi = le.delay.empty() ? -HUGE_VAL : *std::max_element(le.delay.begin(), le.delay.end());
      MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, c.comm);
      MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, c.comm);
      if (n) {
        h5::Handle ds = h5::open_dataset(g0, "delay");
        h5::write_scalar_attribute(ds, "min", lo);
        h5::write_scalar_attribute(ds, "max", hi);
      }
    }
    h5::Handle indices = h5::create_group(g, "indices");
    {
      // Edges are sorted by target: one range per target node.
      h5::Handle t2s = h5::create_group(indices, "target_to_source");
      std::vector<std::uint64_t> node_ranges, ranges;
      std::uint64_t e = edge0;
      for (std::uint64_t t = le.target_begin; t < le.target_end; ++t) {
        node_ranges.push_back(t);
        node_ranges.push_back(t + 1);
        ranges.push_back(e);
        e += le.per_target[t - le.target_begin];
        ranges.push_back(e);
      }
      write_table(t2s, "node_id_to_ranges", n_target, le.target_begin, node_ranges);
      write_table(t2s, "range_to_edge_id", n_target, le.target_begin, ranges);
    }
    {
      h5::Handle s2t = h5::create_group(indices, "source_to_target");
      write_source_index(s2t, le, n_source, edge0, c);
    }
    out.edges += n;
  }
}

std::string node_types_csv(const ModelSpec& spec) {
  std::ostringstream o;
  o << "node_type_id model_type model_template pop_name\n";
  for (std::size_t p = 0; p < spec.populations.size(); ++p)
    o << node_type_base + static_cast<std::int64_t>(p) << " point_neuron nest:" << spec.populations[p].model << ' '
      << spec.populations[p].name << '\n';
  return o.str();
}

std::string edge_types_csv(const ModelSpec& spec) {
  std::ostringstream o;
  o << "edge_type_id model_template source target\n";
  for (std::size_t k = 0; k < spec.projections.size(); ++k)
    o << edge_type_base + static_cast<std::int64_t>(k) << ' ' << spec.projections[k].synapse_model << ' '
      << spec.projections[k].source << ' ' << spec.projections[k].target << '\n';
  return o.str();
}

const char* circuit_config =
    "{\n"
    "  \"manifest\": {\"$BASE_DIR\": \".\"},\n"
    "  \"networks\": {\n"
    "    \"nodes\": [{\"nodes_file\": \"$BASE_DIR/nodes.h5\", \"node_types_file\": \"$BASE_DIR/node_types.csv\"}],\n"
    "    \"edges\": [{\"edges_file\": \"$BASE_DIR/edges.h5\", \"edge_types_file\": \"$BASE_DIR/edge_types.csv\"}]\n"
    "  }\n"
    "}\n";

}  // namespace

std::string edge_population_name(const ModelSpec& spec, std::size_t k) {
  const auto& p = spec.projections[k];
  std::string name = p.source + "_to_" + p.target;
  for (std::size_t j = 0; j < spec.projections.size(); ++j)
    if (j != k && spec.projections[j].source == p.source && spec.projections[j].target == p.target)
      return name + "_" + std::to_string(k);
  return name;
}

ExportSummary export_circuit(const ModelSpec& spec, const std::string& dir, MPI_Comm comm) {
  Ctx c{comm};
  MPI_Comm_rank(comm, &c.rank);
  MPI_Comm_size(comm, &c.ranks);
  if (c.rank == 0) prepare_output_dir(dir);
  MPI_Barrier(comm);
  long long pid = c.rank == 0 ? static_cast<long long>(::getpid()) : 0;
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, comm);
  namespace fs = std::filesystem;
  ExportSummary out;
  std::vector<std::pair<std::string, std::string>> written;  // temp, final
  const auto write_h5 = [&](const std::string& base, auto&& body) {
    const std::string final_path = (fs::path(dir) / base).string(), temp = final_path + ".tmp." + std::to_string(pid);
    try {
      h5::Handle file = h5::create_file_parallel(temp, comm);
      h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
      h5::write_string_attribute(file, "model_name", spec.name);
      body(static_cast<hid_t>(file));
    } catch (const std::runtime_error& e) {
      if (c.rank == 0) std::remove(temp.c_str());
      if (dynamic_cast<const InputError*>(&e)) throw;
      throw InputError(final_path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
    }
    written.emplace_back(temp, final_path);
  };
  // Gids as the builder numbers them: populations in order.
  std::vector<std::uint64_t> first_gid;
  for (std::uint64_t gid = 0; const auto& p : spec.populations) {
    first_gid.push_back(gid);
    gid += p.size;
  }
  write_h5("nodes.h5", [&](hid_t f) { write_nodes(spec, first_gid, f, c, out); });
  write_h5("edges.h5", [&](hid_t f) { write_edges(spec, first_gid, f, c, out); });
  MPI_Barrier(comm);
  if (c.rank == 0) {
    for (const auto& [temp, final_path] : written) {
      commit_temporary(temp, final_path);
      out.files.push_back(final_path);
    }
    for (const auto& [base, text] : {std::pair<std::string, std::string>{"node_types.csv", node_types_csv(spec)},
                                     {"edge_types.csv", edge_types_csv(spec)},
                                     {"circuit_config.json", circuit_config}}) {
      write_text_file((fs::path(dir) / base).string(), text);
      out.files.push_back((fs::path(dir) / base).string());
    }
    for (const auto& f : out.files) out.bytes += fs::file_size(f);
  }
  return out;
}

}  // namespace myelin
