#pragma once
// Outputs are written under a temporary name and renamed into place only
// when complete (DESIGN.md invariant 5): a crash or error never leaves a
// file that looks finished.
#include <string>

namespace myelin {

class AtomicFile {
 public:
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();  ///< removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::string& temp_path() const { return temp_; }
  /// fsync and rename onto the final path.
  void commit();

 private:
  std::string final_, temp_;
  bool committed_ = false;
};

/// fsync `temp` and rename it onto `final_path` (for files written by
/// several processes under one temporary name).
void commit_temporary(const std::string& temp, const std::string& final_path);

/// Creates `dir` if needed and checks that a file can be written there;
/// throws InputError naming the directory otherwise.
void prepare_output_dir(const std::string& dir);

/// Writes a whole text file atomically.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace myelin
