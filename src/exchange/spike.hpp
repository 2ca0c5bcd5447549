#pragma once
// A spike as it travels between ranks: the emitting source's gid and the
// step it was emitted in. Ordered by (step, gid), the canonical order in
// which spikes are recorded.
#include <cstdint>
#include <vector>

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

struct ExchangeCounters {
  /// Slice boundaries at which this rank waited for another rank (every
  /// boundary for the global scheme).
  std::uint64_t synchronisations = 0;
  std::uint64_t messages = 0;  ///< point-to-point messages (or their equivalent) sent
  std::uint64_t bytes_sent = 0;
  double wait_s = 0.0;         ///< time inside MPI
};

/// A way to exchange spikes between ranks; one call per slice.
class SpikeExchange {
 public:
  virtual ~SpikeExchange() = default;
  /// `spikes` holds this rank's spikes of the slice ending at step t1; on
  /// return it holds every spike to deliver now, sorted by (step, gid).
  virtual void exchange(std::vector<SourceSpike>& spikes, Step t1) = 0;
  virtual const ExchangeCounters& counters() const = 0;
  virtual const char* name() const = 0;
};

}  // namespace myelin
