// Test only: reads a VCD into memory (the same WaveData as sim::read_fst), to check the dumps the
// simulators write as .vcd. The product writes VCD through libfst's emitter and never reads one.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include "wave.h"

namespace systolic::test {

inline sim::WaveData read_vcd(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot read", path));
  sim::WaveData d;
  std::map<std::string, uint32_t> handle;  // VCD id -> handle
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
    auto& ch = d.changes[handle.at(id)];
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
      const auto [h, fresh] = handle.emplace(id, uint32_t(handle.size() + 1));
      (void)fresh;
      d.vars.push_back({full + name, width, h->second});
      width_of[id] = width;
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

}  // namespace systolic::test
