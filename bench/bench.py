#!/usr/bin/python3
"""Benchmarks of the engine, measured side by side in one run; prints markdown tables.

  scripts/bench.sh [speed] [util] [scalesim] [memory]     (default: all four)

speed     simulation speed in cycles/s of the plain C++ model core, its SystemC wrapper, the
          verilated RTL and the co-simulation, for 16x16 and 32x32, with the ratios the project
          targets (core >= 10x RTL, SystemC model >= 2x RTL, cosim >= 0.5x the slower alone).
util      utilization of a 512x512x512 GEMM on 16x16 (target >= 90 %).
scalesim  our cycles against SCALE-Sim's stall-free WS formula for every layer of
          ../shared/workloads/scalesim (target: at or below on every layer).
memory    peak resident memory of the default run, and of a run 4x as long (no growth).

Uses only the `systolic` binary (build/systolic) and Debian's python3.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTOLIC = os.path.join(ROOT, "build", "systolic")
WORKLOADS = os.path.join(ROOT, "..", "shared", "workloads", "scalesim")


def run(args):
    """Runs `systolic run ARGS --json`; returns the report."""
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        proc = subprocess.run([SYSTOLIC, "run", *args, "--json", tmp.name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = proc.stderr
        if proc.returncode != 0:
            sys.exit(f"bench: systolic run {' '.join(args)} failed:\n{err.decode()}")
        with open(tmp.name) as f:
            rep = json.load(f)
    return rep


def run_rss(args):
    """Runs `systolic ARGS` and returns its peak resident memory in MiB."""
    proc = subprocess.Popen([SYSTOLIC, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: systolic {' '.join(args)} failed")
    return usage.ru_maxrss / 1024.0


def speed():
    rates = {}
    for n in (16, 32):
        for engine in ("model", "sc-model", "rtl", "cosim"):
            rep = run(["--engine", engine, "--rows", str(n), "--cols", str(n),
                       "-M", "256", "-N", "256", "-K", "256"])
            rates[(n, engine, "all")] = rep["sim_cycles"] / rep["wall_seconds"]
            rates[(n, engine, "busy")] = rep["cycles"] / rep["engine_seconds"]
    for kind, title in (("busy", "engine busy cycles only (start to done)"),
                        ("all", "every simulated cycle, host-port traffic included")):
        print(f"### Simulation speed, cycles/s: {title}; 256x256x256 GEMM\n")
        print("| array | C++ core | SystemC model | Verilated RTL | co-simulation | core / RTL "
              "| SystemC / RTL | cosim / slower alone |")
        print("|---|---|---|---|---|---|---|---|")
        for n in (16, 32):
            r = {e: rates[(n, e, kind)] for e in ("model", "sc-model", "rtl", "cosim")}
            slower = min(r["sc-model"], r["rtl"])
            print(f"| {n}x{n} | {r['model']:,.0f} | {r['sc-model']:,.0f} | {r['rtl']:,.0f} "
                  f"| {r['cosim']:,.0f} | {r['model'] / r['rtl']:.1f}x "
                  f"| {r['sc-model'] / r['rtl']:.1f}x | {r['cosim'] / slower:.2f}x |")
        print()


def util():
    rep = run(["--engine", "model", "--rows", "16", "--cols", "16",
               "-M", "512", "-N", "512", "-K", "512"])
    print("### Utilization, 512x512x512 on 16x16 (model engine)\n")
    print("| cycles | ideal | utilization | MACs/cycle | SCALE-Sim WS | matches reference |")
    print("|---|---|---|---|---|---|")
    print(f"| {rep['cycles']:,} | {rep['ideal_cycles']:,} | {100 * rep['utilization']:.2f} % "
          f"| {rep['macs_per_cycle']:.1f} | {rep['scalesim_ws_cycles']:,} "
          f"| {rep['matches_reference']} |\n")


def layers():
    """(network, layer, M, N, K) for every row of the SCALE-Sim topology files."""
    for sub in ("conv_nets", "mlperf", "GEMM_mnk"):
        d = os.path.join(WORKLOADS, sub)
        for fname in sorted(os.listdir(d)):
            if not fname.endswith(".csv"):
                continue
            with open(os.path.join(d, fname)) as f:
                rows = [r for r in csv.reader(f) if any(c.strip() for c in r)]
            for r in rows[1:]:
                v = [c.strip() for c in r if c.strip()]
                if sub == "GEMM_mnk":
                    m, n, k = int(v[1]), int(v[2]), int(v[3])
                else:
                    ih, iw, fh, fw, ch, nf, st = (int(x) for x in v[1:8])
                    oh = math.ceil((ih - fh + st) / st)
                    ow = math.ceil((iw - fw + st) / st)
                    m, n, k = oh * ow, nf, fh * fw * ch
                yield fname[:-4], v[0], m, n, k


def scalesim():
    for n in (16, 32):
        scalesim_array(n)


def scalesim_array(n):
    print(f"### Cycles against SCALE-Sim's WS formula, {n}x{n}, every topology layer "
          "(model engine, timing-only)\n")
    print("| network | layers | our cycles | SCALE-Sim WS | ours / SCALE-Sim | worst layer ratio "
          "| layers at or below |")
    print("|---|---|---|---|---|---|---|")
    nets = {}
    for net, layer, m, nn, k in layers():
        rep = run(["--engine", "model", "--timing-only", "--rows", str(n), "--cols", str(n),
                   "-M", str(m), "-N", str(nn), "-K", str(k)])
        t = nets.setdefault(net, [0, 0, 0, 0.0, 0])
        t[0] += 1
        t[1] += rep["cycles"]
        t[2] += rep["scalesim_ws_cycles"]
        ratio = rep["cycles"] / rep["scalesim_ws_cycles"]
        t[3] = max(t[3], ratio)
        t[4] += rep["cycles"] <= rep["scalesim_ws_cycles"]
    for net, (count, ours, ref, worst, ok) in nets.items():
        print(f"| {net} | {count} | {ours:,} | {ref:,} | {ours / ref:.3f} | {worst:.3f} "
              f"| {ok} of {count} |")
    print()


def memory():
    base = run_rss([])
    longer = run_rss(["run", "-M", "1024"])
    print("### Peak resident memory (default run: 16x16, 256^3, co-simulation)\n")
    print("| run | peak RSS |")
    print("|---|---|")
    print(f"| default (M = 256) | {base:.1f} MiB |")
    print(f"| 4x as long (M = 1024) | {longer:.1f} MiB |\n")


def main():
    if not os.path.exists(SYSTOLIC):
        sys.exit("bench: build/systolic is missing: build first (README command 1)")
    todo = sys.argv[1:] or ["speed", "util", "scalesim", "memory"]
    for t in todo:
        {"speed": speed, "util": util, "scalesim": scalesim, "memory": memory}[t]()


if __name__ == "__main__":
    main()
