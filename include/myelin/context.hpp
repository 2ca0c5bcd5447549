#pragma once
// Where a simulation runs: an MPI communicator and a thread count, as in
// Arbor's context. The library never initialises MPI behind the caller's
// back: a program either initialises it itself (or through mpi4py), or
// holds an MpiSession for its lifetime.
#include <mpi.h>

#include <memory>

namespace myelin {

/// MPI_Init_thread (MPI_THREAD_FUNNELED: only the thread that calls
/// Simulation's methods calls MPI) for the lifetime of this object, then
/// MPI_Finalize. Does nothing when MPI is already initialised by someone
/// else, who then also finalises it.
class MpiSession {
 public:
  MpiSession(int* argc = nullptr, char*** argv = nullptr);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

 private:
  bool owner_ = false;
};

class Context {
 public:
  /// Ranks are those of `comm` (any communicator: a simulation on a part of
  /// the job runs beside others); the context talks on a duplicate of it,
  /// so its messages never meet the caller's. `threads` per rank; 0 takes
  /// OMP_NUM_THREADS, or all cores. Collective over `comm`. Throws
  /// InputError when MPI is not initialised or `threads` is negative.
  explicit Context(MPI_Comm comm = MPI_COMM_WORLD, int threads = 0);

  MPI_Comm communicator() const;
  int threads() const { return threads_; }
  int rank() const { return rank_; }
  int ranks() const { return ranks_; }

 private:
  std::shared_ptr<MPI_Comm> comm_;  ///< the duplicate, freed with the last copy
  int threads_ = 1, rank_ = 0, ranks_ = 1;
};

}  // namespace myelin
