// libFuzzer target: the ONNX front end (sim/infer: load_onnx). Any input either loads into a
// graph or is refused with an error naming the file; a crash, a sanitizer report or another
// exception is a finding.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "onnx_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/fuzz_onnx_" + std::to_string(::getpid()) + ".onnx";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    systolic::infer::load_onnx(path);
  } catch (const systolic::infer::ModelError& e) {
    if (std::string(e.what()).find(path) == std::string::npos) {
      std::fprintf(stderr, "fuzz_onnx: an error that names no file: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
