#pragma once
// OUTPUT/progress.json: where a run stands, for `myelin status` and for
// anyone watching a batch job. Rank 0 rewrites it atomically at each change
// of phase and every few seconds while it simulates. A reader therefore
// always finds a whole file, and `updated` tells whether its writer is
// still alive.
#include <string>

namespace myelin {

struct ProgressState {
  /// building, running, checkpointed (stopped by a signal after writing a
  /// checkpoint: continue with --restore or --resume), finished or failed.
  std::string state;
  std::string model;
  double t_ms = 0, t_start_ms = 0, t_stop_ms = 0;  ///< biological time reached, started from, to reach
  double real_time_factor = 0, eta_s = 0;          ///< of this process's simulation so far
  std::string checkpoint;  ///< the newest checkpoint this process wrote
  std::string message;     ///< why a run failed
};

/// Writes `state` to `path`, with the time, host, process id and Slurm job
/// (when SLURM_JOB_ID is set) of the writer.
void write_progress_file(const std::string& path, const ProgressState& state);

}  // namespace myelin
