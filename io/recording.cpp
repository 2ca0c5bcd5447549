#include "io/recording.hpp"

#include <filesystem>

#include "io/sonata_reports.hpp"

namespace myelin {

Recording::Recording(const ModelSpec& spec, Network& net, const std::vector<bool>& record,
                     const std::string& output_dir, std::size_t buffer_bytes, const std::string& run_id,
                     MPI_Comm comm, const RecorderCheckpoint* resume, Step resume_step)
    : dir_(output_dir.empty() ? "" : std::filesystem::absolute(output_dir).string()),
      run_id_(resume ? resume->origin.run_id : run_id),
      budget_(buffer_bytes),
      slot_(spec.populations.size(), -1) {
  // Without an output directory nothing goes to files, so nothing is
  // buffered for them (library callers keep spikes themselves).
  if (dir_.empty()) return;
  std::vector<std::string> recorded;
  for (std::size_t p = 0; p < spec.populations.size(); ++p)
    if (record[p]) {
      slot_[p] = static_cast<int>(recorded.size());
      recorded.push_back(spec.populations[p].name);
      pending_.push_back({spec.populations[p].name, {}, {}});
    }
  if (resume)
    for (const PopulationSpikes& c : resume->carry)
      for (std::size_t k = 0; k < recorded.size(); ++k)
        if (recorded[k] == c.population) pending_[k] = c;
  sink_ = std::make_unique<SonataReports>(spec, net, recorded, dir_, run_id_, comm, resume, resume_step);
}

bool Recording::over_budget(const Network& net) const {
  if (!sink_) return false;
  std::size_t bytes = 0;
  for (const PopulationSpikes& s : pending_) bytes += s.size() * (sizeof(double) + sizeof(std::uint64_t));
  for (const auto& g : net.groups)
    if (g->probe) bytes += g->probe->data.size() * sizeof(double);
  return bytes > budget_;
}

void Recording::flush(Network& net, Step t) {
  if (!sink_) return;
  const double t0 = MPI_Wtime();
  ++appends_;
  sink_->append_spikes(pending_);
  sink_->append_samples(net, t);
  for (auto& g : net.groups)
    if (StateProbe* pr = g->probe.get()) pr->data.clear();
  write_s_ += MPI_Wtime() - t0;
}

RecorderCheckpoint Recording::checkpoint_state() {
  RecorderCheckpoint c;
  c.origin = {run_id_, dir_};
  c.carry = pending_;
  if (sink_) sink_->mark(c);
  return c;
}

void Recording::finish(Network& net, Step t) {
  if (!sink_) return;
  flush(net, t);
  const double t0 = MPI_Wtime();
  sink_->finish(pending_);
  write_s_ += MPI_Wtime() - t0;
}

}  // namespace myelin
