"""One sweep point, run where it is scheduled (a local thread or a Dask worker): the `systolic
sweep-point` work over every layer of one workload on one configuration. Model-engine points run in
this process through the build's Python module (build/python next to the `systolic` binary:
about 3 ms a point against 34 ms for a process, docs/results.md); RTL points, or any point when
the module is missing or SYSTOLIC_SWEEP_IN_PROCESS=0, run the `sweep-point` subcommand in a
process. An RTL configuration the binary was not built with is verilated into a plug-in in the
cache by the binary itself (the same mechanism as `systolic run`), reused by later sweeps. Standard library only (and the module), pickled by value for Dask, so workers need
nothing but this project's checkout and the binaries at the same paths."""
import importlib
import json
import os
import socket
import subprocess
import sys
import time

def in_process_module(task):
    """The build's Python module for a model-engine point, or None (use a process). No state is
    kept here (this module is pickled by value for Dask): Python's import cache holds the module."""
    if task["point"]["engine"] != "model" or os.environ.get("SYSTOLIC_SWEEP_IN_PROCESS") == "0":
        return None
    pydir = os.path.join(os.path.dirname(os.path.abspath(task["systolic"])), "python")
    if not os.path.isdir(pydir):
        return None
    if pydir not in sys.path:
        sys.path.insert(0, pydir)
    try:
        return importlib.import_module("systolic")
    except ImportError:
        return None


def run_point(task):
    """Runs one point; never raises. Returns {"ok": True, "result": ...} or {"ok": False,
    "error": one line}, with the host and the wall time."""
    t0 = time.monotonic()
    out = {"id": task["id"], "host": socket.gethostname()}
    try:
        module = in_process_module(task)
        if module is not None:
            os.environ["SYSTOLIC_CACHE_DIR"] = task["cache_dir"]  # one cache per sweep
            try:
                out.update(ok=True, result=json.loads(module.sweep_point(json.dumps(task["point"]))),
                           in_process=True)
            except ValueError as e:
                out.update(ok=False, error=str(e))
            out["seconds"] = time.monotonic() - t0
            return out
        # An RTL configuration the binary was not built with is built on demand by the binary
        # itself, once, into the cache (sim/rtl/rtl_cache.h: concurrent points wait on its lock).
        binary = task["systolic"]
        env = dict(os.environ, SYSTOLIC_CACHE_DIR=task["cache_dir"])
        proc = subprocess.run([binary, "sweep-point"], input=json.dumps(task["point"]),
                              capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.splitlines() if line.strip()]
            msg = lines[-1] if lines else f"exit status {proc.returncode}"
            if proc.returncode < 0:
                msg = f"killed by signal {-proc.returncode}" + (f": {msg}" if lines else "")
            out.update(ok=False, error=msg.replace("systolic: error: ", ""))
        else:
            out.update(ok=True, result=json.loads(proc.stdout))
    except Exception as e:  # noqa: BLE001 - a point's failure is data, reported with the point
        out.update(ok=False, error=f"{e}")
    out["seconds"] = time.monotonic() - t0
    return out


def run_synth(task):
    """Warms the Yosys cache for one array configuration (`systolic synth`), so that the points
    that share it do not each run Yosys. Never raises; a failure shows again in the points."""
    t0 = time.monotonic()
    env = dict(os.environ, SYSTOLIC_CACHE_DIR=task["cache_dir"])
    proc = subprocess.run([task["systolic"], "synth", "--rows", str(task["rows"]), "--cols",
                           str(task["cols"]), "--weight-banks", str(task["weight_banks"])],
                          capture_output=True, text=True, env=env)
    return {"id": task["id"], "ok": proc.returncode == 0, "seconds": time.monotonic() - t0,
            "error": proc.stderr.strip().splitlines()[-1] if proc.returncode else None}
