#include "partition/placement.hpp"

#include <algorithm>
#include <stdexcept>

#include "myelin/error.hpp"
#include "partition/graph_partition.hpp"
#include "partition/population_partition.hpp"

namespace myelin {

RunPlacement::RunPlacement(std::vector<std::uint64_t> starts, std::vector<int> run_ranks, int ranks, std::string name)
    : starts_(std::move(starts)), run_ranks_(std::move(run_ranks)), ranks_(ranks), name_(std::move(name)) {
  if (starts_.empty() || starts_.size() != run_ranks_.size() || starts_[0] != 0 ||
      !std::is_sorted(starts_.begin(), starts_.end()))
    throw std::logic_error("RunPlacement: runs must start at 0 and increase");
  for (int r : run_ranks_)
    if (r < 0 || r >= ranks_) throw std::logic_error("RunPlacement: rank out of range");
}

RunPlacement RunPlacement::from_pieces(const std::vector<std::uint64_t>& starts, const std::vector<int>& piece_ranks,
                                       int ranks, std::string name) {
  std::vector<std::uint64_t> run_starts;
  std::vector<int> run_ranks;
  for (std::size_t k = 0; k < starts.size(); ++k)
    if (k == 0 || piece_ranks[k] != run_ranks.back()) {
      run_starts.push_back(starts[k]);
      run_ranks.push_back(piece_ranks[k]);
    }
  if (run_starts.empty()) {
    run_starts.push_back(0);
    run_ranks.push_back(0);
  }
  return RunPlacement(std::move(run_starts), std::move(run_ranks), ranks, std::move(name));
}

RunPlacement RunPlacement::from_node_ranks(const std::vector<int>& node_rank, int ranks, std::string name) {
  std::vector<std::uint64_t> starts(node_rank.size());
  for (std::uint64_t g = 0; g < starts.size(); ++g) starts[g] = g;
  return from_pieces(starts, node_rank, ranks, std::move(name));
}

int RunPlacement::rank_of(std::uint64_t gid) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), gid);
  return run_ranks_[static_cast<std::size_t>(it - starts_.begin()) - 1];
}

std::unique_ptr<Placement> make_placement(const std::string& strategy, int ranks, const ModelSpec& spec,
                                          const PartitionOptions& options) {
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  if (!(options.tolerance > 0.0 && options.tolerance < 1.0))
    throw InputError("imbalance_tolerance", "", std::to_string(options.tolerance), "a fraction between 0 and 1, e.g. 0.05");
  if (strategy == "round_robin") return std::make_unique<RoundRobinPlacement>(ranks);
  if (strategy == "block") return std::make_unique<BlockPlacement>(n, ranks);
  if (strategy == "population") return std::make_unique<RunPlacement>(partition_populations(spec, ranks));
  if (strategy == "graph") return std::make_unique<RunPlacement>(partition_graph(spec, ranks, options));
  throw InputError("partition", "", strategy, placement_strategies);
}

}  // namespace myelin
