#include "build/sonata_edges.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "core/hdf5_handles.hpp"
#include "build/sonata_input.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

/// Edges read per HDF5 call: bounds the scratch memory of a read.
constexpr std::uint64_t piece = 1u << 20;
/// Index ranges closer than this are read as one (and filtered), instead of
/// one small HDF5 read each.
constexpr std::uint64_t gap = 4096;

using sonata::bad;

h5::Handle open_edges_file(const std::string& path) { return sonata::open_input(path, "edges"); }

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// The datasets of one edge population, opened and shape-checked.
struct EdgePopulation {
  std::string path, name;
  h5::Handle file, pop, source, target, group_id, group_index, weight, delay;
  std::string group;  ///< "" when the population has no group
  std::uint64_t edges = 0;

  std::string field(const std::string& rel) const { return "/edges/" + name + "/" + rel; }

  h5::Handle open_1d(hid_t parent, const std::string& rel_name, const std::string& rel_field) {
    h5::Handle ds;
    try {
      ds = h5::open_dataset(parent, rel_name);
    } catch (const std::runtime_error&) {
      bad(path, field(rel_field), "a readable dataset");
    }
    const auto d = h5::dataset_dims(ds);
    if (d.size() != 1 || d[0] != edges)
      bad(path, field(rel_field), "a 1-D dataset of " + std::to_string(edges) + " values, one per edge");
    return ds;
  }
};

EdgePopulation open_population(const std::string& path, const std::string& name) {
  EdgePopulation e;
  e.path = path;
  e.name = name;
  e.file = open_edges_file(path);
  sonata::require_population(path, "edges", sonata::population_names(e.file, path, "edges"), name);
  e.pop = h5::open_group(e.file, "edges/" + name);
  if (!h5::exists(e.pop, "source_node_id") || !h5::exists(e.pop, "target_node_id"))
    bad(path, e.field("source_node_id"), "source_node_id and target_node_id datasets (SONATA edges)");
  {
    h5::Handle t = h5::open_dataset(e.pop, "target_node_id");
    const auto d = h5::dataset_dims(t);
    if (d.size() != 1) bad(path, e.field("target_node_id"), "a 1-D dataset");
    e.edges = d[0];
  }
  e.source = e.open_1d(e.pop, "source_node_id", "source_node_id");
  e.target = e.open_1d(e.pop, "target_node_id", "target_node_id");
  std::vector<std::string> groups;
  for (const auto& c : h5::children(e.pop))
    if (all_digits(c)) groups.push_back(c);
  if (groups.size() > 1)
    bad(path, e.field(""), "one edge group (myelin reads single-group populations; this one has " +
                               std::to_string(groups.size()) + ")");
  if (!groups.empty()) {
    e.group = groups[0];
    h5::Handle g = h5::open_group(e.pop, e.group);
    if (h5::exists(g, "syn_weight")) e.weight = e.open_1d(g, "syn_weight", e.group + "/syn_weight");
    if (h5::exists(g, "delay")) e.delay = e.open_1d(g, "delay", e.group + "/delay");
    if (h5::exists(e.pop, "edge_group_id")) e.group_id = e.open_1d(e.pop, "edge_group_id", "edge_group_id");
    if (h5::exists(e.pop, "edge_group_index"))
      e.group_index = e.open_1d(e.pop, "edge_group_index", "edge_group_index");
  }
  return e;
}

template <class T>
void read_piece(const EdgePopulation& e, hid_t ds, const std::string& rel, std::uint64_t b, std::uint64_t n,
                std::vector<T>& out, std::size_t columns = 1) {
  out.resize(n * columns);
  try {
    h5::read_rows(ds, h5::native_type<T>(), b, n, out.data());
  } catch (const std::runtime_error&) {
    bad(e.path, e.field(rel), "readable values (the file is truncated or corrupted)");
  }
}

/// Group datasets are indexed by edge_group_index; myelin reads them in
/// edge order, so the index must be the identity (what single-group
/// writers, this one and BMTK's, produce).
void check_group_order(const EdgePopulation& e, std::uint64_t b, std::uint64_t n, std::vector<std::uint64_t>& tmp) {
  if (e.group.empty()) return;
  const std::uint64_t group = std::stoull(e.group);
  if (e.group_id >= 0) {
    read_piece(e, e.group_id, "edge_group_id", b, n, tmp);
    for (std::uint64_t k = 0; k < n; ++k)
      if (tmp[k] != group) bad(e.path, e.field("edge_group_id"), "group " + e.group + " for every edge", std::to_string(tmp[k]));
  }
  if (e.group_index >= 0) {
    read_piece(e, e.group_index, "edge_group_index", b, n, tmp);
    for (std::uint64_t k = 0; k < n; ++k)
      if (tmp[k] != b + k)
        bad(e.path, e.field("edge_group_index"), "edges stored in group order (edge_group_index[i] = i)",
            std::to_string(tmp[k]) + " at edge " + std::to_string(b + k));
  }
}

std::string node_population(const EdgePopulation& e, hid_t ds, const std::string& dataset) {
  if (!h5::has_attribute(ds, "node_population")) return "";
  try {
    return h5::read_string_attribute(ds, "node_population");
  } catch (const std::runtime_error&) {
    bad(e.path, e.field(dataset) + "@node_population", "a string attribute");
  }
}

/// Edge intervals [begin, end) holding every edge into a local target.
std::vector<std::pair<std::uint64_t, std::uint64_t>> local_intervals(const EdgePopulation& e,
                                                                     const std::vector<std::uint8_t>& is_local) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  const std::string idx = "indices/target_to_source";
  if (!h5::exists(e.pop, "indices") || !h5::exists(e.pop, idx) ||
      !h5::exists(e.pop, idx + "/node_id_to_ranges") || !h5::exists(e.pop, idx + "/range_to_edge_id")) {
    if (e.edges) out.emplace_back(0, e.edges);
    return out;
  }
  h5::Handle n2r = h5::open_dataset(e.pop, idx + "/node_id_to_ranges");
  h5::Handle r2e = h5::open_dataset(e.pop, idx + "/range_to_edge_id");
  const auto dn = h5::dataset_dims(n2r), dr = h5::dataset_dims(r2e);
  if (dn.size() != 2 || dn[1] != 2 || dn[0] > is_local.size())
    bad(e.path, e.field(idx + "/node_id_to_ranges"), "an N x 2 dataset with N at most the target population's size");
  if (dr.size() != 2 || dr[1] != 2) bad(e.path, e.field(idx + "/range_to_edge_id"), "an R x 2 dataset");
  std::vector<std::uint64_t> node_ranges(dn[0] * 2);
  read_piece(e, n2r, idx + "/node_id_to_ranges", 0, dn[0], node_ranges, 2);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> range_rows;
  for (std::uint64_t t = 0; t < dn[0]; ++t) {
    if (!is_local[t]) continue;
    const std::uint64_t b = node_ranges[2 * t], en = node_ranges[2 * t + 1];
    if (b > en || en > dr[0]) bad(e.path, e.field(idx + "/node_id_to_ranges"), "ranges within range_to_edge_id");
    if (b == en) continue;
    if (!range_rows.empty() && b <= range_rows.back().second + gap)
      range_rows.back().second = std::max(range_rows.back().second, en);
    else
      range_rows.emplace_back(b, en);
  }
  std::vector<std::uint64_t> rows;
  for (const auto& [b, en] : range_rows) {
    for (std::uint64_t r = b; r < en; r += piece) {
      const std::uint64_t n = std::min(piece, en - r);
      read_piece(e, r2e, idx + "/range_to_edge_id", r, n, rows, 2);
      for (std::uint64_t k = 0; k < n; ++k) {
        if (rows[2 * k] > rows[2 * k + 1] || rows[2 * k + 1] > e.edges)
          bad(e.path, e.field(idx + "/range_to_edge_id"), "edge ranges within the population");
        if (rows[2 * k] < rows[2 * k + 1]) out.emplace_back(rows[2 * k], rows[2 * k + 1]);
      }
    }
  }
  // Union of the ranges, with small gaps read through (and filtered).
  std::sort(out.begin(), out.end());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> merged;
  for (const auto& iv : out)
    if (!merged.empty() && iv.first <= merged.back().second + gap)
      merged.back().second = std::max(merged.back().second, iv.second);
    else
      merged.push_back(iv);
  return merged;
}

}  // namespace

std::vector<std::string> edge_population_names(const std::string& path) {
  return sonata::population_names(open_edges_file(path), path, "edges");
}

EdgePopulationInfo read_edge_population_info(const std::string& path, const std::string& population) {
  const EdgePopulation e = open_population(path, population);
  EdgePopulationInfo info;
  info.name = population;
  info.edges = e.edges;
  info.source_population = node_population(e, e.source, "source_node_id");
  info.target_population = node_population(e, e.target, "target_node_id");
  info.has_weight = e.weight >= 0;
  info.has_delay = e.delay >= 0;
  if (info.has_delay && e.edges && h5::has_attribute(e.delay, "min") && h5::has_attribute(e.delay, "max")) {
    // Written by myelin export. Each delay is still checked when it is
    // read, and the engine takes its slice from the built synapses, so a
    // wrong range can only mislead the partitioner.
    info.delay_min = h5::read_scalar_attribute<double>(e.delay, "min");
    info.delay_max = h5::read_scalar_attribute<double>(e.delay, "max");
  } else if (info.has_delay && e.edges) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    std::vector<double> d;
    for (std::uint64_t b = 0; b < e.edges; b += piece) {
      const std::uint64_t n = std::min(piece, e.edges - b);
      read_piece(e, e.delay, e.group + "/delay", b, n, d);
      for (double x : d) {
        if (!std::isfinite(x)) bad(path, e.field(e.group + "/delay"), "finite delays in ms", std::to_string(x));
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
    }
    info.delay_min = lo;
    info.delay_max = hi;
  }
  return info;
}

std::vector<ConnectionGenerator::FileEdge> read_local_edges(const std::string& path, const std::string& population,
                                                            std::uint64_t n_source,
                                                            const std::vector<std::uint8_t>& is_local) {
  const EdgePopulation e = open_population(path, population);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<ConnectionGenerator::FileEdge> out;
  std::vector<std::uint64_t> tgt, src, tmp;
  std::vector<double> w, d;
  for (const auto& [ib, ie] : local_intervals(e, is_local)) {
    for (std::uint64_t b = ib; b < ie; b += piece) {
      const std::uint64_t n = std::min(piece, ie - b);
      read_piece(e, e.target, "target_node_id", b, n, tgt);
      bool any = false;
      for (std::uint64_t k = 0; k < n; ++k) {
        if (tgt[k] >= is_local.size())
          bad(path, e.field("target_node_id"),
              "node ids below the target population's size " + std::to_string(is_local.size()),
              std::to_string(tgt[k]) + " at edge " + std::to_string(b + k));
        any = any || is_local[tgt[k]];
      }
      if (!any) continue;
      read_piece(e, e.source, "source_node_id", b, n, src);
      check_group_order(e, b, n, tmp);
      if (e.weight >= 0) read_piece(e, e.weight, e.group + "/syn_weight", b, n, w);
      if (e.delay >= 0) read_piece(e, e.delay, e.group + "/delay", b, n, d);
      for (std::uint64_t k = 0; k < n; ++k) {
        if (src[k] >= n_source)
          bad(path, e.field("source_node_id"), "node ids below the source population's size " + std::to_string(n_source),
              std::to_string(src[k]) + " at edge " + std::to_string(b + k));
        if (!is_local[tgt[k]]) continue;
        const double wk = e.weight >= 0 ? w[k] : nan;
        if (e.weight >= 0 && !std::isfinite(wk))
          bad(path, e.field(e.group + "/syn_weight"), "finite weights", std::to_string(wk));
        out.push_back({tgt[k], src[k], wk, e.delay >= 0 ? d[k] : nan});
      }
    }
  }
  return out;
}

std::vector<ConnectionGenerator::FileEdge> given_edges(const ProjectionSpec& p, std::uint64_t n_source,
                                                       const std::vector<std::uint8_t>& is_local) {
  if (p.rule == Rule::from_list) return ConnectionGenerator::list_edges(p.list, is_local);
  return read_local_edges(p.edges_file, p.edge_population, n_source, is_local);
}

}  // namespace myelin
