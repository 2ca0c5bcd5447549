#pragma once
// Delay-aware spike exchange (DESIGN.md invariant 3). Ranks a and b talk
// every I(a,b) = m 2^k steps, the largest such interval not above D(a,b):
// the spikes a emits in [T, T + I) are sent at T + I, and act on b at
// T + D(a,b) at the earliest. So b need not receive them at T + I but only
// before the slice that contains step T + D: until then the message travels
// while both ranks compute (double buffering: a fills the next interval's
// buffer while the last one is in flight). Pairs whose D is a single slice
// cannot overlap with updates (causality), but still overlap with the
// delivery of local spikes (see sim/engine.cpp). Short-delay neighbours
// talk every slice, long-delay ones rarely, unconnected ones never; each
// spike goes only to the ranks that hold one of its targets.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "exchange/exchange_plan.hpp"
#include "core/exchange_schedule.hpp"
#include "exchange/spike.hpp"

namespace myelin {

class DelayAwareExchange final : public SpikeExchange {
 public:
  /// Runs boundaries (t_begin, t_end]; `t_begin` is 0 or a restored
  /// checkpoint's step (nothing in flight then); at `t_end` every message
  /// sent is drained.
  DelayAwareExchange(const ExchangePlan& plan, std::vector<std::uint64_t> local_gids, Step t_begin, Step t_end,
                     MPI_Comm comm);
  ~DelayAwareExchange() override;
  void post(const std::vector<SourceSpike>& local, Step t1) override;
  bool receive_due(Step t1) const override;
  void receive(std::vector<SourceSpike>& remote, Step t1) override;
  void flush(std::vector<SourceSpike>& remote, Step t1) override;
  const ExchangeCounters& counters() const override { return counters_; }
  const char* name() const override { return "delay-aware"; }

  /// The interval (steps) at which a pair with minimum delay d talks.
  static std::uint64_t interval(std::uint64_t d, std::uint64_t m) { return exchange_interval(d, m); }
  /// How long after the start of an interval its spikes must have arrived:
  /// the start of the slice that holds step d (m: slice length).
  static std::uint64_t deadline_lag(std::uint64_t d, std::uint64_t m) { return exchange_deadline_lag(d, m); }

 private:
  /// A message from `a` sent at next_send_[a] is due at this boundary.
  std::uint64_t due_at(std::size_t a) const { return next_send_[a] - interval_in_[a] + lag_in_[a]; }
  void update_next_due();
  void timed_wait(MPI_Request& r);
  void send_pending(std::size_t b);
  /// Starts sending `spikes` to rank b and counts the message.
  void isend(std::size_t b, const std::vector<SourceSpike>& spikes, MPI_Request& request);
  /// Receives the next message from source rank a, appending to `remote`.
  void receive_one(std::size_t a, std::vector<SourceSpike>& remote);

  const ExchangePlan& plan_;
  std::vector<std::uint64_t> local_gids_;
  std::uint64_t t_end_;
  MPI_Comm comm_;
  // Per destination rank: interval (0: no traffic), tier, the spikes queued
  // since its last send, the buffer in flight and its request.
  std::vector<std::uint64_t> interval_out_;
  std::vector<unsigned> tier_out_;
  std::vector<std::vector<SourceSpike>> pending_, sending_;
  std::vector<MPI_Request> send_request_;
  // Per source rank: interval (0: no traffic), deadline lag, and the send
  // time of the next message to receive.
  std::vector<std::uint64_t> interval_in_, lag_in_, next_send_;
  std::uint64_t next_due_ = ~0ull;  ///< earliest due_at() of any source
  std::vector<SourceSpike> received_;
  ExchangeCounters counters_;
};

}  // namespace myelin
