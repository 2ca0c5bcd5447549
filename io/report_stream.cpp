#include "io/report_stream.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "core/hdf5_handles.hpp"
#include "io/row_exchange.hpp"

namespace myelin {
namespace {

bool written_by(const std::string& path, const std::string& run_id) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  try {
    h5::Handle f = h5::open_file_readonly(path);
    return h5::has_attribute(f, "myelin_run") && h5::read_string_attribute(f, "myelin_run") == run_id;
  } catch (const std::runtime_error&) {
    return false;  // unreadable: not a source
  }
}

/// The file a report of `origin` continues from: DIR/NAME.partial when it
/// exists and was written by that run, else DIR/NAME under the same
/// condition; "" when neither. Collective: rank 0 looks, all get the answer.
std::string find_report_source(const ReportOrigin& origin, const std::string& name, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::string found;
  if (rank == 0) {
    const std::string path = (std::filesystem::path(origin.dir) / name).string();
    if (written_by(partial_path(path), origin.run_id)) found = partial_path(path);
    else if (written_by(path, origin.run_id)) found = path;
  }
  unsigned long long n = found.size();
  MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, comm);
  found.resize(n);
  MPI_Bcast(found.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  return found;
}

}  // namespace

ReportContinuation continue_report(const std::string& name, const std::string& partial, const std::string& what,
                                   const std::string& items, const ReportOrigin* origin,
                                   const std::vector<ReportMark>* marks, MPI_Comm comm) {
  ReportContinuation c;
  bool resuming = false;
  if (origin && marks)
    for (const ReportMark& m : *marks) resuming = resuming || m.written > 0;
  if (!resuming) return c;
  c.source = find_report_source(*origin, name, comm);
  if (c.source.empty())
    throw InputError((std::filesystem::path(origin->dir) / name).string(), "", "",
                     "the " + what + " of the run that wrote the checkpoint (it, or its .partial while that run "
                     "went on, holds the " + items + " before the checkpoint); it is missing or was written by "
                     "another run. Restore with the output directory set to that run's, or copy its " + name +
                     " back");
  int rank = 0, in_place = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0 && !partial.empty()) {
    std::error_code ec;
    in_place = std::filesystem::equivalent(c.source, partial, ec) ? 1 : 0;
  }
  MPI_Bcast(&in_place, 1, MPI_INT, 0, comm);
  c.in_place = in_place != 0;
  return c;
}

h5::Handle open_report(const std::string& path, bool writable, const std::string& expected, MPI_Comm comm) {
  h5::Handle file;
  try {
    file = writable ? h5::open_file_parallel_readwrite(path, comm) : h5::open_file_parallel_readonly(path, comm);
  } catch (const std::runtime_error&) {
    file.reset();
  }
  if (!all_ok(file >= 0, comm)) throw InputError(path, "", "", expected);
  return file;
}

void commit_report(const std::string& partial, const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Barrier(comm);
  if (rank == 0) commit_temporary(partial, path);
  MPI_Barrier(comm);
}

}  // namespace myelin
