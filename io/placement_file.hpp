#pragma once
// placement.h5, written by `myelin partition` and read by `myelin run
// --placement`: one rank per neuron, readable by h5py.
//   /placement/node_rank   uint32 [neurons], in myelin's gid order
//                          (populations in model-file order)
//   /placement attributes  format = "myelin placement", format_version,
//                          strategy, model, model_hash (io/model_hash),
//                          neurons, ranks, and the predicted metrics
// A file for another model or another number of ranks is refused.
#include <memory>
#include <string>

#include "partition/metrics.hpp"
#include "partition/placement.hpp"

namespace myelin {

void write_placement_file(const std::string& path, const ModelSpec& spec, const Placement& placement,
                          const PlacementMetrics& metrics);

/// Throws InputError naming the file when it is missing, not a placement,
/// or made for another model or rank count.
std::unique_ptr<RunPlacement> read_placement_file(const std::string& path, const ModelSpec& spec, int ranks);

}  // namespace myelin
