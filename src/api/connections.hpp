#pragma once
// The synapses of one projection as they are now, for Simulation::
// connections(): static ones generated again from the connection rule (as
// `myelin export` does: the same stream gives the same synapses), plastic
// ones read from their store with the weights they have reached.
#include <mpi.h>

#include <cstddef>

#include "build/network.hpp"
#include "core/time_grid.hpp"
#include "myelin/simulation.hpp"

namespace myelin {

/// Collective: this rank's share of projection k's synapses (static: those
/// into its own neurons; plastic: its block of the canonical order), with
/// weights as at step `now`.
Connections local_connections(const ModelSpec& spec, const Network& net, std::size_t k, Step now, MPI_Comm comm);

}  // namespace myelin
