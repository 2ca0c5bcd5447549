#pragma once
// How much memory a rank will need, predicted from the model (and the
// placement) before anything is allocated, so that a model that cannot fit
// is refused with its estimate instead of building until the node runs out.
//
// A rank peaks either while building (each static synapse is 8 B plus
// 2 B of delay scratch until its row is sorted, each plastic one about
// 58 B while its edges are sorted into the store) or while simulating
// (the stored synapses, the ring buffer, and the recording buffers up to
// their budget). Counts are the connection rules' expectations. Measured
// on this project's machine (MiB): the full microcircuit peaks at 2946
// against 2965 estimated, 2e9 static synapses at 19100 against 19503;
// Brunel's 177 is under its 239 bound, the difference being the recording
// budget it never fills.
#include <cstdint>

#include "myelin/model_spec.hpp"
#include "partition/placement.hpp"

namespace myelin {

/// Bytes of one rank, by what holds them.
struct MemoryEstimate {
  double baseline = 0, neurons = 0, ring = 0, synapses = 0, plastic = 0, recording = 0;
  double build_peak = 0, run_peak = 0;  ///< the two candidates for the peak
  int rank = 0;                         ///< the rank (of the largest estimate)
  double peak() const { return build_peak > run_peak ? build_peak : run_peak; }
};

/// The largest rank's estimate under `placement`; `recording_bytes` is the
/// recording budget of a rank (0 when nothing is written).
MemoryEstimate estimate_memory(const ModelSpec& spec, const Placement& placement, double recording_bytes);

/// The same without a placement, as if every rank held an equal share: a
/// check that costs nothing, for models too large to place at all.
MemoryEstimate estimate_memory_even(const ModelSpec& spec, int ranks, double recording_bytes);

}  // namespace myelin
