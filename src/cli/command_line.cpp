// Option parsing shared by the subcommands: their options plus one
// positional model file, and --help.
#include <iostream>

#include "cli/commands.hpp"

namespace myelin::cli {

bool parse_command_line(const std::vector<std::string>& args, const boost::program_options::options_description& visible,
                        std::string& model, boost::program_options::variables_map& vm) {
  namespace po = boost::program_options;
  po::options_description hidden;
  hidden.add_options()("model", po::value<std::string>(&model));
  po::options_description all;
  all.add(visible).add(hidden);
  po::positional_options_description pos;
  pos.add("model", 1);
  po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << visible << "\n";
    return false;
  }
  return true;
}

}  // namespace myelin::cli
