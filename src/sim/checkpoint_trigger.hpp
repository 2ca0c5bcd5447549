#pragma once
// When a run stops for a checkpoint: at scheduled steps (--checkpoint-every,
// --checkpoint-at) and, after SIGUSR1/SIGTERM, at the next poll boundary.
// Every rank must stop at the same boundary, but a signal reaches ranks at
// different times; so every `poll` steps each rank starts a non-blocking
// MAX-reduction of its flag and reads the result one poll later. The
// reduction travels while the ranks compute and adds no synchronisation.
// The same reduction carries "my recording buffers are full", so that all
// ranks flush their reports (collective writes) at the same boundary.
#include <mpi.h>

#include <vector>

#include "core/time_grid.hpp"

namespace myelin {

struct CheckpointSchedule {
  std::vector<Step> at;  ///< sorted steps
  Step every = 0;        ///< 0: none
  bool on_signal = true;
};

class CheckpointTrigger {
 public:
  /// @param poll  steps between signal polls (a multiple of the slice)
  CheckpointTrigger(CheckpointSchedule schedule, Step t_end, Step poll, MPI_Comm comm);
  ~CheckpointTrigger();
  CheckpointTrigger(const CheckpointTrigger&) = delete;
  CheckpointTrigger& operator=(const CheckpointTrigger&) = delete;

  /// The first scheduled checkpoint step after t (slices end there), or a
  /// step beyond t_end.
  Step next_scheduled(Step t) const;
  /// Called at every slice boundary t1 by one thread; the answer is the
  /// same on every rank. `want_flush`: this rank's recording buffers are
  /// full; the ranks agree on it through the same reduction.
  bool stop_at(Step t1, bool want_flush = false);
  /// Whether the ranks agreed at the last stop_at() to flush recordings.
  bool flush_due() const { return flush_; }
  /// The signal that stopped the run (0: none, or only scheduled).
  int signal() const { return signal_; }
  /// The last boundary at which stop_at() said yes (-1: none).
  Step stopped_at() const { return stopped_at_; }

 private:
  bool poll(Step t1, bool want_flush);

  CheckpointSchedule schedule_;
  Step t_end_, poll_;
  MPI_Comm comm_;
  int ranks_ = 1;
  int mine_[2] = {0, 0}, all_[2] = {0, 0};  ///< signal, flush wanted
  bool flush_ = false;
  MPI_Request request_ = MPI_REQUEST_NULL;
  int signal_ = 0;
  Step stopped_at_ = -1;
};

}  // namespace myelin
