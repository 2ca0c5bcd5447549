#include "io/placement_file.hpp"

#include "io/atomic_file.hpp"
#include "core/hdf5_handles.hpp"
#include "io/model_hash.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace myelin {
namespace {

constexpr const char* format_name = "myelin placement";
constexpr std::uint32_t format_version = 1;

}  // namespace

void write_placement_file(const std::string& path, const ModelSpec& spec, const Placement& placement,
                          const PlacementMetrics& metrics) {
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  std::vector<std::uint32_t> node_rank(n);
  for (std::uint64_t g = 0; g < n; ++g) node_rank[g] = static_cast<std::uint32_t>(placement.rank_of(g));
  AtomicFile out(path);
  try {
    h5::Handle file = h5::create_file(out.temp_path());
    h5::write_string_attribute(file, "creator", std::string("myelin ") + version_string);
    h5::Handle g = h5::create_group(file, "placement");
    h5::write_string_attribute(g, "format", format_name);
    h5::write_scalar_attribute<std::uint32_t>(g, "format_version", format_version);
    h5::write_string_attribute(g, "strategy", placement.name());
    h5::write_string_attribute(g, "model", spec.name);
    h5::write_string_attribute(g, "model_hash", hex(structure_hash(spec)));
    h5::write_scalar_attribute<std::uint64_t>(g, "neurons", n);
    h5::write_scalar_attribute<std::uint32_t>(g, "ranks", static_cast<std::uint32_t>(placement.ranks()));
    h5::write_scalar_attribute<double>(g, "load_imbalance", metrics.load_imbalance);
    h5::write_scalar_attribute<double>(g, "synapses_cut", metrics.synapses_cut);
    h5::write_scalar_attribute<double>(g, "short_delay_synapses_cut", metrics.short_synapses_cut);
    h5::write_scalar_attribute<double>(g, "synchronisations_per_second", metrics.syncs_per_second);
    h5::write_dataset(g, "node_rank", node_rank.data(), {n});
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a writable HDF5 file (") + e.what() + ")");
  }
  out.commit();
}

std::unique_ptr<RunPlacement> read_placement_file(const std::string& path, const ModelSpec& spec, int ranks) {
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  std::string strategy, model, hash;
  std::uint32_t file_ranks = 0;
  std::uint64_t neurons = 0;
  std::vector<std::uint32_t> node_rank;
  try {
    h5::Handle file = h5::open_file_readonly(path);
    if (H5Lexists(file, "placement", H5P_DEFAULT) <= 0) throw std::runtime_error("no /placement group");
    h5::Handle g(H5Gopen2(file, "placement", H5P_DEFAULT), H5Gclose, "open group /placement");
    if (!h5::has_attribute(g, "format") || h5::read_string_attribute(g, "format") != format_name)
      throw std::runtime_error("/placement has no format attribute \"myelin placement\"");
    const auto version = h5::read_scalar_attribute<std::uint32_t>(g, "format_version");
    if (version != format_version)
      throw std::runtime_error("format_version " + std::to_string(version) + ", this myelin reads " +
                               std::to_string(format_version));
    strategy = h5::read_string_attribute(g, "strategy");
    model = h5::read_string_attribute(g, "model");
    hash = h5::read_string_attribute(g, "model_hash");
    file_ranks = h5::read_scalar_attribute<std::uint32_t>(g, "ranks");
    neurons = h5::read_scalar_attribute<std::uint64_t>(g, "neurons");
    node_rank = h5::read_dataset_1d<std::uint32_t>(g, "node_rank");
  } catch (const std::runtime_error& e) {
    throw InputError(path, "", "", std::string("a placement file written by `myelin partition` (") + e.what() + ")");
  }
  if (hash != hex(structure_hash(spec)) || neurons != n)
    throw InputError(path, "model_hash", hash + " (model \"" + model + "\", " + std::to_string(neurons) + " neurons)",
                     "a placement of this model (\"" + spec.name + "\", hash " + hex(structure_hash(spec)) + ", " +
                         std::to_string(n) + " neurons): run `myelin partition` for it");
  if (static_cast<int>(file_ranks) != ranks)
    throw InputError(path, "ranks", std::to_string(file_ranks),
                     std::to_string(ranks) + ", the number of ranks of this run (partition again for " +
                         std::to_string(ranks) + " ranks)");
  if (node_rank.size() != n)
    throw InputError(path, "node_rank", std::to_string(node_rank.size()) + " entries", std::to_string(n) + " entries");
  std::vector<int> ranks_of(n);
  for (std::uint64_t g = 0; g < n; ++g) {
    if (node_rank[g] >= file_ranks)
      throw InputError(path, "node_rank[" + std::to_string(g) + "]", std::to_string(node_rank[g]),
                       "a rank below " + std::to_string(file_ranks));
    ranks_of[g] = static_cast<int>(node_rank[g]);
  }
  return std::make_unique<RunPlacement>(RunPlacement::from_node_ranks(ranks_of, ranks, strategy + " (file)"));
}

}  // namespace myelin
