#include "io/spike_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/hdf5_handles.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace myelin {
namespace {

/// Time bins for choosing the ranks' time ranges: fine enough to balance
/// the counts, small enough to sum over all ranks in one Allreduce.
constexpr std::size_t time_bins = 4096;

std::vector<int> exchange_counts(const std::vector<int>& send, MPI_Comm comm) {
  std::vector<int> recv(send.size());
  MPI_Alltoall(send.data(), 1, MPI_INT, recv.data(), 1, MPI_INT, comm);
  return recv;
}

std::vector<int> displacements(const std::vector<int>& counts) {
  std::vector<int> d(counts.size(), 0);
  long long total = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    d[i] = static_cast<int>(total);
    total += counts[i];
  }
  if (total > 0x7FFFFFFF) throw std::runtime_error("spike report: more than 2^31 spikes on one rank");
  return d;
}

}  // namespace

PopulationSpikes redistribute_by_time(const PopulationSpikes& local, MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  PopulationSpikes out{local.population, {}, {}};
  double t_local = local.timestamps.empty() ? 0.0 : local.timestamps.back(), t_max = 0.0;
  MPI_Allreduce(&t_local, &t_max, 1, MPI_DOUBLE, MPI_MAX, comm);
  // Equal times fall into one bin, so a bin's spikes go to one rank and the
  // ranks' ranges never interleave.
  const auto bin_of = [&](double t) {
    const double x = t_max > 0 ? std::floor(t / t_max * static_cast<double>(time_bins)) : 0.0;
    return std::min(time_bins - 1, static_cast<std::size_t>(std::max(0.0, x)));
  };
  std::vector<std::uint64_t> mine(time_bins, 0), all(time_bins, 0);
  for (double t : local.timestamps) ++mine[bin_of(t)];
  MPI_Allreduce(mine.data(), all.data(), static_cast<int>(time_bins), MPI_UINT64_T, MPI_SUM, comm);
  const std::uint64_t total = std::accumulate(all.begin(), all.end(), std::uint64_t{0});
  // Bin b goes to the rank whose equal share of the total holds the bin's
  // first spike.
  std::vector<int> owner(time_bins, 0);
  for (std::uint64_t b = 0, before = 0; b < time_bins; before += all[b], ++b)
    owner[b] = total ? static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(size) - 1,
                                                               before * static_cast<std::uint64_t>(size) / total))
                     : 0;

  // Local spikes are time-sorted: each destination gets a contiguous run.
  std::vector<int> send(static_cast<std::size_t>(size), 0);
  for (double t : local.timestamps) ++send[static_cast<std::size_t>(owner[bin_of(t)])];
  const std::vector<int> recv = exchange_counts(send, comm);
  const std::vector<int> sdispl = displacements(send), rdispl = displacements(recv);
  const std::size_t n = static_cast<std::size_t>(rdispl.back()) + static_cast<std::size_t>(recv.back());
  std::vector<std::uint64_t> ids(n);
  std::vector<double> times(n);
  MPI_Alltoallv(local.node_ids.data(), send.data(), sdispl.data(), MPI_UINT64_T, ids.data(), recv.data(),
                rdispl.data(), MPI_UINT64_T, comm);
  MPI_Alltoallv(local.timestamps.data(), send.data(), sdispl.data(), MPI_DOUBLE, times.data(), recv.data(),
                rdispl.data(), MPI_DOUBLE, comm);
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return times[a] != times[b] ? times[a] < times[b] : ids[a] < ids[b];
  });
  out.node_ids.resize(n);
  out.timestamps.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    out.node_ids[k] = ids[order[k]];
    out.timestamps[k] = times[order[k]];
  }
  return out;
}

void write_spike_populations(hid_t parent, const std::vector<PopulationSpikes>& local, MPI_Comm comm) {
  h5::Handle sorting(H5Tenum_create(H5T_NATIVE_UINT8), H5Tclose, "create enum");
  for (std::uint8_t v = 0; const char* n : {"none", "by_id", "by_time"}) {
    H5Tenum_insert(sorting, n, &v);
    ++v;
  }
  for (const auto& p : local) {
    const PopulationSpikes mine = redistribute_by_time(p, comm);
    h5::Handle g = h5::create_group(parent, p.population);
    const std::uint8_t by_time = 2;
    h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create space");
    h5::Handle attr(H5Acreate2(g, "sorting", sorting, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                    "create attribute sorting");
    H5Awrite(attr, sorting, &by_time);
    const h5::Slab slab = h5::slab_of(mine.timestamps.size(), comm);
    h5::write_dataset_collective(g, "timestamps", mine.timestamps.data(), slab);
    h5::write_dataset_attribute(g, "timestamps", "units", "ms");
    h5::write_dataset_collective(g, "node_ids", mine.node_ids.data(), slab);
  }
}

void write_spike_report(const std::string& path, const std::vector<PopulationSpikes>& local, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  // One temporary name for all ranks (rank 0's), renamed by rank 0 once
  // every rank has closed the file.
  long long pid = rank == 0 ? static_cast<long long>(::getpid()) : 0;
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, comm);
  const std::string temp = path + ".tmp." + std::to_string(pid);
  try {
    h5::Handle file = h5::create_file_parallel(temp, comm);
    h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
    h5::Handle spikes = h5::create_group(file, "spikes");
    write_spike_populations(spikes, local, comm);
  } catch (const std::runtime_error& e) {
    if (rank == 0) std::remove(temp.c_str());
    throw InputError(path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
  }
  MPI_Barrier(comm);
  if (rank == 0) commit_temporary(temp, path);
}

}  // namespace myelin
