#include "build/sonata_nodes.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/hdf5_handles.hpp"
#include "build/sonata_input.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

using sonata::bad;

h5::Handle open_nodes_file(const std::string& path) { return sonata::open_input(path, "nodes"); }

std::vector<double> read_column(const std::string& path, hid_t parent, const std::string& name,
                                const std::string& field, std::uint64_t n) {
  std::vector<hsize_t> d;
  h5::Handle ds;
  try {
    ds = h5::open_dataset(parent, name);
    d = h5::dataset_dims(ds);
  } catch (const std::runtime_error&) {
    bad(path, field, "a readable numeric dataset");
  }
  if (d.size() != 1 || d[0] != n) bad(path, field, "a 1-D dataset of " + std::to_string(n) + " values, one per node");
  try {
    std::vector<double> v(n);
    h5::read_rows(ds, H5T_NATIVE_DOUBLE, 0, n, v.data());
    return v;
  } catch (const std::runtime_error&) {
    bad(path, field, "a readable numeric dataset");
  }
}

/// model_template per node_type_id from a whitespace-separated CSV with a
/// header line (BMTK's node_types.csv).
std::map<std::uint64_t, std::string> read_node_types(const std::string& csv) {
  std::ifstream in(csv);
  if (!in) bad(csv, "", "a readable node types CSV");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::istringstream h(line);
    for (std::string t; h >> t;) header.push_back(t);
  }
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) bad(csv, "header", "a " + name + " column (space-separated, as in SONATA)");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t id_col = col("node_type_id"), model_col = col("model_template");
  std::map<std::uint64_t, std::string> out;
  for (int row = 2; std::getline(in, line); ++row) {
    std::istringstream l(line);
    std::vector<std::string> cells;
    for (std::string t; l >> t;) cells.push_back(t);
    if (cells.empty()) continue;
    if (cells.size() != header.size())
      bad(csv + ":" + std::to_string(row), "", std::to_string(header.size()) + " columns like the header");
    try {
      out[std::stoull(cells[id_col])] = cells[model_col];
    } catch (const std::exception&) {
      bad(csv + ":" + std::to_string(row), "node_type_id", "an integer", cells[id_col]);
    }
  }
  return out;
}

}  // namespace

NodePopulationInfo read_node_population(const std::string& path, const std::string& population,
                                        const std::string& node_types) {
  h5::Handle f = open_nodes_file(path);
  sonata::require_population(path, "nodes", sonata::population_names(f, path, "nodes"), population);
  h5::Handle pop = h5::open_group(f, "nodes/" + population);
  const std::string base = "/nodes/" + population + "/";
  if (!h5::exists(pop, "node_type_id")) bad(path, base + "node_type_id", "a node_type_id dataset (SONATA nodes)");
  NodePopulationInfo info;
  std::vector<std::uint64_t> types;
  try {
    types = h5::read_dataset_1d<std::uint64_t>(pop, "node_type_id");
  } catch (const std::runtime_error&) {
    bad(path, base + "node_type_id", "a readable 1-D integer dataset");
  }
  info.size = types.size();
  if (info.size == 0) bad(path, base + "node_type_id", "at least one node");

  // Per-node dynamics_params of the (single) node group.
  std::vector<std::string> groups;
  for (const auto& c : h5::children(pop))
    if (!c.empty() && std::all_of(c.begin(), c.end(), [](unsigned char ch) { return std::isdigit(ch); }))
      groups.push_back(c);
  if (groups.size() > 1)
    bad(path, base, "one node group (a myelin population is one neuron model; this one has " +
                        std::to_string(groups.size()) + ")");
  if (!groups.empty() && h5::exists(pop, groups[0] + "/dynamics_params")) {
    h5::Handle dp = h5::open_group(pop, groups[0] + "/dynamics_params");
    for (const auto& name : h5::children(dp))
      info.dynamics_params[name] =
          read_column(path, dp, name, base + groups[0] + "/dynamics_params/" + name, info.size);
  }

  info.node_types_file = node_types;
  if (info.node_types_file.empty()) {
    const auto guess = std::filesystem::path(path).parent_path() / "node_types.csv";
    std::error_code ec;
    if (std::filesystem::exists(guess, ec)) info.node_types_file = guess.string();
  }
  if (!info.node_types_file.empty()) {
    const auto templates = read_node_types(info.node_types_file);
    std::set<std::string> used;
    for (std::uint64_t t : std::set<std::uint64_t>(types.begin(), types.end())) {
      const auto it = templates.find(t);
      if (it == templates.end())
        bad(info.node_types_file, "node_type_id", "a row for every node_type_id of " + population, std::to_string(t));
      used.insert(it->second);
    }
    if (used.size() != 1)
      bad(info.node_types_file, "model_template", "one model_template for population " + population +
                                                      " (a myelin population is one neuron model)");
    std::string m = *used.begin();
    for (const char* prefix : {"nest:", "myelin:"})
      if (m.rfind(prefix, 0) == 0) m = m.substr(std::string(prefix).size());
    info.model = m;
  }
  return info;
}

}  // namespace myelin
