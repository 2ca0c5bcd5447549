#pragma once
// The SONATA report sink: OUTPUT/spikes.h5 (io/spike_report.hpp) and one
// OUTPUT/<variable>.h5 per recorded state variable (io/state_report.hpp),
// streamed under .partial names and continued across checkpoints.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "io/report_sink.hpp"
#include "io/spike_report.hpp"
#include "io/state_report.hpp"
#include "myelin/model_spec.hpp"

namespace myelin {

class SonataReports final : public ReportSink {
 public:
  /// Collective: starts the reports of `recorded` populations (spikes) and
  /// of every probe in `net` (state) in `dir`, or continues those of the
  /// run that wrote `resume`, whose recordings stood at `resume_step`.
  SonataReports(const ModelSpec& spec, const Network& net, const std::vector<std::string>& recorded,
                const std::string& dir, const std::string& run_id, MPI_Comm comm, const RecorderCheckpoint* resume,
                Step resume_step);

  void append_spikes(std::vector<PopulationSpikes>& pending) override { spikes_->append(pending); }
  void append_samples(const Network& net, Step t) override;
  void mark(RecorderCheckpoint& out) override;
  void finish(std::vector<PopulationSpikes>& pending) override;

 private:
  /// One variable's report: the populations that record it.
  struct StateFile {
    std::string variable;
    std::vector<std::size_t> populations;  ///< model population indices
    std::vector<int> var_index;            ///< per population: index into its probe's vars
    std::unique_ptr<StateReportWriter> writer;
  };
  void open_state_files(const Network& net, const std::string& dir, const RecorderCheckpoint* resume, Step resume_step);

  const ModelSpec& spec_;
  MPI_Comm comm_;
  std::string run_id_;
  std::vector<std::string> recorded_;
  std::unique_ptr<SpikeReportWriter> spikes_;
  std::vector<StateFile> state_files_;
  std::vector<std::uint64_t> rows_written_;  ///< per population with a probe
};

}  // namespace myelin
