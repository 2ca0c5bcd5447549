#pragma once
// What a run records, from the engine's buffers to the reports: spikes of
// the recorded populations and samples of state probes are kept per rank
// only until the buffers pass a budget, then handed to the report sink
// (io/report_sink.hpp; SONATA's writes OUTPUT/spikes.h5 and
// OUTPUT/<var>.h5), so memory stays bounded on long runs. A checkpoint
// stores where each report stands and the few spikes not yet written.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "io/report_sink.hpp"
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
  std::string dir_, run_id_;
  std::size_t budget_;
  std::vector<int> slot_;
  std::vector<PopulationSpikes> pending_;  ///< by slot
  std::unique_ptr<ReportSink> sink_;       ///< none: nothing goes to files
  std::uint64_t appends_ = 0;
  double write_s_ = 0.0;
};

}  // namespace myelin
