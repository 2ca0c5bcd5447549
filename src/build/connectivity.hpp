#pragma once
// This rank's incoming synapses, one part per thread: part p holds the
// synapses whose targets thread p updates, so each thread delivers into its
// own neurons' ring buffers without locks. Within a part, rows are indexed
// by source gid and split into delay segments (synapses/static_synapse.hpp).
#include <cstdint>
#include <vector>

#include "build/connection_rules.hpp"
#include "core/huge_pages.hpp"
#include "neurons/neuron_group.hpp"
#include "synapses/static_synapse.hpp"

namespace myelin {

struct ConnectivityPart {
  std::vector<std::uint64_t> row;   ///< per source gid + 1: first segment index
  std::vector<DelaySegment> segs;   ///< plus a sentinel whose begin() is syn.size()
  huge_vector<StaticSynapse> syn;
  std::size_t bytes() const {
    return row.size() * sizeof(row[0]) + segs.size() * sizeof(segs[0]) + syn.size() * sizeof(syn[0]);
  }
};

/// Group-local neurons [begin, end) of group `group`.
struct TargetRange {
  std::size_t group, begin, end;
};

struct Connectivity {
  std::vector<ConnectivityPart> parts;
  std::uint64_t n_sources = 0;
  std::uint64_t min_delay = 0, max_delay = 0;  ///< steps; 0 when there are no synapses

  std::uint64_t synapses() const;
  std::size_t bytes() const;
};

/// Builds every part in parallel (one thread per part). `ranges[p]` are the
/// targets of part p, in increasing rank-local index.
Connectivity build_connectivity(const std::vector<ConnectionGenerator>& generators,
                                const std::vector<std::unique_ptr<NeuronGroup>>& groups,
                                const std::vector<std::vector<TargetRange>>& ranges, std::uint64_t n_sources);

}  // namespace myelin
