#pragma once
// SONATA spike report: /spikes/<population>/{timestamps (float64, ms),
// node_ids (uint64)}, with the population attribute `sorting` (HDF5 enum
// none/by_id/by_time, as libsonata reads it) set to by_time.
//
// Streamed: the report is appended while the run goes on, in whole chunks
// of 65536 spikes (deflate-compressed, so a chunk is written once), each
// append collective over all ranks. Spikes are first redistributed by time
// (each rank gets a contiguous time range of about equal count), sorted and
// written at their global offset; what does not fill a whole chunk stays
// in memory (the carry) for the next append. The file is therefore the
// same, byte for byte in its data, whatever the number of ranks and
// whenever the appends happen, and no rank ever holds all spikes.
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/hdf5_handles.hpp"
#include "io/report_stream.hpp"
#include "sim/recorder.hpp"

namespace myelin {

class SpikeReportWriter {
 public:
  static constexpr std::uint64_t chunk = 65536;

  /// Collective: starts `path`.partial with an empty report of each
  /// population (names in the order append() gets them), or, with `origin`
  /// and `marks` (from a checkpoint), continues the report of that run:
  /// its first marks[k].written spikes are checked against the checksum
  /// and kept (in place when the source is this very .partial file). A
  /// mark with written > 0 and no source is an InputError.
  SpikeReportWriter(std::string path, const std::vector<std::string>& populations, const std::string& run_id,
                    MPI_Comm comm, const ReportOrigin* origin = nullptr, const std::vector<ReportMark>* marks = nullptr);

  /// Collective: appends what of `pending` (this rank's spikes per
  /// population, each sorted by (time, node id), all later than anything
  /// appended before) fills whole chunks; `pending` keeps the rest.
  void append(std::vector<PopulationSpikes>& pending) { write(pending, false); }
  /// Collective: appends everything, closes and renames the file into place.
  void finish(std::vector<PopulationSpikes>& pending);

  /// Per population: spikes written so far and their checksum.
  const std::vector<ReportMark>& marks() const { return marks_; }
  /// Collective: makes what was written durable (before a checkpoint
  /// records the marks).
  void flush();

 private:
  void write(std::vector<PopulationSpikes>& pending, bool everything);
  void resume(const std::string& source, const std::vector<ReportMark>& marks);

  std::string path_;
  std::vector<std::string> populations_;
  MPI_Comm comm_;
  h5::Handle file_;
  std::vector<ReportMark> marks_;
};

/// Reads spikes [0, marks[k].written) of each population from a spike
/// report, this rank's block of each (contiguous, rank-ordered), checking
/// the checksums. Collective. InputError when the file does not hold them.
std::vector<PopulationSpikes> read_spike_prefix(const std::string& path, const std::vector<std::string>& populations,
                                                const std::vector<ReportMark>& marks, MPI_Comm comm);

/// The same layout, written once, under an open group of a file opened
/// with MPI-IO (collective): one subgroup per population (checkpoints keep
/// the carry this way).
void write_spike_populations(hid_t parent, const std::vector<PopulationSpikes>& local, MPI_Comm comm);

/// The time-ordered redistribution the writer uses: returns this rank's
/// share of the spikes of all ranks, a contiguous time range, sorted by
/// (time, node id); ranks hold successive ranges.
PopulationSpikes redistribute_by_time(const PopulationSpikes& local, MPI_Comm comm);

}  // namespace myelin
