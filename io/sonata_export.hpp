#pragma once
// `myelin export`: the built network as a SONATA circuit that BMTK, NEST's
// SONATA reader, libsonata and h5py open, and that a model file can load
// back (`from_file`) to the same spikes.
//
//   nodes.h5        /nodes/<pop>/{node_type_id, node_group_id, node_group_index}
//                   /nodes/<pop>/0/dynamics_params/<name>: every parameter
//                   (one value, repeated) and every initial state variable
//                   (per neuron, as drawn from the model's seed)
//   edges.h5        /edges/<src>_to_<tgt>/{source_node_id, target_node_id}
//                   (attribute node_population), edge_type_id,
//                   edge_group_id, edge_group_index, 0/{syn_weight (pA),
//                   delay (ms)}, indices/{target_to_source,source_to_target}
//   node_types.csv  node_type_id model_type model_template pop_name
//   edge_types.csv  edge_type_id model_template source target
//   circuit_config.json
//
// Collective: each rank generates the edges into a block of targets and
// writes them at their offset with MPI-IO, so no rank holds the whole edge
// list and the files are the same for any number of ranks.
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "myelin/model_spec.hpp"
#include "myelin/tools.hpp"

namespace myelin {

/// Name of projection k's edge population: <source>_to_<target>, with a
/// suffix _<k> when two projections share the pair.
std::string edge_population_name(const ModelSpec& spec, std::size_t k);

// export_circuit() is declared in myelin/tools.hpp.

}  // namespace myelin
