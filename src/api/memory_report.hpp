#pragma once
// The memory check of a run, shared by Simulation (which refuses a model
// that cannot fit) and estimate_run_memory (myelin run --dry-run).
#include <mpi.h>

#include <memory>

#include "build/memory_estimate.hpp"
#include "myelin/simulation.hpp"
#include "myelin/tools.hpp"

namespace myelin {

/// The recording budget of a rank in bytes (0 when nothing is written).
inline double recording_budget_bytes(const RunOptions& o) { return o.write_outputs ? o.record_buffer_mb * 1048576.0 : 0.0; }

/// The run's placement: options.placement_file, else options.partition.
std::unique_ptr<Placement> run_placement(const ModelSpec& spec, int ranks, const RunOptions& options);

/// Collective: `e` (the largest rank's estimate) against what a rank may
/// use: options.memory_limit_mb, else the machine's memory shared by the
/// ranks on a node.
MemoryReport memory_report(const ModelSpec& spec, const MemoryEstimate& e, const RunOptions& options, MPI_Comm comm);

/// Throws InputError("memory_limit", ...) with the estimate and how many
/// ranks would hold the model, when `r` does not fit.
void refuse_unless_fits(const MemoryReport& r);

}  // namespace myelin
