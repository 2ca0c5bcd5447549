#pragma once
// What the SONATA readers share: opening an input file, and the InputError
// that names the file, the dataset and what was expected.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/hdf5_handles.hpp"
#include "myelin/error.hpp"

namespace myelin::sonata {

[[noreturn]] inline void bad(const std::string& path, const std::string& field, const std::string& expected,
                             const std::string& value = "") {
  throw InputError(path, field, value, expected);
}

/// Opens a SONATA file read-only; `kind` is "nodes" or "edges".
inline h5::Handle open_input(const std::string& path, const std::string& kind) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) bad(path, "", "an existing SONATA " + kind + " file (no such file)");
  try {
    return h5::open_file_readonly(path);
  } catch (const std::runtime_error&) {
    bad(path, "", "an HDF5 file (SONATA " + kind + ".h5); it cannot be opened as HDF5");
  }
}

/// The population names under /<kind> ("nodes" or "edges") of an open file.
inline std::vector<std::string> population_names(hid_t file, const std::string& path, const std::string& kind) {
  if (!h5::exists(file, kind)) bad(path, "/" + kind, "a SONATA " + kind + " file (it has no /" + kind + " group)");
  h5::Handle g = h5::open_group(file, kind);
  return h5::children(g);
}

/// Throws unless `name` is one of `names`, listing those there are.
inline void require_population(const std::string& path, const std::string& kind, const std::vector<std::string>& names,
                               const std::string& name) {
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string have;
  for (const auto& n : names) have += (have.empty() ? "" : ", ") + n;
  bad(path, "/" + kind + "/" + name,
      std::string(kind == "edges" ? "an edge" : "a node") + " population of this file (it has: " + have + ")");
}

}  // namespace myelin::sonata
