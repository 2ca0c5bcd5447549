#pragma once
// What a run records, from the engine's buffers to the report files: spikes
// of the recorded populations and samples of state probes are kept per rank
// only until the buffers pass a budget, then appended to OUTPUT/spikes.h5
// and OUTPUT/<var>.h5 (written as .partial until the run ends), so memory
// stays bounded on long runs. A checkpoint stores where each report stands
// (io/report_stream.hpp) and the few spikes not yet written.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "io/spike_report.hpp"
#include "io/state_report.hpp"
#include "myelin/model_spec.hpp"
#include "build/network.hpp"

namespace myelin {

class Recording final : public SpikeRecorder {
 public:
  /// Collective. `record[p]`: spikes of population p are recorded. An
  /// empty `output_dir` keeps everything in memory (library runs without
  /// outputs); else the reports are started, or continued from `resume`.
  Recording(const ModelSpec& spec, Network& net, const std::vector<bool>& record, const std::string& output_dir,
            std::size_t buffer_bytes, const std::string& run_id, MPI_Comm comm,
            const RecorderCheckpoint* resume = nullptr, Step resume_step = 0);

  /// Where population p's spikes go in spikes(); -1 when not recorded.
  int slot(std::size_t p) const override { return slot_[p]; }
  /// This rank's spikes not yet written, per recorded population.
  std::vector<PopulationSpikes>& spikes() override { return pending_; }
  /// This rank's buffers have passed the budget.
  bool over_budget(const Network& net) const override;

  /// Collective, at a slice boundary t: writes every state sample up to t
  /// and the spikes that fill whole chunks.
  void flush(Network& net, Step t) override;
  /// Collective, after flush(): what a checkpoint must hold.
  RecorderCheckpoint checkpoint_state();
  /// Collective: writes the rest and renames the reports into place.
  void finish(Network& net, Step t);
  /// Appends so far (flush() and finish() calls that wrote), and their time.
  std::uint64_t appends() const { return appends_; }
  double write_seconds() const { return write_s_; }

 private:
  struct StateFile {
    std::string variable;
    std::vector<std::size_t> populations;  ///< model population indices
    std::vector<int> var_index;            ///< per population: index into its probe's vars
    std::unique_ptr<StateReportWriter> writer;
  };

  const ModelSpec& spec_;
  MPI_Comm comm_;
  std::string dir_, run_id_;
  std::size_t budget_;
  std::vector<int> slot_;
  std::vector<std::string> recorded_;  ///< names, by slot
  std::vector<PopulationSpikes> pending_;
  std::unique_ptr<SpikeReportWriter> spike_writer_;
  std::vector<StateFile> state_files_;
  std::vector<std::uint64_t> rows_written_;  ///< per population with a probe
  std::uint64_t appends_ = 0;
  double write_s_ = 0.0;
};

}  // namespace myelin
