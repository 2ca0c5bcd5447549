#include "io/plastic_state.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "io/atomic_file.hpp"
#include "core/hdf5_handles.hpp"
#include "io/row_exchange.hpp"
#include "io/sonata_export.hpp"
#include "myelin/version.hpp"

namespace myelin {
namespace {

/// The rule's state in an exported row, named for what it is: (row column,
/// dataset name). Segment state is columns 4-5, postsynaptic traces 7-8,
/// the eligibility 11.
template <class Rule>
void append_rule_columns(const Rule&, std::vector<std::pair<std::size_t, std::string>>& out) {
  if constexpr (std::is_same_v<Rule, TsodyksRule>) {
    out.insert(out.end(), {{4, "u"}, {5, "x"}});
  } else if constexpr (Rule::two_traces) {
    out.insert(out.end(), {{4, "pre_trace_plus"}, {5, "pre_trace_minus"}, {7, "post_trace_plus"}, {8, "post_trace_minus"}});
  } else {
    out.insert(out.end(), {{4, "pre_trace"}, {7, "post_trace"}});
    if constexpr (Rule::modulated) out.push_back({11, "eligibility"});
  }
}

const NeuronGroup& target_group(const Network& net, const PlasticProjection& pr) {
  if (const NeuronGroup* g = net.group_of(pr.target_population)) return *g;
  throw std::logic_error("plastic projection without a target group");
}

/// Per target node + 1: the first canonical row of its synapses.
std::vector<std::uint64_t> target_offsets(const Network& net, const PlasticProjection& pr, MPI_Comm comm) {
  const NeuronGroup& g = target_group(net, pr);
  const std::uint64_t n = net.population_size(pr.target_population);
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

std::uint64_t plastic_chunk_rows() {
  // A test knob: small networks then take several passes too.
  if (const char* e = std::getenv("MYELIN_PLASTIC_CHUNK_ROWS"))
    if (const std::uint64_t v = std::strtoull(e, nullptr, 10); v > 0) return v;
  return std::uint64_t{1} << 16;
}

std::uint64_t plastic_rows(const Network& net, const PlasticProjection& pr, MPI_Comm comm) {
  return target_offsets(net, pr, comm).back();
}

void for_each_plastic_block(const Network& net, const PlasticProjection& pr, MPI_Comm comm,
                            const std::function<void(const PlasticBlock&)>& take, Step now) {
  const DopamineRule* dopamine = std::get_if<DopamineRule>(&pr.rule);
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int ranks = ranks_of(comm);
  const NeuronGroup& g = target_group(net, pr);
  const std::vector<std::uint64_t> off = target_offsets(net, pr, comm);
  const std::uint64_t total = off.back(), chunk = plastic_chunk_rows();
  // This rank's synapses in canonical order: neuron by neuron (node ids
  // ascend), each neuron's in generation order. (i, j) is the next one.
  std::size_t i = 0;
  std::uint64_t j = 0;
  std::vector<std::uint64_t> ids, at;
  std::vector<std::uint32_t> local;
  std::vector<int> dest;
  for (std::uint64_t lo = 0; lo < total; lo += chunk) {
    const std::uint64_t hi = std::min(total, lo + chunk), n = hi - lo;
    PlasticBlock b;
    b.total = total;
    b.first = lo + block_begin(n, rank, ranks);
    const std::uint64_t end = lo + block_begin(n, rank + 1, ranks);
    b.rows.resize((end - b.first) * plastic_row_size);
    ids.clear();
    at.clear();
    local.clear();
    dest.clear();
    while (i < g.size()) {
      const std::size_t l = g.first_local + i;
      if (j >= pr.col_off[l + 1] - pr.col_off[l]) {
        ++i;
        j = 0;
        continue;
      }
      const std::uint64_t id = off[g.node_ids[i]] + j;
      if (id >= hi) break;
      ids.push_back(id);
      dest.push_back(block_owner(id - lo, n, ranks));
      at.push_back(pr.col_off[l] + j);
      local.push_back(static_cast<std::uint32_t>(l));
      ++j;
    }
    std::uint64_t received = 0;
    exchange_rows(
        plastic_row_size * sizeof(double), ids, dest,
        [&](std::size_t k, unsigned char* row) {
          const std::uint32_t l = local[k];
          const std::uint64_t c = at[k];
          const PlasticPart& part = pr.parts[pr.col_part[l]];
          const std::uint32_t seg = pr.col_seg[c], syn = pr.col_syn[c];
          const SegmentState& st = part.seg_state[seg];
          const PostTrace t = pr.post.empty() ? PostTrace{} : pr.post[l];
          double w = part.weight[syn], elig = part.elig.empty() ? 0.0 : part.elig[syn];
          Step touched = part.touched.empty() ? 0 : part.touched[syn];
          if (dopamine && now >= 0) {
            dopamine->advance(w, elig, touched, now, part.mod, pr.dt, pr.lag(part.seg_delay[seg]));
            touched = now;
          }
          const double x[plastic_row_size] = {static_cast<double>(part.source_of(seg)),
                                              static_cast<double>(g.node_ids[l - g.first_local]),
                                              static_cast<double>(part.seg_delay[seg]) * pr.dt,
                                              w,
                                              st.a,
                                              st.b,
                                              static_cast<double>(st.last),
                                              t.y,
                                              t.y2,
                                              t.rate,
                                              static_cast<double>(t.last),
                                              elig,
                                              static_cast<double>(touched)};
          std::memcpy(row, x, sizeof x);
        },
        [&](std::uint64_t id, const unsigned char* row) {
          if (id < b.first || id >= end) throw std::logic_error("plastic rows: a row outside this rank's block");
          std::memcpy(b.rows.data() + (id - b.first) * plastic_row_size, row, plastic_row_size * sizeof(double));
          ++received;
        },
        comm);
    if (received != end - b.first) throw std::logic_error("plastic rows: a block is incomplete");
    take(b);
  }
}

bool set_plastic_state(Network& net, PlasticProjection& pr, const Placement& placement, std::uint64_t total,
                       MPI_Comm comm,
                       const std::function<void(std::uint64_t first, std::uint64_t n, std::vector<double>& rows)>& read) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const int ranks = ranks_of(comm);
  const NeuronGroup& g = target_group(net, pr);
  const std::vector<std::uint64_t> off = target_offsets(net, pr, comm);
  if (off.back() != total) return false;  // the same on every rank
  bool ok = true;
  std::uint64_t received = 0;
  const std::uint64_t chunk = plastic_chunk_rows();
  std::vector<double> rows;
  std::vector<std::uint64_t> ids;
  std::vector<int> dest;
  for (std::uint64_t lo = 0; lo < total; lo += chunk) {
    const std::uint64_t n = std::min(total, lo + chunk) - lo;
    const std::uint64_t first = lo + block_begin(n, rank, ranks), count = lo + block_begin(n, rank + 1, ranks) - first;
    rows.assign(count * plastic_row_size, 0.0);
    read(first, count, rows);
    ids.resize(count);
    dest.resize(count);
    for (std::uint64_t k = 0; k < count; ++k) {
      ids[k] = first + k;
      const auto node = static_cast<std::uint64_t>(std::upper_bound(off.begin(), off.end(), ids[k]) - off.begin() - 1);
      dest[k] = placement.rank_of(net.pop_first_gid[pr.target_population] + node);
    }
    exchange_rows(
        plastic_row_size * sizeof(double), ids, dest,
        [&](std::size_t k, unsigned char* row) {
          std::memcpy(row, rows.data() + k * plastic_row_size, plastic_row_size * sizeof(double));
        },
        [&](std::uint64_t id, const unsigned char* row) {
          double x[plastic_row_size];
          std::memcpy(x, row, sizeof x);
          const auto node = static_cast<std::uint64_t>(std::upper_bound(off.begin(), off.end(), id) - off.begin() - 1);
          const auto it = std::lower_bound(g.node_ids.begin(), g.node_ids.end(), node);
          if (it == g.node_ids.end() || *it != node || x[1] != static_cast<double>(node)) {
            ok = false;
            return;
          }
          const std::size_t l = g.first_local + static_cast<std::size_t>(it - g.node_ids.begin());
          const std::uint64_t c = pr.col_off[l] + (id - off[node]);
          PlasticPart& part = pr.parts[pr.col_part[l]];
          const std::uint32_t seg = pr.col_seg[c], syn = pr.col_syn[c];
          if (static_cast<double>(part.source_of(seg)) != x[0] ||
              static_cast<double>(part.seg_delay[seg]) * pr.dt != x[2]) {
            ok = false;
            return;
          }
          part.weight[syn] = x[3];
          part.seg_state[seg] = SegmentState{x[4], x[5], static_cast<Step>(x[6])};
          if (!pr.post.empty()) pr.post[l] = PostTrace{x[7], x[8], x[9], static_cast<Step>(x[10])};
          if (!part.elig.empty()) {
            part.elig[syn] = x[11];
            part.touched[syn] = static_cast<Step>(x[12]);
          }
          ++received;
        },
        comm);
  }
  ok = ok && received == pr.synapses();
  return all_ok(ok, comm);
}

std::vector<std::uint64_t> pending_spikes(const PlasticProjection& pr, Step now, MPI_Comm comm) {
  std::vector<std::uint64_t> pairs;
  for (const PlasticPart& c : pr.parts)
    for (std::size_t q = 0; q < c.pending.size(); ++q)
      for (std::uint32_t j : c.pending[q]) {
        const Step a = now + ((static_cast<Step>(q) - now) & pr.mask);
        pairs.push_back(pr.source_first_gid + c.source_of(j));
        pairs.push_back(static_cast<std::uint64_t>(a - c.seg_delay[j]));
      }
  for (const PlasticPart& c : pr.parts)
    for (std::size_t q = 0; q < c.mod_pending.size(); ++q)
      for (std::uint64_t gid : c.mod_pending[q]) {
        const Step a = now + ((static_cast<Step>(q) - now) & pr.mask);
        pairs.push_back(gid);
        pairs.push_back(static_cast<std::uint64_t>(a - pr.mod_delay));
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

std::vector<double> post_history_rows(const Network& net, const PlasticProjection& pr, MPI_Comm comm) {
  std::vector<double> mine;
  for (std::size_t l = 0; l < pr.history.size(); ++l)
    for (const PostSpike& s : pr.history[l])
      mine.insert(mine.end(), {static_cast<double>(net.local_gid[l]), static_cast<double>(s.step), s.y, s.y2});
  std::vector<double> all = gather_to_root(mine, comm);
  std::vector<std::array<double, 4>> rows(all.size() / 4);
  for (std::size_t i = 0; i < rows.size(); ++i) std::copy_n(all.begin() + static_cast<std::ptrdiff_t>(4 * i), 4, rows[i].begin());
  std::sort(rows.begin(), rows.end());  // gid, then step: the same file for any number of ranks
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

void restore_post_history(const Network& net, PlasticProjection& pr, const std::vector<double>& rows, Step now) {
  std::unordered_map<std::uint64_t, std::uint32_t> local;
  for (std::uint32_t l = 0; l < net.local_gid.size(); ++l) local.emplace(net.local_gid[l], l);
  for (auto& h : pr.history) h.clear();
  for (std::size_t i = 0; i + 3 < rows.size(); i += 4) {
    const auto it = local.find(static_cast<std::uint64_t>(rows[i]));
    if (it == local.end()) continue;  // another rank's neuron
    const Step u = static_cast<Step>(rows[i + 1]);
    pr.history[it->second].push_back({u, rows[i + 2], rows[i + 3]});
    pr.queue_post(it->second, u, now);
  }
}

void write_plastic_edges(const std::string& path, const ModelSpec& spec, const Network& net, Step now,
                         MPI_Comm comm) {
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
      const ProjectionSpec& proj = spec.projections[pr.projection];
      const std::uint64_t total = plastic_rows(net, pr, comm);
      h5::Handle g = h5::create_group(edges, edge_population_name(spec, pr.projection));
      h5::write_string_attribute(g, "synapse_model", proj.synapse_model);
      h5::Handle g0 = h5::create_group(g, "0");
      // The rule's state, named for what it is: column in a row, name.
      std::vector<std::pair<std::size_t, std::string>> state = {{3, "syn_weight"}, {2, "delay"}};
      std::visit([&](const auto& r) { append_rule_columns(r, state); }, pr.rule);
      if (pr.scaling.on) state.push_back({9, "post_rate"});
      const auto make = [&](hid_t parent, const std::string& name, hid_t type) {
        return h5::create_dataset(parent, name, type, {total});
      };
      h5::Handle src = make(g, "source_node_id", H5T_NATIVE_UINT64), tgt = make(g, "target_node_id", H5T_NATIVE_UINT64);
      h5::Handle type = make(g, "edge_type_id", H5T_NATIVE_INT64), group = make(g, "edge_group_id", H5T_NATIVE_INT64);
      h5::Handle index = make(g, "edge_group_index", H5T_NATIVE_UINT64);
      std::vector<h5::Handle> cols;
      for (const auto& [c, name] : state) cols.push_back(make(g0, name, H5T_NATIVE_DOUBLE));
      double lo = HUGE_VAL, hi = -HUGE_VAL;
      std::vector<std::uint64_t> u64;
      std::vector<std::int64_t> i64;
      std::vector<double> f64;
      for_each_plastic_block(
          net, pr, comm,
          [&](const PlasticBlock& b) {
        const std::uint64_t n = b.rows.size() / plastic_row_size;
        const auto ids = [&](std::size_t c) {
          u64.resize(n);
          for (std::uint64_t j = 0; j < n; ++j) u64[j] = static_cast<std::uint64_t>(b.rows[j * plastic_row_size + c]);
          return u64.data();
        };
        h5::write_rows(src, H5T_NATIVE_UINT64, b.first, n, ids(0), true);
        h5::write_rows(tgt, H5T_NATIVE_UINT64, b.first, n, ids(1), true);
        i64.assign(n, 100 + static_cast<std::int64_t>(pr.projection));
        h5::write_rows(type, H5T_NATIVE_INT64, b.first, n, i64.data(), true);
        i64.assign(n, 0);
        h5::write_rows(group, H5T_NATIVE_INT64, b.first, n, i64.data(), true);
        u64.resize(n);
        for (std::uint64_t j = 0; j < n; ++j) u64[j] = b.first + j;
        h5::write_rows(index, H5T_NATIVE_UINT64, b.first, n, u64.data(), true);
        for (std::size_t k = 0; k < state.size(); ++k) {
          f64.resize(n);
          for (std::uint64_t j = 0; j < n; ++j) f64[j] = b.rows[j * plastic_row_size + state[k].first];
          h5::write_rows(cols[k], H5T_NATIVE_DOUBLE, b.first, n, f64.data(), true);
        }
        for (std::uint64_t j = 0; j < n; ++j) {
          lo = std::min(lo, b.rows[j * plastic_row_size + 2]);
          hi = std::max(hi, b.rows[j * plastic_row_size + 2]);
        }
          },
          now);
      h5::write_dataset_attribute(g, "source_node_id", "node_population", proj.source);
      h5::write_dataset_attribute(g, "target_node_id", "node_population", proj.target);
      MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_DOUBLE, MPI_MIN, comm);
      MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_DOUBLE, MPI_MAX, comm);
      if (total) {
        h5::write_scalar_attribute(cols[1], "min", lo);
        h5::write_scalar_attribute(cols[1], "max", hi);
      }
    }
  }
  MPI_Barrier(comm);
  if (rank == 0) commit_temporary(temp, path);
  MPI_Barrier(comm);
}

}  // namespace myelin
