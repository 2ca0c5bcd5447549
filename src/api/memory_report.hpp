#pragma once
// The memory check of a run, shared by Simulation (which refuses a model
// that cannot fit) and estimate_run_memory (myelin run --dry-run).
#include <mpi.h>

#include "build/memory_estimate.hpp"
#include "myelin/simulation.hpp"
#include "myelin/tools.hpp"

namespace myelin {

/// Collective: `e` (the largest rank's estimate) against what a rank may
/// use: options.memory_limit_mb, else the machine's memory shared by the
/// ranks on a node.
MemoryReport memory_report(const ModelSpec& spec, const MemoryEstimate& e, const RunOptions& options, MPI_Comm comm);

/// Throws InputError("memory_limit", ...) with the estimate and how many
/// ranks would hold the model, when `r` does not fit.
void refuse_unless_fits(const MemoryReport& r);

}  // namespace myelin
