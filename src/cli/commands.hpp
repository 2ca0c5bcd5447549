#pragma once
// Subcommands of the `myelin` executable. Each takes the arguments after its
// name and returns the process exit code; errors are thrown and reported
// once in main().
#include <string>
#include <vector>

namespace myelin::cli {

int run_command(const std::vector<std::string>& args);
int partition_command(const std::vector<std::string>& args);

/// Exit codes: 0 success, 2 bad input (model file, command line, output
/// directory), 1 an internal error (a bug: please report it).
inline constexpr int exit_input_error = 2;
inline constexpr int exit_internal_error = 1;

}  // namespace myelin::cli
