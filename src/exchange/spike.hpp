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
  /// Messages and bytes sent per delay tier (tier k: partners talked to
  /// every m 2^k steps); the global scheme has one tier.
  std::vector<std::uint64_t> tier_messages, tier_bytes;
  /// Messages received, and the steps from their sending to the boundary
  /// they were due at, summed: how long each message could travel while
  /// both ranks computed (0 for pairs one slice apart).
  std::uint64_t messages_received = 0, slack_steps = 0;
  double exchange_s = 0.0;  ///< all time in the exchange: packing, MPI, unpacking
  double wait_s = 0.0;      ///< of which blocked in MPI, waiting for other ranks
};

/// A way to exchange spikes between ranks, driven by the slice loop from one
/// thread (MPI_THREAD_FUNNELED). At each slice boundary t1 the loop calls
/// post() with this rank's spikes of the slice, delivers them locally while
/// the messages travel, and then, only if receive_due(t1), calls receive()
/// for the remote spikes that must act before the slice starting at t1.
class SpikeExchange {
 public:
  virtual ~SpikeExchange() = default;
  /// Hands over this rank's spikes emitted in the slice ending at t1 and
  /// starts sending those that are due.
  virtual void post(const std::vector<SourceSpike>& local, Step t1) = 0;
  /// Whether remote spikes must be received at boundary t1 (the same answer
  /// on every thread; no MPI call).
  virtual bool receive_due(Step t1) const = 0;
  /// Replaces `remote` by the spikes of other ranks to deliver now, in no
  /// particular order (ring-buffer sums do not depend on it). At the last
  /// boundary (t1 == t_end) it also drains every message already sent.
  virtual void receive(std::vector<SourceSpike>& remote, Step t1) = 0;
  /// Called at boundary t1 instead of receive(): sends every spike not yet
  /// sent and receives every spike sent to this rank, so that once `remote`
  /// is delivered no spike is in flight anywhere (a checkpoint's safe
  /// point). Collective: every rank flushes at the same boundary. The
  /// regular schedule continues afterwards.
  virtual void flush(std::vector<SourceSpike>& remote, Step t1) = 0;
  virtual const ExchangeCounters& counters() const = 0;
  virtual const char* name() const = 0;
};

}  // namespace myelin
