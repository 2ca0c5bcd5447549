#include "io/recording.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

#include "io/row_exchange.hpp"
#include "core/units.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"

namespace myelin {
namespace {

StateProbe* probe_of(Network& net, std::size_t population) {
  NeuronGroup* g = net.group_of(population);
  return g ? g->probe.get() : nullptr;
}

std::string spike_key(const std::string& pop) { return "spikes.h5/" + pop; }
std::string state_key(const std::string& var, const std::string& pop) { return var + ".h5/" + pop; }

}  // namespace

Recording::Recording(const ModelSpec& spec, Network& net, const std::vector<bool>& record,
                     const std::string& output_dir, std::size_t buffer_bytes, const std::string& run_id,
                     MPI_Comm comm, const RecorderCheckpoint* resume, Step resume_step)
    : spec_(spec),
      comm_(comm),
      dir_(output_dir.empty() ? "" : std::filesystem::absolute(output_dir).string()),
      run_id_(resume ? resume->origin.run_id : run_id),
      budget_(buffer_bytes),
      slot_(spec.populations.size(), -1),
      rows_written_(spec.populations.size(), 0) {
  // Without an output directory nothing goes to files, so nothing is
  // buffered for them (library callers keep spikes themselves).
  for (std::size_t p = 0; p < spec.populations.size(); ++p)
    if (record[p] && !dir_.empty()) {
      slot_[p] = static_cast<int>(recorded_.size());
      recorded_.push_back(spec.populations[p].name);
      pending_.push_back({spec.populations[p].name, {}, {}});
    }
  std::vector<ReportMark> marks;
  bool any_written = false;
  for (const std::string& name : recorded_) {
    marks.push_back(resume ? resume->mark(spike_key(name)) : ReportMark{});
    any_written = any_written || marks.back().written > 0;
  }
  if (resume)
    for (const PopulationSpikes& c : resume->carry)
      for (std::size_t k = 0; k < recorded_.size(); ++k)
        if (recorded_[k] == c.population) pending_[k] = c;

  if (dir_.empty()) {
    // In memory: the spikes written before the checkpoint are read back.
    if (!any_written) return;
    const std::string source =
        continue_report("spikes.h5", "", "spike report", "spikes", &resume->origin, &marks, comm_).source;
    std::vector<PopulationSpikes> before = read_spike_prefix(source, recorded_, marks, comm_);
    for (std::size_t k = 0; k < recorded_.size(); ++k) {
      before[k].node_ids.insert(before[k].node_ids.end(), pending_[k].node_ids.begin(), pending_[k].node_ids.end());
      before[k].timestamps.insert(before[k].timestamps.end(), pending_[k].timestamps.begin(),
                                  pending_[k].timestamps.end());
      pending_[k] = std::move(before[k]);
    }
    return;
  }
  const std::filesystem::path dir(dir_);
  spike_writer_ = std::make_unique<SpikeReportWriter>((dir / "spikes.h5").string(), recorded_, run_id_, comm_,
                                                      resume ? &resume->origin : nullptr, &marks);

  // One state report per variable, its populations in model order (every
  // rank has a group, so a probe, for each recorded population).
  std::map<std::string, StateFile> files;
  std::map<std::string, std::string> units;
  for (std::size_t p = 0; p < spec.populations.size(); ++p) {
    const StateProbe* pr = probe_of(net, p);
    if (!pr) continue;
    const ModelEntry* m = find_neuron_model(spec.populations[p].model);
    rows_written_[p] = static_cast<std::uint64_t>(resume_step / pr->interval);
    for (std::size_t v = 0; v < pr->var_names.size(); ++v) {
      StateFile& f = files[pr->var_names[v]];
      f.variable = pr->var_names[v];
      f.populations.push_back(p);
      f.var_index.push_back(static_cast<int>(v));
      units[f.variable] = base_unit(m->state[static_cast<std::size_t>(pr->vars[v])].dim);
    }
  }
  for (auto& [var, f] : files) {
    std::vector<StateColumns> columns;
    std::vector<ReportMark> state_marks;
    for (std::size_t p : f.populations) {
      const StateProbe* pr = probe_of(net, p);
      const std::string& name = spec.populations[p].name;
      columns.push_back({name, pr->node_ids, static_cast<double>(pr->interval) * spec.run.dt});
      state_marks.push_back(resume ? resume->mark(state_key(var, name)) : ReportMark{});
      if (state_marks.back().written != rows_written_[p])
        throw InputError(var + ".h5", "/report/" + name, "",
                         "the state recorders of the run that wrote the checkpoint (it recorded " +
                             std::to_string(state_marks.back().written) + " samples of " + var + " of " + name +
                             " by then, the model's recorder would have " + std::to_string(rows_written_[p]) +
                             "); state recorders cannot change on restore");
    }
    f.writer = std::make_unique<StateReportWriter>((dir / (var + ".h5")).string(), var, units[var],
                                                   std::move(columns), run_id_, comm_,
                                                   resume ? &resume->origin : nullptr, &state_marks);
    state_files_.push_back(std::move(f));
  }
}

bool Recording::over_budget(const Network& net) const {
  if (!spike_writer_) return false;
  std::size_t bytes = 0;
  for (const PopulationSpikes& s : pending_) bytes += s.size() * (sizeof(double) + sizeof(std::uint64_t));
  for (const auto& g : net.groups)
    if (g->probe) bytes += g->probe->data.size() * sizeof(double);
  return bytes > budget_;
}

void Recording::flush(Network& net, Step t) {
  if (!spike_writer_) return;
  const double t0 = MPI_Wtime();
  ++appends_;
  spike_writer_->append(pending_);
  std::vector<double> column;
  for (StateFile& f : state_files_)
    for (std::size_t i = 0; i < f.populations.size(); ++i) {
      const std::size_t p = f.populations[i];
      const StateProbe* pr = probe_of(net, p);
      const std::uint64_t rows = static_cast<std::uint64_t>(t / pr->interval) - rows_written_[p];
      const std::size_t cols = pr->node_ids.size(), nv = pr->vars.size();
      if (pr->data.size() != rows * pr->width()) throw std::logic_error("state probe: rows do not match the time");
      column.resize(rows * cols);
      for (std::uint64_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c)
          column[r * cols + c] = pr->data[r * pr->width() + c * nv + static_cast<std::size_t>(f.var_index[i])];
      f.writer->append(i, rows, column.data());
    }
  for (auto& g : net.groups)
    if (StateProbe* pr = g->probe.get()) {
      rows_written_[g->population] = static_cast<std::uint64_t>(t / pr->interval);
      pr->data.clear();
    }
  write_s_ += MPI_Wtime() - t0;
}

RecorderCheckpoint Recording::checkpoint_state() {
  RecorderCheckpoint c;
  c.origin = {run_id_, dir_};
  c.carry = pending_;
  if (!spike_writer_) return c;
  spike_writer_->flush();
  for (std::size_t k = 0; k < recorded_.size(); ++k) {
    c.keys.push_back(spike_key(recorded_[k]));
    c.marks.push_back(spike_writer_->marks()[k]);
  }
  for (StateFile& f : state_files_) {
    f.writer->flush();
    for (std::size_t i = 0; i < f.populations.size(); ++i) {
      c.keys.push_back(state_key(f.variable, spec_.populations[f.populations[i]].name));
      c.marks.push_back(f.writer->marks()[i]);
    }
  }
  return c;
}

void Recording::finish(Network& net, Step t) {
  if (!spike_writer_) return;
  flush(net, t);
  const double t0 = MPI_Wtime();
  spike_writer_->finish(pending_);
  for (StateFile& f : state_files_) f.writer->finish();
  write_s_ += MPI_Wtime() - t0;
}

}  // namespace myelin
