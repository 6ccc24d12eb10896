#!/usr/bin/python3
"""Every parameter limit of rtl/systolic_if.toml is enforced the same way everywhere.

  test_limits.py SYSTOLIC

For each systolic_top parameter, at min - 1, min, max and max + 1:
  - RTL elaboration: verilator --lint-only of systolic_top with -G<param>=<value> accepts exactly
    the values inside the limits (the others stop elaboration with an error naming the parameter);
  - the model and the sweep: `systolic sweep-point --resolve` (TopParams::validate() and the grid
    keys) accepts exactly the same values and names the parameter otherwise;
  - the command line: the options that set a parameter (--rows, --cols, --weight-banks) accept
    exactly the same values.
Prints "test_limits: N passed, M failed".
"""
import json
import os
import subprocess
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTOLIC = sys.argv[1]
with open(os.path.join(ROOT, "rtl", "systolic_if.toml"), "rb") as f:
    TABLE = tomllib.load(f)
RTL = ["systolic_pkg.sv", "systolic_top.sv", "systolic_regs.sv", "tile_ctrl.sv", "spad.sv",
       "ram_1r1w.sv", "input_skew.sv", "output_deskew.sv", "delay_line.sv", "pe_array.sv", "pe_row.sv",
       "mac_pe.sv", "acc_stage.sv", "requant.sv"]
# Small memories keep elaboration quick; the parameter under test overrides its own.
SMALL = {"Rows": 4, "Cols": 4, "AWords": 16, "BWords": 16, "CWords": 16, "QWords": 2,
         "AccWords": 8, "RequantDepth": 3, "WeightBanks": 2}
OPTIONS = {"Rows": "--rows", "Cols": "--cols", "WeightBanks": "--weight-banks"}

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")


def rtl_accepts(name, value):
    params = dict(SMALL, **{name: value})
    args = ["verilator", "--lint-only", "-Wall", "-Irtl", "rtl/lint.vlt"] + \
        [f"rtl/{f}" for f in RTL] + ["--top-module", "systolic_top"] + \
        [f"-G{k}={v}" for k, v in params.items()]
    p = subprocess.run(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode == 0, p.stdout


def sweep_accepts(key, value):
    req = {"configs": [{key: value}], "shapes": [], "engine": "model"}
    p = subprocess.run([SYSTOLIC, "sweep-point", "--resolve"], input=json.dumps(req),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode == 0, p.stderr


def cli_accepts(option, value):
    p = subprocess.run([SYSTOLIC, "run", "--engine", "model", "--timing-only", "--no-fp-compare",
                        "-M", "1", "-N", "1", "-K", "1", option, str(value)],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode == 0, p.stderr


for prm in TABLE["param"]:
    name, lo, hi, key = prm["name"], prm["min"], prm["max"], prm.get("sweep_key", "")
    for value, inside in ((lo - 1, False), (lo, True), (hi, True), (hi + 1, False)):
        ok, out = rtl_accepts(name, value)
        check(ok == inside and (inside or name in out),
              f"RTL elaboration with {name} = {value}: {'accepted' if ok else out.strip()[:300]}")
        if key == "double_buffer":  # a boolean key: true = 2 banks, false = 1
            continue
        if key:
            ok, err = sweep_accepts(key, value)
            check(ok == inside and (inside or name in err),
                  f"sweep-point --resolve with {key} = {value}: {'accepted' if ok else err.strip()}")
        if name in OPTIONS:
            ok, err = cli_accepts(OPTIONS[name], value)
            check(ok == inside, f"systolic run {OPTIONS[name]} {value}: "
                                f"{'accepted' if ok else err.strip()}")

print(f"test_limits: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
