// describe_file(): what an HDF5 file of myelin holds (`myelin inspect`):
// its kind (checkpoint, spike report, state report, placement, SONATA
// nodes or edges), format version, time and sizes. Bad or foreign files
// are input errors, so scripts can use it as a check.
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "core/hdf5_handles.hpp"
#include "io/checkpoint.hpp"
#include "myelin/error.hpp"
#include "myelin/tools.hpp"

namespace myelin {
namespace {

/// printf onto the description.
[[gnu::format(printf, 2, 3)]] void say(std::string& out, const char* format, ...) {
  char buf[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  out += buf;
}


using h5::children;

std::string shape(hid_t parent, const std::string& name) {
  h5::Handle ds = h5::open_dataset(parent, name);
  std::string s;
  for (hsize_t d : h5::dataset_dims(ds)) s += (s.empty() ? "" : " x ") + std::to_string(d);
  return s.empty() ? "scalar" : s;
}

std::uint64_t rows(hid_t parent, const std::string& name) {
  h5::Handle ds = h5::open_dataset(parent, name);
  const auto d = h5::dataset_dims(ds);
  return d.empty() ? 1 : d[0];
}

void describe_checkpoint(std::string& out, const std::string& path, hid_t file) {
  const CheckpointHeader h = read_checkpoint_header(path);
  say(out, "kind:        myelin checkpoint (format version %d, written by myelin %s)\n", h.format_version,
              h.myelin_version.c_str());
  say(out, "model:       %s (structure hash %s), from %s\n", h.model_name.c_str(), h.model_hash.c_str(),
              h.model_path.c_str());
  say(out, "time:        %.3f ms (step %lld, dt %g ms), seed %llu\n", static_cast<double>(h.step) * h.dt,
              static_cast<long long>(h.step), h.dt, static_cast<unsigned long long>(h.seed));
  say(out, "written:     %s on %d rank%s x %d thread%s (restores on any)\n", h.created.c_str(), h.ranks,
              h.ranks == 1 ? "" : "s", h.threads, h.threads == 1 ? "" : "s");
  say(out, "neurons:     %llu\n", static_cast<unsigned long long>(h.neurons));
  for (std::size_t p = 0; p < h.populations.size(); ++p) {
    const std::string g = "neurons/" + h.populations[p];
    h5::Handle st = h5::open_dataset(file, g + "/state");
    say(out, "  %-12s state %s (%s), input in flight %s, %llu spikes so far\n", h.populations[p].c_str(),
                shape(file, g + "/state").c_str(), h5::read_string_attribute(st, "variables").c_str(),
                shape(file, g + "/input").c_str(), static_cast<unsigned long long>(h.spike_counts[p]));
  }
  // Where the reports stood: written into OUTPUT/<file>, plus spikes kept
  // here until they fill a chunk.
  h5::Handle reports = h5::open_group(file, "recorders/reports");
  say(out, "reports:     in %s\n", h5::read_string_attribute(reports, "dir").c_str());
  const std::string keys = h5::read_string_dataset(reports, "keys");
  const auto written = h5::read_dataset_1d<std::uint64_t>(reports, "written");
  h5::Handle spikes = h5::open_group(file, "recorders/spikes");
  std::size_t i = 0;
  for (std::size_t b = 0; b < keys.size() && i < written.size(); ++i) {
    const std::size_t e = std::min(keys.find('\n', b), keys.size());
    const std::string key = keys.substr(b, e - b);
    b = e + 1;
    const bool spike_report = key.rfind("spikes.h5/", 0) == 0;
    say(out, "  %-24s %llu %s written", key.c_str(), static_cast<unsigned long long>(written[i]),
                spike_report ? "spikes" : "samples");
    const std::string pop = key.substr(key.find('/') + 1);
    if (spike_report && h5::exists(spikes, pop))
      say(out, ", %llu more held here", static_cast<unsigned long long>(rows(spikes, pop + "/timestamps")));
    say(out, "\n");
  }
}

void describe_spikes(std::string& out, hid_t file) {
  say(out, "kind:        SONATA spike report\n");
  h5::Handle spikes = h5::open_group(file, "spikes");
  for (const auto& p : children(spikes)) {
    h5::Handle g = h5::open_group(spikes, p);
    const auto t = h5::read_dataset_1d<double>(g, "timestamps");
    say(out, "  %-12s %llu spikes", p.c_str(), static_cast<unsigned long long>(t.size()));
    if (!t.empty()) say(out, ", %.3f .. %.3f ms", t.front(), t.back());
    say(out, "\n");
  }
}

void describe_report(std::string& out, hid_t file) {
  say(out, "kind:        SONATA state report\n");
  h5::Handle report = h5::open_group(file, "report");
  for (const auto& p : children(report)) {
    h5::Handle g = h5::open_group(report, p);
    h5::Handle data = h5::open_dataset(g, "data");
    const auto time = h5::read_dataset_1d<double>(g, "mapping/time");
    say(out, "  %-12s %s %s (time x node), %s", p.c_str(), h5::read_string_attribute(data, "variable_name").c_str(),
                shape(g, "data").c_str(), h5::read_string_attribute(data, "units").c_str());
    if (time.size() == 3) say(out, ", %.3f .. %.3f ms every %.3f ms", time[0], time[1], time[2]);
    say(out, "\n");
  }
}

void describe_placement(std::string& out, hid_t file) {
  h5::Handle g = h5::open_group(file, "placement");
  say(out, "kind:        myelin placement (format version %u)\n", h5::read_scalar_attribute<std::uint32_t>(g, "format_version"));
  say(out, "model:       %s (structure hash %s)\n", h5::read_string_attribute(g, "model").c_str(),
              h5::read_string_attribute(g, "model_hash").c_str());
  say(out, "placement:   %s, %llu neurons on %u ranks, load imbalance %.3f\n",
              h5::read_string_attribute(g, "strategy").c_str(),
              static_cast<unsigned long long>(h5::read_scalar_attribute<std::uint64_t>(g, "neurons")),
              h5::read_scalar_attribute<std::uint32_t>(g, "ranks"), h5::read_scalar_attribute<double>(g, "load_imbalance"));
}

void describe_sonata(std::string& out, hid_t file, const std::string& kind) {
  say(out, "kind:        SONATA %s\n", kind.c_str());
  h5::Handle top = h5::open_group(file, kind);
  for (const auto& p : children(top)) {
    h5::Handle g = h5::open_group(top, p);
    if (kind == "nodes") {
      std::string params;
      if (h5::exists(g, "0") && h5::exists(g, "0/dynamics_params")) {
        h5::Handle dp = h5::open_group(g, "0/dynamics_params");
        for (const auto& n : children(dp)) params += (params.empty() ? "" : " ") + n;
      }
      say(out, "  %-12s %llu nodes%s%s\n", p.c_str(), static_cast<unsigned long long>(rows(g, "node_type_id")),
                  params.empty() ? "" : "; dynamics_params: ", params.c_str());
      continue;
    }
    h5::Handle src = h5::open_dataset(g, "source_node_id"), tgt = h5::open_dataset(g, "target_node_id");
    const auto node_pop = [](hid_t ds) {
      return h5::has_attribute(ds, "node_population") ? h5::read_string_attribute(ds, "node_population") : "?";
    };
    std::string extra;
    if (h5::exists(g, "0") && h5::exists(g, "0/syn_weight")) extra += "; syn_weight";
    if (h5::exists(g, "0") && h5::exists(g, "0/delay")) {
      h5::Handle d = h5::open_dataset(g, "0/delay");
      char buf[64];
      if (h5::has_attribute(d, "min") && h5::has_attribute(d, "max"))
        std::snprintf(buf, sizeof buf, "; delay %g-%g ms", h5::read_scalar_attribute<double>(d, "min"),
                      h5::read_scalar_attribute<double>(d, "max"));
      else
        std::snprintf(buf, sizeof buf, "; delay");
      extra += buf;
    }
    if (h5::exists(g, "indices")) extra += "; indexed";
    say(out, "  %-12s %llu edges, %s -> %s%s\n", p.c_str(), static_cast<unsigned long long>(rows(g, "source_node_id")),
                node_pop(src).c_str(), node_pop(tgt).c_str(), extra.c_str());
  }
}

}  // namespace

std::string describe_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw InputError(path, "", "", "an existing file (no such file)");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw InputError(path, "", "", "an HDF5 file; this is not one, or its header is damaged");
  h5::Handle file;
  try {
    file = h5::open_file_readonly(path);
  } catch (const std::runtime_error&) {
    throw InputError(path, "", "", "a complete HDF5 file; it cannot be opened (truncated or corrupted)");
  }
  std::string out;
  say(out, "file:        %s (%.1f MB)\n", path.c_str(), static_cast<double>(std::filesystem::file_size(path, ec)) / 1e6);
  try {
    if (h5::has_attribute(file, "myelin_kind")) describe_checkpoint(out, path, file);
    else if (h5::exists(file, "spikes")) describe_spikes(out, file);
    else if (h5::exists(file, "report")) describe_report(out, file);
    else if (h5::exists(file, "placement")) describe_placement(out, file);
    else if (h5::exists(file, "nodes")) describe_sonata(out, file, "nodes");
    else if (h5::exists(file, "edges")) describe_sonata(out, file, "edges");
    else {
      std::string top;
      for (const auto& c : children(file)) top += (top.empty() ? "" : ", ") + c;
      throw InputError(path, "", "", "a file myelin writes (checkpoint, report, placement, SONATA); its top level holds: " +
                                         (top.empty() ? std::string("nothing") : top));
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a complete file; reading it failed: ") + e.what());
  }
  return out;
}

}  // namespace myelin
