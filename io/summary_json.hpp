#pragma once
// summary.json: what a run measured, for scripts and for bench/.
#include <string>

#include "myelin/simulation.hpp"

namespace myelin {

std::string summary_json(const RunSummary& s, const ModelSpec& spec);

}  // namespace myelin
