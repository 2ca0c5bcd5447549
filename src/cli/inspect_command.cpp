// `myelin inspect FILE`: what an HDF5 file of myelin holds (describe_file).
// Bad or foreign files are input errors (exit 2), so scripts can use it as
// a check.
#include <boost/program_options.hpp>
#include <cstdio>

#include "cli/commands.hpp"
#include "myelin/error.hpp"
#include "myelin/tools.hpp"

namespace po = boost::program_options;

namespace myelin::cli {

int inspect_command(const std::vector<std::string>& args) {
  po::options_description opts(
      "Usage: myelin inspect FILE.h5\n\n"
      "Prints what an HDF5 file written by myelin holds: checkpoint (model, time,\n"
      "ranks, populations and their state), spike or state report, placement, or a\n"
      "SONATA nodes/edges file. Exit code 2 for a damaged or foreign file.\n\n"
      "Options");
  opts.add_options()("help,h", "show this help");
  std::string path;
  po::variables_map vm;
  if (!parse_command_line(args, opts, path, vm)) return 0;
  if (path.empty()) throw InputError("myelin inspect", "FILE", "", "an HDF5 file (see myelin inspect --help)");
  std::fputs(describe_file(path).c_str(), stdout);
  return 0;
}

}  // namespace myelin::cli
