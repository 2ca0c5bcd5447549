#include "io/plastic_state.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/hdf5_handles.hpp"
#include "io/row_exchange.hpp"
#include "io/sonata_export.hpp"
#include "myelin/version.hpp"

namespace myelin {
namespace {

std::uint64_t population_size(const Network& net, std::size_t p) {
  const std::uint64_t end = p + 1 < net.pop_first_gid.size() ? net.pop_first_gid[p + 1] : net.n_neurons;
  return end - net.pop_first_gid[p];
}

const NeuronGroup& target_group(const Network& net, const PlasticProjection& pr) {
  for (const auto& g : net.groups)
    if (g->population == pr.target_population) return *g;
  throw std::logic_error("plastic projection without a target group");
}

/// Per target node + 1: the first canonical row of its synapses.
std::vector<std::uint64_t> target_offsets(const Network& net, const PlasticProjection& pr, MPI_Comm comm) {
  const NeuronGroup& g = target_group(net, pr);
  const std::uint64_t n = population_size(net, pr.target_population);
  std::vector<std::uint64_t> off(n + 1, 0);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::size_t l = g.first_local + i;
    off[g.node_ids[i] + 1] = pr.col_off[l + 1] - pr.col_off[l];
  }
  if (n) MPI_Allreduce(MPI_IN_PLACE, off.data() + 1, static_cast<int>(n), MPI_UINT64_T, MPI_SUM, comm);
  for (std::uint64_t j = 0; j < n; ++j) off[j + 1] += off[j];
  return off;
}

int ranks_of(MPI_Comm comm) {
  int r = 1;
  MPI_Comm_size(comm, &r);
  return r;
}

}  // namespace

PlasticBlock gather_plastic(const Network& net, const PlasticProjection& pr, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int ranks = ranks_of(comm);
  const NeuronGroup& g = target_group(net, pr);
  const std::vector<std::uint64_t> off = target_offsets(net, pr, comm);
  PlasticBlock b;
  b.total = off.back();
  b.first = block_begin(b.total, rank, ranks);
  const std::uint64_t end = block_begin(b.total, rank + 1, ranks);
  b.rows.resize((end - b.first) * plastic_row_size);

  std::vector<std::uint64_t> ids, at;
  std::vector<std::uint32_t> local;
  std::vector<int> dest;
  for (std::size_t i = 0; i < g.size(); ++i) {
    const std::size_t l = g.first_local + i;
    for (std::uint64_t k = pr.col_off[l]; k < pr.col_off[l + 1]; ++k) {
      ids.push_back(off[g.node_ids[i]] + (k - pr.col_off[l]));
      dest.push_back(block_owner(ids.back(), b.total, ranks));
      at.push_back(k);
      local.push_back(static_cast<std::uint32_t>(l));
    }
  }
  std::uint64_t received = 0;
  exchange_rows(
      plastic_row_size * sizeof(double), ids, dest,
      [&](std::size_t j, unsigned char* row) {
        const std::uint32_t l = local[j];
        const std::uint64_t k = at[j];
        const PlasticPart& c = pr.parts[pr.col_part[l]];
        const std::uint32_t seg = pr.col_seg[k], syn = pr.col_syn[k];
        const SegmentState& s = c.seg_state[seg];
        const PostTrace t = pr.post.empty() ? PostTrace{} : pr.post[l];
        const double x[plastic_row_size] = {static_cast<double>(c.source_of(seg)),
                                            static_cast<double>(g.node_ids[l - g.first_local]),
                                            static_cast<double>(c.seg_delay[seg]) * pr.dt,
                                            c.weight[syn],
                                            s.a,
                                            s.b,
                                            static_cast<double>(s.last),
                                            t.y,
                                            static_cast<double>(t.last)};
        std::memcpy(row, x, sizeof x);
      },
      [&](std::uint64_t id, const unsigned char* row) {
        if (id < b.first || id >= end) throw std::logic_error("plastic rows: a row outside this rank's block");
        std::memcpy(b.rows.data() + (id - b.first) * plastic_row_size, row, plastic_row_size * sizeof(double));
        ++received;
      },
      comm);
  if (received != end - b.first) throw std::logic_error("plastic rows: a block is incomplete");
  return b;
}

bool scatter_plastic(Network& net, PlasticProjection& pr, const Placement& placement, const PlasticBlock& block,
                     MPI_Comm comm) {
  const NeuronGroup& g = target_group(net, pr);
  const std::vector<std::uint64_t> off = target_offsets(net, pr, comm);
  bool ok = off.back() == block.total;
  const std::uint64_t n = block.rows.size() / plastic_row_size;
  std::vector<std::uint64_t> ids(ok ? n : 0);
  std::vector<int> dest(ids.size());
  for (std::uint64_t j = 0; j < ids.size(); ++j) {
    ids[j] = block.first + j;
    const std::uint64_t node = static_cast<std::uint64_t>(std::upper_bound(off.begin(), off.end(), ids[j]) - off.begin() - 1);
    dest[j] = placement.rank_of(net.pop_first_gid[pr.target_population] + node);
  }
  std::uint64_t received = 0;
  exchange_rows(
      plastic_row_size * sizeof(double), ids, dest,
      [&](std::size_t j, unsigned char* row) {
        std::memcpy(row, block.rows.data() + j * plastic_row_size, plastic_row_size * sizeof(double));
      },
      [&](std::uint64_t id, const unsigned char* row) {
        double x[plastic_row_size];
        std::memcpy(x, row, sizeof x);
        const std::uint64_t node = static_cast<std::uint64_t>(std::upper_bound(off.begin(), off.end(), id) - off.begin() - 1);
        const auto it = std::lower_bound(g.node_ids.begin(), g.node_ids.end(), node);
        if (it == g.node_ids.end() || *it != node || x[1] != static_cast<double>(node)) {
          ok = false;
          return;
        }
        const std::size_t l = g.first_local + static_cast<std::size_t>(it - g.node_ids.begin());
        const std::uint64_t k = pr.col_off[l] + (id - off[node]);
        PlasticPart& c = pr.parts[pr.col_part[l]];
        const std::uint32_t seg = pr.col_seg[k], syn = pr.col_syn[k];
        if (static_cast<double>(c.source_of(seg)) != x[0] || static_cast<double>(c.seg_delay[seg]) * pr.dt != x[2]) {
          ok = false;
          return;
        }
        c.weight[syn] = x[3];
        c.seg_state[seg] = SegmentState{x[4], x[5], static_cast<Step>(x[6])};
        if (!pr.post.empty()) pr.post[l] = PostTrace{x[7], static_cast<Step>(x[8])};
        ++received;
      },
      comm);
  ok = ok && received == pr.synapses();
  return all_ok(ok, comm);
}

std::vector<std::uint64_t> pending_spikes(const Network& net, const PlasticProjection& pr, Step now, MPI_Comm comm) {
  (void)net;
  std::vector<std::uint64_t> pairs;
  for (const PlasticPart& c : pr.parts)
    for (std::size_t q = 0; q < c.pending.size(); ++q)
      for (std::uint32_t j : c.pending[q]) {
        const Step a = now + ((static_cast<Step>(q) - now) & pr.mask);
        pairs.push_back(pr.source_first_gid + c.source_of(j));
        pairs.push_back(static_cast<std::uint64_t>(a - c.seg_delay[j]));
      }
  std::vector<std::uint64_t> all = gather_to_root(pairs, comm);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> v;
  for (std::size_t i = 0; i + 1 < all.size(); i += 2) v.emplace_back(all[i], all[i + 1]);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::vector<std::uint64_t> out;
  for (const auto& [gid, t] : v) {
    out.push_back(gid);
    out.push_back(t);
  }
  return out;
}

void requeue_spikes(PlasticProjection& pr, const std::vector<std::uint64_t>& pairs, Step now) {
  for (std::size_t p = 0; p < pr.parts.size(); ++p)
    for (std::size_t i = 0; i + 1 < pairs.size(); i += 2) pr.enqueue(p, pairs[i], static_cast<Step>(pairs[i + 1]), now);
}

void write_plastic_edges(const std::string& path, const ModelSpec& spec, const Network& net, MPI_Comm comm) {
  if (net.plastic.empty()) return;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string temp = path + ".tmp";
  {
    h5::Handle file = h5::create_file_parallel(temp, comm);
    h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
    h5::write_string_attribute(file, "model_name", spec.name);
    h5::write_string_attribute(file, "contents", "plastic synapses at the end of the run");
    h5::Handle edges = h5::create_group(file, "edges");
    for (const PlasticProjection& pr : net.plastic) {
      const PlasticBlock b = gather_plastic(net, pr, comm);
      const ProjectionSpec& proj = spec.projections[pr.projection];
      const std::uint64_t n = b.rows.size() / plastic_row_size;
      const auto column = [&](std::size_t c) {
        std::vector<double> v(n);
        for (std::uint64_t j = 0; j < n; ++j) v[j] = b.rows[j * plastic_row_size + c];
        return v;
      };
      const auto ids = [&](std::size_t c) {
        std::vector<std::uint64_t> v(n);
        for (std::uint64_t j = 0; j < n; ++j) v[j] = static_cast<std::uint64_t>(b.rows[j * plastic_row_size + c]);
        return v;
      };
      const auto write = [&](hid_t parent, const std::string& name, hid_t type, const void* data) {
        h5::Handle ds = h5::create_dataset(parent, name, type, {b.total});
        if (b.total) h5::write_rows(ds, type, b.first, n, data, true);
      };
      h5::Handle g = h5::create_group(edges, edge_population_name(spec, pr.projection));
      h5::write_string_attribute(g, "synapse_model", proj.synapse_model);
      const auto src = ids(0), tgt = ids(1);
      write(g, "source_node_id", H5T_NATIVE_UINT64, src.data());
      h5::write_dataset_attribute(g, "source_node_id", "node_population", proj.source);
      write(g, "target_node_id", H5T_NATIVE_UINT64, tgt.data());
      h5::write_dataset_attribute(g, "target_node_id", "node_population", proj.target);
      const std::vector<std::int64_t> type(n, 100 + static_cast<std::int64_t>(pr.projection)), group(n, 0);
      write(g, "edge_type_id", H5T_NATIVE_INT64, type.data());
      write(g, "edge_group_id", H5T_NATIVE_INT64, group.data());
      std::vector<std::uint64_t> index(n);
      for (std::uint64_t j = 0; j < n; ++j) index[j] = b.first + j;
      write(g, "edge_group_index", H5T_NATIVE_UINT64, index.data());
      h5::Handle g0 = h5::create_group(g, "0");
      const auto delay = column(2), weight = column(3);
      write(g0, "syn_weight", H5T_NATIVE_DOUBLE, weight.data());
      write(g0, "delay", H5T_NATIVE_DOUBLE, delay.data());
      double lo = HUGE_VAL, hi = -HUGE_VAL;
      for (double d : delay) {
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      }
      MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, comm);
      MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, comm);
      if (b.total) {
        h5::Handle ds = h5::open_dataset(g0, "delay");
        h5::write_scalar_attribute(ds, "min", lo);
        h5::write_scalar_attribute(ds, "max", hi);
      }
      // The rule's state, named for what it is.
      const bool stdp = std::holds_alternative<StdpRule>(pr.rule);
      const char* names[] = {stdp ? "pre_trace" : "u", stdp ? nullptr : "x", nullptr, stdp ? "post_trace" : nullptr};
      const std::size_t cols[] = {4, 5, 6, 7};
      for (int c = 0; c < 4; ++c)
        if (names[c]) {
          const auto v = column(cols[c]);
          write(g0, names[c], H5T_NATIVE_DOUBLE, v.data());
        }
    }
  }
  MPI_Barrier(comm);
  if (rank == 0) commit_temporary(temp, path);
  MPI_Barrier(comm);
}

}  // namespace myelin
