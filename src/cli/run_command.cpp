// `myelin run MODEL.toml`: load, build, simulate, write outputs, print a
// short summary.
#include <mpi.h>

#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <iostream>

#include <csignal>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/simulation.hpp"
#include "myelin/tools.hpp"

namespace po = boost::program_options;

namespace myelin::cli {

namespace {

void print_memory(const ModelSpec& spec, const MemoryReport& m) {
  std::printf("myelin: %s on %d rank%s: estimated peak %.0f MB on rank %d (%s)\n", spec.name.c_str(), m.ranks,
              m.ranks == 1 ? "" : "s", m.peak_mb, m.rank, m.build_peak_mb >= m.run_peak_mb ? "while building" : "while running");
  std::printf("  synapses %.0f MB, neurons %.0f MB, ring buffer %.0f MB, recording %.0f MB, runtime %.0f MB\n",
              m.synapses_mb, m.neurons_mb, m.ring_mb, m.recording_mb, m.runtime_mb);
  std::printf("  building %.0f MB, running %.0f MB\n", m.build_peak_mb, m.run_peak_mb);
  if (m.available_mb < 0) {
    std::printf("  not checked against a limit (--memory-limit -1)\n");
    return;
  }
  std::printf("  a rank may use %.0f MB (%s%s): %s\n", m.available_mb, m.available_from.c_str(),
              m.ranks_sharing > 1 ? (", shared by " + std::to_string(m.ranks_sharing) + " ranks").c_str() : "",
              m.fits           ? "fits"
              : m.ranks_to_fit ? ("does not fit; about " + std::to_string(m.ranks_to_fit) + " ranks would").c_str()
                               : "does not fit on any number of ranks");
}

/// --parameters FILE, then each --set PATH=VALUE, in order.
std::vector<ParameterOverride> parameter_overrides(const po::variables_map& vm) {
  std::vector<ParameterOverride> v;
  if (vm.count("parameters")) v = load_parameter_file(vm["parameters"].as<std::string>());
  if (vm.count("set"))
    for (const std::string& a : vm["set"].as<std::vector<std::string>>()) {
      const auto eq = a.find('=');
      if (eq == std::string::npos || eq == 0)
        throw InputError("--set", "", a, "PATH=VALUE, such as run.seed=7 or stimulus.background.rate=15000.0");
      v.push_back({a.substr(0, eq), a.substr(eq + 1)});
    }
  return v;
}

}  // namespace

int run_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin run MODEL.toml [options]\n"
      "       myelin run --restore CHECKPOINT [MODEL.toml] [options]\n\n"
      "Builds the network described by MODEL.toml and simulates it from 0 to t_stop.\n"
      "Writes to the output directory: spikes.h5 (SONATA spike report), one <var>.h5\n"
      "per recorded state variable (SONATA report), summary.json (sizes, times,\n"
      "real-time factor, rates, memory), progress.json (where the run stands, every 5 s;\n"
      "myelin status DIR reads it). A progress line goes to stderr.\n\n"
      "Checkpoints: --checkpoint-every / --checkpoint-at write checkpoint_<t>ms.h5 files\n"
      "(everything needed to continue bit-exactly); SIGUSR1, SIGTERM or SIGINT writes one at the\n"
      "next safe point and stops with exit code 75. `--restore FILE|DIR` continues from\n"
      "it, on any number of ranks and threads; the model is read from the checkpoint\n"
      "unless MODEL.toml is given (its network must be the same; t_stop, stimuli and\n"
      "recorders may change). Outputs then cover the whole run from 0.\n\n"
      "Options");
  std::string model, output;
  int threads = 0;
  double t_stop = -1;
  long long seed = -1;
  opts.add_options()
      ("help,h", "show this help")
      ("output,o", po::value<std::string>(&output), "output directory (default: output/<model name>)")
      ("threads,t", po::value<int>(&threads), "OpenMP threads (default: OMP_NUM_THREADS or all cores)")
      ("t-stop", po::value<double>(&t_stop), "override run.t_stop, in ms")
      ("seed", po::value<long long>(&seed), "override run.seed (0 .. 4294967295)")
      ("exchange", po::value<std::string>()->default_value("delay-aware"),
       "spike exchange between ranks: delay-aware (each pair of ranks at the interval its\n"
       "smallest delay allows) or global (all ranks every minimum delay, NEST's scheme)")
      ("partition", po::value<std::string>()->default_value("round_robin"),
       "placement of neurons on ranks, computed at start-up: round_robin (NEST's), block\n"
       "(contiguous gid ranges), population (whole populations, balanced) or graph (METIS:\n"
       "keeps short-delay synapses inside ranks); see `myelin partition --help`")
      ("placement", po::value<std::string>(), "placement file written by `myelin partition` (instead of --partition)")
      ("chunk-size", po::value<std::uint64_t>()->default_value(256), "graph placement: neurons per graph vertex")
      ("imbalance-tolerance", po::value<double>()->default_value(0.05),
       "graph placement: allowed load imbalance (max/mean - 1)")
      ("checkpoint-every", po::value<double>(), "write a checkpoint every so many ms of biological time")
      ("checkpoint-at", po::value<std::vector<double>>()->multitoken(), "write checkpoints at these times (ms)")
      ("checkpoint-dir", po::value<std::string>(), "where checkpoints go (default: OUTPUT/checkpoints)")
      ("record-buffer", po::value<double>()->default_value(64.0),
       "MB of recorded spikes and state samples a rank buffers; when one rank passes it,\n"
       "all append them to the reports (OUTPUT/*.h5.partial until the run ends)")
      ("checkpoint-keep", po::value<int>()->default_value(2), "newest checkpoints kept; older ones are removed\n"
       "once a new one is complete")
      ("no-signal-checkpoint", "let SIGUSR1/SIGTERM end the run without a checkpoint")
      ("restore", po::value<std::string>(), "continue from this checkpoint file, or the newest in this directory")
      ("resume", "continue from the newest complete checkpoint in the checkpoint directory when\n"
       "there is one, else start at 0 (what a batch job that may be requeued runs)")
      ("set", po::value<std::vector<std::string>>()->composing(),
       "PATH=VALUE: change one value of the model file before loading it, e.g.\n"
       "--set run.seed=7 --set population.E.size=800 --set projection.I->E.weight=-80\n"
       "(tables of a list by name, projections also by SOURCE->TARGET; VALUE is TOML)")
      ("parameters", po::value<std::string>(), "a TOML file of \"PATH\" = VALUE lines, applied like --set")
      ("memory-limit", po::value<double>(), "MB a rank may use (default: the cgroup's limit, ulimit -v or the\n"
       "physical memory, shared by the ranks on a node); a model estimated to need more\n"
       "is refused before anything is built. 0: that default; -1: no check")
      ("dry-run", "print the memory each rank is estimated to need, and what it may use, then exit")
      ("quiet,q", "no progress line");
  po::variables_map vm;
  if (!parse_command_line(args, opts, model, vm)) return 0;
  std::string restore;
  if (vm.count("restore")) restore = find_checkpoint(vm["restore"].as<std::string>());
  if (model.empty() && restore.empty())
    throw InputError("myelin run", "MODEL.toml", "", "a model file, or --restore CHECKPOINT (see myelin run --help)");
  if (vm.count("resume") && (vm.count("restore") || model.empty()))
    throw InputError("--resume", "", "", "a MODEL.toml and no --restore (--resume finds the checkpoint itself)");
  const std::vector<ParameterOverride> overrides = parameter_overrides(vm);
  if (!overrides.empty() && model.empty())
    throw InputError(vm.count("set") ? "--set" : "--parameters", "", "", "a MODEL.toml to apply it to");

  // The checkpoint carries its model file's text.
  ModelSpec spec = model.empty() ? checkpoint_model(restore) : load_model(model, overrides);
  if (vm.count("t-stop")) {
    spec.run.t_stop = t_stop;
    try {
      check(spec);
    } catch (const InputError& e) {
      if (e.field() == "run.t_stop") {
        char v[32], expected[96];
        std::snprintf(v, sizeof v, "%g", t_stop);
        std::snprintf(expected, sizeof expected, "a positive multiple of dt = %g ms, at most 2^52 steps", spec.run.dt);
        throw InputError("--t-stop", "", v, expected);
      }
      throw;
    }
  }
  if (vm.count("seed")) {
    if (seed < 0 || seed > 0xFFFFFFFFll) throw InputError("--seed", "", std::to_string(seed), "an integer from 0 to 4294967295");
    spec.run.seed = static_cast<std::uint64_t>(seed);
  }
  if (vm.count("threads") && threads < 1) throw InputError("--threads", "", std::to_string(threads), "a positive number");

  RunOptions ro;
  ro.output_dir = output.empty() ? "output/" + spec.name : output;
  ro.threads = threads;
  ro.progress = !vm.count("quiet");
  ro.exchange = vm["exchange"].as<std::string>();
  ro.partition = vm["partition"].as<std::string>();
  if (vm.count("placement")) {
    if (!vm["partition"].defaulted())
      throw InputError("--placement", "", vm["placement"].as<std::string>(), "either --placement or --partition, not both");
    ro.placement_file = vm["placement"].as<std::string>();
  }
  ro.chunk_size = vm["chunk-size"].as<std::uint64_t>();
  ro.imbalance_tolerance = vm["imbalance-tolerance"].as<double>();
  if (vm.count("checkpoint-every")) ro.checkpoint_every_ms = vm["checkpoint-every"].as<double>();
  if (vm.count("checkpoint-every") && !(ro.checkpoint_every_ms > 0))
    throw InputError("--checkpoint-every", "", std::to_string(ro.checkpoint_every_ms), "a positive time in ms");
  if (vm.count("checkpoint-at")) ro.checkpoint_at_ms = vm["checkpoint-at"].as<std::vector<double>>();
  if (vm.count("checkpoint-dir")) ro.checkpoint_dir = vm["checkpoint-dir"].as<std::string>();
  ro.checkpoint_keep = vm["checkpoint-keep"].as<int>();
  ro.record_buffer_mb = vm["record-buffer"].as<double>();
  if (ro.checkpoint_keep < 1)
    throw InputError("--checkpoint-keep", "", std::to_string(ro.checkpoint_keep), "at least 1");
  ro.checkpoint_on_signal = !vm.count("no-signal-checkpoint");
  ro.restore = restore;
  if (vm.count("resume")) {
    const std::string dir = ro.checkpoint_dir.empty() ? ro.output_dir + "/checkpoints" : ro.checkpoint_dir;
    ro.restore = newest_checkpoint(dir);
  }
  if (vm.count("memory-limit")) {
    ro.memory_limit_mb = vm["memory-limit"].as<double>();
    if (!(ro.memory_limit_mb >= 0 || ro.memory_limit_mb == -1))
      throw InputError("--memory-limit", "", std::to_string(ro.memory_limit_mb), "MB >= 0, or -1 for no check");
  }
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (vm.count("dry-run")) {
    const MemoryReport m = estimate_run_memory(spec, MPI_COMM_WORLD, ro);
    if (rank == 0) print_memory(spec, m);
    return 0;
  }
  const RunSummary s = run(spec, ro);
  if (rank != 0) return s.stopped_by_signal ? exit_checkpointed : 0;
  if (!s.restored_from.empty())
    std::printf("myelin: restored %s at %.3f ms\n", s.restored_from.c_str(), s.t_start_ms);
  for (const auto& c : s.checkpoints)
    std::printf("myelin: checkpoint at %.3f ms: %s (%.1f MB in %.2f s, %.0f MB/s)\n", c.time_ms, c.path.c_str(),
                static_cast<double>(c.bytes) / 1e6, c.write_s,
                c.write_s > 0 ? static_cast<double>(c.bytes) / 1e6 / c.write_s : 0.0);
  if (s.stopped_by_signal) {
    std::printf("myelin: stopped by %s at %.3f ms; continue with: myelin run --restore %s\n",
                s.stopped_by_signal == SIGTERM ? "SIGTERM" : s.stopped_by_signal == SIGINT ? "SIGINT" : "SIGUSR1",
                s.t_reached_ms,
                s.checkpoints.empty() ? "?" : s.checkpoints.back().path.c_str());
    return exit_checkpointed;
  }

  std::printf("myelin: %s: %llu neurons, %llu synapses (%.2f B/synapse), %d thread%s\n", spec.name.c_str(),
              static_cast<unsigned long long>(s.neurons), static_cast<unsigned long long>(s.synapses),
              s.bytes_per_synapse, s.threads, s.threads == 1 ? "" : "s");
  if (s.plastic_synapses)
    std::printf("  of which %llu plastic (%.2f B/synapse)\n", static_cast<unsigned long long>(s.plastic_synapses),
                s.plastic_bytes_per_synapse);
  std::printf("  build %.2f s, simulate %.2f s for %.0f ms (real-time factor %.2f), %.3g events/s, peak %.0f MB\n",
              s.build_time_s, s.sim_time_s, s.bio_time_ms, s.real_time_factor, s.events_per_second,
              s.peak_memory_mb);
  for (const auto& p : s.populations)
    std::printf("  %-12s %10llu neurons  %8.2f Hz\n", p.name.c_str(), static_cast<unsigned long long>(p.size), p.rate_hz);
  std::printf("  outputs in %s/\n", ro.output_dir.c_str());
  return 0;
}

}  // namespace myelin::cli
