#include "trace.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <stdexcept>

#include "files.h"
#include "wave.h"

namespace systolic::sim {
namespace {

int clog2(int v) {
  int r = 0;
  while ((1 << r) < v) ++r;
  return r;
}

const std::string kTop = "TOP.systolic_top";

// The scope of PE (r, c) below systolic_top (rtl/pe_array.sv: row r's pe_row, its column c).
std::string pe_scope(int r, int c) {
  return fmt::format(".u_array.g_row[{}].u_row.g_col[{}]", r, c);
}

std::string pe(int r, int c) { return kTop + pe_scope(r, c) + ".u_pe"; }

}  // namespace

bool TraceOptions::fst() const { return ends_with(path, ".fst"); }

void TraceOptions::validate(const model::TopParams& p) const {
  if (!ends_with(path, ".vcd") && !ends_with(path, ".fst")) {
    throw std::invalid_argument(
        fmt::format("--trace {}: the file name must end in .fst or .vcd (the format)", path));
  }
  // The directory the waveform (and its temporary files) go to must exist: checked before the
  // run, so the error names it rather than a temporary file.
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec)) {
    throw std::invalid_argument(
        fmt::format("--trace {}: the directory {} does not exist", path, dir.string()));
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw std::invalid_argument(fmt::format("--trace {}: is a directory", path));
  }
  if (from > to) {
    throw std::invalid_argument(fmt::format("--trace-from {} is after --trace-to {}", from, to));
  }
  if (row >= p.Rows) {
    throw std::invalid_argument(
        fmt::format("--trace-row {} outside the array's rows 0..{}", row, p.Rows - 1));
  }
  if (col >= p.Cols) {
    throw std::invalid_argument(
        fmt::format("--trace-col {} outside the array's columns 0..{}", col, p.Cols - 1));
  }
}

bool TraceOptions::all_pes(const model::TopParams& p) const {
  return row < 0 && col < 0 && p.Rows * p.Cols <= kAllPesUpTo;
}

bool TraceOptions::pe_traced(const model::TopParams& p, int r, int c) const {
  return all_pes(p) || r == row || c == col;
}

const char* to_string(CtrlState s) {
  switch (s) {
    case CtrlState::kIdle:
      return "IDLE";
    case CtrlState::kWstall:
      return "WSTALL";
    case CtrlState::kCompute:
      return "COMPUTE";
    case CtrlState::kDrain:
      return "DRAIN";
    case CtrlState::kOutput:
      return "OUTPUT";
    case CtrlState::kMwait:
      return "MWAIT";
  }
  return "?";
}

std::vector<TraceSignal> trace_signals(const model::TopParams& p, const TraceOptions& o) {
  const int slot_w = p.AccWords > 1 ? clog2(p.AccWords) : 1;
  // systolic_top's ports (the generated port list), then what inside is drawn.
  std::vector<TraceSignal> s = {{kTop + ".rst_ni", 1}};
  {
    using namespace iface;
#define SYSTOLIC_TRACE_PORT(name, type, width) s.push_back({kTop + "." #name, int(width)});
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_TRACE_PORT, SYSTOLIC_NO_LANES)
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_TRACE_PORT, SYSTOLIC_NO_LANES)
#undef SYSTOLIC_TRACE_PORT
  }
  const std::vector<TraceSignal> inside = {
      {kTop + ".psum_x", p.Cols * 32},
      {kTop + ".u_acc.x_valid_q", 1},
      {kTop + ".u_acc.c_wr_en_o", 1},
      {kTop + ".u_ctrl.state", 3},
      {kTop + ".u_ctrl.busy_q", 1},
      {kTop + ".u_ctrl.done_q", 1},
      {kTop + ".u_ctrl.wl_issue_o", 1},
      {kTop + ".u_ctrl.wl_row_o", clog2(p.Rows)},
      {kTop + ".u_ctrl.wl_bank_o", 1},
      {kTop + ".u_ctrl.s_issue_o", 1},
      {kTop + ".u_ctrl.s_j_o", slot_w},
      {kTop + ".u_ctrl.s_nt_o", 24},
      {kTop + ".u_ctrl.s_bank_o", 1},
      {kTop + ".u_ctrl.s_first_o", 1},
      {kTop + ".u_ctrl.s_last_o", 1},
      {kTop + ".u_array.a_i", p.Rows * (p.Int4 == 1 ? 16 : 8)},
      {kTop + ".u_array.a_valid_i", p.Rows},
      {kTop + ".u_array.a_sel_i", p.Rows},
      {kTop + ".u_array.w_load_i", p.Rows},
      {kTop + ".u_array.w_bank_i", 1},
      {kTop + ".u_array.w_row_i", p.Cols * 8},
      {kTop + ".u_array.psum_o", p.Cols * 32},
      {kTop + ".u_array.psum_valid_o", p.Cols},
  };
  s.insert(s.end(), inside.begin(), inside.end());
  if (p.Dataflow >= 2) {  // output-stationary: the array's B and mode, os_ctrl's issues
    const std::vector<TraceSignal> os = {
        {kTop + ".u_array.os_i", 1},
        {kTop + ".u_array.b_i", p.Cols * 8},
        {kTop + ".g_os.u_os_ctrl.busy_q", 1},
        {kTop + ".g_os.u_os_ctrl.x_issue_o", 1},
        {kTop + ".g_os.u_os_ctrl.x_first_o", 1},
        {kTop + ".g_os.u_os_ctrl.o_issue_o", 1},
    };
    s.insert(s.end(), os.begin(), os.end());
  }
  for (int r = 0; r < p.Rows; ++r) {
    for (int c = 0; c < p.Cols; ++c) {
      if (!o.pe_traced(p, r, c)) continue;
      const std::string n = pe(r, c);
      const int lane = p.Int4 == 1 ? 16 : 8;  // the activation lane (w4a8: a byte pair)
      for (auto [leaf, w] : {std::pair{"a_i", lane},
                             {"a_valid_i", 1},
                             {"a_sel_i", 1},
                             {"a_q", lane},
                             {"a_valid_q", 1},
                             {"a_sel_q", 1},
                             {"psum_q", 32},
                             {"w0_q", 8},
                             {"w1_q", 8}}) {
        s.push_back({n + "." + leaf, w});
      }
      if (p.Dataflow >= 2) s.push_back({n + ".g_os.o_q", 32});
    }
  }
  return s;
}

std::string write_state_filter(const std::string& dir) {
  const std::string path = (std::filesystem::path(dir) / "systolic_ctrl_state.txt").string();
  std::string f;
  fmt::format_to(std::back_inserter(f),
                 "# GTKWave translate filter: TOP.systolic_top.u_ctrl.state (decimal)\n");
  for (uint32_t v = 0; v <= 5; ++v)
    fmt::format_to(std::back_inserter(f), "{} {}\n", v, to_string(CtrlState(v)));
  base::write_file_atomic(path, f);
  return path;
}

void write_gtkw(const std::string& gtkw_path, const std::string& dump_path,
                const model::TopParams& p, const TraceOptions& o,
                const std::vector<std::string>& scopes, int64_t marker, uint64_t zoom_from,
                uint64_t zoom_to) {
  namespace fs = std::filesystem;
  const std::string filter = write_state_filter(fs::absolute(gtkw_path).parent_path().string());
  std::string f;
  // Zoom: GTKWave shows about 2^zoom time units per pixel... scaled so the window fits ~1200 px.
  const double span = double(std::max<uint64_t>(zoom_to - zoom_from, 8));
  const double zoom = -std::log2(span / 1000.0) - 3.0;  // calibrated on GTKWave 3.3 screenshots
  fmt::format_to(std::back_inserter(f), "[*] systolic run --trace: {} ({} PEs traced)\n", p.name(),
                 o.all_pes(p) ? "all" : "selected");
  fmt::format_to(std::back_inserter(f), "[dumpfile] \"{}\"\n", fs::absolute(dump_path).string());
  fmt::format_to(std::back_inserter(f), "[savefile] \"{}\"\n", fs::absolute(gtkw_path).string());
  fmt::format_to(std::back_inserter(f), "[timestart] {}\n[size] 1600 1000\n[pos] -1 -1\n",
                 zoom_from);
  fmt::format_to(
      std::back_inserter(f),
      "*{:.6f} {} -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1\n",
      zoom, marker);
  fmt::format_to(
      std::back_inserter(f),
      "[sst_width] 200\n[signals_width] 300\n[sst_expanded] 0\n[sst_vpaned_height] 300\n");

  // Each entry: format flags, name below TOP.systolic_top; shown once per scope.
  constexpr int kBin = 0x28, kHex = 0x22, kDec = 0x24, kSigned = 0x420, kState = 0x2024;
  auto sig = [&](int flags, const std::string& rel, int width) {
    for (const std::string& scope : scopes) {
      const std::string name =
          (scope == "TOP" ? std::string("TOP.systolic_top") : scope + ".systolic_top") + rel;
      fmt::format_to(std::back_inserter(f), "@{:x}\n", flags);
      if (flags == kState) fmt::format_to(std::back_inserter(f), "^1 {}\n", filter);
      fmt::format_to(std::back_inserter(f), "{}{}\n", name,
                     width > 1 ? fmt::format("[{}:0]", width - 1) : "");
    }
  };
  // A label line (GTKWave comment trace): PE signals show only their leaf names in the list.
  auto label = [&](const std::string& text) {
    fmt::format_to(std::back_inserter(f), "@200\n-{}\n", text);
  };
  auto group = [&](const std::string& name, bool closed, auto body) {
    fmt::format_to(std::back_inserter(f), "@{:x}\n-{}\n", closed ? 0xc00200 : 0x800200, name);
    body();
    fmt::format_to(std::back_inserter(f), "@{:x}\n-{}\n", 0x1000200, name);
  };
  const int slot_w = p.AccWords > 1 ? clog2(p.AccWords) : 1;
  group("control", false, [&] {
    sig(kState, ".u_ctrl.state", 3);
    sig(kBin, ".busy_o", 1);
    sig(kBin, ".done_o", 1);
    sig(kBin, ".u_ctrl.wl_issue_o", 1);
    sig(kDec, ".u_ctrl.wl_row_o", clog2(p.Rows));
    sig(kBin, ".u_ctrl.wl_bank_o", 1);
    sig(kBin, ".u_ctrl.s_issue_o", 1);
    sig(kDec, ".u_ctrl.s_j_o", slot_w);
    sig(kDec, ".u_ctrl.s_nt_o", 24);
    sig(kBin, ".u_ctrl.s_bank_o", 1);
    sig(kBin, ".u_ctrl.s_first_o", 1);
    sig(kBin, ".u_ctrl.s_last_o", 1);
  });
  group("memory port", true, [&] {
    sig(kBin, ".mem_req_valid_o", 1);
    sig(kBin, ".mem_req_ready_i", 1);
    sig(kBin, ".mem_req_we_o", 1);
    sig(kHex, ".mem_req_addr_o", 32);
    sig(kHex, ".mem_req_wstrb_o", 1 << p.MemBytesLog2);
    sig(kBin, ".mem_rsp_valid_i", 1);
    sig(kBin, ".mem_rsp_ready_o", 1);
  });
  for (int r = 0; r < p.Rows; ++r) {
    bool any = false;
    for (int c = 0; c < p.Cols; ++c) any = any || o.pe_traced(p, r, c);
    if (!any) continue;
    group(fmt::format("row {} inputs", r), r > 3, [&] {
      const std::string pe0 = pe_scope(r, 0) + ".u_pe";
      if (o.pe_traced(p, r, 0)) {
        label(fmt::format("PE ({},0) activation in", r));
        sig(p.Int4 == 1 ? kHex : kSigned, pe0 + ".a_i", p.Int4 == 1 ? 16 : 8);
        sig(kBin, pe0 + ".a_valid_i", 1);
        sig(kBin, pe0 + ".a_sel_i", 1);
      }
      for (int c = 0; c < p.Cols; ++c) {
        if (!o.pe_traced(p, r, c)) continue;
        const std::string pn = pe_scope(r, c) + ".u_pe";
        label(fmt::format("PE ({},{}) weights", r, c));
        sig(kSigned, pn + ".w0_q", 8);
        if (p.WeightBanks == 2) sig(kSigned, pn + ".w1_q", 8);
      }
    });
  }
  for (int c = 0; c < p.Cols; ++c) {
    bool any = false;
    for (int r = 0; r < p.Rows; ++r) any = any || o.pe_traced(p, r, c);
    if (!any) continue;
    group(fmt::format("column {} partial sums", c), c > 3, [&] {
      for (int r = 0; r < p.Rows; ++r) {
        if (!o.pe_traced(p, r, c)) continue;
        const std::string pn = pe_scope(r, c) + ".u_pe";
        label(fmt::format("PE ({},{})", r, c));
        sig(kBin, pn + ".a_valid_q", 1);
        sig(kSigned, pn + ".psum_q", 32);
      }
    });
  }
  group("output stage", false, [&] {
    sig(kHex, ".u_array.psum_valid_o", p.Cols);
    sig(kHex, ".u_array.psum_o", p.Cols * 32);
    sig(kBin, ".u_acc.x_valid_q", 1);
    sig(kHex, ".psum_x", p.Cols * 32);
    sig(kBin, ".u_acc.c_wr_en_o", 1);
  });
  group("host port", false, [&] {
    using namespace iface;
#define SYSTOLIC_GTKW_PORT(name, type, width) \
  if (std::string(#name).rfind("host_", 0) == 0) sig(width == 1 ? kBin : kHex, "." #name, width);
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_GTKW_PORT, SYSTOLIC_NO_LANES)
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_GTKW_PORT, SYSTOLIC_NO_LANES)
#undef SYSTOLIC_GTKW_PORT
  });
  fmt::format_to(std::back_inserter(f), "[pattern_trace] 1\n[pattern_trace] 0\n");
  base::write_file_atomic(gtkw_path, f);
}

}  // namespace systolic::sim

namespace systolic::sim {

std::vector<std::pair<int, std::string>> rtl_dumpvars(const model::TopParams& p,
                                                      const TraceOptions& o,
                                                      const std::string& root) {
  const std::string top = root + ".systolic_top";
  std::vector<std::pair<int, std::string>> d = {{1, top}, {1, top + ".u_array"}};
  // The A, B and C scratchpads: the even and odd RAMs (banks) of g_a_pair, g_b_pair, g_c_pair.
  for (const char* sub : {"u_regs", "u_ctrl", "u_skew", "u_deskew", "u_acc", "g_a_pair", "g_b_pair",
                          "g_c_pair", "u_spad_bias", "u_spad_m0", "u_spad_shift"}) {
    d.emplace_back(99, top + "." + sub);
  }
  if (p.Dataflow >= 2) {
    d.emplace_back(99, top + ".g_os.u_os_ctrl");
    d.emplace_back(99, top + ".g_bskew.u_bskew");
  }
  if (o.all_pes(p)) {
    d.emplace_back(99, top + ".u_array");
  } else {
    for (int r = 0; r < p.Rows; ++r) {
      for (int c = 0; c < p.Cols; ++c) {
        if (o.pe_traced(p, r, c)) {
          d.emplace_back(99, top + pe_scope(r, c));
        }
      }
    }
  }
  return d;
}

}  // namespace systolic::sim
