"""`systolic sweep SPEC [--out DIR] [--jobs N] [--scheduler tcp://HOST:PORT] [--no-plots]`.
The `systolic` binary parses the command line and execs this with --systolic naming itself."""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

from . import results, runner, spec as spec_mod, task as task_mod


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _resolve(systolic, spec):
    """Checks every configuration (grid keys, values, each layer fits) in the binary that holds
    the grid-key table; returns its answer."""
    shapes = {}
    for w in spec.workloads:
        for layer in w.layers:
            shapes.setdefault((layer.M, layer.N, layer.K), f"{w.name} layer {layer.name}")
    shapes = [{"M": m, "N": n, "K": k, "where": where} for (m, n, k), where in shapes.items()]
    req = {"configs": spec.configs, "shapes": shapes, "engine": spec.engine}
    try:
        proc = subprocess.run([systolic, "sweep-point", "--resolve"], input=json.dumps(req),
                              capture_output=True, text=True)
    except OSError as e:
        raise runner.RunError(f"cannot run {systolic}: {e}") from None
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        msg = lines[-1].replace("systolic: error: ", "") if lines else f"exit {proc.returncode}"
        raise spec_mod.SpecError(f"{spec.path}: {msg}")
    return json.loads(proc.stdout)


def _point_key(engine, cfg, workload, seed):
    ident = {"engine": engine, "values": cfg["values"], "params": cfg["params"],
             "workload": workload.name, "seed": seed,
             "layers": [list(l) for l in workload.layers]}
    return hashlib.sha1(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:20]


def _cache_dir():
    """As sim/eval/synth_cache.h: $SYSTOLIC_CACHE_DIR, else $XDG_CACHE_HOME/systolic, else
    ~/.cache/systolic."""
    if os.environ.get("SYSTOLIC_CACHE_DIR"):
        return os.path.abspath(os.environ["SYSTOLIC_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return os.path.join(os.environ["XDG_CACHE_HOME"], "systolic")
    return os.path.join(os.path.expanduser("~"), ".cache", "systolic")


def _label(values, varying):
    return " ".join(f"{k}={values[k]}" for k in varying) or "the configuration"


def main(argv=None):
    p = Parser(prog="systolic sweep", add_help=True)
    p.add_argument("spec")
    p.add_argument("--systolic", required=True, help="the systolic binary")
    p.add_argument("--out", default=None)
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    p.add_argument("--scheduler", default=None)
    p.add_argument("--no-plots", action="store_true")
    a = p.parse_args(argv)
    if a.jobs < 1:
        raise UsageError(f"--jobs {a.jobs} must be at least 1")

    spec = spec_mod.load(a.spec)
    resolved = _resolve(a.systolic, spec)
    keys = resolved["keys"]
    varying = [k for k, v in spec.grid.items() if len(v) > 1]
    out_dir = os.path.abspath(a.out or f"sweep-{spec.name}")
    cache_dir = _cache_dir()

    # One point per (configuration, workload); configurations that resolve to the same machine
    # are one configuration.
    tasks, seen = [], set()
    for cfg in resolved["configs"]:
        for w in spec.workloads:
            key = _point_key(spec.engine, cfg, w, spec.seed)
            if key in seen:
                continue
            seen.add(key)
            tasks.append({
                "id": len(tasks), "key": key, "systolic": os.path.abspath(a.systolic),
                "cache_dir": cache_dir,
                "rtl": cfg["rtl"], "values": cfg["values"], "params": cfg["params"],
                "workload": w.name,
                "label": f"{_label(cfg['values'], varying)} / {w.name}",
                "point": {"engine": spec.engine, "seed": spec.seed, "config": cfg["values"],
                          "workload": w.name,
                          "layers": [l._asdict() for l in w.layers]},
            })

    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise runner.RunError(f"cannot create the output directory {out_dir}: {e}") from None
    done = runner.read_journal(out_dir)
    pending = [t for t in tasks if t["key"] not in done]
    progress = runner.Progress(len(tasks), len(tasks) - len(pending))
    journal = runner.Journal(out_dir)
    failures = []

    def on_done(res):
        t = tasks[res["id"]]
        if res["ok"]:
            entry = {"key": t["key"], "values": t["values"], "workload": t["workload"],
                     "host": res["host"], "seconds": res["seconds"], "result": res["result"],
                     "finished": time.time()}
            journal.append(entry)
            done[t["key"]] = entry
        else:
            failures.append({"config": t["values"], "workload": t["workload"],
                             "error": res["error"]})
            sys.stderr.write(f"\nsweep: point {t['label']} failed: {res['error']}\n")
        progress.point(t["label"], res["ok"])

    # One synthesis task per array configuration the pending points need (cached ones return at
    # once), so that the points that share an array do not each run Yosys.
    synth = {}
    for t in pending:
        p = t["params"]
        synth.setdefault((p["Rows"], p["Cols"], p["WeightBanks"]), None)
    synth_tasks = [{"id": i, "key": f"{r}x{c}_wb{wb}_{int(time.time() * 1e6)}",
                    "systolic": os.path.abspath(a.systolic), "cache_dir": cache_dir, "rows": r,
                    "cols": c, "weight_banks": wb} for i, (r, c, wb) in enumerate(synth)]
    synth_seconds = []

    def on_synth(res):
        synth_seconds.append(res["seconds"])
        if len(synth_seconds) == len(synth_tasks):
            progress.restart()  # the ETA counts point times only

    t0 = time.monotonic()
    try:
        if a.scheduler:
            runner.run_dask(pending, a.scheduler, on_done, synth_tasks, on_synth,
                            progress.synthesis)
        else:
            progress.synthesis(len(synth_tasks))
            runner.run_local(synth_tasks, a.jobs, on_synth, fn=task_mod.run_synth)
            runner.run_local(pending, a.jobs, on_done)
    finally:
        journal.close()
    wall = time.monotonic() - t0

    records = []
    for t in tasks:
        e = done.get(t["key"])
        if e is not None:
            records += results.point_records(spec.engine, t["values"], t["workload"], e["result"])
    meta = {"spec": spec.path, "name": spec.name, "engine": spec.engine, "seed": spec.seed,
            "points": len(tasks), "points_run": len(pending), "wall_seconds": wall,
            "scheduler": a.scheduler, "jobs": None if a.scheduler else a.jobs}
    csv_path, json_path = results.write(out_dir, meta, keys, records, failures)
    plots = []
    if records and not a.no_plots:
        try:
            from . import plots as plots_mod
            plots = plots_mod.make(out_dir, records, keys, varying)
        except ImportError:
            sys.stderr.write("sweep: no plots: python3-matplotlib is not installed\n")

    n_cfg = len({json.dumps(t["values"], sort_keys=True) for t in tasks})
    print(f"systolic sweep: {spec.name}: {n_cfg} configurations x {len(spec.workloads)} "
          f"workloads = {len(tasks)} points, engine {spec.engine}; "
          f"{len(pending) - len(failures)} run in {wall:.1f} s, "
          f"{len(tasks) - len(pending)} from the journal, {len(failures)} failed")
    print(f"  results  {csv_path}")
    print(f"           {json_path}")
    for pth in plots:
        print(f"  plot     {pth}")
    if failures:
        raise runner.RunError(f"{len(failures)} of {len(tasks)} points failed (first: "
                              f"{_label(failures[0]['config'], varying)} / "
                              f"{failures[0]['workload']}: {failures[0]['error']}); rerun to "
                              "retry them, finished points are kept")
    return 0


def entry():
    try:
        sys.exit(main())
    except UsageError as e:
        sys.stderr.write(f"systolic: error: {e} (see 'systolic sweep --help')\n")
        sys.exit(2)
    except (spec_mod.SpecError, runner.RunError) as e:
        sys.stderr.write(f"systolic: error: {e}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("\nsystolic: error: interrupted; finished points are in the journal\n")
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
