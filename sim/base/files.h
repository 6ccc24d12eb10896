// Writing output files so that a failure leaves nothing half-written: the content goes to a
// temporary name in the same directory, is flushed and closed with every error checked, and is
// renamed over the destination only then.
#pragma once

#include <string>

namespace systolic::base {

// Writes `content` to `path` atomically. Throws std::runtime_error("<path>: <reason>") when the
// file cannot be written completely (a missing directory, a full device, a directory in the way).
void write_file_atomic(const std::string& path, const std::string& content);

// A temporary file name next to `path` (same directory, so a rename is atomic), removed when this
// object is destroyed unless it was committed (renamed onto `path`).
class TempFile {
 public:
  explicit TempFile(const std::string& path);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& name() const { return tmp_; }
  // Renames the temporary file onto the destination; throws on failure.
  void commit();

 private:
  std::string path_, tmp_;
  bool committed_ = false;
};

}  // namespace systolic::base
