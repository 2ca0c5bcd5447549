#pragma once
// Placement: which rank owns each neuron (gid). Construction, exchange and
// output only ask this interface, so a graph partitioner plugs in without
// touching them. Round-robin (NEST's scheme) is the default.
#include <cstdint>
#include <memory>
#include <string>

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

/// "round_robin" (default) or "block"; `neurons` is the network size.
std::unique_ptr<Placement> make_placement(const std::string& strategy, int ranks, std::uint64_t neurons);

}  // namespace myelin
