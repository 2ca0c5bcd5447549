#include "io/spike_file.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/hdf5_handles.hpp"
#include "myelin/error.hpp"

namespace myelin {

std::vector<PopulationSpikes> read_spike_file(const std::string& path) {
  h5::Handle file;
  try {
    file = h5::open_file_readonly(path);
  } catch (const std::runtime_error&) {
    throw InputError(path, "", "", "a readable HDF5 file (a SONATA spike report)");
  }
  if (!h5::exists(file, "spikes")) throw InputError(path, "/spikes", "(missing)", "a SONATA spike report: /spikes/<population>");
  std::vector<PopulationSpikes> out;
  const h5::Handle spikes = h5::open_group(file, "spikes");
  for (const std::string& pop : h5::children(spikes)) {
    const std::string where = "/spikes/" + pop;
    PopulationSpikes p{pop, {}, {}};
    const h5::Handle g = h5::open_group(spikes, pop);
    if (!h5::exists(g, "timestamps")) throw InputError(path, where + "/timestamps", "(missing)", "spike times in ms");
    if (!h5::exists(g, "node_ids")) throw InputError(path, where + "/node_ids", "(missing)", "the spiking nodes' ids");
    std::string problem;
    try {
      p.timestamps = h5::read_dataset_1d<double>(g, "timestamps");
      p.node_ids = h5::read_dataset_1d<std::uint64_t>(g, "node_ids");
    } catch (const std::runtime_error& e) {
      problem = e.what();
    }
    if (!problem.empty())
      throw InputError(path, where, "", "1-D numeric timestamps and node_ids (" + problem + ")");
    if (p.node_ids.size() != p.timestamps.size())
      throw InputError(path, where + "/node_ids", std::to_string(p.node_ids.size()) + " values",
                       "one per timestamp (" + std::to_string(p.timestamps.size()) + ")");
    for (double t : p.timestamps)
      if (!std::isfinite(t)) throw InputError(path, where + "/timestamps", std::to_string(t), "finite times in ms");
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return p.timestamps[a] != p.timestamps[b] ? p.timestamps[a] < p.timestamps[b] : p.node_ids[a] < p.node_ids[b];
    });
    PopulationSpikes s{pop, {}, {}};
    for (std::size_t i : order) {
      s.node_ids.push_back(p.node_ids[i]);
      s.timestamps.push_back(p.timestamps[i]);
    }
    out.push_back(std::move(s));
  }
  if (out.empty()) throw InputError(path, "/spikes", "(empty)", "at least one population");
  return out;
}

const PopulationSpikes& population_in(const std::vector<PopulationSpikes>& spikes, const std::string& name,
                                      const std::string& path, const std::string& reference) {
  for (const PopulationSpikes& p : spikes)
    if (p.population == name) return p;
  std::string names;
  for (const auto& p : spikes) names += (names.empty() ? "" : ", ") + p.population;
  throw InputError(path, "/spikes/" + name, "(missing)",
                   "the populations of the reference " + reference + " (this file has: " + names + ")");
}

}  // namespace myelin
