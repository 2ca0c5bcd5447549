#pragma once
// What the streamed reports (spike_report, state_report) share. A report is
// written under OUTPUT/<name>.partial while the run goes on, appended in
// pieces so that memory stays bounded, and renamed to OUTPUT/<name> at the
// end. A checkpoint records how far each report was written (a ReportMark)
// and which run wrote it; a restored run continues that report, in place
// when it runs in the same directory, else from a copy of its first rows,
// after checking them against the mark's checksum.
#include <hdf5.h>
#include <mpi.h>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/hdf5_handles.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace myelin {

/// How far one report dataset (a population of spikes.h5, or of a state
/// report) was written at a checkpoint, and an order-independent checksum
/// of what was written.
struct ReportMark {
  std::uint64_t written = 0;   ///< spikes, or sample rows
  std::uint64_t checksum = 0;  ///< sum of element_hash over those elements
};

/// The reports a restored run continues: those of the run that wrote the
/// checkpoint, found by directory and run id.
struct ReportOrigin {
  std::string run_id;  ///< the reports' `myelin_run` attribute
  std::string dir;     ///< their output directory, absolute
};

inline std::string partial_path(const std::string& path) { return path + ".partial"; }

/// One element's contribution to a ReportMark checksum: (a, b) place it
/// (spike: its node id and nothing; sample: row and node id), v is its value.
inline std::uint64_t element_hash(std::uint64_t a, std::uint64_t b, double v) {
  auto mix = [](std::uint64_t x) {  // splitmix64's finaliser
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
  };
  return mix(mix(mix(a) ^ b) ^ std::bit_cast<std::uint64_t>(v));
}

/// Where a report continues from.
struct ReportContinuation {
  std::string source;     ///< "": the report starts empty
  bool in_place = false;  ///< the source is the .partial being written
};

/// Collective: how the report NAME (e.g. "spikes.h5", written as
/// `partial`; "" when it is only read) continues from a checkpoint's
/// `origin` and `marks` (null for a fresh run). InputError naming `what`
/// (e.g. "spike report") and `items` ("spikes") when a mark says something
/// was written and neither of the origin's files holds it.
ReportContinuation continue_report(const std::string& name, const std::string& partial, const std::string& what,
                                   const std::string& items, const ReportOrigin* origin,
                                   const std::vector<ReportMark>* marks, MPI_Comm comm);

/// Collective: opens a report with MPI-IO, for reading or (writable) for
/// appending; when any rank fails, every rank throws InputError(path,
/// `expected`).
h5::Handle open_report(const std::string& path, bool writable, const std::string& expected, MPI_Comm comm);

/// Collective: creates a report at `path` with the attributes every report
/// carries (creator, myelin_run) and lets fill(file) create its groups.
template <class Fill>
h5::Handle create_report(const std::string& path, const std::string& run_id, MPI_Comm comm, Fill&& fill) {
  try {
    h5::Handle file = h5::create_file_parallel(path, comm);
    h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
    h5::write_string_attribute(file, "myelin_run", run_id);
    fill(static_cast<hid_t>(file));
    return file;
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
  }
}

/// Rank 0 renames `partial` onto `path` (fsync first) once every rank has
/// closed it. Collective.
void commit_report(const std::string& partial, const std::string& path, MPI_Comm comm);

}  // namespace myelin
