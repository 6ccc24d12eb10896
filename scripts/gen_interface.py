#!/usr/bin/python3
"""Generates the engine's interface files from the one table, rtl/systolic_if.toml.

  scripts/gen_interface.py [--cmake FILE] [--check]

Writes rtl/systolic_pkg.sv and model/systolic_if.h (only when their content changes, so a rebuild
is not triggered for nothing) and, with --cmake, the CMake fragment with the parameter names and
defaults. --check writes nothing and exits 1 when a generated file differs from what the table
gives. Needs only Python's standard library (tomllib: Python 3.11, Debian 12's python3).
"""
import argparse
import os
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "rtl", "systolic_if.toml")
SV_OUT = os.path.join(ROOT, "rtl", "systolic_pkg.sv")
CPP_OUT = os.path.join(ROOT, "model", "systolic_if.h")
BANNER = "Generated from rtl/systolic_if.toml by scripts/gen_interface.py; do not edit."

# C++ names of the modules' port structs and parameter structs.
CPP_NAMES = {"systolic_top": "Top", "tile_ctrl": "TileCtrl", "systolic_regs": "SystolicRegs",
             "acc_stage": "AccStage", "dma": "Dma", "os_ctrl": "OsCtrl"}


def fail(msg):
    sys.exit(f"gen_interface: {TABLE}: {msg}")


def load():
    with open(TABLE, "rb") as f:
        t = tomllib.load(f)
    widths = t["widths"]
    params = {p["name"]: p for p in t["param"]}
    for p in t["param"]:
        if not p["min"] <= p["default"] <= p["max"]:
            fail(f"parameter {p['name']}: default outside [min, max]")
    # Each traffic counter is two registers, <Name>Lo and <Name>Hi, from [counters] first on.
    first = t["counters"]["first"]
    for i, c in enumerate(t["counter"]):
        t["reg"].append({"name": c["name"] + "Lo", "index": first + 2 * i, "access": "RW",
                         "doc": c["doc"] + ", bits 31:0"})
        t["reg"].append({"name": c["name"] + "Hi", "index": first + 2 * i + 1, "access": "RW",
                         "doc": c["doc"] + ", bits 63:32"})
    names = [c["name"] for c in t["counter"]]
    for kind in ("Rd", "Wr"):  # systolic_regs counts bit i of sram_rd_i / sram_wr_i at SramX + i
        order = [f"Sram{kind}{r['name']}" for r in sorted(t["region"], key=lambda r: r["index"])
                 if r["index"] > 0]
        if order[0] not in names or names[names.index(order[0]):][:len(order)] != order:
            fail(f"the Sram{kind} counters must follow each other in region order: {order}")
    if first + 2 * len(t["counter"]) > 1 << widths["LaneWidth"]:
        fail("the traffic counters run past the last register index")
    names = set()
    for r in t["reg"] + t["region"]:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", r["name"]):
            fail(f"name {r['name']} is not UpperCamelCase")
    for r in t["reg"]:
        if r["index"] in names:
            fail(f"register index {r['index']} used twice")
        names.add(r["index"])
    return t, widths, params


# ---- width expressions ---------------------------------------------------------------------------
TOKEN = re.compile(r"\s*(?:(\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


def tokens(expr):
    out = []
    for num, ident, op in TOKEN.findall(expr):
        out.append(num or ident or op)
    return out


def translate(expr, widths, module_params, lang):
    """A width expression in C++ (module parameters read from `p`) or SystemVerilog."""
    out = []
    for tok in tokens(str(expr)):
        if tok == "clog2":
            out.append("clog2" if lang == "cpp" else "$clog2")
        elif tok == "max":
            out.append("imax" if lang == "cpp" else "max")
        elif tok == "pow2":
            out.append("ipow2" if lang == "cpp" else "2**")
        elif tok in widths:
            out.append(f"k{tok}" if lang == "cpp" else f"systolic_pkg::{tok}")
        elif tok in module_params:
            out.append(f"p.{tok}" if lang == "cpp" else tok)
        elif re.fullmatch(r"\d+|[-+*(),]", tok):
            out.append(tok)
        else:
            fail(f"unknown name '{tok}' in width expression '{expr}'")
    s = "".join(x if x not in "+-*," else f" {x} " for x in out)
    return re.sub(r" +", " ", s).replace(" ,", ",").strip()


def clog2(v):
    r = 0
    while (1 << r) < v:
        r += 1
    return r


def evaluate(expr, widths, values):
    env = dict(widths)
    env.update(values)
    py = "".join(tokens(str(expr)))
    return eval(py, {"__builtins__": {}}, {"clog2": clog2, "max": max, "pow2": lambda x: 1 << x, **env})  # noqa: S307


def max_width(expr, widths, params, module_params):
    """The widest a port can be over the parameter ranges (the corners suffice: widths grow)."""
    values = {n: params[n]["max"] for n in module_params}
    return evaluate(expr, widths, values)


def snake(name):
    """DramRdA -> dram_rd_a, SramRdM0 -> sram_rd_m0."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def reg_bits(reg, widths):
    b = reg.get("bits", 32)
    return widths[b] if isinstance(b, str) else b


# ---- SystemVerilog package -----------------------------------------------------------------------
def gen_sv(t, widths, params):
    L = [f"// {BANNER}", "//",
         "// Widths, the host address map, the register map and the parameter limits of the engine",
         "// (docs/architecture.md section 4). Referenced as systolic_pkg::Name (no import: Yosys",
         "// 0.23 reads package-qualified names only).",
         "package systolic_pkg;", "",
         "  // Widths"]
    for name, value in widths.items():
        L.append(f"  localparam int {name} = {value};")
    L += ["", "  // Engine word addresses saturate: AddrSat (all ones) lies above every scratchpad word",
          "  // (2^WordWidth at most). A sum at or above it, or with a saturated operand, is AddrSat: an",
          "  // address that has left the scratchpads stays out, it never wraps back in (C++: addr_add).",
          "  // The step b must be below 2^40.",
          "  localparam logic [AddrWidth-1:0] AddrSat = '1;",
          "  function automatic logic [AddrWidth-1:0] addr_add(input logic [AddrWidth-1:0] a,",
          "                                                    input logic [39:0] b);",
          "    logic [40:0] sum;",
          "    sum = 41'(a) + 41'(b);",
          "    if (a == AddrSat || sum >= 41'(AddrSat)) addr_add = AddrSat;",
          "    else addr_add = sum[AddrWidth-1:0];",
          "  endfunction"]
    L += ["", "  // systolic_top parameters: defaults and limits (inclusive), checked at elaboration"]
    for p in t["param"]:
        L.append(f"  localparam int {p['name']}Default = {p['default']};  // {p['doc']}")
        L.append(f"  localparam int {p['name']}Min = {p['min']};")
        L.append(f"  localparam int {p['name']}Max = {p['max']};")
    L += ["", "  // Host address regions: host_addr_i[RegionLsb +: RegionWidth]"]
    for r in t["region"]:
        L.append(f"  localparam logic [RegionWidth-1:0] Region{r['name']} = "
                 f"{widths['RegionWidth']}'d{r['index']};  // {r['doc']}")
    L += ["", "  // Registers of region 0: host_addr_i[LaneWidth-1:0]"]
    for r in t["reg"]:
        L.append(f"  localparam logic [LaneWidth-1:0] Reg{r['name']} = "
                 f"{widths['LaneWidth']}'d{r['index']};  // {r['access']}: {r['doc']}")
    L += ["", "  // Traffic counters: counter i is read at CntFirst + 2i (bits 31:0) and + 1 (bits 63:32)",
          f"  localparam int CntFirst = {t['counters']['first']};",
          f"  localparam int NumCnt = {len(t['counter'])};"]
    for i, c in enumerate(t["counter"]):
        L.append(f"  localparam int Cnt{c['name']} = {i};  // {c['doc']}")
    L += ["", "  // Register reset values (every other register resets to 0)"]
    for r in t["reg"]:
        if "reset" in r:
            bits = reg_bits(r, widths)
            v = r["reset"] & ((1 << bits) - 1)
            L.append(f"  localparam logic [{bits - 1}:0] Reg{r['name']}Reset = {bits}'h{v:x};")
    L += ["", "endpackage", ""]
    return "\n".join(L)


# ---- C++ header ----------------------------------------------------------------------------------
def cpp_type(bits):
    if bits == 1:
        return "bool"
    if bits <= 32:
        return "uint32_t"
    if bits <= 64:
        return "uint64_t"
    fail(f"scalar port of {bits} bits: make it a lane port")


def gen_cpp(t, widths, params):
    L = [f"// {BANNER}", "//",
         "// The engine's interface for C++: widths, host address map, register map, the",
         "// systolic_top parameters with their limits (TopParams), and the port lists of the modules",
         "// whose twins are compared with the RTL at their ports, as X-macros and port structs.",
         "#pragma once", "// clang-format off", "",
         "#include <cstdint>", "#include <optional>", "#include <stdexcept>", "#include <string>",
         "#include <vector>", "",
         "namespace systolic::iface {", "",
         "constexpr int clog2(int64_t v) {",
         "  int r = 0;",
         "  while ((int64_t{1} << r) < v) ++r;",
         "  return r;",
         "}",
         "constexpr int imax(int a, int b) { return a > b ? a : b; }",
         "constexpr int ipow2(int a) { return 1 << a; }", "",
         "// The L argument of a port-list X-macro for a reader of scalar ports only.",
         "#define SYSTOLIC_NO_LANES(name, lanes, bits, sgn)", "",
         "// Widths"]
    for name, value in widths.items():
        L.append(f"inline constexpr int k{name} = {value};")
    L += ["", "// Engine word addresses saturate at kAddrSat (systolic_pkg::addr_add): a sum at or above it,",
          "// or with a saturated operand, is kAddrSat, above every scratchpad word.",
          "inline constexpr uint64_t kAddrSat = (uint64_t{1} << kAddrWidth) - 1;",
          "inline constexpr uint64_t addr_add(uint64_t a, uint64_t b) {",
          "  return (a == kAddrSat || b >= kAddrSat || a + b >= kAddrSat) ? kAddrSat : a + b;",
          "}"]
    L += ["", "// Host address regions (host_addr_i[31:28])",
          "enum Region : uint32_t {"]
    for r in t["region"]:
        L.append(f"  k{r['name']} = {r['index']},  // {r['doc']}")
    L += ["};", "",
          "struct RegionInfo {",
          "  Region region;",
          "  const char* name;",
          "  int bits;         // element width (0: the register region)",
          "  bool is_signed;   // how a read extends the element to 32 bits",
          "  const char* doc;",
          "};",
          "inline constexpr RegionInfo kRegionTable[] = {"]
    for r in t["region"]:
        L.append(f"    {{k{r['name']}, \"{r['name'].upper()}\", {r.get('bits', 0)}, "
                 f"{'true' if r.get('signed') else 'false'}, \"{r['doc']}\"}},")
    L += ["};", "", "// Registers of region 0 (host_addr_i[7:0])", "enum Reg : uint32_t {"]
    for r in t["reg"]:
        L.append(f"  k{r['name']} = {r['index']},  // {r['access']}: {r['doc']}")
    L += ["};", "",
          "struct RegInfo {",
          "  Reg index;",
          "  const char* name;    // as in docs/architecture.md (CYC_BUSY, ...)",
          "  const char* access;  // W, R or RW",
          "  int bits;            // stored width",
          "  bool is_signed;      // read sign-extended",
          "  int32_t reset;       // value after reset",
          "  const char* doc;",
          "};",
          "inline constexpr RegInfo kRegTable[] = {"]
    for r in t["reg"]:
        upper = re.sub(r"(?<!^)(?=[A-Z])", "_", r["name"]).upper()
        L.append(f"    {{k{r['name']}, \"{upper}\", \"{r['access']}\", {reg_bits(r, widths)}, "
                 f"{'true' if r.get('signed') else 'false'}, {r.get('reset', 0)}, \"{r['doc']}\"}},")
    L += ["};", "",
          "// Traffic counters: counter i is read at kCntFirst + 2i (bits 31:0) and + 1 (bits 63:32)",
          f"inline constexpr int kCntFirst = {t['counters']['first']};",
          "enum Counter : int {"] + \
        [f"  kCnt{c['name']} = {i},  // {c['doc']}" for i, c in enumerate(t["counter"])] + \
        [f"  kNumCnt = {len(t['counter'])}", "};",
          "struct CounterInfo {",
          "  Counter counter;",
          "  const char* name;  // as in docs/architecture.md (SRAM_RD_A, ...)",
          "  const char* key;   // the report's JSON key (sram_rd_a, ...)",
          "  const char* doc;",
          "};",
          "inline constexpr CounterInfo kCounterTable[] = {"] + \
        [f"    {{kCnt{c['name']}, \"{snake(c['name']).upper()}\", \"{snake(c['name'])}\", "
         f"\"{c['doc']}\"}}," for c in t["counter"]] + \
        ["};", "",
          "inline constexpr uint32_t reg(Reg r) { return uint32_t(r); }",
          "inline constexpr uint32_t element(Region region, uint32_t word, uint32_t lane) {",
          "  return (uint32_t(region) << kRegionLsb) |",
          "         ((word & ((uint32_t{1} << kWordWidth) - 1)) << kWordLsb) |",
          "         (lane & ((uint32_t{1} << kLaneWidth) - 1));",
          "}",
          "inline constexpr uint32_t region_of(uint32_t addr) { return addr >> kRegionLsb; }",
          "// Bit of a scratchpad region in the per-region masks (spad_re_o, spad_we_o, wr_en_o,",
          "// mem_req_sp_o, sram_rd_i, sram_wr_i): bit i is region 1 + i.",
          "inline constexpr uint32_t region_bit(Region r) { return 1u << (uint32_t(r) - 1); }",
          "inline constexpr uint32_t word_of(uint32_t addr) {",
          "  return (addr >> kWordLsb) & ((uint32_t{1} << kWordWidth) - 1);",
          "}",
          "inline constexpr uint32_t lane_of(uint32_t addr) {",
          "  return addr & ((uint32_t{1} << kLaneWidth) - 1);",
          "}", "",
          "// systolic_top parameters: X(name, default, min, max, sweep key, doc)",
          "#define SYSTOLIC_PARAMS(X) \\"]
    for i, p in enumerate(t["param"]):
        end = " \\" if i + 1 < len(t["param"]) else ""
        L.append(f"  X({p['name']}, {p['default']}, {p['min']}, {p['max']}, "
                 f"\"{p.get('sweep_key', '')}\", \"{p['doc']}\"){end}")
    L += ["",
          "struct ParamInfo {",
          "  const char* name;",
          "  int64_t def, min, max;",
          "  const char* sweep_key;",
          "  const char* doc;",
          "};",
          "#define SYSTOLIC_PARAM_INFO(name, def, lo, hi, key, doc) {#name, def, lo, hi, key, doc},",
          "inline constexpr ParamInfo kParamTable[] = {SYSTOLIC_PARAMS(SYSTOLIC_PARAM_INFO)};",
          "#undef SYSTOLIC_PARAM_INFO",
          "#define SYSTOLIC_PARAM_LIMITS(name, def, lo, hi, key, doc) \\",
          "  inline constexpr int k##name##Min = lo; \\",
          "  inline constexpr int k##name##Max = hi;",
          "SYSTOLIC_PARAMS(SYSTOLIC_PARAM_LIMITS)",
          "#undef SYSTOLIC_PARAM_LIMITS", "",
          "// A parameter value outside its limits: one line naming it (std::invalid_argument).",
          "inline void check_param(const char* name, int64_t value) {",
          "  for (const ParamInfo& i : kParamTable) {",
          "    if (std::string(i.name) != name) continue;",
          "    if (value < i.min || value > i.max) {",
          "      throw std::invalid_argument(std::string(name) + \" = \" + std::to_string(value) +",
          "                                  \" is outside \" + std::to_string(i.min) + \"..\" +",
          "                                  std::to_string(i.max) + \" (\" + i.doc + \")\");",
          "    }",
          "    return;",
          "  }",
          "  throw std::logic_error(std::string(\"no parameter \") + name);",
          "}", "",
          "// A port that differs between two sides: its name (lane ports: name[lane]) and values.",
          "struct PortDiff {",
          "  std::string port;",
          "  uint64_t a = 0, b = 0;",
          "};", ""]
    # Parameter structs, port lists, port structs.
    for mod, m in t["module"].items():
        cname = CPP_NAMES[mod]
        mparams = m["params"]
        for n in mparams:
            if n not in params:
                fail(f"module {mod}: unknown parameter {n}")
        pstruct = "TopParams" if mod == "systolic_top" else f"{cname}Params"
        L.append(f"// ---- {mod} (rtl/{mod}.sv) " + "-" * max(0, 80 - len(mod) * 2 - 20))
        L.append(f"struct {pstruct} {{")
        for n in mparams:
            L.append(f"  int {n} = {params[n]['default']};  // {params[n]['doc']}")
        L += ["  // Every parameter inside its limits, else std::invalid_argument naming it.",
              "  void validate() const {"]
        for n in mparams:
            L.append(f"    check_param(\"{n}\", {n});")
        L += ["  }",
              "  std::string name() const { return std::to_string(Rows) + \"x\" + std::to_string(Cols); }",
              f"  bool operator==(const {pstruct}& o) const {{",
              "    return " + " && ".join(f"{n} == o.{n}" for n in mparams) + ";",
              "  }",
              f"  bool operator!=(const {pstruct}& o) const {{ return !(*this == o); }}",
              "};"]
        if mod != "systolic_top":
            L += [f"template <class P>",
                  f"{pstruct} {mod}_params(const P& top) {{",
                  f"  {pstruct} p;"]
            for n in mparams:
                L.append(f"  p.{n} = top.{n};")
            L += ["  return p;", "}"]
        for d, suffix in (("in", "INPUTS"), ("out", "OUTPUTS")):
            ports = [x for x in m["ports"] if x["dir"] == d]
            macro = f"SYSTOLIC_{mod.upper()}_{suffix}"
            L.append(f"// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed)"
                     f" for lane ports")
            L.append(f"#define {macro}(X, L) \\")
            for i, x in enumerate(ports):
                end = " \\" if i + 1 < len(ports) else ""
                if "lanes" in x:
                    L.append(f"  L({x['name']}, {translate(x['lanes'], widths, mparams, 'cpp')}, "
                             f"{translate(x['bits'], widths, mparams, 'cpp')}, "
                             f"{'true' if x.get('signed') else 'false'}){end}")
                else:
                    bits = max_width(x["width"], widths, params, mparams)
                    L.append(f"  X({x['name']}, {cpp_type(bits)}, "
                             f"{translate(x['width'], widths, mparams, 'cpp')}){end}")
        # Port structs.
        for d, suffix, sname in (("in", "INPUTS", "In"), ("out", "OUTPUTS", "Out")):
            macro = f"SYSTOLIC_{mod.upper()}_{suffix}"
            has_lanes = any("lanes" in x for x in m["ports"] if x["dir"] == d)
            L += [f"struct {cname}{sname} {{",
                  "#define SYSTOLIC_X(name, type, width) type name = 0;",
                  "#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;",
                  f"  {macro}(SYSTOLIC_X, SYSTOLIC_L)",
                  "#undef SYSTOLIC_X", "#undef SYSTOLIC_L"]
            # Default-constructed: lane ports empty; from the parameters: lane ports sized.
            L += [f"  {cname}{sname}() = default;",
                  f"  explicit {cname}{sname}(const {pstruct}& p) {{"]
            if has_lanes:
                L += ["#define SYSTOLIC_X(name, type, width)",
                      "#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);",
                      f"    {macro}(SYSTOLIC_X, SYSTOLIC_L)",
                      "#undef SYSTOLIC_X", "#undef SYSTOLIC_L"]
            else:
                L += ["    (void)p;"]
            L += ["  }"]
            L.append("};")
        # Comparator of the outputs.
        out_macro = f"SYSTOLIC_{mod.upper()}_OUTPUTS"
        L += [f"// The first output port that differs between two sides (lane ports lane by lane, "
              f"within their bits).",
              f"inline std::optional<PortDiff> compare_ports(const {cname}Out& a, "
              f"const {cname}Out& b) {{",
              "#define SYSTOLIC_X(name, type, width) \\",
              "  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};",
              "#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \\",
              "  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \\",
              "    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \\",
              "    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \\",
              "      return PortDiff{std::string(#name) + \"[\" + std::to_string(i) + \"]\",          \\",
              "                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \\",
              "  }",
              f"  {out_macro}(SYSTOLIC_X, SYSTOLIC_L)",
              "#undef SYSTOLIC_X", "#undef SYSTOLIC_L",
              "  return std::nullopt;",
              "}", ""]
    L += ["}  // namespace systolic::iface", ""]
    return "\n".join(L)


def gen_cmake(t, widths, params):
    L = [f"# {BANNER}"]
    for mod, m in t["module"].items():
        L.append(f"set(SYSTOLIC_{mod.upper()}_PARAM_NAMES {' '.join(m['params'])})")
    defaults = ",".join(f"{p['name']}={p['default']}" for p in t["param"]
                        if p["name"] not in ("Rows", "Cols"))
    L.append(f"set(SYSTOLIC_TOP_PARAM_DEFAULTS \"{defaults}\")")
    for p in t["param"]:
        L.append(f"set(SYSTOLIC_PARAM_{p['name']}_MIN {p['min']})")
        L.append(f"set(SYSTOLIC_PARAM_{p['name']}_MAX {p['max']})")
    return "\n".join(L) + "\n"


def write_if_changed(path, text, check):
    old = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = f.read()
    if old == text:
        return True
    if check:
        print(f"gen_interface: {os.path.relpath(path, ROOT)} is out of date", file=sys.stderr)
        return False
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cmake", help="also write the CMake fragment here")
    ap.add_argument("--check", action="store_true", help="only check that the files are current")
    a = ap.parse_args()
    t, widths, params = load()
    ok = write_if_changed(SV_OUT, gen_sv(t, widths, params), a.check)
    ok = write_if_changed(CPP_OUT, gen_cpp(t, widths, params), a.check) and ok
    if a.cmake:
        ok = write_if_changed(a.cmake, gen_cmake(t, widths, params), a.check) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
