#include "partition/placement.hpp"

#include "myelin/error.hpp"

namespace myelin {

std::unique_ptr<Placement> make_placement(const std::string& strategy, int ranks, std::uint64_t neurons) {
  if (strategy == "round_robin") return std::make_unique<RoundRobinPlacement>(ranks);
  if (strategy == "block") return std::make_unique<BlockPlacement>(neurons, ranks);
  throw InputError("--partition", "", strategy, "round_robin or block");
}

}  // namespace myelin
