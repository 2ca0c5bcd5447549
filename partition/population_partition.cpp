#include "partition/population_partition.hpp"

#include <algorithm>
#include <cmath>

namespace myelin {

RunPlacement partition_populations(const ModelSpec& spec, int ranks) {
  struct Piece {
    std::uint64_t first, size;
  };
  std::uint64_t n = 0;
  for (const auto& p : spec.populations) n += p.size;
  const double share = static_cast<double>(n) / static_cast<double>(ranks);
  std::vector<Piece> pieces;
  std::uint64_t gid = 0;
  for (const auto& p : spec.populations) {
    const auto k = static_cast<std::uint64_t>(std::max(1.0, std::ceil(static_cast<double>(p.size) / share - 1e-9)));
    for (std::uint64_t j = 0; j < k; ++j) {
      const std::uint64_t b = p.size * j / k, e = p.size * (j + 1) / k;
      if (e > b) pieces.push_back({gid + b, e - b});
    }
    gid += p.size;
  }
  std::vector<std::size_t> order(pieces.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return pieces[a].size > pieces[b].size; });
  std::vector<std::uint64_t> load(static_cast<std::size_t>(ranks), 0);
  std::vector<int> owner(pieces.size(), 0);
  for (std::size_t i : order) {
    const auto r = static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    owner[i] = static_cast<int>(r);
    load[r] += pieces[i].size;
  }
  std::vector<std::uint64_t> starts;
  for (const Piece& p : pieces) starts.push_back(p.first);
  return RunPlacement::from_pieces(starts, owner, ranks, "population");
}

}  // namespace myelin
