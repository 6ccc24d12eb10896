// Writing output files so that a failure leaves nothing half-written: the content goes to a
// temporary name in the same directory, is flushed and closed with every error checked, and is
// renamed over the destination only then.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace systolic::base {

// Writes `content` to `path` atomically. Throws std::runtime_error("<path>: <reason>") when the
// file cannot be written completely (a missing directory, a full device, a directory in the way).
void write_file_atomic(const std::string& path, const std::string& content);

// Several files, all or none: each is written to its temporary name first (a failure leaves none
// of them), then all are renamed into place.
void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files);

// The cache directory of this user: $SYSTOLIC_CACHE_DIR, else $XDG_CACHE_HOME/systolic, else
// ~/.cache/systolic, else /tmp/systolic-cache (not created). Yosys results and RTL plug-ins live
// there.
std::string cache_dir();

// The whole content of `path`, read in chunks and refused past `max_bytes` (a device, a FIFO or
// a huge file cannot exhaust memory). Throws std::runtime_error("<path>: <reason>").
std::string read_file_bounded(const std::string& path, size_t max_bytes);

// A temporary file name next to `path` (same directory, so a rename is atomic), removed when this
// object is destroyed unless it was committed (renamed onto `path`). A symbolic link is followed
// (the file it names is replaced). When `path` is a device, FIFO or socket (/dev/null, /dev/full,
// a pipe) the temporary name is `path` itself: the content is written in place, every error
// still checked, and commit() renames nothing.
class TempFile {
 public:
  explicit TempFile(const std::string& path);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& name() const { return tmp_; }
  bool direct() const { return direct_; }
  // Renames the temporary file onto the destination; throws on failure.
  void commit();

 private:
  std::string path_, tmp_;
  bool committed_ = false;
  bool direct_ = false;
};

}  // namespace systolic::base
