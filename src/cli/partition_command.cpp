// `myelin partition MODEL.toml --ranks N --strategy S -o placement.h5`:
// places the model's neurons on N ranks, prints what the placement costs
// (balance, synapses cut, short-delay synapses cut, D(a,b), tiers, predicted
// synchronisations) and writes it for `myelin run --placement`.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/tools.hpp"

namespace po = boost::program_options;

namespace myelin::cli {
namespace {

void print_report(const PlacementReport& r) {
  const auto pct = [](double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; };
  std::printf("  load imbalance    %.3f (neurons %.3f, incoming synapses %.3f; max/mean)\n", r.load_imbalance,
              r.neuron_imbalance, r.synapse_imbalance);
  std::printf("  synapses cut      %.4g of %.4g (%.1f %%)\n", r.synapses_cut, r.synapses, pct(r.synapses_cut, r.synapses));
  std::printf("  short-delay cut   %.4g of %.4g (%.1f %%; delays below %.3g ms)\n", r.short_synapses_cut,
              r.short_synapses, pct(r.short_synapses_cut, r.short_synapses), r.short_delay_ms);
  const auto pairs = static_cast<std::uint64_t>(r.ranks) * static_cast<std::uint64_t>(r.ranks - 1);
  if (r.max_link_delay_ms > 0)
    std::printf("  D(a,b)            %llu of %llu rank pairs connected, %.3g to %.3g ms\n",
                static_cast<unsigned long long>(r.rank_pairs), static_cast<unsigned long long>(pairs),
                r.min_link_delay_ms, r.max_link_delay_ms);
  else
    std::printf("  D(a,b)            no synapses between ranks\n");
  std::printf("  exchange tiers    %u\n", r.tiers);
  std::printf("  synchronisations  %.0f per simulated second and rank (global scheme: %.0f)\n", r.syncs_per_second,
              r.global_syncs_per_second);
}

}  // namespace

int partition_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin partition MODEL.toml --ranks N [options]\n\n"
      "Places the neurons of MODEL.toml on N MPI ranks, prints what the placement costs\n"
      "and writes it to a file for `mpirun -np N myelin run MODEL.toml --placement FILE`.\n"
      "The placement decides only where neurons live: spikes are the same for every one.\n\n"
      "Strategies:\n"
      "  round_robin  neuron i on rank i mod N (NEST's): every rank pair shares the\n"
      "               shortest delays, so all ranks talk every minimum delay\n"
      "  block        contiguous gid ranges of equal size\n"
      "  population   whole populations on ranks, largest first onto the least loaded\n"
      "  graph        METIS k-way on chunks of neurons; cutting a short-delay synapse\n"
      "               costs most, so ranks end up linked by long delays only\n\n"
      "Options");
  std::string model, output, strategy;
  int ranks = 0;
  opts.add_options()
      ("help,h", "show this help")
      ("ranks,n", po::value<int>(&ranks), "number of MPI ranks (required)")
      ("strategy,s", po::value<std::string>(&strategy)->default_value("graph"), "round_robin, block, population or graph")
      ("output,o", po::value<std::string>(&output), "placement file to write (default: print the metrics only)")
      ("chunk-size", po::value<std::uint64_t>()->default_value(256), "graph: neurons per graph vertex (grows when\n"
       "a model would give more than 2048 vertices)")
      ("imbalance-tolerance", po::value<double>()->default_value(0.05), "graph: allowed load imbalance (max/mean - 1)");
  po::variables_map vm;
  if (!parse_command_line(args, opts, model, vm)) return 0;
  if (model.empty()) throw InputError("myelin partition", "MODEL.toml", "", "a model file (see myelin partition --help)");
  if (!vm.count("ranks")) throw InputError("myelin partition", "--ranks", "", "the number of ranks to place on");
  if (ranks < 1) throw InputError("--ranks", "", std::to_string(ranks), "a positive number");

  const ModelSpec spec = load_model(model);
  const PlacementReport r = partition_model(spec, ranks, strategy, vm["chunk-size"].as<std::uint64_t>(),
                                            vm["imbalance-tolerance"].as<double>(), output);
  std::printf("myelin: %s on %d ranks, strategy %s (%.2f s)\n", spec.name.c_str(), ranks, r.strategy.c_str(), r.seconds);
  print_report(r);
  if (!output.empty()) std::printf("  written to %s\n", output.c_str());
  return 0;
}

}  // namespace myelin::cli
