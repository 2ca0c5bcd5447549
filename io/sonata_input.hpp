#pragma once
// What the SONATA readers share: opening an input file, and the InputError
// that names the file, the dataset and what was expected.
#include <filesystem>
#include <string>

#include "io/hdf5_handles.hpp"
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

}  // namespace myelin::sonata
