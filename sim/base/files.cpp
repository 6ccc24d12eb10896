#include "files.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace systolic::base {

TempFile::TempFile(const std::string& path) : path_(path) {
  // A symbolic link is followed: the file it names is replaced, the link stays.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (char* real = ::realpath(path.c_str(), nullptr)) {
      path_ = real;
      std::free(real);
    }
  }
  // A device, FIFO or socket is written in place (renaming over it would replace the device
  // node itself, /dev/null included).
  if (::stat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
    direct_ = true;
    tmp_ = path_;
    return;
  }
  tmp_ = fmt::format("{}.tmp.{}", path_, ::getpid());
}

TempFile::~TempFile() {
  if (!committed_ && !direct_) std::remove(tmp_.c_str());
}

void TempFile::commit() {
  if (direct_) {
    committed_ = true;
    return;
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    throw std::runtime_error(fmt::format("{}: cannot write: {}", path_, std::strerror(errno)));
  }
  committed_ = true;
}

std::string read_file_bounded(const std::string& path, size_t max_bytes) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(fmt::format("{}: cannot open", path));
  std::string out;
  char buf[1 << 16];
  while (f.read(buf, sizeof buf) || f.gcount() > 0) {
    out.append(buf, size_t(f.gcount()));
    if (out.size() > max_bytes) {
      throw std::runtime_error(fmt::format("{}: larger than {} bytes", path, max_bytes));
    }
  }
  if (f.bad()) throw std::runtime_error(fmt::format("{}: cannot read", path));
  return out;
}

namespace {
// `content` into the temporary file `tmp` of `path`, every error checked.
void write_temp(const TempFile& tmp, const std::string& path, const std::string& content) {
  std::FILE* f = std::fopen(tmp.name().c_str(), "wb");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write: {}", path, std::strerror(errno)));
  const size_t n = std::fwrite(content.data(), 1, content.size(), f);
  const int err = n == content.size() ? (std::fflush(f) == 0 ? 0 : errno) : errno;
  const int close_err = std::fclose(f) == 0 ? 0 : errno;
  if (err || close_err) {
    throw std::runtime_error(
        fmt::format("{}: cannot write: {}", path, std::strerror(err ? err : close_err)));
  }
}
}  // namespace

void write_file_atomic(const std::string& path, const std::string& content) {
  TempFile tmp(path);
  write_temp(tmp, path, content);
  tmp.commit();
}

void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::unique_ptr<TempFile>> tmps;
  // Devices first (they cannot be taken back: when one fails, no file has been written yet),
  // then every regular file to its temporary name (a failure removes them all), then the renames.
  for (const bool direct : {true, false}) {
    for (const auto& [path, content] : files) {
      auto t = std::make_unique<TempFile>(path);
      if (t->direct() != direct) continue;
      write_temp(*t, path, content);
      tmps.push_back(std::move(t));
    }
  }
  for (const auto& t : tmps) t->commit();
}

std::string cache_dir() {
  if (const char* d = std::getenv("SYSTOLIC_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/systolic";
  if (const char* d = std::getenv("HOME"); d && *d) return std::string(d) + "/.cache/systolic";
  return "/tmp/systolic-cache";
}

}  // namespace systolic::base
