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
#include <string>

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

/// The file a report of `origin` continues from: DIR/NAME.partial when it
/// exists and was written by that run, else DIR/NAME under the same
/// condition; "" when neither. Collective: rank 0 looks, all get the answer.
std::string find_report_source(const ReportOrigin& origin, const std::string& name, MPI_Comm comm);

/// Rank 0 renames `partial` onto `path` (fsync first) once every rank has
/// closed it. Collective.
void commit_report(const std::string& partial, const std::string& path, MPI_Comm comm);

}  // namespace myelin
