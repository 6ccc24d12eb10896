#include "trace_vcd.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace systolic::sim {
namespace {

std::string make_id(size_t n) {  // printable VCD identifiers: ! .. ~
  std::string id;
  do {
    id.push_back(char('!' + n % 94));
    n /= 94;
  } while (n);
  return id;
}

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::string cur;
  for (char ch : name) {
    if (ch == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(ch);
    }
  }
  parts.push_back(cur);
  return parts;
}

std::string to_bits(const std::vector<uint32_t>& w, int width) {
  std::string s(size_t(width), '0');
  for (int b = 0; b < width; ++b) {
    if (size_t(b / 32) < w.size() && (w[b / 32] >> (b % 32) & 1u)) s[size_t(width - 1 - b)] = '1';
  }
  return s;
}

// Writes the $scope / $var tree of (name, width, id) triples.
void write_scopes(std::FILE* f, std::vector<std::tuple<std::string, int, std::string>> vars) {
  std::stable_sort(vars.begin(), vars.end(), [](const auto& a, const auto& b) {
    auto pa = split(std::get<0>(a)), pb = split(std::get<0>(b));
    pa.pop_back();
    pb.pop_back();
    return pa < pb;
  });
  std::vector<std::string> open;
  for (const auto& [name, width, id] : vars) {
    std::vector<std::string> parts = split(name);
    const std::string leaf = parts.back();
    parts.pop_back();
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      std::fputs("$upscope $end\n", f);
      open.pop_back();
    }
    for (size_t i = common; i < parts.size(); ++i) {
      fmt::print(f, "$scope module {} $end\n", parts[i]);
      open.push_back(parts[i]);
    }
    if (width == 1) {
      fmt::print(f, "$var wire 1 {} {} $end\n", id, leaf);
    } else {
      fmt::print(f, "$var wire {} {} {} [{}:0] $end\n", width, id, leaf, width - 1);
    }
  }
  while (!open.empty()) {
    std::fputs("$upscope $end\n", f);
    open.pop_back();
  }
  std::fputs("$enddefinitions $end\n", f);
}

void write_value(std::FILE* f, const std::string& bits, const std::string& id) {
  if (bits.size() == 1) {
    fmt::print(f, "{}{}\n", bits, id);
  } else {
    fmt::print(f, "b{} {}\n", bits, id);
  }
}

}  // namespace

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

VcdWriter::VcdWriter(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw std::runtime_error(fmt::format("{}: cannot write the waveform", path));
}

VcdWriter::~VcdWriter() { close(); }

int VcdWriter::add(const std::string& name, int width) {
  if (started_) throw std::logic_error("VcdWriter::add after the first dump");
  Sig s;
  s.name = name;
  s.id = make_id(sigs_.size());
  s.width = width;
  s.value.assign(size_t((width + 31) / 32), 0);
  sigs_.push_back(std::move(s));
  return int(sigs_.size() - 1);
}

void VcdWriter::set(int sig, uint64_t v) {
  Sig& s = sigs_[size_t(sig)];
  s.value[0] = uint32_t(v);
  if (s.value.size() > 1) s.value[1] = uint32_t(v >> 32);
  if (s.width < 32) s.value[0] &= (1u << s.width) - 1u;
  if (s.width > 32 && s.width < 64) s.value[1] &= (1u << (s.width - 32)) - 1u;
}

void VcdWriter::set_words(int sig, const std::vector<uint32_t>& w) {
  Sig& s = sigs_[size_t(sig)];
  for (size_t i = 0; i < s.value.size(); ++i) s.value[i] = i < w.size() ? w[i] : 0;
}

void VcdWriter::header() {
  auto* f = static_cast<std::FILE*>(file_);
  std::fputs("$version systolic run --trace (C++ model) $end\n$timescale 1ps $end\n", f);
  std::vector<std::tuple<std::string, int, std::string>> vars;
  for (const Sig& s : sigs_) vars.emplace_back(s.name, s.width, s.id);
  write_scopes(f, vars);
}

void VcdWriter::dump(uint64_t time) {
  auto* f = static_cast<std::FILE*>(file_);
  if (!f) return;
  if (!started_) header();
  fmt::print(f, "#{}\n", time);
  for (Sig& s : sigs_) {
    if (started_ && s.value == s.dumped) continue;
    write_value(f, to_bits(s.value, s.width), s.id);
    s.dumped = s.value;
  }
  started_ = true;
}

void VcdWriter::close() {
  if (!file_) return;
  auto* f = static_cast<std::FILE*>(file_);
  if (!started_) header();
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  file_ = nullptr;
  if (!ok) throw std::runtime_error(fmt::format("{}: write error", path_));
}

const VcdData::Var* VcdData::find(const std::string& name) const {
  for (const Var& v : vars) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string VcdData::value_at(const Var& v, uint64_t t) const {
  auto it = changes.find(v.id);
  if (it == changes.end()) return "";
  const auto& ch = it->second;
  auto pos = std::upper_bound(ch.begin(), ch.end(), t,
                              [](uint64_t tt, const auto& c) { return tt < c.first; });
  if (pos == ch.begin()) return "";
  return std::prev(pos)->second;
}

uint64_t VcdData::value_u64(const std::string& name, uint64_t t) const {
  const Var* v = find(name);
  if (!v) throw std::runtime_error(fmt::format("no signal {} in the dump", name));
  const std::string bits = value_at(*v, t);
  if (bits.empty()) throw std::runtime_error(fmt::format("{} has no value at {}", name, t));
  uint64_t r = 0;
  for (char ch : bits) {
    if (ch != '0' && ch != '1')
      throw std::runtime_error(fmt::format("{} is {} at {}", name, bits, t));
    r = (r << 1) | uint64_t(ch == '1');
  }
  return r;
}

std::vector<uint64_t> VcdData::times() const {
  std::set<uint64_t> ts;
  for (const auto& [id, ch] : changes) {
    for (const auto& c : ch) ts.insert(c.first);
  }
  return {ts.begin(), ts.end()};
}

VcdData read_vcd(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path));
  VcdData d;
  std::vector<std::string> scope;
  std::map<std::string, int> width_of;
  std::string tok;
  uint64_t now = 0;
  auto record = [&](const std::string& id, std::string bits) {
    auto w = width_of.find(id);
    if (w == width_of.end()) return;
    const size_t width = size_t(w->second);
    if (bits.size() < width) {  // VCD extends with 0, or with x/z when the top bit is x/z
      const char pad = (bits[0] == 'x' || bits[0] == 'z') ? bits[0] : '0';
      bits.insert(0, width - bits.size(), pad);
    } else if (bits.size() > width) {
      bits = bits.substr(bits.size() - width);
    }
    auto& ch = d.changes[id];
    if (!ch.empty() && ch.back().first == now) {
      ch.back().second = bits;
    } else {
      ch.emplace_back(now, bits);
    }
  };
  while (in >> tok) {
    if (tok == "$scope") {
      std::string kind, name;
      in >> kind >> name >> tok;
      scope.push_back(name);
    } else if (tok == "$upscope") {
      in >> tok;
      if (!scope.empty()) scope.pop_back();
    } else if (tok == "$var") {
      std::string kind, id, name;
      int width = 0;
      in >> kind >> width >> id >> name;
      while (in >> tok && tok != "$end") {
      }
      std::string full;
      for (const auto& s : scope) full += s + ".";
      const auto br = name.find('[');
      if (br != std::string::npos && br > 0 && name.back() == ']' &&
          name.find(':') != std::string::npos) {
        name = name.substr(0, br);  // "x[7:0]" written as one token
      }
      d.vars.push_back({full + name, width, id});
      width_of[id] = width;
    } else if (tok == "$timescale") {
      std::string ts;
      while (in >> tok && tok != "$end") ts += tok;
      d.timescale = ts;
    } else if (tok[0] == '$') {
      if (tok == "$dumpvars" || tok == "$end" || tok == "$dumpon" || tok == "$dumpoff" ||
          tok == "$dumpall") {
        continue;
      }
      while (in >> tok && tok != "$end") {  // $date, $version, $comment, ...
      }
    } else if (tok[0] == '#') {
      now = std::stoull(tok.substr(1));
      d.last_time = std::max(d.last_time, now);
    } else if (tok[0] == 'b' || tok[0] == 'B') {
      std::string id;
      in >> id;
      std::string bits = tok.substr(1);
      for (char& ch : bits) ch = char(std::tolower(ch));
      record(id, bits);
    } else if (tok[0] == 'r' || tok[0] == 'R' || tok[0] == 's' || tok[0] == 'S') {
      std::string id;
      in >> id;  // reals and strings are not compared
    } else {
      std::string bits(1, char(std::tolower(tok[0])));
      record(tok.substr(1), bits);
    }
  }
  return d;
}

std::string rescope(const std::string& name, const std::string& prefix) {
  const std::vector<std::string> parts = split(name);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "systolic_top") {
      std::string r = prefix;
      for (size_t j = i; j < parts.size(); ++j) r += "." + parts[j];
      return r;
    }
  }
  return "";  // outside the design (the verilated wrapper's copies of the ports)
}

void write_merged_vcd(const std::string& path, const std::vector<const VcdData*>& sides,
                      const std::vector<std::string>& prefixes,
                      const std::function<bool(const std::string&)>& keep) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write the waveform", path));
  std::fputs(
      "$version systolic run --trace (co-simulation: model and RTL) $end\n"
      "$timescale 1ps $end\n",
      f);
  // New ids: per side, old id -> new id (aliases stay aliases).
  std::vector<std::map<std::string, std::string>> ids(sides.size());
  std::vector<std::tuple<std::string, int, std::string>> vars;
  size_t next = 0;
  for (size_t s = 0; s < sides.size(); ++s) {
    for (const auto& v : sides[s]->vars) {
      const std::string name = rescope(v.name, prefixes[s]);
      if (name.empty() || (keep && !keep(name))) continue;
      auto [it, fresh] = ids[s].emplace(v.id, "");
      if (fresh) it->second = make_id(next++);
      vars.emplace_back(name, v.width, it->second);
    }
  }
  write_scopes(f, vars);
  // Value changes, merged by time.
  std::map<uint64_t, std::vector<std::pair<std::string, std::string>>> by_time;
  for (size_t s = 0; s < sides.size(); ++s) {
    for (const auto& [old_id, new_id] : ids[s]) {
      auto it = sides[s]->changes.find(old_id);
      if (it == sides[s]->changes.end()) continue;
      for (const auto& [t, bits] : it->second) by_time[t].emplace_back(new_id, bits);
    }
  }
  for (const auto& [t, list] : by_time) {
    fmt::print(f, "#{}\n", t);
    for (const auto& [id, bits] : list) write_value(f, bits, id);
  }
  const bool ok = std::ferror(f) == 0;
  std::fclose(f);
  if (!ok) throw std::runtime_error(fmt::format("{}: write error", path));
}

namespace {
void run_tool(const std::string& cmd, const char* tool) {
  const int rc = std::system((cmd + " >/dev/null 2>&1").c_str());
  if (rc != 0) {
    throw std::runtime_error(fmt::format(
        "{} failed (exit {}); it comes with GTKWave (apt-get install gtkwave)", tool, rc));
  }
}
std::string quote(const std::string& s) {
  std::string r = "'";
  for (char ch : s) {
    if (ch == '\'') {
      r += "'\\''";
    } else {
      r.push_back(ch);
    }
  }
  return r + "'";
}
}  // namespace

void vcd_to_fst(const std::string& vcd, const std::string& fst) {
  run_tool(fmt::format("vcd2fst -v {} -f {}", quote(vcd), quote(fst)), "vcd2fst");
}

void fst_to_vcd(const std::string& fst, const std::string& vcd) {
  run_tool(fmt::format("fst2vcd -f {} -o {}", quote(fst), quote(vcd)), "fst2vcd");
}

}  // namespace systolic::sim
