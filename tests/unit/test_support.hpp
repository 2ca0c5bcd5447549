#pragma once
// What several unit test files need: MPI for tests that write HDF5
// through io/ (one rank), and fresh temporary directories.
#include <mpi.h>

#include <filesystem>
#include <string>
#include <unistd.h>

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

}  // namespace myelin::test
