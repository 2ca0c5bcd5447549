#pragma once
// Placement: which rank owns each neuron (gid). Construction, exchange and
// output only ask this interface, so every strategy plugs in without
// touching them, and no strategy changes what the network is: connections
// and random streams are keyed by gid, so spikes are bit-identical for
// every placement. Round-robin (NEST's scheme) is the default.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "myelin/model_spec.hpp"

namespace myelin {

class Placement {
 public:
  virtual ~Placement() = default;
  virtual int rank_of(std::uint64_t gid) const = 0;
  virtual int ranks() const = 0;
  virtual std::string name() const = 0;
};

class RoundRobinPlacement final : public Placement {
 public:
  explicit RoundRobinPlacement(int ranks) : ranks_(ranks < 1 ? 1 : ranks) {}
  int rank_of(std::uint64_t gid) const override { return static_cast<int>(gid % static_cast<std::uint64_t>(ranks_)); }
  int ranks() const override { return ranks_; }
  std::string name() const override { return "round_robin"; }

 private:
  int ranks_;
};

/// Contiguous gid ranges of (nearly) equal size: neurons of one population
/// stay together, so long-delay projections between populations become the
/// only traffic between ranks.
class BlockPlacement final : public Placement {
 public:
  BlockPlacement(std::uint64_t neurons, int ranks) : n_(neurons ? neurons : 1), ranks_(ranks < 1 ? 1 : ranks) {}
  int rank_of(std::uint64_t gid) const override {
    // Generators (gid >= n) are on every rank; map them past the end.
    const std::uint64_t g = gid < n_ ? gid : n_ - 1;
    return static_cast<int>(g * static_cast<std::uint64_t>(ranks_) / n_);
  }
  int ranks() const override { return ranks_; }
  std::string name() const override { return "block"; }

 private:
  std::uint64_t n_;
  int ranks_;
};

/// Runs of consecutive gids, each on one rank: what the population and
/// graph strategies produce (runs are their chunks) and what a placement
/// file holds. Memory grows with the runs, not the neurons.
class RunPlacement final : public Placement {
 public:
  /// Run k covers gids [starts[k], starts[k + 1]) (the last run: to the
  /// end) and lives on run_ranks[k]; starts[0] == 0, increasing.
  RunPlacement(std::vector<std::uint64_t> starts, std::vector<int> run_ranks, int ranks, std::string name);
  /// From pieces in gid order (piece k starts at starts[k] and lives on
  /// piece_ranks[k]); neighbouring pieces on one rank merge into one run.
  static RunPlacement from_pieces(const std::vector<std::uint64_t>& starts, const std::vector<int>& piece_ranks,
                                  int ranks, std::string name);
  /// From one rank per neuron.
  static RunPlacement from_node_ranks(const std::vector<int>& node_rank, int ranks, std::string name);
  int rank_of(std::uint64_t gid) const override;
  int ranks() const override { return ranks_; }
  std::string name() const override { return name_; }
  const std::vector<std::uint64_t>& starts() const { return starts_; }
  const std::vector<int>& run_ranks() const { return run_ranks_; }

 private:
  std::vector<std::uint64_t> starts_;
  std::vector<int> run_ranks_;
  int ranks_;
  std::string name_;
};

struct PartitionOptions {
  std::uint64_t chunk_size = 256;  ///< neurons per graph vertex (graph strategy)
  double tolerance = 0.05;         ///< allowed load imbalance: max / mean - 1
};

/// The strategies, by name: round_robin (NEST's), block (contiguous gid
/// ranges), population (whole populations to ranks, balanced; one larger
/// than a rank's share is split) and graph (METIS k-way on the chunk graph,
/// cutting long delays rather than short ones). Deterministic: every rank
/// computes the same placement. Throws InputError for an unknown name.
std::unique_ptr<Placement> make_placement(const std::string& strategy, int ranks, const ModelSpec& spec,
                                          const PartitionOptions& options = {});

/// The names make_placement accepts, for help texts and errors.
inline const char* placement_strategies = "round_robin, block, population or graph";

}  // namespace myelin
