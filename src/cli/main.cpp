// myelin: command-line entry point. Parses the subcommand, runs it, and is
// the one place where errors are caught and turned into a message and an
// exit code.
#include <mpi.h>

#include <boost/program_options/errors.hpp>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/version.hpp"

namespace {

const char* usage =
    "myelin — a distributed simulator of spiking neural networks\n"
    "\n"
    "Usage:\n"
    "  myelin run MODEL.toml [options]   build the model and simulate it\n"
    "  myelin run --restore CHECKPOINT   continue a run from a checkpoint\n"
    "  myelin partition MODEL.toml --ranks N [options]\n"
    "                                     place neurons on N ranks, print the cost,\n"
    "                                     write a placement file for run --placement\n"
    "  myelin inspect FILE.h5            what a checkpoint, report, placement or\n"
    "                                     SONATA file holds\n"
    "  myelin export MODEL.toml -o DIR   write the built network as a SONATA circuit\n"
    "  myelin validate RUN --reference REF\n"
    "                                     compare a run's spikes with reference spike\n"
    "                                     trains (exit 3 when they differ)\n"
    "  myelin submit MODEL.toml --time T  run it as a Slurm batch job that checkpoints\n"
    "                                     before its time limit, requeues itself and\n"
    "                                     resumes; --array SWEEP.toml for sweeps\n"
    "  myelin status DIR                 where a submitted run (or sweep) stands\n"
    "  myelin sweep-summary DIR          one table (and CSV) of a sweep's results\n"
    "  myelin --help | -h                 this help\n"
    "  myelin --version                   version\n"
    "\n"
    "`myelin COMMAND --help` lists a command's options. Models\n"
    "are TOML files with NEST's names and units; see models/brunel.toml and\n"
    "README.md. Threads: --threads; ranks: mpirun -np N myelin run ...\n"
    "\n"
    "Exit codes: 0 success, 2 bad input (the message names file, field and value),\n"
    "1 internal error, 75 stopped by SIGUSR1/SIGTERM after writing a checkpoint.\n";

int dispatch(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage;
    return args.empty() ? myelin::cli::exit_input_error : 0;
  }
  if (args[0] == "--version") {
    std::cout << "myelin " << myelin::version_string << "\n";
    return 0;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "run") return myelin::cli::run_command(args);
  if (cmd == "partition") return myelin::cli::partition_command(args);
  if (cmd == "inspect") return myelin::cli::inspect_command(args);
  if (cmd == "export") return myelin::cli::export_command(args);
  if (cmd == "validate") return myelin::cli::validate_command(args);
  if (cmd == "submit") return myelin::cli::submit_command(args);
  if (cmd == "status") return myelin::cli::status_command(args);
  if (cmd == "sweep-summary") return myelin::cli::sweep_summary_command(args);
  throw myelin::InputError("myelin", "command", cmd,
                           "one of: run, partition, inspect, export, validate, submit, status, sweep-summary (see myelin --help)");
}

/// The library names its options as RunOptions does; the user wrote them
/// as command-line options.
myelin::InputError as_option(const myelin::InputError& e) {
  static const std::map<std::string, std::string> options = {
      {"partition", "--partition"},         {"chunk_size", "--chunk-size"},
      {"imbalance_tolerance", "--imbalance-tolerance"}, {"output_dir", "--output"},
      {"restore", "--restore"},             {"checkpoint_every", "--checkpoint-every"},
      {"checkpoint_at", "--checkpoint-at"}, {"record_buffer_mb", "--record-buffer"},
      {"exchange", "--exchange"},           {"checkpoint_keep", "--checkpoint-keep"},
      // myelin::validate's ValidationRequest
      {"mode", "--mode"},                   {"min_match", "--min-match"},
      {"ks_alpha", "--ks-alpha"},           {"mean_max", "--mean-max"},
      {"bin", "--bin"},                     {"t_stop", "--t-stop"},
      {"tolerance", "--tolerance"},         {"memory_limit", "--memory-limit"}};
  const auto it = options.find(e.where());
  return it == options.end() ? e : e.at(it->second);
}

}  // namespace

int main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // Every rank reports its own error (one may fail alone, e.g. while
  // building its synapses); under mpirun the rank says which.
  const std::string who = size > 1 ? "myelin[rank " + std::to_string(rank) + "]" : "myelin";
  int code = 0;
  try {
    code = dispatch(argc, argv);
  } catch (const myelin::InputError& e) {
    std::cerr << who << ": error: " << as_option(e).what() << "\n";
    code = myelin::cli::exit_input_error;
  } catch (const myelin::StoppedBySignal& e) {
    std::cerr << who << ": " << e.what() << "\n";
    code = 128 + e.signal();  // as if the signal had ended the process
  } catch (const boost::program_options::error& e) {
    std::cerr << who << ": error: " << e.what() << " (see --help)\n";
    code = myelin::cli::exit_input_error;
  } catch (const std::bad_alloc&) {
    std::cerr << who << ": error: out of memory (use more ranks or a smaller model)\n";
    code = myelin::cli::exit_internal_error;
  } catch (const std::exception& e) {
    std::cerr << who << ": internal error: " << e.what() << "\n";
    code = myelin::cli::exit_internal_error;
  }
  // Never leave other ranks hanging after an error. A stop after a signal
  // checkpoint is agreed by all ranks, which finish normally.
  if (code != 0 && code != myelin::cli::exit_checkpointed && size > 1) MPI_Abort(MPI_COMM_WORLD, code);
  MPI_Finalize();
  return code;
}
