// NumPy .npy files (format versions 1.0, 2.0 and 3.0), for matrices in and out of the CLI.
//
// Reads little-endian int8, int32 and float32 arrays of 1 or 2 dimensions in C order; writes the
// same. Anything else (another dtype, big-endian, Fortran order, more dimensions, a corrupt or
// truncated file) throws std::runtime_error with one line that names the file and the problem.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace systolic::npy {

enum class DType { kInt8, kInt32, kFloat32 };
const char* to_string(DType d);

struct Array {
  DType dtype = DType::kInt8;
  std::vector<int64_t> shape;  // 1 to 4 entries (images: N, C, H, W)
  std::vector<uint8_t> data;   // raw little-endian elements, C order

  int64_t size() const;  // number of elements
  std::vector<int8_t> as_int8() const;
  std::vector<int32_t> as_int32() const;
  std::vector<float> as_float32() const;
};

Array parse(const std::vector<uint8_t>& bytes, const std::string& what);
Array load(const std::string& path);

std::vector<uint8_t> serialize(const Array& a);
void save(const std::string& path, const Array& a);

Array make_int8(const std::vector<int8_t>& v, std::vector<int64_t> shape);
Array make_int32(const std::vector<int32_t>& v, std::vector<int64_t> shape);
Array make_float32(const std::vector<float>& v, std::vector<int64_t> shape);

}  // namespace systolic::npy
