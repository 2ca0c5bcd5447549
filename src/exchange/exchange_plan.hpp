#pragma once
// The exchange plan (DESIGN.md invariant 3): after construction each rank
// learns which ranks need the spikes of which of its neurons (a spike goes
// only to ranks that hold one of its targets) and, for each ordered pair of
// ranks (a, b), D(a, b): the smallest delay of any synapse from a neuron on
// a to a neuron on b. Partner ranks are grouped into tiers by D: tier k
// holds the ranks with D in [m 2^k, m 2^(k+1)), m the global minimum delay,
// so that a tier can exchange every m 2^k steps and still be on time.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "partition/placement.hpp"

namespace myelin {

/// A source neuron with targets on this rank, and the smallest delay
/// (steps) of its synapses here.
struct IncomingSource {
  std::uint64_t gid;
  std::uint64_t min_delay;
};

struct ExchangePlan {
  int rank = 0, ranks = 1;
  std::uint64_t global_min_delay = 1;       ///< m, steps
  std::vector<std::uint64_t> delay_in;      ///< D(a, rank) per rank a; 0 = no synapse
  std::vector<std::uint64_t> delay_out;     ///< D(rank, b) per rank b; 0 = no synapse
  /// Per local neuron (in increasing gid order), the other ranks that need
  /// its spikes: needed_ranks[needed_offsets[i] .. needed_offsets[i + 1]).
  std::vector<std::uint64_t> needed_offsets;
  std::vector<int> needed_ranks;
  /// Other ranks this rank sends to, by tier (tier k: D in [m 2^k, m 2^(k+1))).
  std::vector<std::vector<int>> tiers_out;

  std::size_t tiers() const;  ///< non-empty tiers
};

/// The plan of `rank`, given what every rank asked of it: requests[b] are
/// the gids of this rank's neurons that rank b has synapses from, with
/// their smallest delay there. `incoming` are this rank's own incoming
/// sources; `local_gids` its neurons in increasing order. Pure: the unit
/// tests build several ranks' plans in one process.
ExchangePlan make_plan(int rank, int ranks, std::uint64_t global_min_delay,
                       const std::vector<std::vector<IncomingSource>>& requests,
                       const std::vector<IncomingSource>& incoming, const Placement& placement,
                       const std::vector<std::uint64_t>& local_gids);

/// Collective over `comm`: sends each rank the requests for its neurons
/// (MPI_Alltoallv), then make_plan.
ExchangePlan build_plan(const std::vector<IncomingSource>& incoming, std::uint64_t global_min_delay,
                        const Placement& placement, const std::vector<std::uint64_t>& local_gids, MPI_Comm comm);

}  // namespace myelin
