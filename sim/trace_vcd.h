// Waveform files for `systolic run --trace` (docs/waves.md): a small VCD writer (the model's
// dumps), a VCD reader (merging the co-simulation's two sides, tests), and the FST conversions
// through GTKWave's vcd2fst / fst2vcd.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace systolic::sim {

// Writes one value change dump. Signals are declared by hierarchical name ("a.b.c", the last
// component the signal); one time unit is one clock cycle. Values are set between dumps;
// dump(t) writes those that changed since the last dump (all of them on the first).
class VcdWriter {
 public:
  explicit VcdWriter(const std::string& path);  // throws std::runtime_error
  ~VcdWriter();
  VcdWriter(const VcdWriter&) = delete;
  VcdWriter& operator=(const VcdWriter&) = delete;

  int add(const std::string& name, int width);  // before the first dump; returns the handle
  void set(int sig, uint64_t value);            // bits above 64 are 0
  void set_words(int sig, const std::vector<uint32_t>& words);  // little-endian 32-bit words
  void dump(uint64_t time);
  void close();

 private:
  struct Sig {
    std::string name, id;
    int width;
    std::vector<uint32_t> value, dumped;
  };
  void header();
  std::string path_;
  void* file_ = nullptr;  // FILE*
  std::vector<Sig> sigs_;
  bool started_ = false;
};

// A VCD read into memory (windowed dumps are small): every variable with its full hierarchical
// name and its changes as binary strings of exactly `width` characters (x/z kept).
struct VcdData {
  struct Var {
    std::string name;  // scope.scope.signal (no bit range)
    int width = 1;
    std::string id;
  };
  std::string timescale = "1ns";
  std::vector<Var> vars;
  std::map<std::string, std::vector<std::pair<uint64_t, std::string>>> changes;  // by id
  uint64_t last_time = 0;

  const Var* find(const std::string& name) const;
  // The value at time t ("" before the first change).
  std::string value_at(const Var& v, uint64_t t) const;
  uint64_t value_u64(const std::string& name, uint64_t t) const;  // throws if absent or x/z
  std::vector<uint64_t> times() const;                            // every time with a change
};

VcdData read_vcd(const std::string& path);  // throws std::runtime_error

// One VCD from several: side i's variables are renamed by rename(name, i) (empty: left out).
// Used for the co-simulation's dump with scopes model.* and rtl.*.
// keep(new name): whether a variable goes into the merged file.
void write_merged_vcd(const std::string& path, const std::vector<const VcdData*>& sides,
                      const std::vector<std::string>& prefixes,
                      const std::function<bool(const std::string&)>& keep = nullptr);

// The co-simulation's renaming: "<anything>.systolic_top.x" -> "<prefix>.systolic_top.x".
std::string rescope(const std::string& name, const std::string& prefix);

// vcd2fst / fst2vcd (GTKWave's tools); throw std::runtime_error naming the tool when it fails.
void vcd_to_fst(const std::string& vcd, const std::string& fst);
void fst_to_vcd(const std::string& fst, const std::string& vcd);

bool ends_with(const std::string& s, const std::string& suffix);

}  // namespace systolic::sim
