#pragma once
// Reading SONATA edge populations (`rule = "from_file"`): a quick look at a
// population for the model loader, and each rank's share of the edges (its
// own targets) for the builder.
//
// Layout read: /edges/<pop>/{source_node_id, target_node_id} (with the
// node_population attribute), optional edge_group_id / edge_group_index,
// one group (e.g. "0") with optional syn_weight and delay (ms), and the
// optional index /edges/<pop>/indices/target_to_source, which lets a rank
// read only the ranges of its own targets instead of the whole file.
#include <cstdint>
#include <string>
#include <vector>

#include "build/connection_rules.hpp"

namespace myelin {

struct EdgePopulationInfo {
  std::string name;
  std::string source_population, target_population;  ///< node_population attributes ("" if absent)
  std::uint64_t edges = 0;
  bool has_weight = false, has_delay = false;
  double delay_min = 0.0, delay_max = 0.0;  ///< ms, when has_delay and edges > 0
};

/// The edge populations of a SONATA edges file; InputError if it is not one.
std::vector<std::string> edge_population_names(const std::string& path);

/// Reads the population's size, attributes and delay range (from the delay
/// dataset's min/max attributes, else one pass over it); InputError for
/// anything missing or malformed.
EdgePopulationInfo read_edge_population_info(const std::string& path, const std::string& population);

/// This rank's edges: those whose target is marked in `is_local`, in file
/// order. Node ids are checked against the population sizes.
std::vector<ConnectionGenerator::FileEdge> read_local_edges(const std::string& path, const std::string& population,
                                                            std::uint64_t n_source,
                                                            const std::vector<std::uint8_t>& is_local);

/// The given edges of a from_file or from_list projection into the targets
/// marked in `is_local` (see explicit_rule()).
std::vector<ConnectionGenerator::FileEdge> given_edges(const ProjectionSpec& p, std::uint64_t n_source,
                                                       const std::vector<std::uint8_t>& is_local);

}  // namespace myelin
