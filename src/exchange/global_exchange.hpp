#pragma once
// NEST's scheme, the baseline: after every slice of the global minimum
// delay, every rank sends all its spikes to every rank (MPI_Allgatherv).
// Correct for any network; the delay-aware exchange must beat it.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "exchange/spike.hpp"

namespace myelin {

struct ExchangeCounters {
  std::uint64_t synchronisations = 0;  ///< collective calls that wait for all ranks
  std::uint64_t messages = 0;          ///< point-to-point equivalents sent
  std::uint64_t bytes_sent = 0;
  double wait_s = 0.0;                 ///< time inside MPI
};

class GlobalExchange {
 public:
  explicit GlobalExchange(MPI_Comm comm);
  /// Replaces `spikes` (this rank's) by every rank's spikes of the slice,
  /// sorted by (step, gid). Called by one thread.
  void exchange(std::vector<SourceSpike>& spikes);
  const ExchangeCounters& counters() const { return counters_; }
  int ranks() const { return size_; }

 private:
  MPI_Comm comm_;
  int size_ = 1, rank_ = 0;
  std::vector<int> counts_, displs_;
  std::vector<SourceSpike> all_;
  ExchangeCounters counters_;
};

}  // namespace myelin
