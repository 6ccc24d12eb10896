#!/usr/bin/python3
"""Tests of `systolic sweep` end to end (docs/sweeps.md).

  testbench/test_sweep.py PATH/systolic GROUP [RTL_CONFIGS]

GROUP:
  model     a model-engine sweep: record count, per-layer and TOTAL arithmetic, cycles at or below
            SCALE-Sim's WS figure, every number against an independent command (`systolic run
            --timing-only`, `systolic compare`, `systolic synth`), CSV = JSON, plots, progress;
            resumption from the journal (whole, and after a cut-short journal) with equal results
  failures  a point that fails at run time is reported with its error, the others finish, exit 1
  rtl       model timing-only cycles equal the RTL engine's (real data, checked against the
            reference GEMM) on every built configuration (RTL_CONFIGS, as SYSTOLIC_RTL_CONFIGS)
  rtl_cache a configuration not built in: verilated and built once into the RTL cache, reused
            by the next sweep, cycles equal to the model's
  dask      a scheduler and two workers on 127.0.0.1 (free ports): the sweep through them equals a
            local run; a worker killed mid-sweep loses no point; everything is shut down after
SYSTOLIC_SEED=N sets the seed of the RTL group's data (printed).
"""
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SYSTOLIC = None
FAILS = []
PASSES = 0
VOLATILE = {"wall_seconds"}  # measured, not simulated: excluded from equality checks


def check(cond, what):
    global PASSES
    if cond:
        PASSES += 1
    else:
        FAILS.append(what)
        print(f"FAIL: {what}", flush=True)


def sweep(spec, out, *args, cwd=None, check_rc=0, env=None):
    proc = subprocess.run([SYSTOLIC, "sweep", spec, "--out", out, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))
    if check_rc is not None and proc.returncode != check_rc:
        print(f"sweep {spec} {' '.join(args)}: exit {proc.returncode}\nstdout:\n{proc.stdout}\n"
              f"stderr:\n{proc.stderr}", flush=True)
        check(False, f"sweep {os.path.basename(spec)} exit status {proc.returncode}, "
                     f"expected {check_rc}")
    return proc


def results(out):
    with open(os.path.join(out, "results.json")) as f:
        return json.load(f)


def stable(records):
    return [{k: v for k, v in r.items() if k not in VOLATILE} for r in records]


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def run_json(args, tmp):
    path = os.path.join(tmp, "cmd.json")
    proc = subprocess.run([SYSTOLIC, *args, "--json", path], capture_output=True, text=True)
    if proc.returncode != 0:
        check(False, f"systolic {' '.join(args)}: {proc.stderr.strip()}")
        return None
    with open(path) as f:
        return json.load(f)


CONV_CSV = """Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
Conv1, 30, 30, 3, 3, 3, 16, 2,

Conv2, 14, 14, 3, 3, 16, 24, 1,
Conv3, 12, 12, 1, 1, 24, 40, 1,
"""
GEMM_CSV = "# M, N, K\n64,64,64\nsmall,1,5,3\n"


def group_model(tmp):
    os.makedirs(os.path.join(tmp, "wl"))
    write(os.path.join(tmp, "wl", "tiny_conv.csv"), CONV_CSV)
    write(os.path.join(tmp, "wl", "gemms.csv"), GEMM_CSV)
    spec = os.path.join(tmp, "spec.yaml")
    write(spec, """grid:
  rows: [4, 8]
  cols: [4, 8]
  double_buffer: [true, false]
workloads:
  - topology: wl/tiny_conv.csv
  - gemm: {name: fc, M: 100, N: 72, K: 300}
  - gemm_file: wl/gemms.csv
""")
    out = os.path.join(tmp, "out")
    # From another directory: the workload paths resolve against the spec's directory.
    p = sweep(spec, out, "--jobs", "2", cwd="/")
    check("ETA" in p.stderr, "progress with an ETA on stderr")
    check(f"results  {out}/results.csv" in p.stdout, "prints where the results are")
    for png in ("utilization.png", "cycles_vs_area.png", "speedup_vs_fp.png"):
        path = os.path.join(out, png)
        ok = os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
        check(ok, f"plot {png} written as PNG")
        check(f"plot     {path}" in p.stdout, f"prints where {png} is")
    res = results(out)
    recs = res["records"]
    check(res["points"] == 8 * 3,
          f"8 configurations x 3 workloads = 24 points, got {res['points']}")
    check(len(recs) == 8 * (3 + 1 + 1 + 1 + 2 + 1), f"record count {len(recs)}, expected 8 x 9")
    with open(os.path.join(out, "results.csv")) as f:
        rows = list(csv.DictReader(f))
    check(len(rows) == len(recs), "results.csv has a row per JSON record")
    check(rows and [int(r["cycles"]) for r in rows] == [r["cycles"] for r in recs],
          "results.csv cycles equal results.json's")

    # Model points ran in process (the Python module); a process per point gives the same records.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    from sweep import task as sweep_task
    if os.path.isdir(os.path.join(os.path.dirname(os.path.abspath(SYSTOLIC)), "python")):
        check(sweep_task.in_process_module({"point": {"engine": "model"}, "systolic": SYSTOLIC})
              is not None, "the sweep finds the build's Python module for model points")
    else:  # sanitizer builds have no module: both runs use processes
        print("test_sweep model: no Python module in this build: points run as processes")
    out_proc = os.path.join(tmp, "out_processes")
    sweep(spec, out_proc, "--jobs", "2", "--no-plots", cwd="/",
          env={"SYSTOLIC_SWEEP_IN_PROCESS": "0"})
    check(stable(results(out_proc)["records"]) == stable(recs),
          "a process per point gives the records of the in-process points")

    layers = [r for r in recs if r["layer"] != "TOTAL"]
    check(all(r["cycles"] <= r["scalesim_ws_cycles"] for r in layers if r["layer"] != "small"),
          "every layer but the 1x5x3 GEMM at or below SCALE-Sim's WS cycles")
    # One tile: M + Rows + Cols + RequantDepth + 1 (docs/architecture.md), above SCALE-Sim's
    # 2R + C + M - 3, which has no output stage.
    check(all(r["cycles"] == 1 + r["rows"] + r["cols"] + 3 + 1 for r in layers  # N = 5 <= Cols
              if r["layer"] == "small" and r["cols"] >= 5),
          "the 1x5x3 GEMM takes one tile's cycles")
    check(all(r["cycles"] == r["wstall_cycles"] + r["compute_cycles"] + r["drain_cycles"]
              + r["output_cycles"] for r in layers), "phases sum to the cycles")
    conv1 = [r for r in layers if r["layer"] == "Conv1"]
    # im2col: out = ceil((30 - 3 + 2) / 2) = 15: M = 225, N = 16, K = 27.
    check(all((r["M"], r["N"], r["K"]) == (225, 16, 27) for r in conv1),
          "Conv1 lowered by im2col")
    for r in layers:
        pes = r["rows"] * r["cols"]
        check(r["ideal_cycles"] == -(-r["M"] * r["N"] * r["K"] // pes) and
              r["macs"] == r["M"] * r["N"] * r["K"], f"MACs and ideal cycles of {r['layer']}")
        check(abs(r["utilization"] - r["ideal_cycles"] / r["cycles"]) < 1e-12, "utilization")
        check(r["array_cells"] > 0 and r["array_depth"] > 0 and r["pe_cells"] > 0,
              "synthesis numbers present")
    for t in (r for r in recs if r["layer"] == "TOTAL"):
        parts = [r for r in layers if r["workload"] == t["workload"] and
                 all(r[k] == t[k] for k in ("rows", "cols", "double_buffer"))]
        check(t["cycles"] == sum(r["cycles"] for r in parts) and
              t["fp32_scalar_cycles"] == sum(r["fp32_scalar_cycles"] for r in parts) and
              abs(t["speedup_vs_fp16_array"] - t["fp16_array_cycles"] / t["cycles"]) < 1e-12,
              f"TOTAL of {t['workload']} sums its layers")
    # Double-buffering off never helps, and costs cycles on the multi-tile conv layers.
    for r in layers:
        twin = [x for x in layers if x["layer"] == r["layer"] and x["workload"] == r["workload"]
                and x["rows"] == r["rows"] and x["cols"] == r["cols"]
                and x["double_buffer"] != r["double_buffer"]]
        if r["double_buffer"] and twin:
            check(twin[0]["cycles"] >= r["cycles"], f"double_buffer off >= on ({r['layer']})")

    # Independent commands on a few records.
    for r in [x for x in layers if x["layer"] in ("Conv2", "fc", "gemm0")][:6]:
        wb = "2" if r["double_buffer"] else "1"
        rep = run_json(["run", "--engine", "model", "--timing-only", "--rows", str(r["rows"]),
                        "--cols", str(r["cols"]), "--weight-banks", wb, "-M", str(r["M"]),
                        "-N", str(r["N"]), "-K", str(r["K"])], tmp)
        if rep:
            check(rep["cycles"] == r["cycles"] and rep["scalesim_ws_cycles"] ==
                  r["scalesim_ws_cycles"] and rep["cycles_by_phase"]["compute"] ==
                  r["compute_cycles"], f"{r['layer']} {r['rows']}x{r['cols']} wb{wb}: cycles "
                  f"equal `systolic run --timing-only`")
    for r in [x for x in layers if x["layer"] == "gemm0" and x["double_buffer"]]:
        cmp = run_json(["compare", "--rows", str(r["rows"]), "--cols", str(r["cols"]),
                        "-M", "64", "-N", "64", "-K", "64"], tmp)
        if cmp:
            m = {x["id"]: x["cycles"] for x in cmp["machines"]}
            for f in ("fp32", "fp16", "bf16"):
                for mach in ("scalar", "array"):
                    check(m[f"{f}_{mach}"] == r[f"{f}_{mach}_cycles"],
                          f"{f}_{mach} cycles equal the simulated machine of `systolic compare`")
            check(m["int8_array"] == r["cycles"], "INT8 cycles equal `systolic compare`'s")
        syn = run_json(["synth", "--rows", str(r["rows"]), "--cols", str(r["cols"])], tmp)
        if syn:
            check((syn["array_cells"], syn["array_depth"], syn["pe_cells"]) ==
                  (r["array_cells"], r["array_depth"], r["pe_cells"]),
                  "synthesis numbers equal `systolic synth`'s")

    # Resumption: a rerun runs nothing and gives the same results.
    p = sweep(spec, out, "--jobs", "2")
    check("0 run in" in p.stdout and "24 from the journal" in p.stdout,
          f"a rerun skips every finished point: {p.stdout.splitlines()[:1]}")
    check(stable(results(out)["records"]) == stable(recs), "rerun results equal")
    # A journal cut short (killed sweep): 10 whole points and a torn line.
    jpath = os.path.join(out, "journal.jsonl")
    lines = open(jpath).read().splitlines(True)
    write(jpath, "".join(lines[:10]) + lines[10][: len(lines[10]) // 2])
    p = sweep(spec, out, "--jobs", "2")
    check("14 run in" in p.stdout and "10 from the journal" in p.stdout,
          f"a cut-short journal resumes the 14 missing points: {p.stdout.splitlines()[:1]}")
    check(stable(results(out)["records"]) == stable(recs), "resumed results equal")
    # The same spec as JSON gives the same results.
    jspec = os.path.join(tmp, "spec.json")
    write(jspec, json.dumps({"grid": {"rows": [4, 8], "cols": [4, 8],
                                      "double_buffer": [True, False]},
                             "workloads": [{"topology": "wl/tiny_conv.csv"},
                                           {"gemm": {"name": "fc", "M": 100, "N": 72, "K": 300}},
                                           {"gemm_file": "wl/gemms.csv"}]}))
    out2 = os.path.join(tmp, "out_json")
    sweep(jspec, out2, "--jobs", "1", "--no-plots")
    check(stable(results(out2)["records"]) == stable(recs), "JSON spec = YAML spec")
    check(not os.path.exists(os.path.join(out2, "utilization.png")), "--no-plots")
    group_memory(tmp)


def group_precision(tmp):
    """The precision key: w4a4 and w4a8 points run on dual-mode PEs (int4 1), in about half the
    cycles of int8 (K packed in pairs), utilization against their own peak (2 x Rows x Cols)."""
    spec = os.path.join(tmp, "prec.yaml")
    write(spec, "grid: {rows: [8], cols: [8], precision: [int8, w4a8, w4a4]}\n"
                "workloads: [{gemm: {name: fc, M: 100, N: 72, K: 300}}]\n")
    out = os.path.join(tmp, "prec_out")
    sweep(spec, out, "--no-plots")
    recs = {r["precision"]: r for r in results(out)["records"] if r["layer"] == "fc"}
    check(set(recs) == {"int8", "w4a8", "w4a4"}, f"one record per precision: {sorted(recs)}")
    if set(recs) == {"int8", "w4a8", "w4a4"}:
        i8 = recs["int8"]
        for p in ("w4a8", "w4a4"):
            i4 = recs[p]
            check(i8["int4"] == 0 and i4["int4"] == 1, f"a {p} point sets int4 to 1")
            check(i8["macs"] == i4["macs"] == 100 * 72 * 300, f"MACs of the GEMM in int8 and {p}")
            check(i4["ideal_cycles"] == -(-i4["macs"] // 128), f"{p} ideal cycles at 2 x 8 x 8 MACs")
            check(i4["cycles"] <= 0.55 * i8["cycles"], f"{p} {i4['cycles']} vs int8 {i8['cycles']}")
            check(i4["pe_cells"] != i8["pe_cells"], f"synthesis of the dual-mode PE for {p} points")


def group_dataflow(tmp):
    """The dataflow key: ws, os and best points of one array; os and best set dataflows to 3
    (both), best runs per layer the dataflow with fewer cycles and says which; OS cycles equal
    a `systolic run --dataflow os` of the same layer. On 6x6 (no such build: the default
    scratchpads on both sides): `deep` has a K one above a multiple of Rows (WS streams a K-tile
    of one row), `tall` an M one above (OS a tile of one row)."""
    spec = os.path.join(tmp, "df.yaml")
    write(spec, "grid: {rows: [6], cols: [6], dataflow: [ws, os, best]}\n"
                "workloads: [{gemm: {name: deep, M: 60, N: 6, K: 61}},"
                " {gemm: {name: tall, M: 61, N: 6, K: 60}}]\n")
    out = os.path.join(tmp, "df_out")
    sweep(spec, out, "--no-plots")
    recs = {(r["dataflow"], r["layer"]): r for r in results(out)["records"] if r["layer"] != "TOTAL"}
    check(len(recs) == 6, f"one record per dataflow and layer: {sorted(recs)}")
    if len(recs) != 6:
        return
    for layer in ("deep", "tall"):
        ws, os_, best = (recs[(d, layer)] for d in ("ws", "os", "best"))
        check(ws["dataflows"] == 1 and os_["dataflows"] == 3 == best["dataflows"],
              f"{layer}: dataflows {ws['dataflows']} {os_['dataflows']} {best['dataflows']}")
        check(ws["dataflow_run"] == "ws" and os_["dataflow_run"] == "os", f"{layer}: runs")
        check(best["best_ws_cycles"] == ws["cycles"] and best["best_os_cycles"] == os_["cycles"],
              f"{layer}: best saw both ({best['best_ws_cycles']}, {best['best_os_cycles']})")
        check(best["cycles"] == min(ws["cycles"], os_["cycles"]), f"{layer}: best is the fewer")
        check(best["dataflow_run"] == ("os" if os_["cycles"] < ws["cycles"] else "ws"),
              f"{layer}: best names its choice")
        check(os_["pe_cells"] > ws["pe_cells"], f"{layer}: the PE of both dataflows is larger")
        rep = run_json(["run", "--engine", "model", "--timing-only", "--rows", "6", "--cols", "6",
                        "-M", str(ws["M"]), "-N", str(ws["N"]), "-K", str(ws["K"]),
                        "--no-fp-compare", "--dataflow", "os"], tmp)
        check(rep is not None and rep["cycles"] == os_["cycles"],
              f"{layer}: sweep OS cycles = systolic run's")
    check(recs[("best", "deep")]["dataflow_run"] == "os", "OS wins the deep layer")
    check(recs[("best", "tall")]["dataflow_run"] == "ws", "WS wins the tall layer")


def group_memory(tmp):
    """Memory commands in a sweep (grid key dram_bw): every layer's cycles, phases and memory
    bytes equal `systolic run --timing-only --dram` of the same GEMM (an independent process
    through the run command), the roofline recomputed from the record, the two memory plots."""
    spec = os.path.join(tmp, "mem.yaml")
    write(spec, """grid: {rows: [8], cols: [8], dram_bw: [4, inf], dram_latency: [50]}
workloads:
  - gemm: {name: tall, M: 300, N: 24, K: 40}
  - gemm: {name: wide, M: 20, N: 200, K: 70}
engine: model
""")
    out = os.path.join(tmp, "mem_out")
    p = sweep(spec, out)
    recs = results(out)["records"]
    layers = [r for r in recs if r["layer"] != "TOTAL"]
    check(len(layers) == 4, f"memory sweep: 4 layer records, got {len(layers)}")
    for r in layers:
        bw = "inf" if r["dram_bw"] == "inf" else str(int(r["dram_bw"]))
        rep = run_json(["run", "--engine", "model", "--timing-only", "--dram", "--dram-bw", bw,
                        "--dram-latency", "50", "--rows", "8", "--cols", "8", "-M", str(r["M"]),
                        "-N", str(r["N"]), "-K", str(r["K"]), "--no-fp-compare"], tmp)
        ph = rep["cycles_by_phase"]
        check((rep["cycles"], ph["load"], ph["store"], rep["dram_bytes_read"],
               rep["dram_bytes_written"]) ==
              (r["cycles"], r["load_cycles"], r["store_cycles"], r["dram_bytes_read"],
               r["dram_bytes_written"]), f"memory sweep {r['layer']} bw {bw} equals run --dram")
        moved = r["dram_bytes_read"] + r["dram_bytes_written"]
        roof = max(r["ideal_cycles"], -(-moved // 4) if bw == "4" else 0)
        check(r["roofline_cycles"] == roof, f"roofline of {r['layer']} bw {bw}")
        check(r["cycles"] == r["load_cycles"] + r["store_cycles"] + r["wstall_cycles"] +
              r["compute_cycles"] + r["drain_cycles"] + r["output_cycles"],
              f"memory sweep {r['layer']}: cycles = the phases")
    for png in ("roofline.png", "cycles_vs_bandwidth.png"):
        path = os.path.join(out, png)
        check(os.path.exists(path) and open(path, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
              f"memory plot {png}")
    # The compute-only sweep of group_model has no memory keys.
    check(all("dram_bytes_read" not in r for r in results(os.path.join(tmp, "out"))["records"]),
          "compute-only records carry no memory keys")


def group_failures(tmp):
    spec = os.path.join(tmp, "spec.yaml")
    write(spec, """grid: {rows: [4], cols: [4]}
engine: rtl
workloads:
  - gemm: {name: ok, M: 9, N: 7, K: 5}
  - gemm: {name: huge, M: 16777215, N: 64, K: 64}
  - gemm: {name: ok2, M: 3, N: 3, K: 3}
""")
    out = os.path.join(tmp, "out")
    p = sweep(spec, out, "--jobs", "2", check_rc=1)
    err = p.stderr.strip().splitlines()
    check(err and err[-1].startswith("systolic: error: 1 of 3 points failed") and
          "huge" in err[-1], f"the last stderr line names the failure: {err[-1:]}")
    check(any("point" in e and "huge failed" in e and "too large for the rtl engine" in e
              for e in err), "the failing point is reported with its error")
    check(p.stdout.count("results  ") == 1, "results are still written")
    res = results(out)
    names = sorted({r["workload"] for r in res["records"]})
    check(names == ["ok", "ok2"], f"the other points finished: {names}")
    check(len(res["failed"]) == 1 and res["failed"][0]["workload"] == "huge",
          "results.json lists the failed point")
    check(all(r["matches_reference"] is True for r in res["records"]),
          "RTL points match the reference GEMM")


def parse_configs(text):
    """SYSTOLIC_RTL_CONFIGS entries -> grid dicts the sweep can express."""
    out = []
    for entry in filter(None, text.replace("|", ";").split(";")):
        size, _, over = entry.partition(":")
        r, c = (int(x) for x in size.split("x"))
        g = {"rows": [r], "cols": [c]}
        for kv in filter(None, over.split(",")):
            k, v = kv.split("=")
            if k == "WeightBanks":
                g["double_buffer"] = [v == "2"]
            else:
                g = None
                break
        if g is not None:
            out.append(g)
    return out


def group_rtl(tmp, configs):
    seed = os.environ.get("SYSTOLIC_SEED", "1")
    seed = int(time.time()) % 100000 if seed == "random" else int(seed)
    print(f"test_sweep rtl: seed {seed} (replay with SYSTOLIC_SEED={seed})", flush=True)
    write(os.path.join(tmp, "shapes.csv"),
          "1,1,1\n33,17,9\n20,40,70\n64,64,64\n1100,9,13\n7,3,200\n")
    grids = parse_configs(configs)
    check(grids, f"some built configuration to compare ({configs})")
    for i, g in enumerate(grids):
        recs = {}
        for engine in ("model", "rtl"):
            spec = os.path.join(tmp, f"{i}_{engine}.yaml")
            write(spec, json.dumps({"grid": g, "engine": engine, "seed": seed,
                                    "workloads": [{"gemm_file": "shapes.csv"}]}))
            out = os.path.join(tmp, f"out_{i}_{engine}")
            p = sweep(spec, out, "--no-plots", "--jobs", "1")
            if p.returncode != 0:
                break
            recs[engine] = results(out)["records"]
        if len(recs) != 2:
            continue
        keys = ("layer", "M", "N", "K", "cycles", "wstall_cycles", "compute_cycles",
                "drain_cycles", "output_cycles", "commands", "macs", "fp32_array_cycles")
        same = [tuple(r[k] for k in keys) for r in recs["model"]] == \
               [tuple(r[k] for k in keys) for r in recs["rtl"]]
        check(same, f"{g}: model timing-only cycles equal the RTL engine's on every shape")
        check(all(r["matches_reference"] is True for r in recs["rtl"]),
              f"{g}: the RTL results match the reference GEMM")
        check(all(r["matches_reference"] is None for r in recs["model"]),
              f"{g}: the model engine runs timing-only (no reference check)")


def group_rtl_cache(tmp):
    """A configuration the binary was not built with: verilated once into a plug-in in the cache
    (sim/rtl/rtl_cache.h), reused by the next sweep, and equal in cycles to the model."""
    write(os.path.join(tmp, "shapes.csv"), "100,9,13\n7,3,20\n130,5,9\n")
    grid = {"rows": [4], "cols": [4], "acc_words": [48], "double_buffer": [False]}
    recs = {}
    for engine in ("model", "rtl"):
        spec = os.path.join(tmp, f"{engine}.yaml")
        write(spec, json.dumps({"grid": grid, "engine": engine,
                                "workloads": [{"gemm_file": "shapes.csv"}]}))
        p = sweep(spec, os.path.join(tmp, f"out_{engine}"), "--no-plots", "--jobs", "2")
        recs[engine] = results(os.path.join(tmp, f"out_{engine}"))["records"] \
            if p.returncode == 0 else []
    rtl_dir = os.path.join(os.environ["SYSTOLIC_CACHE_DIR"], "rtl-plugins")
    builds = os.listdir(rtl_dir) if os.path.isdir(rtl_dir) else []
    check(len(builds) == 1 and builds[0].startswith("4x4_AccWords-48_WeightBanks-1_"),
          f"one cached RTL plug-in keyed by the parameters: {builds}")
    keys = ("layer", "cycles", "wstall_cycles", "compute_cycles", "commands", "macs")
    check(recs["rtl"] and [[r[k] for k in keys] for r in recs["model"]] ==
          [[r[k] for k in keys] for r in recs["rtl"]], "cached RTL cycles equal the model's")
    check(recs["rtl"] and all(r["matches_reference"] is True for r in recs["rtl"]),
          "cached RTL results match the reference GEMM")
    if builds:
        binary = os.path.join(rtl_dir, builds[0], "libsystolic_top_plugin.so")
        mtime = os.path.getmtime(binary)
        t0 = time.monotonic()
        p = sweep(os.path.join(tmp, "rtl.yaml"), os.path.join(tmp, "out_again"), "--no-plots")
        check(p.returncode == 0 and os.path.getmtime(binary) == mtime,
              f"a second sweep reuses the build ({time.monotonic() - t0:.1f} s)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_dask(tmp):
    procs = []

    def start(args, name):
        log = open(os.path.join(tmp, f"{name}.log"), "w")
        p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                             cwd=tmp)
        procs.append(p)
        return p

    def stop(p):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        p.wait()

    try:
        port = free_port()
        addr = f"tcp://127.0.0.1:{port}"
        start(["dask-scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
              "scheduler")
        workers = [start(["dask-worker", addr, "--host", "127.0.0.1", "--nthreads", "1",
                          "--no-nanny", "--no-dashboard", "--name", f"w{i}"], f"worker{i}")
                   for i in range(2)]
        import distributed  # noqa: E402 - only this group needs it
        with distributed.Client(addr, timeout="30s") as c:
            c.wait_for_workers(2, timeout=60)
        print(f"test_sweep dask: scheduler {addr}, 2 workers", flush=True)

        # A small sweep through the cluster equals a local run.
        write(os.path.join(tmp, "gemms.csv"), GEMM_CSV)
        spec = os.path.join(tmp, "small.yaml")
        write(spec, "grid: {rows: [4, 8], cols: [4, 8]}\nworkloads:\n"
                    "  - gemm_file: gemms.csv\n  - gemm: {name: fc, M: 300, N: 50, K: 70}\n")
        sweep(spec, os.path.join(tmp, "local"), "--jobs", "2", "--no-plots")
        p = sweep(spec, os.path.join(tmp, "dask"), "--scheduler", addr, "--no-plots")
        local = results(os.path.join(tmp, "local"))["records"]
        check(p.returncode == 0 and stable(results(os.path.join(tmp, "dask"))["records"]) ==
              stable(local) and len(local) == 4 * 5, "Dask results equal the local run's")

        # Kill a worker mid-sweep: every point still finishes, none is lost. The points must last
        # long enough to kill a worker while others are pending (model points take milliseconds
        # since the timing-only fast-forward): twelve RTL points on the built 4x4 configuration,
        # each a process simulating about 100k cycles.
        spec = os.path.join(tmp, "slow.yaml")
        write(spec, "grid: {rows: [4], cols: [4]}\nengine: rtl\nworkloads:\n" +
              "".join(f"  - gemm: {{name: big{i}, M: {300 + i}, N: 64, K: 64}}\n"
                      for i in range(12)))
        out = os.path.join(tmp, "killed")
        sw = subprocess.Popen([SYSTOLIC, "sweep", spec, "--out", out, "--scheduler", addr,
                               "--no-plots"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
        jpath = os.path.join(out, "journal.jsonl")
        t0 = time.monotonic()
        done_at_kill = None
        while time.monotonic() - t0 < 120 and sw.poll() is None:
            if os.path.exists(jpath) and sum(1 for _ in open(jpath)) >= 2:
                done_at_kill = sum(1 for _ in open(jpath))
                stop(workers[0])
                break
            time.sleep(0.05)
        stdout, stderr = sw.communicate(timeout=300)
        check(done_at_kill is not None and done_at_kill < 12,
              f"a worker was killed mid-sweep (after {done_at_kill} of 12 points)")
        check(sw.returncode == 0, f"the sweep finished after the kill: exit {sw.returncode} "
                                  f"{stderr.strip().splitlines()[-1:]}")
        if sw.returncode == 0:
            res = results(out)
            check(len(res["records"]) == 12 * 2 and not res["failed"],
                  f"all 12 points after the kill: {len(res['records']) // 2}")
            sweep(spec, os.path.join(tmp, "killed_local"), "--no-plots", "--jobs", "2")
            check(stable(res["records"]) ==
                  stable(results(os.path.join(tmp, "killed_local"))["records"]),
                  "results after the kill equal a local run's")
    finally:
        for p in reversed(procs):
            stop(p)

    def group_gone(p):
        """No process is left in p's process group (its children included), within 10 s."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < 10:
            try:
                os.killpg(p.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.1)
        return False
    check(all(group_gone(p) for p in procs),
          "scheduler and workers shut down, no process of their groups left")


def main():
    global SYSTOLIC
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    SYSTOLIC, group = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="test_sweep_")
    os.environ["SYSTOLIC_CACHE_DIR"] = os.environ.get("SYSTOLIC_TEST_CACHE_DIR",
                                                      os.path.join(tmp, "cache"))
    try:
        if group == "model":
            group_model(tmp)
            group_precision(tmp)
            group_dataflow(tmp)
        elif group == "failures":
            group_failures(tmp)
        elif group == "rtl":
            group_rtl(tmp, sys.argv[3] if len(sys.argv) > 3 else "4x4")
        elif group == "rtl_cache":
            group_rtl_cache(tmp)
        elif group == "dask":
            group_dask(tmp)
        else:
            sys.exit(f"unknown group {group}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"test_sweep {group}: {PASSES} passed, {len(FAILS)} failed")
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
