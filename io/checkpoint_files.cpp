#include "io/checkpoint_files.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "io/atomic_file.hpp"
#include "myelin/error.hpp"

namespace myelin {
namespace {

namespace fs = std::filesystem;

bool is_checkpoint_name(const std::string& name) {
  return name.rfind("checkpoint_", 0) == 0 && name.size() > 14 && name.compare(name.size() - 5, 5, "ms.h5") == 0;
}

std::vector<fs::path> checkpoints_in(const std::string& dir) {
  std::vector<fs::path> v;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && is_checkpoint_name(e.path().filename().string())) v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace

std::string checkpoint_file_name(Step step, double dt) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "checkpoint_%011.3fms.h5", static_cast<double>(step) * dt);
  return buf;
}

std::string resolve_checkpoint(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return path;
  const std::string newest = newest_checkpoint_in(path);
  if (newest.empty())
    throw InputError("restore", "", path, "a checkpoint file, or a directory holding checkpoint_*ms.h5 files (none found)");
  return newest;
}

std::string newest_checkpoint_in(const std::string& dir) {
  const auto v = checkpoints_in(dir);
  return v.empty() ? std::string() : v.back().string();
}

std::string commit_checkpoint(const std::string& dir, const std::string& name, int keep,
                              const std::function<void(const std::string&)>& write, MPI_Comm comm) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  const std::string final_path = (fs::path(dir) / name).string();
  long long pid = rank == 0 ? static_cast<long long>(::getpid()) : 0;
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, comm);
  const std::string temp = final_path + ".tmp." + std::to_string(pid);
  try {
    write(temp);
  } catch (...) {
    if (rank == 0) std::remove(temp.c_str());
    throw;
  }
  MPI_Barrier(comm);
  // For the test that a kill -9 during a write leaves the previous
  // checkpoint intact: die between writing and committing.
  if (const char* k = std::getenv("MYELIN_TEST_KILL_BEFORE_COMMIT"); k && rank == 0 && std::string(k) == name)
    ::kill(::getpid(), SIGKILL);
  if (rank == 0) {
    commit_temporary(temp, final_path);
    auto v = checkpoints_in(dir);
    const std::size_t n_keep = static_cast<std::size_t>(std::max(keep, 1));
    for (std::size_t i = 0; i + n_keep < v.size(); ++i) {
      std::error_code ec;
      if (v[i] != fs::path(final_path)) fs::remove(v[i], ec);
    }
  }
  MPI_Barrier(comm);
  return final_path;
}

}  // namespace myelin
