#pragma once
// SIGUSR1 and SIGTERM ask a running simulation to write a checkpoint at the
// next safe point and stop (Slurm sends them before a job's time limit:
// `#SBATCH --signal=B:USR1@120`, or SIGTERM on scancel / preemption);
// SIGINT (Ctrl-C) is taken as SIGTERM. A second signal of the same kind
// while the first is pending ends the process at once, as the default
// action would.
#include <csignal>

#include "myelin/error.hpp"

namespace myelin {

class StopSignals {
 public:
  /// Installs the handlers until destruction (the previous ones return).
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  /// The signal received (SIGUSR1, SIGTERM or SIGINT), or 0.
  static int pending();
  /// Before the simulation there is nothing to checkpoint: SIGTERM and
  /// SIGINT stop at once. Throws StoppedBySignal naming `phase`. (SIGUSR1, Slurm's
  /// warning before the time limit, waits for the first safe point.)
  static void stop_if_terminated(const char* phase);

 private:
  struct sigaction old_usr1_{}, old_term_{}, old_int_{};
};

}  // namespace myelin
