#include "partition/placement.hpp"

#include "myelin/error.hpp"

namespace myelin {

std::unique_ptr<Placement> make_placement(const std::string& strategy, int ranks) {
  if (strategy == "round_robin") return std::make_unique<RoundRobinPlacement>(ranks);
  throw InputError("--partition", "", strategy, "round_robin");
}

}  // namespace myelin
