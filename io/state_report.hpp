#pragma once
// SONATA report of one sampled state variable, one file per variable:
// /report/<population>/data (time x element, float64),
// /report/<population>/mapping/{node_ids, index_pointers, element_ids,
// time = [start, stop, step]} in ms; columns in node-id order.
//
// Streamed like the spike report (io/report_stream.hpp): rows are appended
// while the run goes on, each rank writing its own columns of the new rows
// straight into the file (MPI-IO, collective), so no rank gathers them.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5_handles.hpp"
#include "io/report_stream.hpp"

namespace myelin {

/// One population of a state report as this rank holds it.
struct StateColumns {
  std::string population;
  std::vector<std::uint64_t> node_ids;  ///< this rank's columns (population-local ids), in its order
  double t_step = 0.0;                  ///< ms between samples; the first is at t_step
};

class StateReportWriter {
 public:
  /// Collective: starts `path`.partial, or continues the report of the run
  /// in `origin` whose first marks[k].written rows of each population are
  /// checked and kept (see SpikeReportWriter). The populations and their
  /// columns over all ranks must be those of that report.
  StateReportWriter(std::string path, const std::string& variable, const std::string& units,
                    std::vector<StateColumns> populations, const std::string& run_id, MPI_Comm comm,
                    const ReportOrigin* origin = nullptr, const std::vector<ReportMark>* marks = nullptr);

  /// Collective: appends `rows` rows of population k; `data` is row-major
  /// over this rank's columns in the order the constructor got them.
  void append(std::size_t k, std::uint64_t rows, const double* data);
  /// Collective: writes the time mapping, closes, renames into place.
  void finish();
  /// Collective: makes what was written durable.
  void flush();
  const std::vector<ReportMark>& marks() const { return marks_; }

 private:
  struct Population {
    StateColumns columns;
    std::uint64_t total_columns = 0;
    std::vector<std::uint64_t> all_ids;  ///< every rank's columns, sorted
    std::vector<std::size_t> order;      ///< this rank's columns by position in the file
    std::vector<std::uint64_t> position; ///< file column of order[i]
  };
  /// Selects rows [row0, row0 + rows) x this rank's columns of `ds`;
  /// returns the matching memory space.
  h5::Handle select(const Population& p, hid_t file_space, std::uint64_t row0, std::uint64_t rows) const;
  /// Reads and checksums rows [0, mark.written) of this rank's columns of
  /// population k in `file`, in pieces; take(row0, rows, data) for each
  /// (same count on all ranks). Returns whether the checksum matched.
  template <class Take>
  bool read_rows(hid_t file, std::size_t k, const ReportMark& mark, Take&& take);
  void create(std::size_t k, hid_t report);

  std::string path_, variable_;
  std::vector<Population> pops_;
  MPI_Comm comm_;
  h5::Handle file_;
  std::vector<ReportMark> marks_;
};

}  // namespace myelin
