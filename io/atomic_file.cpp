#include "io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "myelin/error.hpp"

namespace myelin {

AtomicFile::AtomicFile(std::string final_path)
    : final_(std::move(final_path)), temp_(final_ + ".tmp." + std::to_string(::getpid())) {}

AtomicFile::~AtomicFile() {
  if (!committed_) std::remove(temp_.c_str());
}

void AtomicFile::commit() {
  commit_temporary(temp_, final_);
  committed_ = true;
}

void commit_temporary(const std::string& temp, const std::string& final_path) {
  const int fd = ::open(temp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (std::rename(temp.c_str(), final_path.c_str()) != 0)
    throw InputError(final_path, "", "", std::string("a writable output path (") + std::strerror(errno) + ")");
}

void prepare_output_dir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw InputError("output_dir", "", dir, "a directory that can be created (" + ec.message() + ")");
  if (!fs::is_directory(dir, ec)) throw InputError("output_dir", "", dir, "a directory (it is a file)");
  const std::string probe = (fs::path(dir) / (".myelin-write-test." + std::to_string(::getpid()))).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw InputError("output_dir", "", dir, std::string("a writable directory (") + std::strerror(errno) + ")");
  ::close(fd);
  std::remove(probe.c_str());
}

void write_text_file(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  {
    std::ofstream out(f.temp_path());
    out << text;
    if (!out) throw InputError(path, "", "", "a writable output file");
  }
  f.commit();
}

}  // namespace myelin
