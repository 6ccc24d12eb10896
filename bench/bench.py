#!/usr/bin/python3
"""Benchmarks of the engine, measured side by side in one run; prints markdown tables.

  scripts/bench.sh [speed] [util] [scalesim] [memory] [sweep]     (default: all five)
  scripts/bench.sh compare [--baseline REF_OR_BINARY] [--reps N]
  scripts/bench.sh build-time [--baseline REF]

speed     simulation speed in cycles/s of the plain C++ model core, its SystemC wrapper, the
          verilated RTL and the co-simulation, for 16x16 and 32x32, with the ratios the project
          targets (core >= 10x RTL, SystemC model >= 2x RTL, cosim >= 0.5x the slower alone).
util      utilization of a 512x512x512 GEMM on 16x16 (target >= 90 %).
scalesim  our cycles against SCALE-Sim's stall-free WS formula for every layer of
          workloads/scalesim (target: at or below on every layer).
memory    peak resident memory of the default run, and of a run 4x as long (no growth).
sweep     `systolic sweep examples/sweeps/resnet50.yaml`: the 54 ResNet-50 layers on 16 arrays,
          model engine, with a cold synthesis cache and then a warm one (target: under 60 s warm
          on 2 cores; every layer at or below SCALE-Sim's WS cycles).
compare   the speed table of this build against a baseline, side by side in one run: the baseline
          is a `systolic` binary, or a git ref built once into build-baseline/<commit>/ (target
          `systolic` only). Runs alternate between the two binaries, REPS times per engine and
          array (default 5); the table gives the best and the median engine-busy cycles/s of each
          and their ratios. A shared 2-core virtual machine is noisy (the same binary varies by up
          to 2x between runs): alternating, and the best of several runs, keep the ratio fair.
build-time  a cold build of this tree and of the baseline ref (fresh build directories, ccache
          off), one after the other, each `cmake -S . -B DIR -G Ninja && cmake --build DIR -j2`.

Uses only the `systolic` binary (build/systolic) and Debian's python3.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTOLIC = os.environ.get("SYSTOLIC", os.path.join(ROOT, "build", "systolic"))
WORKLOADS = os.path.join(ROOT, "workloads", "scalesim")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, ROOT)
from sweep import workloads  # noqa: E402


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
    """(network, layer, M, N, K) for every row of the SCALE-Sim topology files (conv layers lowered
    by im2col as SCALE-Sim does: sweep/workloads.py)."""
    for sub in ("conv_nets", "mlperf", "GEMM_mnk"):
        d = os.path.join(WORKLOADS, sub)
        for fname in sorted(os.listdir(d)):
            if fname.endswith(".csv"):
                for layer in workloads.load_topology(os.path.join(d, fname)):
                    yield fname[:-4], layer.name, layer.M, layer.N, layer.K


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


def sweep_bench():
    spec = os.path.join(ROOT, "examples", "sweeps", "resnet50.yaml")
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SYSTOLIC_CACHE_DIR=os.path.join(tmp, "cache"))
        for run_name in ("cold", "warm"):
            out = os.path.join(tmp, run_name)
            t0 = time.monotonic()
            proc = subprocess.run([SYSTOLIC, "sweep", spec, "--out", out, "--jobs", "2"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            walls[run_name] = time.monotonic() - t0
            if proc.returncode != 0:
                sys.exit(f"bench: systolic sweep failed:\n{proc.stderr.decode()}")
            with open(os.path.join(out, "results.json")) as f:
                res = json.load(f)
    recs = res["records"]
    layers = [r for r in recs if r["layer"] != "TOTAL"]
    totals = [r for r in recs if r["layer"] == "TOTAL"]
    at_or_below = sum(r["cycles"] <= r["scalesim_ws_cycles"] for r in layers)
    worst = max(r["vs_scalesim"] for r in layers)
    sim = sum(r["wall_seconds"] for r in layers)
    print("### Sweep: ResNet-50 (54 layers) x 16 arrays, model engine, `--jobs 2`\n")
    print("| synthesis cache | wall time (whole command) | points | layer runs | simulation "
          "(sum over layers) | layers at or below SCALE-Sim WS | worst layer ratio |")
    print("|---|---|---|---|---|---|---|")
    for run_name in ("cold", "warm"):
        print(f"| {run_name} | {walls[run_name]:.1f} s | {res['points']} | {len(layers)} "
              f"| {sim:.1f} s | {at_or_below} of {len(layers)} | {worst:.3f} |")
    print("\n| array | cycles | utilization | ours / SCALE-Sim | pe_array cells | depth "
          "| speedup vs FP32 scalar | vs FP32 array |")
    print("|---|---|---|---|---|---|---|---|")
    for t in totals:
        print(f"| {t['rows']}x{t['cols']} | {t['cycles']:,} | {100 * t['utilization']:.1f} % "
              f"| {t['vs_scalesim']:.3f} | {t['array_cells']:,} | {t['array_depth']} "
              f"| {t['speedup_vs_fp32_scalar']:.0f}x | {t['speedup_vs_fp32_array']:.2f}x |")
    print()


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def build_ref(ref, ccache=True, build_dir=None):
    """Builds `systolic` of a git ref in a worktree under build-baseline/; returns (binary, s)."""
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    base = os.path.join(ROOT, "build-baseline", sha[:12])
    src = os.path.join(base, "src")
    out = build_dir or os.path.join(base, "build")
    binary = os.path.join(out, "systolic")
    if not os.path.exists(src):
        os.makedirs(base, exist_ok=True)
        git("worktree", "add", "--detach", src, sha)
    env = dict(os.environ)
    if not ccache:
        env["CCACHE_DISABLE"] = "1"
    t0 = time.monotonic()
    if not os.path.exists(binary) or build_dir:
        for cmd in (["cmake", "-S", src, "-B", out, "-G", "Ninja"],
                    ["cmake", "--build", out, "-j2"] + ([] if build_dir else ["--target",
                                                                            "systolic"])):
            p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != 0:
                sys.exit(f"bench: building {ref} failed:\n{p.stdout.decode()[-3000:]}")
    return binary, time.monotonic() - t0


def option(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        if i + 1 >= len(sys.argv):
            sys.exit(f"bench: {name} needs a value")
        return sys.argv[i + 1]
    return default


def compare():
    baseline = option("--baseline", "cfe0d8f")
    reps = int(option("--reps", "5"))
    base_bin = baseline if os.path.isfile(baseline) else build_ref(baseline)[0]
    shapes = {"model": ["-M", "1024", "-N", "256", "-K", "256"],
              "sc-model": ["-M", "512", "-N", "256", "-K", "256"],
              "rtl": ["-M", "256", "-N", "256", "-K", "256"],
              "cosim": ["-M", "256", "-N", "256", "-K", "256"],
              # the sweeps' path: the model engine without data
              "model timing-only": ["-M", "8192", "-N", "256", "-K", "256", "--timing-only"]}
    rates = {}
    for rep in range(reps):
        for n in (16, 32):
            for engine, shape in shapes.items():
                for side, binary in (("base", base_bin), ("new", SYSTOLIC)):
                    rep_json = run_with(binary, ["--engine", engine.split()[0], "--rows", str(n),
                                                 "--cols", str(n), *shape, "--no-fp-compare"])
                    rates.setdefault((n, engine, side), []).append(
                        rep_json["cycles"] / rep_json["engine_seconds"])
    med = {k: sorted(v)[len(v) // 2] for k, v in rates.items()}
    best = {k: max(v) for k, v in rates.items()}
    print(f"### Speed against {baseline}: engine-busy cycles/s, {reps} alternating runs each\n")
    print("Best: the fastest run of each (the least disturbed by the other tenants of a shared "
          "machine); median: the middle one.\n")
    print("| array | engine | baseline best | this tree best | ratio (best) | baseline median "
          "| this tree median | ratio (median) |")
    print("|---|---|---|---|---|---|---|---|")
    for n in (16, 32):
        for engine in shapes:
            b, t = best[(n, engine, "base")], best[(n, engine, "new")]
            bm, tm = med[(n, engine, "base")], med[(n, engine, "new")]
            print(f"| {n}x{n} | {engine} | {b:,.0f} | {t:,.0f} | {t / b:.3f} | {bm:,.0f} "
                  f"| {tm:,.0f} | {tm / bm:.3f} |")
    print()


def build_time():
    baseline = option("--baseline", "cfe0d8f")
    rows = []
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        env = dict(os.environ, CCACHE_DISABLE="1")
        for name, src in (("this tree", ROOT), (baseline, None)):
            if src is None:
                _, secs = build_ref(baseline, ccache=False, build_dir=os.path.join(tmp, "base"))
            else:
                out = os.path.join(tmp, "this")
                t0 = time.monotonic()
                for cmd in (["cmake", "-S", src, "-B", out, "-G", "Ninja"],
                            ["cmake", "--build", out, "-j2"]):
                    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT)
                    if p.returncode != 0:
                        sys.exit(f"bench: the cold build failed:\n{p.stdout.decode()[-3000:]}")
                secs = time.monotonic() - t0
            rows.append((name, secs))
    print("### Cold build (fresh build directory, ccache off, -j2)\n")
    print("| tree | configure + build |")
    print("|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs / 60:.1f} min |")
    print(f"\nThis tree / {baseline}: {rows[0][1] / rows[1][1]:.2f}\n")


def run_with(binary, args):
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        proc = subprocess.run([binary, "run", *args, "--json", tmp.name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if proc.returncode != 0:
            sys.exit(f"bench: {binary} run {' '.join(args)} failed:\n{proc.stderr.decode()}")
        with open(tmp.name) as f:
            return json.load(f)


def main():
    if not os.path.exists(SYSTOLIC):
        sys.exit("bench: build/systolic is missing: build first (README command 1)")
    todo = [a for a in sys.argv[1:] if not a.startswith("--")] or \
        ["speed", "util", "scalesim", "memory", "sweep"]
    todo = [t for t in todo if t not in (option("--baseline", None), option("--reps", None))]
    for t in todo:
        {"speed": speed, "util": util, "scalesim": scalesim, "memory": memory,
         "sweep": sweep_bench, "compare": compare, "build-time": build_time}[t]()


if __name__ == "__main__":
    main()
