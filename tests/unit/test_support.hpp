#pragma once
// What several unit test files need: MPI for tests that write HDF5
// through io/ (one rank), fresh temporary directories, and models loaded
// from TOML text.
#include <mpi.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "myelin/simulation.hpp"

namespace myelin::test {

inline void ensure_mpi() {
  int up = 0;
  MPI_Initialized(&up);
  if (!up) {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
}

/// An empty directory of this process for `name`.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("myelin_test_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

/// The model in `text`, loaded from a file in a fresh directory for `name`
/// (so its messages name a real file, as a user's would).
inline ModelSpec model_from(const std::string& text, const std::string& name) {
  const auto path = (fresh_dir(name + "_model") / "m.toml").string();
  std::ofstream(path) << text;
  return load_model(path);
}

}  // namespace myelin::test
