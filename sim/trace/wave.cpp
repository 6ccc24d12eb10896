#include "wave.h"

#include <fmt/format.h>
#include <gtkwave/fstapi.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "files.h"

namespace systolic::sim {
namespace {

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

// "name [7:0]" or "name[7:0]" -> "name".
std::string strip_range(std::string name) {
  const auto br = name.find('[');
  if (br != std::string::npos && br > 0 && name.back() == ']' &&
      name.find(':', br) != std::string::npos) {
    name.erase(br);
    while (!name.empty() && name.back() == ' ') name.pop_back();
  }
  return name;
}

}  // namespace

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- FstWriter -----------------------------------------------------------------------------

FstWriter::FstWriter(const std::string& path) : path_(path) {
  ctx_ = fstWriterCreate(path.c_str(), 1);
  if (!ctx_) throw std::runtime_error(fmt::format("{}: cannot write the waveform", path));
  fstWriterSetTimescaleFromString(ctx_, "1ns");
  fstWriterSetVersion(ctx_, "systolic run --trace");
}

FstWriter::~FstWriter() {
  try {
    close();
  } catch (const std::exception&) {
  }
}

int FstWriter::add(const std::string& name, int width) {
  if (started_) throw std::logic_error("FstWriter::add after the first dump");
  Sig s;
  s.name = name;
  s.width = width;
  s.value.assign(size_t(width), '0');
  sigs_.push_back(std::move(s));
  return int(sigs_.size() - 1);
}

void FstWriter::set(int sig, uint64_t v) {
  Sig& s = sigs_[size_t(sig)];
  for (int b = 0; b < s.width; ++b) {
    s.value[size_t(s.width - 1 - b)] = (b < 64 && (v >> b & 1u)) ? '1' : '0';
  }
}

void FstWriter::set_words(int sig, const std::vector<uint32_t>& w) {
  Sig& s = sigs_[size_t(sig)];
  for (int b = 0; b < s.width; ++b) {
    const bool one = size_t(b / 32) < w.size() && (w[size_t(b / 32)] >> (b % 32) & 1u);
    s.value[size_t(s.width - 1 - b)] = one ? '1' : '0';
  }
}

void FstWriter::set_bits(int sig, const std::string& bits) {
  Sig& s = sigs_[size_t(sig)];
  if (bits.size() == s.value.size()) s.value = bits;
}

void FstWriter::header() {
  // Declaration order: grouped by scope, so each scope is opened once.
  std::vector<size_t> order(sigs_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    auto pa = split(sigs_[a].name), pb = split(sigs_[b].name);
    pa.pop_back();
    pb.pop_back();
    return pa < pb;
  });
  std::vector<std::string> open;
  for (size_t i : order) {
    Sig& s = sigs_[i];
    std::vector<std::string> parts = split(s.name);
    const std::string leaf = parts.back();
    parts.pop_back();
    size_t common = 0;
    while (common < open.size() && common < parts.size() && open[common] == parts[common]) ++common;
    while (open.size() > common) {
      fstWriterSetUpscope(ctx_);
      open.pop_back();
    }
    for (size_t k = common; k < parts.size(); ++k) {
      fstWriterSetScope(ctx_, FST_ST_VCD_MODULE, parts[k].c_str(), nullptr);
      open.push_back(parts[k]);
    }
    s.handle = fstWriterCreateVar(ctx_, FST_VT_VCD_WIRE, FST_VD_IMPLICIT, uint32_t(s.width),
                                  leaf.c_str(), 0);
  }
  while (!open.empty()) {
    fstWriterSetUpscope(ctx_);
    open.pop_back();
  }
}

void FstWriter::dump(uint64_t time) {
  if (!ctx_) return;
  if (!started_) header();
  fstWriterEmitTimeChange(ctx_, time);
  for (Sig& s : sigs_) {
    if (started_ && s.value == s.dumped) continue;
    fstWriterEmitValueChange(ctx_, s.handle, s.value.c_str());
    s.dumped = s.value;
  }
  started_ = true;
}

void FstWriter::close() {
  if (!ctx_) return;
  if (!started_) header();
  fstWriterClose(ctx_);
  ctx_ = nullptr;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0 || st.st_size == 0) {
    throw std::runtime_error(fmt::format("{}: the waveform was not written", path_));
  }
}

// ---- WaveData ------------------------------------------------------------------------------

const WaveData::Var* WaveData::find(const std::string& name) const {
  for (const Var& v : vars) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

std::string WaveData::value_at(const Var& v, uint64_t t) const {
  auto it = changes.find(v.handle);
  if (it == changes.end()) return "";
  const auto& ch = it->second;
  auto pos = std::upper_bound(ch.begin(), ch.end(), t,
                              [](uint64_t tt, const auto& c) { return tt < c.first; });
  if (pos == ch.begin()) return "";
  return std::prev(pos)->second;
}

uint64_t WaveData::value_u64(const std::string& name, uint64_t t) const {
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

std::vector<uint64_t> WaveData::times() const {
  std::set<uint64_t> ts;
  for (const auto& [h, ch] : changes) {
    for (const auto& c : ch) ts.insert(c.first);
  }
  return {ts.begin(), ts.end()};
}

namespace {

struct ReadState {
  WaveData* d;
  std::map<uint32_t, int> width;  // by handle
};

void on_value(void* user, uint64_t time, fstHandle h, const unsigned char* value) {
  auto* st = static_cast<ReadState*>(user);
  auto w = st->width.find(h);
  if (w == st->width.end()) return;
  std::string bits(reinterpret_cast<const char*>(value), size_t(w->second));
  auto& ch = st->d->changes[h];
  if (!ch.empty() && ch.back().first == time) {
    ch.back().second = std::move(bits);
  } else {
    ch.emplace_back(time, std::move(bits));
  }
  st->d->last_time = std::max(st->d->last_time, time);
}

struct Reader {
  explicit Reader(const std::string& path) : ctx(fstReaderOpen(path.c_str())) {
    if (!ctx) throw std::runtime_error(fmt::format("{}: not a readable FST waveform", path));
  }
  ~Reader() { fstReaderClose(ctx); }
  void* ctx;
};

}  // namespace

WaveData read_fst(const std::string& path) {
  Reader r(path);
  WaveData d;
  ReadState st{&d, {}};
  std::vector<std::string> scope;
  while (fstHier* h = fstReaderIterateHier(r.ctx)) {
    switch (h->htyp) {
      case FST_HT_SCOPE:
        scope.emplace_back(h->u.scope.name);
        break;
      case FST_HT_UPSCOPE:
        if (!scope.empty()) scope.pop_back();
        break;
      case FST_HT_VAR: {
        std::string full;
        for (const std::string& s : scope) full += s + ".";
        full += strip_range(h->u.var.name);
        d.vars.push_back({full, int(h->u.var.length), h->u.var.handle});
        st.width[h->u.var.handle] = int(h->u.var.length);
        break;
      }
      default:
        break;
    }
  }
  fstReaderSetFacProcessMaskAll(r.ctx);
  fstReaderIterBlocks(r.ctx, on_value, &st, nullptr);
  return d;
}

void fst_to_vcd(const std::string& fst, const std::string& vcd) {
  Reader r(fst);
  base::TempFile tmp(vcd);
  std::FILE* f = std::fopen(tmp.name().c_str(), "w");
  if (!f) throw std::runtime_error(fmt::format("{}: cannot write the waveform", vcd));
  fstReaderProcessHier(r.ctx, f);
  fstReaderSetFacProcessMaskAll(r.ctx);
  fstReaderIterBlocks(r.ctx, nullptr, nullptr, f);
  const bool ok = std::ferror(f) == 0 && std::fflush(f) == 0;
  if (std::fclose(f) != 0 || !ok) {
    throw std::runtime_error(fmt::format("{}: cannot write the waveform", vcd));
  }
  tmp.commit();
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
  return "";  // outside the design
}

void write_merged_fst(const std::string& path, const std::vector<const WaveData*>& sides,
                      const std::vector<std::string>& prefixes,
                      const std::function<bool(const std::string&)>& keep) {
  FstWriter w(path);
  // Per side: the signals kept, by the old handle (aliases become separate signals).
  std::vector<std::vector<std::pair<uint32_t, int>>> sigs(sides.size());
  for (size_t s = 0; s < sides.size(); ++s) {
    for (const auto& v : sides[s]->vars) {
      const std::string name = rescope(v.name, prefixes[s]);
      if (name.empty() || (keep && !keep(name))) continue;
      sigs[s].emplace_back(v.handle, w.add(name, v.width));
    }
  }
  // Value changes, merged by time.
  std::map<uint64_t, std::vector<std::pair<int, const std::string*>>> by_time;
  for (size_t s = 0; s < sides.size(); ++s) {
    for (const auto& [handle, sig] : sigs[s]) {
      auto it = sides[s]->changes.find(handle);
      if (it == sides[s]->changes.end()) continue;
      for (const auto& [t, bits] : it->second) by_time[t].emplace_back(sig, &bits);
    }
  }
  for (const auto& [t, list] : by_time) {
    for (const auto& [sig, bits] : list) w.set_bits(sig, *bits);
    w.dump(t);
  }
  w.close();
}

}  // namespace systolic::sim
