#pragma once
// A fingerprint of a model's structure: populations (names, models, sizes),
// projections (ends, rules, counts, delays) and dt, i.e. everything that
// decides which neuron is which and what a placement means. Files made for
// one model (placements, later checkpoints) carry it and are refused by
// another. Weights, rates and run length do not enter it.
#include <cstdint>
#include <string>

#include "myelin/model_spec.hpp"

namespace myelin {

std::uint64_t structure_hash(const ModelSpec& spec);
std::string hex(std::uint64_t h);

}  // namespace myelin
