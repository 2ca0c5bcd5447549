#pragma once
// Where checkpoints live and how they are committed: files
// checkpoint_<time>ms.h5 in one directory (names sort by time), written
// under a temporary name, fsynced and renamed; older ones are removed only
// after the new one is complete, keeping the newest `keep`.
#include <mpi.h>

#include <functional>
#include <string>

#include "core/time_grid.hpp"

namespace myelin {

/// "checkpoint_0000500.000ms.h5"
std::string checkpoint_file_name(Step step, double dt);

/// A file is returned as is; for a directory, its newest complete
/// checkpoint (temporary files of interrupted writes are ignored).
/// InputError when there is none.
std::string resolve_checkpoint(const std::string& path);
/// The newest complete checkpoint in `dir`, or "" when there is none.
std::string newest_checkpoint_in(const std::string& dir);

/// Collective: `write(temp)` writes the file on every rank; rank 0 then
/// fsyncs and renames it to dir/name and prunes older checkpoints.
/// Returns the final path.
std::string commit_checkpoint(const std::string& dir, const std::string& name, int keep,
                              const std::function<void(const std::string&)>& write, MPI_Comm comm);

}  // namespace myelin
