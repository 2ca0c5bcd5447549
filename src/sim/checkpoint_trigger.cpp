#include "sim/checkpoint_trigger.hpp"

#include <algorithm>
#include <limits>

#include "core/stop_signal.hpp"

namespace myelin {

CheckpointTrigger::CheckpointTrigger(CheckpointSchedule schedule, Step t_end, Step poll, MPI_Comm comm)
    : schedule_(std::move(schedule)), t_end_(t_end), poll_(std::max<Step>(poll, 1)), comm_(comm) {
  MPI_Comm_size(comm_, &ranks_);
  std::sort(schedule_.at.begin(), schedule_.at.end());
}

CheckpointTrigger::~CheckpointTrigger() {
  // Every rank started the same reductions, so this completes.
  if (request_ != MPI_REQUEST_NULL) MPI_Wait(&request_, MPI_STATUS_IGNORE);
}

Step CheckpointTrigger::next_scheduled(Step t) const {
  Step next = std::numeric_limits<Step>::max() / 2;
  const auto it = std::upper_bound(schedule_.at.begin(), schedule_.at.end(), t);
  if (it != schedule_.at.end()) next = *it;
  if (schedule_.every > 0) next = std::min(next, (t / schedule_.every + 1) * schedule_.every);
  return next;
}

bool CheckpointTrigger::stop_at(Step t1, bool want_flush) {
  const bool stop = poll(t1, want_flush);
  if (stop) stopped_at_ = t1;
  return stop;
}

bool CheckpointTrigger::poll(Step t1, bool want_flush) {
  flush_ = false;
  bool stop = std::binary_search(schedule_.at.begin(), schedule_.at.end(), t1) ||
              (schedule_.every > 0 && t1 % schedule_.every == 0);
  const bool watch_signals = schedule_.on_signal && !signal_;
  if (ranks_ == 1) {
    if (watch_signals && (signal_ = StopSignals::pending())) stop = true;
    flush_ = want_flush;
    return stop;
  }
  if (t1 % poll_ != 0 || t1 >= t_end_) return stop;
  if (request_ != MPI_REQUEST_NULL) {
    MPI_Wait(&request_, MPI_STATUS_IGNORE);
    flush_ = all_[1] != 0;
    if (watch_signals && all_[0]) {
      signal_ = all_[0];
      stop = true;
    }
  }
  mine_[0] = watch_signals ? StopSignals::pending() : 0;
  mine_[1] = want_flush ? 1 : 0;
  MPI_Iallreduce(mine_, all_, 2, MPI_INT, MPI_MAX, comm_, &request_);
  return stop;
}

}  // namespace myelin
