#pragma once
// summary.json: what a run measured, for scripts and for bench/.
#include <string>

#include "myelin/simulation.hpp"

namespace myelin {

/// `model_hash`: the network's structure hash (model_hash.hpp), which tells
/// runs of one network apart from another's.
std::string summary_json(const RunSummary& s, const ModelSpec& spec, const std::string& model_hash);

/// `s` as a JSON string literal, quotes and control characters escaped.
std::string json_string(const std::string& s);
/// `x` with 10 significant digits; null when it is not finite.
std::string json_number(double x);

}  // namespace myelin
