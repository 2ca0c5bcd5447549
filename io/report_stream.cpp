#include "io/report_stream.hpp"

#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.hpp"
#include "io/hdf5_handles.hpp"

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

}  // namespace

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

void commit_report(const std::string& partial, const std::string& path, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  MPI_Barrier(comm);
  if (rank == 0) commit_temporary(partial, path);
  MPI_Barrier(comm);
}

}  // namespace myelin
