// libFuzzer target: the .npy reader. Any input either parses into an array whose data is exactly
// its shape's size (and survives a write and a read back unchanged) or is refused with an error
// naming the file; a crash, a sanitizer report or any other exception is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "npy.h"

namespace npy = systolic::npy;

namespace {
[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_npy: %s\n", what);
  std::abort();
}

void check(const npy::Array& a) {
  const size_t elem = a.dtype == npy::DType::kInt8 ? 1 : 4;
  if (a.data.size() != size_t(a.size()) * elem) finding("data size differs from the shape");
  const npy::Array b = npy::parse(npy::serialize(a), "round trip");
  if (b.shape != a.shape || b.dtype != a.dtype || b.data != a.data) finding("round trip differs");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  try {
    check(npy::parse(bytes, "input.npy"));
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind("input.npy", 0) != 0) finding("an error that names no file");
  }
  // The bounded reader through a file (prefix, header and data read separately).
  static const std::string path = "/tmp/fuzz_npy_" + std::to_string(::getpid()) + ".npy";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
    try {
      check(npy::load(path));
    } catch (const std::runtime_error& e) {
      if (std::string(e.what()).rfind(path, 0) != 0) finding("a load error that names no file");
    }
  }
  return 0;
}
