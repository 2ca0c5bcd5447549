#pragma once
// Subcommands of the `myelin` executable. Each takes the arguments after its
// name and returns the process exit code; errors are thrown and reported
// once in main().
#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace myelin::cli {

int run_command(const std::vector<std::string>& args);
int partition_command(const std::vector<std::string>& args);
int inspect_command(const std::vector<std::string>& args);
int export_command(const std::vector<std::string>& args);
int validate_command(const std::vector<std::string>& args);
int submit_command(const std::vector<std::string>& args);
int status_command(const std::vector<std::string>& args);
int sweep_summary_command(const std::vector<std::string>& args);

/// Parses a subcommand's arguments: the options of `visible` plus one
/// positional MODEL.toml into `model`. Returns false after printing the help
/// when --help was given.
bool parse_command_line(const std::vector<std::string>& args, const boost::program_options::options_description& visible,
                        std::string& model, boost::program_options::variables_map& vm);

/// Exit codes: 0 success, 2 bad input (model file, command line, output
/// directory), 1 an internal error (a bug: please report it).
inline constexpr int exit_input_error = 2;
inline constexpr int exit_internal_error = 1;
/// Stopped by SIGUSR1/SIGTERM after writing a checkpoint (EX_TEMPFAIL:
/// "try again"): resume with `myelin run --restore`.
inline constexpr int exit_checkpointed = 75;
/// `myelin validate`: the run does not match its reference.
inline constexpr int exit_validation_failed = 3;

}  // namespace myelin::cli
