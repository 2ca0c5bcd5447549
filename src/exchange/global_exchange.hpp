#pragma once
// NEST's scheme, the baseline: after every slice of the global minimum
// delay, every rank sends all its spikes to every rank (MPI_Allgatherv).
// Correct for any network; the delay-aware exchange must beat it.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "exchange/spike.hpp"

namespace myelin {

class GlobalExchange final : public SpikeExchange {
 public:
  explicit GlobalExchange(MPI_Comm comm);
  /// Replaces `spikes` (this rank's) by every rank's spikes of the slice,
  /// sorted by (step, gid). Called by one thread.
  void exchange(std::vector<SourceSpike>& spikes, Step t1) override;
  const ExchangeCounters& counters() const override { return counters_; }
  const char* name() const override { return "global"; }

 private:
  MPI_Comm comm_;
  int size_ = 1, rank_ = 0;
  std::vector<int> counts_, displs_;
  std::vector<SourceSpike> all_;
  ExchangeCounters counters_;
};

}  // namespace myelin
