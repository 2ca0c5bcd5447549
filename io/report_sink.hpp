#pragma once
// Where recorded spikes and state samples go. Recording (io/recording.hpp)
// buffers them per rank and, at the slice boundaries where all ranks
// agree, hands them to its sink; a sink writes one format. Adding an
// output format is one class implementing this (io/sonata_reports.hpp is
// SONATA's).
#include <vector>

#include "build/network.hpp"
#include "core/time_grid.hpp"
#include "io/checkpoint.hpp"
#include "sim/recorder.hpp"

namespace myelin {

class ReportSink {
 public:
  virtual ~ReportSink() = default;
  /// Collective: writes what it can of `pending` (this rank's spikes per
  /// recorded population, each sorted by (time, node id), later than
  /// anything before); what stays in `pending` comes again next time.
  virtual void append_spikes(std::vector<PopulationSpikes>& pending) = 0;
  /// Collective: writes every probe's samples up to step t (the rows in
  /// each group's probe are those since the last call).
  virtual void append_samples(const Network& net, Step t) = 0;
  /// Collective: makes what was written durable and adds where each
  /// report stands to `out` (keys and marks), for a checkpoint.
  virtual void mark(RecorderCheckpoint& out) = 0;
  /// Collective: writes everything left of `pending` and puts the reports
  /// into place.
  virtual void finish(std::vector<PopulationSpikes>& pending) = 0;
};

}  // namespace myelin
