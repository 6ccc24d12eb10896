#include "npy.h"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "files.h"

namespace systolic::npy {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr int64_t kMaxElements = int64_t{1} << 32;
constexpr size_t kMaxHeader = size_t{1} << 20;  // header bytes (NumPy writes a few hundred)

size_t elem_size(DType d) { return d == DType::kInt8 ? 1 : 4; }

[[noreturn]] void fail(const std::string& what, const std::string& msg) {
  throw std::runtime_error(fmt::format("{}: {}", what, msg));
}

// Value of `key` in the header dict: the text between "'key':" and the next top-level ',' or '}'.
std::string dict_value(const std::string& header, const std::string& key, const std::string& what) {
  const std::string k = "'" + key + "'";
  size_t pos = header.find(k);
  if (pos == std::string::npos) fail(what, fmt::format("corrupt .npy header: no '{}'", key));
  pos = header.find(':', pos + k.size());
  if (pos == std::string::npos) fail(what, "corrupt .npy header");
  ++pos;
  int depth = 0;
  size_t end = pos;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth < 0 || (depth == 0 && (c == ',' || c == '}'))) break;
  }
  if (end >= header.size() || depth != 0) fail(what, "corrupt .npy header");
  std::string v = header.substr(pos, end - pos);
  const size_t b = v.find_first_not_of(' '), e = v.find_last_not_of(' ');
  return b == std::string::npos ? "" : v.substr(b, e - b + 1);
}

}  // namespace

const char* to_string(DType d) {
  switch (d) {
    case DType::kInt8:
      return "int8";
    case DType::kInt32:
      return "int32";
    case DType::kFloat32:
      return "float32";
  }
  return "?";
}

int64_t Array::size() const {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  return n;
}

std::vector<int8_t> Array::as_int8() const {
  if (dtype != DType::kInt8) throw std::runtime_error("array is not int8");
  return std::vector<int8_t>(data.begin(), data.end());
}

std::vector<int32_t> Array::as_int32() const {
  if (dtype != DType::kInt32) throw std::runtime_error("array is not int32");
  std::vector<int32_t> v(static_cast<size_t>(size()));
  for (size_t i = 0; i < v.size(); ++i) {
    const uint8_t* p = &data[i * 4];
    v[i] =
        int32_t(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
  }
  return v;
}

std::vector<float> Array::as_float32() const {
  if (dtype != DType::kFloat32) throw std::runtime_error("array is not float32");
  std::vector<float> v(static_cast<size_t>(size()));
  for (size_t i = 0; i < v.size(); ++i) {
    const uint8_t* p = &data[i * 4];
    const uint32_t bits =
        uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    std::memcpy(&v[i], &bits, 4);
  }
  return v;
}

namespace {

// The prefix (magic, version, header length) of `bytes`: the header's offset and length.
std::pair<size_t, size_t> parse_prefix(const std::vector<uint8_t>& bytes, const std::string& what) {
  if (bytes.size() < kMagicLen + 4 || std::memcmp(bytes.data(), kMagic, kMagicLen) != 0) {
    fail(what, "not a .npy file (bad magic)");
  }
  const int major = bytes[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = size_t(bytes[8]) | size_t(bytes[9]) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(what, "truncated .npy header");
    header_len = size_t(bytes[8]) | size_t(bytes[9]) << 8 | size_t(bytes[10]) << 16 |
                 size_t(bytes[11]) << 24;
    offset = 12;
  } else {
    fail(what, fmt::format("unsupported .npy format version {}", major));
  }
  if (header_len > kMaxHeader) {
    fail(what,
         fmt::format("corrupt .npy header: {} bytes long (at most {})", header_len, kMaxHeader));
  }
  return {offset, header_len};
}

// The array `bytes` holds up to its data: dtype and shape (no data), and the data's offset and
// length in bytes.
struct Header {
  Array a;
  size_t data_offset = 0, data_bytes = 0;
};
Header parse_header(const std::vector<uint8_t>& bytes, const std::string& what) {
  const auto [offset, header_len] = parse_prefix(bytes, what);
  if (bytes.size() < offset + header_len) fail(what, "truncated .npy header");
  const std::string header(bytes.begin() + offset, bytes.begin() + offset + header_len);
  if (header.find('{') == std::string::npos || header.find('}') == std::string::npos) {
    fail(what, "corrupt .npy header");
  }

  Array a;
  const std::string descr = dict_value(header, "descr", what);
  if (descr == "'|i1'" || descr == "'<i1'" || descr == "'i1'") {
    a.dtype = DType::kInt8;
  } else if (descr == "'<i4'") {
    a.dtype = DType::kInt32;
  } else if (descr == "'<f4'") {
    a.dtype = DType::kFloat32;
  } else {
    fail(what, fmt::format("dtype {} is not supported (use int8, int32 or float32, little-endian)",
                           descr));
  }
  const std::string order = dict_value(header, "fortran_order", what);
  if (order == "True") fail(what, "Fortran-order arrays are not supported (save in C order)");
  if (order != "False") fail(what, "corrupt .npy header: fortran_order");

  std::string shape = dict_value(header, "shape", what);
  if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') {
    fail(what, "corrupt .npy header: shape");
  }
  shape = shape.substr(1, shape.size() - 2);
  size_t pos = 0;
  while (pos < shape.size()) {
    const size_t comma = shape.find(',', pos);
    std::string item =
        shape.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const size_t b = item.find_first_not_of(' ');
    item = b == std::string::npos ? "" : item.substr(b, item.find_last_not_of(' ') - b + 1);
    if (!item.empty()) {
      if (item.find_first_not_of("0123456789") != std::string::npos || item.size() > 12) {
        fail(what, fmt::format("corrupt .npy header: shape entry '{}'", item));
      }
      a.shape.push_back(std::stoll(item));
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  if (a.shape.empty() || a.shape.size() > 4) {
    fail(what, fmt::format("has {} dimensions; expected 1 to 4", a.shape.size()));
  }
  int64_t n = 1;
  for (int64_t s : a.shape) {
    if (s == 0) fail(what, "is empty (a dimension is 0)");
    if (s > kMaxElements / n)
      fail(what, fmt::format("is too large (more than {} elements)", kMaxElements));
    n *= s;
  }
  return {a, offset + header_len, size_t(n) * elem_size(a.dtype)};
}

}  // namespace

Array parse(const std::vector<uint8_t>& bytes, const std::string& what) {
  Header h = parse_header(bytes, what);
  const size_t have = bytes.size() - h.data_offset;
  if (have < h.data_bytes) {
    fail(what, fmt::format("truncated: {} data bytes, expected {}", have, h.data_bytes));
  }
  if (have > h.data_bytes)
    fail(what, fmt::format("corrupt: {} trailing bytes after the data", have - h.data_bytes));
  h.a.data.assign(bytes.begin() + std::ptrdiff_t(h.data_offset), bytes.end());
  return std::move(h.a);
}

// Reads no more than the header says the file holds (and one byte to see that it ends there):
// a FIFO, a device or a lying header cannot make it read or allocate beyond that.
Array load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(fmt::format("{}: cannot open for reading", path));
  std::vector<uint8_t> bytes;
  auto take = [&](size_t n) {
    const size_t old = bytes.size();
    bytes.resize(old + n);
    f.read(reinterpret_cast<char*>(bytes.data() + old), std::streamsize(n));
    bytes.resize(old + size_t(f.gcount()));
    return size_t(f.gcount());
  };
  take(kMagicLen + 4);
  if (bytes.size() == kMagicLen + 4 && (bytes[6] == 2 || bytes[6] == 3)) take(2);
  const auto [offset, header_len] = parse_prefix(bytes, path);
  take(offset + header_len - std::min(bytes.size(), offset + header_len));
  const Header h = parse_header(bytes, path);
  for (size_t left = h.data_bytes; left > 0;) {  // in chunks: memory grows with what arrives
    const size_t got = take(std::min<size_t>(left, size_t{1} << 20));
    if (got == 0) break;
    left -= got;
  }
  if (bytes.size() == h.data_offset + h.data_bytes && take(1) == 1) {
    fail(path, "corrupt: trailing bytes after the data");
  }
  return parse(bytes, path);
}

std::vector<uint8_t> serialize(const Array& a) {
  const char* descr = a.dtype == DType::kInt8 ? "|i1" : a.dtype == DType::kInt32 ? "<i4" : "<f4";
  std::string shape;
  if (a.shape.size() == 1) {
    shape = fmt::format("({},)", a.shape[0]);
  } else {
    shape = fmt::format("({})", fmt::join(a.shape, ", "));
  }
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", descr, shape);
  // Pad with spaces so that magic + version + length + header + '\n' is a multiple of 64.
  const size_t total = kMagicLen + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  std::vector<uint8_t> out(kMagic, kMagic + kMagicLen);
  out.push_back(1);
  out.push_back(0);
  out.push_back(uint8_t(header.size() & 0xff));
  out.push_back(uint8_t(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

void save(const std::string& path, const Array& a) {
  const std::vector<uint8_t> bytes = serialize(a);
  base::write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
}

namespace {
template <class T>
Array make(DType d, const std::vector<T>& v, std::vector<int64_t> shape) {
  Array a;
  a.dtype = d;
  a.shape = std::move(shape);
  if (a.size() != int64_t(v.size())) throw std::invalid_argument("npy: shape does not match data");
  a.data.resize(v.size() * sizeof(T));
  for (size_t i = 0; i < v.size(); ++i) {
    uint32_t bits = 0;
    std::memcpy(&bits, &v[i], sizeof(T));
    for (size_t b = 0; b < sizeof(T); ++b) a.data[i * sizeof(T) + b] = uint8_t(bits >> (8 * b));
  }
  return a;
}
}  // namespace

Array make_int8(const std::vector<int8_t>& v, std::vector<int64_t> shape) {
  return make(DType::kInt8, v, std::move(shape));
}
Array make_int32(const std::vector<int32_t>& v, std::vector<int64_t> shape) {
  return make(DType::kInt32, v, std::move(shape));
}
Array make_float32(const std::vector<float>& v, std::vector<int64_t> shape) {
  return make(DType::kFloat32, v, std::move(shape));
}

}  // namespace systolic::npy
