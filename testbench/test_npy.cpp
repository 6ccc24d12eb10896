// Tests of the .npy reader/writer (sim/npy/npy.h): round trips, NumPy interoperability in both
// directions (through Debian's python3-numpy), and every truncation and corruption of a valid file
// giving a clean error rather than a crash or a wrong array.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "npy.h"
#include "test_seed.h"

namespace npy = systolic::npy;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  const fs::path d = fs::temp_directory_path() / fmt::format("systolic_npy_{}", ::getpid());
  fs::create_directories(d);
  return d;
}

bool have_numpy() { return std::system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") == 0; }

}  // namespace

TEST_CASE("npy: round trips of every dtype", "[npy]") {
  std::mt19937_64 rng(systolic::test::test_seed("npy-roundtrip"));
  std::vector<int8_t> i8(6 * 7);
  std::vector<int32_t> i32(13);
  std::vector<float> f32(3 * 5);
  for (auto& v : i8) v = int8_t(rng());
  for (auto& v : i32) v = int32_t(rng());
  for (auto& v : f32) v = float(int32_t(rng())) / 1000.0f;
  const npy::Array a = npy::parse(npy::serialize(npy::make_int8(i8, {6, 7})), "a");
  CHECK(a.shape == std::vector<int64_t>{6, 7});
  CHECK(a.as_int8() == i8);
  const npy::Array b = npy::parse(npy::serialize(npy::make_int32(i32, {13})), "b");
  CHECK(b.shape == std::vector<int64_t>{13});
  CHECK(b.as_int32() == i32);
  const npy::Array c = npy::parse(npy::serialize(npy::make_float32(f32, {3, 5})), "c");
  CHECK(c.as_float32() == f32);
  CHECK_THROWS(c.as_int8());
  // Header padded so the data starts at a multiple of 64.
  CHECK((npy::serialize(npy::make_int8(i8, {6, 7})).size() - i8.size()) % 64 == 0);
}

TEST_CASE("npy: every truncation and corruption is a clean error", "[npy]") {
  const std::vector<uint8_t> good =
      npy::serialize(npy::make_int32(std::vector<int32_t>{1, -2, 3, -4, 5, -6}, {2, 3}));
  for (size_t len = 0; len < good.size(); ++len) {
    const std::vector<uint8_t> cut(good.begin(), good.begin() + long(len));
    CHECK_THROWS_AS(npy::parse(cut, "cut.npy"), std::runtime_error);
  }
  std::vector<uint8_t> extra = good;
  extra.push_back(0);
  CHECK_THROWS_WITH(npy::parse(extra, "x.npy"), Catch::Contains("trailing"));
  // Flip every header byte to a few values: never a crash, and a success must still describe
  // exactly the original data size.
  const size_t header_end = good.size() - 24;
  for (size_t i = 0; i < header_end; ++i) {
    for (uint8_t v : {uint8_t(0), uint8_t('9'), uint8_t(','), uint8_t(')'), uint8_t(0xff)}) {
      std::vector<uint8_t> bad = good;
      bad[i] = v;
      try {
        const npy::Array a = npy::parse(bad, "bad.npy");
        CHECK(int64_t(a.data.size()) == a.size() * (a.dtype == npy::DType::kInt8 ? 1 : 4));
      } catch (const std::runtime_error&) {
      }
    }
  }
  auto header_with = [](const std::string& dict) {
    std::string h = dict;
    h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
    h.push_back('\n');
    std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(h.size()), 0};
    out.insert(out.end(), h.begin(), h.end());
    out.resize(out.size() + 64, 0);
    return out;
  };
  CHECK_THROWS_WITH(
      npy::parse(header_with("{'descr': '<f8', 'fortran_order': False, 'shape': (8,), }"), "f"),
      Catch::Contains("dtype '<f8' is not supported"));
  CHECK_THROWS_WITH(
      npy::parse(header_with("{'descr': '>i4', 'fortran_order': False, 'shape': (16,), }"), "f"),
      Catch::Contains("not supported"));
  CHECK_THROWS_WITH(
      npy::parse(header_with("{'descr': '<i4', 'fortran_order': True, 'shape': (4, 4), }"), "f"),
      Catch::Contains("Fortran"));
  CHECK_THROWS_WITH(
      npy::parse(
          header_with("{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2, 2, 2, 16), }"),
          "f"),
      Catch::Contains("5 dimensions"));
  CHECK_THROWS_WITH(
      npy::parse(header_with("{'descr': '|i1', 'fortran_order': False, 'shape': (0, 4), }"), "f"),
      Catch::Contains("empty"));
  CHECK_THROWS_WITH(
      npy::parse(header_with("{'descr': '|i1', 'fortran_order': False, 'shape': (-1, 4), }"), "f"),
      Catch::Contains("shape"));
  CHECK_THROWS_WITH(
      npy::parse(
          header_with(
              "{'descr': '|i1', 'fortran_order': False, 'shape': (99999999999, 99999999999), }"),
          "f"),
      Catch::Contains("too large"));
  CHECK_THROWS_WITH(npy::load("/nonexistent/dir/x.npy"), Catch::Contains("cannot open"));
}

TEST_CASE("npy: loading reads no more than the header allows", "[npy]") {
  // An endless device: the first ten bytes are not a .npy prefix (an unbounded reader never ends).
  CHECK_THROWS_WITH(npy::load("/dev/zero"), Catch::Contains("/dev/zero: not a .npy file"));
  const fs::path dir = temp_dir();
  auto write = [&](const std::string& name, const std::vector<uint8_t>& bytes) {
    std::ofstream((dir / name).string(), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    return (dir / name).string();
  };
  auto with_shape = [](const std::string& shape, size_t data) {
    std::string h = "{'descr': '|i1', 'fortran_order': False, 'shape': " + shape + ", }";
    h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
    h.push_back('\n');
    std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, uint8_t(h.size()), 0};
    out.insert(out.end(), h.begin(), h.end());
    out.resize(out.size() + data, 7);
    return out;
  };
  // A header that claims 2^32 bytes over 10 bytes of data: truncated, after reading the 10.
  CHECK_THROWS_WITH(npy::load(write("big.npy", with_shape("(65536, 65536)", 10))),
                    Catch::Contains("truncated: 10 data bytes, expected 4294967296"));
  // A shape whose product overflows 64 bits is refused before any multiplication wraps.
  CHECK_THROWS_WITH(
      npy::load(write("wrap.npy", with_shape("(4294967296, 4294967296, 4294967296)", 1))),
      Catch::Contains("too large"));
  // Trailing bytes after the data the header describes.
  CHECK_THROWS_WITH(npy::load(write("tail.npy", with_shape("(4,)", 5))),
                    Catch::Contains("trailing bytes"));
  CHECK(npy::load(write("ok.npy", with_shape("(2, 2)", 4))).as_int8() ==
        std::vector<int8_t>{7, 7, 7, 7});
  // A version 2 header of 2^31 bytes is refused from its length field alone.
  std::vector<uint8_t> v2 = {0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0, 0x80};
  CHECK_THROWS_WITH(npy::load(write("v2.npy", v2)), Catch::Contains("2147483648 bytes long"));
  fs::remove_all(dir);
}

TEST_CASE("npy: NumPy reads what we write and we read what NumPy writes", "[npy]") {
  if (!have_numpy()) {
    FAIL("python3-numpy is missing: run scripts/install-deps.sh");
  }
  const fs::path dir = temp_dir();
  const std::string ours = (dir / "ours.npy").string();
  npy::save(ours, npy::make_int8(std::vector<int8_t>{-128, -1, 0, 1, 127, 5}, {2, 3}));
  const std::string check = fmt::format(
      "/usr/bin/python3 -c \"import numpy as np; a = np.load('{}'); "
      "assert a.dtype == np.int8 and a.shape == (2, 3) and a.tolist() == [[-128, -1, 0], [1, 127, "
      "5]]\"",
      ours);
  CHECK(std::system(check.c_str()) == 0);

  const std::string gen = fmt::format(
      "/usr/bin/python3 -c \"import numpy as np; d = '{}'; "
      "np.save(d + '/i8.npy', np.arange(-6, 6, dtype=np.int8).reshape(3, 4)); "
      "np.save(d + '/i32.npy', np.array([2**31 - 1, -2**31, 7], dtype=np.int32)); "
      "np.save(d + '/f32.npy', np.array([[0.5, -1.25], [3.0, 1e-3]], dtype=np.float32)); "
      "np.save(d + '/fortran.npy', np.asfortranarray(np.ones((3, 2), dtype=np.int8))); "
      "np.save(d + '/f64.npy', np.ones(3))\"",
      dir.string());
  REQUIRE(std::system(gen.c_str()) == 0);
  const npy::Array i8 = npy::load((dir / "i8.npy").string());
  CHECK(i8.shape == std::vector<int64_t>{3, 4});
  CHECK(i8.as_int8() == std::vector<int8_t>{-6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5});
  CHECK(npy::load((dir / "i32.npy").string()).as_int32() ==
        std::vector<int32_t>{2147483647, -2147483647 - 1, 7});
  CHECK(npy::load((dir / "f32.npy").string()).as_float32() ==
        std::vector<float>{0.5f, -1.25f, 3.0f, 1e-3f});
  CHECK_THROWS_WITH(npy::load((dir / "fortran.npy").string()), Catch::Contains("Fortran"));
  CHECK_THROWS_WITH(npy::load((dir / "f64.npy").string()), Catch::Contains("'<f8'"));
  fs::remove_all(dir);
}
