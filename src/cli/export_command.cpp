// `myelin export MODEL.toml -o DIR`: writes the network the model builds as
// a SONATA circuit (nodes.h5, edges.h5, node_types.csv, edge_types.csv,
// circuit_config.json). Runs on any number of ranks; the files are the
// same for every one.
#include <mpi.h>

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/tools.hpp"

namespace po = boost::program_options;

namespace myelin::cli {

int export_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin export MODEL.toml -o DIR\n\n"
      "Builds the populations and projections of MODEL.toml (with its seed) and writes\n"
      "them as a SONATA circuit to DIR: nodes.h5 (one node population per population,\n"
      "parameters and initial state as dynamics_params), edges.h5 (one edge population\n"
      "<source>_to_<target> per projection: syn_weight in pA, delay in ms, both indices),\n"
      "node_types.csv, edge_types.csv and circuit_config.json. Stimuli and recorders stay\n"
      "in the model file. A model loads the circuit back with `from_file` populations\n"
      "and `rule = \"from_file\"` projections, and simulates to the same spikes.\n"
      "Under mpirun each rank writes its share of the edges with MPI-IO.\n\n"
      "Options");
  std::string model, output;
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(&output), "output directory (required)");
  po::variables_map vm;
  if (!parse_command_line(args, opts, model, vm)) return 0;
  if (model.empty()) throw InputError("myelin export", "MODEL.toml", "", "a model file (see myelin export --help)");
  if (output.empty()) throw InputError("myelin export", "--output", "", "a directory to write the circuit to");
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  const ModelSpec spec = load_model(model);
  const auto t0 = std::chrono::steady_clock::now();
  const ExportSummary s = export_circuit(spec, output, MPI_COMM_WORLD);
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - t0;
  if (rank == 0) {
    std::printf("myelin: exported %s: %llu nodes, %llu edges in %zu edge populations, %.1f MB in %.2f s\n",
                spec.name.c_str(), static_cast<unsigned long long>(s.nodes), static_cast<unsigned long long>(s.edges),
                s.edge_populations.size(), static_cast<double>(s.bytes) / 1e6, seconds.count());
    for (const auto& f : s.files) std::printf("  %s\n", f.c_str());
  }
  return 0;
}

}  // namespace myelin::cli
