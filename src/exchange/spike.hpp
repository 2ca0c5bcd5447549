#pragma once
// A spike as it travels between ranks: the emitting source's gid and the
// step it was emitted in. Ordered by (step, gid), the canonical order in
// which spikes are recorded.
#include <cstdint>

#include "core/time_grid.hpp"

namespace myelin {

struct SourceSpike {
  Step step;
  std::uint64_t gid;
  friend bool operator<(const SourceSpike& a, const SourceSpike& b) {
    return a.step != b.step ? a.step < b.step : a.gid < b.gid;
  }
};
static_assert(sizeof(SourceSpike) == 16);

}  // namespace myelin
