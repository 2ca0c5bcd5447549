#pragma once
// Reading a SONATA node population for a model's `from_file` population:
// its size, its neuron model (node_types.csv, model_template "nest:<model>"
// as BMTK writes it) and per-node dynamics_params (parameters, which must
// be uniform over a myelin population, and initial state, per neuron).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace myelin {

struct NodePopulationInfo {
  std::uint64_t size = 0;
  std::string model;  ///< from node_types.csv; "" when there is no such file
  std::string node_types_file;
  /// /nodes/<pop>/<group>/dynamics_params/<name>, one value per node.
  std::map<std::string, std::vector<double>> dynamics_params;
};

/// Reads one population; `node_types` is the node types CSV ("" = the
/// node_types.csv next to the nodes file, if there is one).
NodePopulationInfo read_node_population(const std::string& path, const std::string& population,
                                        const std::string& node_types);

}  // namespace myelin
