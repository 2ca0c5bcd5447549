#pragma once
// Whole populations to ranks, balanced by neuron count: largest first onto
// the least-loaded rank (LPT). A population larger than a rank's share is
// split into equal contiguous pieces first, so no rank is overloaded by one.
#include "partition/placement.hpp"

namespace myelin {

RunPlacement partition_populations(const ModelSpec& spec, int ranks);

}  // namespace myelin
