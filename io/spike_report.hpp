#pragma once
// SONATA spike report: /spikes/<population>/{timestamps (float64, ms),
// node_ids (uint64)}, with the population attribute `sorting` (HDF5 enum
// none/by_id/by_time, as libsonata reads it) set to by_time.
//
// Written collectively by every rank with MPI-IO (parallel HDF5) into one
// file, byte for byte the same data whatever the number of ranks: spikes
// are first redistributed by time (each rank gets a contiguous time range
// of about equal spike count), sorted, and written at their global offset.
// No rank ever holds all spikes.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

namespace myelin {

struct PopulationSpikes {
  std::string population;
  std::vector<std::uint64_t> node_ids;
  std::vector<double> timestamps;  ///< ms, non-decreasing
};

/// Collective over `comm`: each rank passes its own spikes of every
/// population (the same populations, in the same order, on every rank),
/// each sorted by (time, node id). Throws InputError when the file cannot
/// be written.
void write_spike_report(const std::string& path, const std::vector<PopulationSpikes>& local, MPI_Comm comm);

/// The same layout under an open group of a file opened with MPI-IO
/// (collective): one subgroup per population.
void write_spike_populations(hid_t parent, const std::vector<PopulationSpikes>& local, MPI_Comm comm);

/// The time-ordered redistribution the writer uses, exposed for tests:
/// returns this rank's share of the spikes of all ranks, a contiguous time
/// range, sorted by (time, node id); ranks hold successive ranges.
PopulationSpikes redistribute_by_time(const PopulationSpikes& local, MPI_Comm comm);

}  // namespace myelin
