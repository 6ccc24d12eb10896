// Waveform files through libfst (GTKWave's FST library, bundled with Verilator and compiled into
// the traced RTL builds): writing FST, reading an FST into memory, converting FST to VCD and
// merging dumps, all in this process. A dump asked for as .vcd is written as FST first and
// converted by libfst's own VCD emitter.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace systolic::sim {

bool ends_with(const std::string& s, const std::string& suffix);

// Writes one FST. Signals are declared by hierarchical name ("a.b.c", the last component the
// signal) before the first dump; one time unit is one clock cycle. Values are set between dumps;
// dump(t) writes those that changed since the last dump (all of them on the first).
class FstWriter {
 public:
  explicit FstWriter(const std::string& path);  // throws std::runtime_error
  ~FstWriter();
  FstWriter(const FstWriter&) = delete;
  FstWriter& operator=(const FstWriter&) = delete;

  int add(const std::string& name, int width);  // before the first dump; returns the handle
  void set(int sig, uint64_t value);            // bits above the width are dropped
  void set_words(int sig, const std::vector<uint32_t>& words);  // little-endian 32-bit words
  void set_bits(int sig, const std::string& bits);              // MSB first, width characters
  void dump(uint64_t time);
  void close();  // throws std::runtime_error when the file was not written

 private:
  struct Sig {
    std::string name;
    int width;
    uint32_t handle = 0;
    std::string value, dumped;  // MSB first
  };
  void header();
  std::string path_;
  void* ctx_ = nullptr;
  std::vector<Sig> sigs_;
  bool started_ = false;
};

// A dump read into memory (windowed dumps are small): every variable with its full hierarchical
// name and its changes as strings of exactly `width` characters, MSB first (x/z kept).
struct WaveData {
  struct Var {
    std::string name;  // scope.scope.signal (no bit range)
    int width = 1;
    uint32_t handle = 0;  // variables with the same handle are aliases
  };
  std::vector<Var> vars;
  std::map<uint32_t, std::vector<std::pair<uint64_t, std::string>>> changes;  // by handle
  uint64_t last_time = 0;

  const Var* find(const std::string& name) const;
  // The value at time t ("" before the first change).
  std::string value_at(const Var& v, uint64_t t) const;
  uint64_t value_u64(const std::string& name, uint64_t t) const;  // throws if absent or x/z
  std::vector<uint64_t> times() const;                            // every time with a change
};

WaveData read_fst(const std::string& path);  // throws std::runtime_error

// FST -> VCD with libfst's emitter (the header from the hierarchy, then every value change).
void fst_to_vcd(const std::string& fst, const std::string& vcd);

// One FST from several dumps: side i's variables renamed by rescope(name, prefixes[i]) (names
// outside the design are left out); keep(new name) decides what goes in.
void write_merged_fst(const std::string& path, const std::vector<const WaveData*>& sides,
                      const std::vector<std::string>& prefixes,
                      const std::function<bool(const std::string&)>& keep = nullptr);

// The co-simulation's renaming: "<anything>.systolic_top.x" -> "<prefix>.systolic_top.x".
std::string rescope(const std::string& name, const std::string& prefix);

}  // namespace systolic::sim
