#pragma once
// NEST's scheme, the baseline: after every slice of the global minimum
// delay, every rank sends all its spikes to every rank (MPI_Allgatherv),
// blocking, with no overlap. Correct for any network; the delay-aware
// exchange must beat it.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "exchange/spike.hpp"

namespace myelin {

class GlobalExchange final : public SpikeExchange {
 public:
  explicit GlobalExchange(MPI_Comm comm);
  void post(const std::vector<SourceSpike>& local, Step t1) override;
  bool receive_due(Step) const override { return size_ > 1; }
  void receive(std::vector<SourceSpike>& remote, Step t1) override;
  /// Nothing is ever pending: every slice's spikes reach all ranks in post().
  void flush(std::vector<SourceSpike>& remote, Step t1) override { receive(remote, t1); }
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
