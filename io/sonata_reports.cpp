#include "io/sonata_reports.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

#include "core/units.hpp"
#include "myelin/error.hpp"
#include "neurons/registry.hpp"

namespace myelin {
namespace {

const StateProbe* probe_of(const Network& net, std::size_t population) {
  const NeuronGroup* g = net.group_of(population);
  return g ? g->probe.get() : nullptr;
}

std::string spike_key(const std::string& pop) { return "spikes.h5/" + pop; }
std::string state_key(const std::string& var, const std::string& pop) { return var + ".h5/" + pop; }

}  // namespace

SonataReports::SonataReports(const ModelSpec& spec, const Network& net, const std::vector<std::string>& recorded,
                             const std::string& dir, const std::string& run_id, MPI_Comm comm,
                             const RecorderCheckpoint* resume, Step resume_step)
    : spec_(spec), comm_(comm), run_id_(run_id), recorded_(recorded), rows_written_(spec.populations.size(), 0) {
  std::vector<ReportMark> marks;
  for (const std::string& name : recorded_) marks.push_back(resume ? resume->mark(spike_key(name)) : ReportMark{});
  spikes_ = std::make_unique<SpikeReportWriter>((std::filesystem::path(dir) / "spikes.h5").string(), recorded_, run_id_,
                                                comm_, resume ? &resume->origin : nullptr, &marks);
  open_state_files(net, dir, resume, resume_step);
}

/// One state report per variable, its populations in model order (every
/// rank has a group, so a probe, for each recorded population).
void SonataReports::open_state_files(const Network& net, const std::string& dir, const RecorderCheckpoint* resume,
                                     Step resume_step) {
  std::map<std::string, StateFile> files;
  std::map<std::string, std::string> units;
  for (std::size_t p = 0; p < spec_.populations.size(); ++p) {
    const StateProbe* pr = probe_of(net, p);
    if (!pr) continue;
    const ModelEntry* m = find_neuron_model(spec_.populations[p].model);
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
    std::vector<ReportMark> marks;
    for (std::size_t p : f.populations) {
      const StateProbe* pr = probe_of(net, p);
      const std::string& name = spec_.populations[p].name;
      columns.push_back({name, pr->node_ids, static_cast<double>(pr->interval) * spec_.run.dt});
      marks.push_back(resume ? resume->mark(state_key(var, name)) : ReportMark{});
      if (marks.back().written != rows_written_[p])
        throw InputError(var + ".h5", "/report/" + name, "",
                         "the state recorders of the run that wrote the checkpoint (it recorded " +
                             std::to_string(marks.back().written) + " samples of " + var + " of " + name +
                             " by then, the model's recorder would have " + std::to_string(rows_written_[p]) +
                             "); state recorders cannot change on restore");
    }
    f.writer = std::make_unique<StateReportWriter>((std::filesystem::path(dir) / (var + ".h5")).string(), var, units[var],
                                                   std::move(columns), run_id_, comm_,
                                                   resume ? &resume->origin : nullptr, &marks);
    state_files_.push_back(std::move(f));
  }
}

void SonataReports::append_samples(const Network& net, Step t) {
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
  for (const auto& g : net.groups)
    if (const StateProbe* pr = g->probe.get()) rows_written_[g->population] = static_cast<std::uint64_t>(t / pr->interval);
}

void SonataReports::mark(RecorderCheckpoint& out) {
  spikes_->flush();
  for (std::size_t k = 0; k < recorded_.size(); ++k) {
    out.keys.push_back(spike_key(recorded_[k]));
    out.marks.push_back(spikes_->marks()[k]);
  }
  for (StateFile& f : state_files_) {
    f.writer->flush();
    for (std::size_t i = 0; i < f.populations.size(); ++i) {
      out.keys.push_back(state_key(f.variable, spec_.populations[f.populations[i]].name));
      out.marks.push_back(f.writer->marks()[i]);
    }
  }
}

void SonataReports::finish(std::vector<PopulationSpikes>& pending) {
  spikes_->finish(pending);
  for (StateFile& f : state_files_) f.writer->finish();
}

}  // namespace myelin
