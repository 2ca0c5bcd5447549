#pragma once
// The state of plastic synapses in files, in one canonical order that does
// not depend on ranks or threads: by target node id, then in the order the
// connection rule generated the target's synapses (the order of `myelin
// export`'s edges.h5). Each rank sends its synapses' rows to the rank that
// owns their block of that order, which writes one contiguous slab.
//
// A row is plastic_row_size doubles: source node id, target node id, delay
// (ms), then the state (synapses/plastic_store.hpp): weight, the
// presynaptic segment's a, b and last arrival step, the target's
// postsynaptic traces y, y2 and its last spike step.
//
// Used by checkpoints (/synapses/<edge population>/{state, in_flight}) and
// at the end of a run by synapses.h5, a SONATA edges file with the final
// weights (0/syn_weight) that a model can load back (`from_file`).
#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "myelin/model_spec.hpp"
#include "partition/placement.hpp"
#include "build/network.hpp"

namespace myelin {

inline constexpr std::size_t plastic_row_size = 3 + plastic_state_size;

/// Rows of the canonical order handled at once: each pass moves and writes
/// at most this many rows over all ranks, so the memory for files stays
/// bounded (about 160 B per row of a pass) whatever the projection's size.
std::uint64_t plastic_chunk_rows();

/// One pass: rows [first, first + rows.size() / plastic_row_size) of `total`.
struct PlasticBlock {
  std::uint64_t total = 0, first = 0;
  std::vector<double> rows;
};

/// Collective: this rank's block of each pass, in order, to `take`. With
/// `now` >= 0 a three-factor synapse's weight and eligibility are given as
/// they are at step `now` (for outputs); else as stored, with the step
/// they are up to (for checkpoints, which must continue bit-exactly).
void for_each_plastic_block(const Network& net, const PlasticProjection& pr, MPI_Comm comm,
                            const std::function<void(const PlasticBlock&)>& take, Step now = -1);

/// Collective: the number of canonical rows of the projection.
std::uint64_t plastic_rows(const Network& net, const PlasticProjection& pr, MPI_Comm comm);

/// Collective: sets every local synapse's state from rows a file holds:
/// read(first, n, rows) fills this rank's block of each pass. Returns
/// false on every rank when `total` or a row does not match this network
/// (source, delay or count differ: another model).
bool set_plastic_state(Network& net, PlasticProjection& pr, const Placement& placement, std::uint64_t total,
                       MPI_Comm comm,
                       const std::function<void(std::uint64_t first, std::uint64_t n, std::vector<double>& rows)>& read);

/// Collective: spikes whose plastic arrivals are still pending, as
/// (source gid, emission step) pairs, sorted and without repeats; complete
/// on rank 0.
std::vector<std::uint64_t> pending_spikes(const PlasticProjection& pr, Step now, MPI_Comm comm);
/// Re-queues such spikes' arrivals from step `now` on.
void requeue_spikes(PlasticProjection& pr, const std::vector<std::uint64_t>& pairs, Step now);

/// Dendritic delay convention: every rank's postsynaptic histories on
/// rank 0, as rows (target gid, step, y, y2) sorted by gid and step.
std::vector<double> post_history_rows(const Network& net, const PlasticProjection& pr, MPI_Comm comm);
/// Gives each local neuron its history back from such rows and queues the
/// meetings of its spikes still to come (from step `now` on).
void restore_post_history(const Network& net, PlasticProjection& pr, const std::vector<double>& rows, Step now);

/// Collective: writes OUTPUT/synapses.h5 (through a temporary name) when
/// the network has plastic projections: the state at step `now`.
void write_plastic_edges(const std::string& path, const ModelSpec& spec, const Network& net, Step now,
                         MPI_Comm comm);

}  // namespace myelin
