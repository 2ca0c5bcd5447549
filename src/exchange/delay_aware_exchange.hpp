#pragma once
// Delay-aware spike exchange (DESIGN.md invariant 3). Ranks a and b talk
// every I(a,b) = m 2^k steps, the largest such interval not above D(a,b):
// spikes emitted in [T, T + I) act on b at T + D(a,b) >= T + I at the
// earliest, so sending them at T + I is on time. Short-delay neighbours
// talk every slice, long-delay ones rarely, unconnected ones never; each
// spike goes only to the ranks that hold one of its targets. Point to
// point: non-blocking sends, then the receives that are due.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "exchange/exchange_plan.hpp"
#include "exchange/spike.hpp"

namespace myelin {

class DelayAwareExchange final : public SpikeExchange {
 public:
  DelayAwareExchange(const ExchangePlan& plan, std::vector<std::uint64_t> local_gids, MPI_Comm comm);
  /// `spikes` holds this rank's spikes of the slice ending at step t1; on
  /// return it holds every spike to deliver now (this rank's and those
  /// received), sorted by (step, gid). Called by one thread.
  void exchange(std::vector<SourceSpike>& spikes, Step t1) override;
  const ExchangeCounters& counters() const override { return counters_; }
  const char* name() const override { return "delay-aware"; }

  /// The interval (steps) at which a pair with minimum delay d talks.
  static std::uint64_t interval(std::uint64_t d, std::uint64_t m);

 private:
  const ExchangePlan& plan_;
  std::vector<std::uint64_t> local_gids_;
  MPI_Comm comm_;
  std::vector<std::uint64_t> interval_out_, interval_in_;  ///< per rank; 0: no traffic
  std::vector<std::vector<SourceSpike>> pending_;            ///< per destination, since its last send
  std::vector<std::vector<SourceSpike>> sending_;            ///< buffers of sends in flight
  std::vector<SourceSpike> received_;
  std::vector<MPI_Request> requests_;
  ExchangeCounters counters_;
};

}  // namespace myelin
