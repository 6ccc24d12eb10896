#!/usr/bin/python3
"""Coverage-guided mutation fuzzer for the sweep's spec and workload loaders (sweep/spec.py,
sweep/workloads.py), which are Python: libFuzzer cannot reach them and Debian ships no Python
fuzzing engine, so this is a small one in the same spirit.

An input is one tag byte and a body: Y (a YAML spec), J (a JSON spec), T (a SCALE-Sim topology
CSV), G (a GEMM CSV); any other first byte picks one of the four by its value. The body is written
to a file in a scratch directory that also holds `net.csv` (a valid topology, so a spec's
workloads can name it) and handed to the loader as `systolic sweep` would.

A finding: any exception other than the loaders' own SpecError / WorkloadError; an error message
that is empty, spans several lines or names no file; an input that runs longer than --timeout
seconds. Each finding is saved under --crashes and ends the run with exit status 1.

Coverage: the (file, previous line, line) arcs executed inside sweep/; an input that adds an arc
joins the corpus. Mutations: bit flips, byte insertions and deletions, a chunk copied, a splice with
another corpus entry, and tokens of the formats (YAML, JSON and CSV syntax, the spec's keys,
numbers at the limits).

  fuzz_spec.py --corpus DIR [--seconds N] [--runs N] [--crashes DIR] [--seed S] [--timeout S]

The last line printed is "fuzz_spec: N runs, N per second, coverage N, corpus N, crashes N".
"""
import argparse
import hashlib
import os
import random
import signal
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from sweep import spec as spec_mod  # noqa: E402
from sweep import workloads as wl  # noqa: E402

SWEEP_DIR = os.path.join(ROOT, "sweep")
MODES = {ord("Y"): ("spec.yaml", "spec"), ord("J"): ("spec.json", "spec"),
         ord("T"): ("topo.csv", "topology"), ord("G"): ("gemm.csv", "gemm")}
ORDER = [ord("Y"), ord("J"), ord("T"), ord("G")]
NET_CSV = ("Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
           "Num Filter, Strides,\nconv1, 8, 8, 3, 3, 2, 4, 1,\n")
TOKENS = [b"grid:", b"workloads:", b"engine:", b"seed:", b"name:", b"rows:", b"cols:",
          b"topology: net.csv", b"gemm_file: net.csv", b"gemm: {M: 1, N: 1, K: 1}", b"- ",
          b"\n  - ", b"{", b"}", b"[", b"]", b":", b",", b"\"", b"'", b"&a ", b"*a", b"<<: *a",
          b"!!python/object:os.system", b"!!binary", b"null", b"true", b"~", b".inf", b"-.inf",
          b".nan", b"1e999", b"-1", b"0", b"16777215", b"16777216", b"18446744073709551616",
          b"0x10", b"1_000", b"#", b"\t", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf",
          b"Layer name,", b"M, N, K", b"/dev/zero", b"..", b"~/"]


class Finding(Exception):
    pass


def mode_of(data):
    b = data[0] if data else ord("Y")
    return b if b in MODES else ORDER[b % 4]


def run_one(data, scratch):
    """Loads `data` as the loaders would; returns normally or raises Finding."""
    name, kind = MODES[mode_of(data)]
    path = os.path.join(scratch, name)
    with open(path, "wb") as f:
        f.write(data[1:])
    try:
        if kind == "spec":
            spec_mod.load(path)
        elif kind == "topology":
            wl.load_topology(path)
        else:
            wl.load_gemm_file(path)
    except (spec_mod.SpecError, wl.WorkloadError) as e:
        msg = str(e)
        if not msg.strip():
            raise Finding("empty error message")
        if "\n" in msg or "\r" in msg:
            raise Finding(f"error message of several lines: {msg[:200]!r}")
        if not msg.startswith(path) and "net.csv" not in msg:
            raise Finding(f"error message names no file: {msg[:200]!r}")
    except RecursionError:
        raise Finding("RecursionError (unbounded nesting)")
    except Exception as e:  # noqa: BLE001: anything else is what we look for
        raise Finding(f"{type(e).__name__}: {str(e)[:200]}")


class Tracer:
    """Arcs executed in sweep/ during one input."""

    def __init__(self):
        self.arcs = set()
        self.prev = {}

    def global_trace(self, frame, event, arg):
        if frame.f_code.co_filename.startswith(SWEEP_DIR):
            return self.local_trace
        return None

    def local_trace(self, frame, event, arg):
        if event == "line":
            key = id(frame)
            code = frame.f_code
            self.arcs.add((code.co_filename, code.co_name, self.prev.get(key, -1), frame.f_lineno))
            self.prev[key] = frame.f_lineno
        elif event == "return":
            self.prev.pop(id(frame), None)
        return self.local_trace


def mutate(rng, data, corpus):
    d = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if op == 0 and len(d) > 1:  # bit flip
            i = rng.randrange(1, len(d))
            d[i] ^= 1 << rng.randrange(8)
        elif op == 1:  # random byte inserted
            i = rng.randint(1, len(d))
            d[i:i] = bytes([rng.randrange(256)])
        elif op == 2 and len(d) > 1:  # chunk deleted
            i = rng.randrange(1, len(d))
            del d[i:i + rng.randint(1, 16)]
        elif op == 3 and len(d) > 1:  # chunk copied elsewhere
            i = rng.randrange(1, len(d))
            chunk = d[i:i + rng.randint(1, 32)]
            j = rng.randint(1, len(d))
            d[j:j] = chunk
        elif op == 4:  # token inserted
            i = rng.randint(1, len(d))
            d[i:i] = rng.choice(TOKENS)
        elif op == 5 and corpus:  # splice with another entry
            other = rng.choice(corpus)
            i = rng.randint(1, len(d))
            j = rng.randint(1, max(1, len(other)))
            d = d[:i] + bytearray(other[j:])
        elif op == 6 and len(d) > 1:  # a digit run replaced by a limit value
            i = rng.randrange(1, len(d))
            if chr(d[i]).isdigit():
                j = i
                while j < len(d) and chr(d[j]).isdigit():
                    j += 1
                d[i:j] = rng.choice([b"0", b"-1", b"16777216", b"99999999999999999999", b"1.5"])
    if not d:
        d = bytearray(b"Y")
    return bytes(d[:65536])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--runs", type=int, default=0, help="stop after this many inputs (0: no limit)")
    ap.add_argument("--crashes", default=None)
    ap.add_argument("--seed", default=None)
    ap.add_argument("--timeout", type=float, default=10)
    a = ap.parse_args()
    if a.seed is not None and not a.seed.isdigit():
        ap.error(f"--seed {a.seed!r} is not a non-negative integer")
    seed = int(a.seed) if a.seed is not None else int.from_bytes(os.urandom(4), "little")
    print(f"fuzz_spec: seed {seed}", flush=True)
    rng = random.Random(seed)
    crashes = a.crashes or os.path.join(a.corpus, "..", "crashes")
    os.makedirs(a.corpus, exist_ok=True)

    def alarm(signum, frame):
        raise Finding(f"timeout: more than {a.timeout} s")

    signal.signal(signal.SIGALRM, alarm)
    tracer = Tracer()
    seen = set()
    corpus = []
    runs = found = 0

    def execute(data):
        nonlocal runs
        runs += 1
        tracer.arcs = set()
        tracer.prev = {}
        sys.settrace(tracer.global_trace)
        signal.setitimer(signal.ITIMER_REAL, a.timeout)
        try:
            run_one(data, scratch)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.settrace(None)
        new = tracer.arcs - seen
        seen.update(tracer.arcs)
        return bool(new)

    def save_finding(data, why):
        nonlocal found
        found += 1
        os.makedirs(crashes, exist_ok=True)
        path = os.path.join(crashes, "crash-" + hashlib.sha1(data).hexdigest())
        with open(path, "wb") as f:
            f.write(data)
        print(f"fuzz_spec: finding: {why} (input saved as {path})", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as scratch:
        with open(os.path.join(scratch, "net.csv"), "w") as f:
            f.write(NET_CSV)
        for name in sorted(os.listdir(a.corpus)):
            with open(os.path.join(a.corpus, name), "rb") as f:
                data = f.read(65536)
            try:
                execute(data)
            except Finding as e:
                save_finding(data, str(e))
            corpus.append(data)
        if not corpus:
            corpus.append(b"Y")
        start = time.monotonic()
        while found == 0 and time.monotonic() - start < a.seconds and (a.runs == 0 or runs < a.runs):
            data = mutate(rng, rng.choice(corpus), corpus)
            try:
                if execute(data):
                    corpus.append(data)
                    with open(os.path.join(a.corpus, hashlib.sha1(data).hexdigest()), "wb") as f:
                        f.write(data)
            except Finding as e:
                save_finding(data, str(e))
        elapsed = max(time.monotonic() - start, 1e-9)
    print(f"fuzz_spec: {runs} runs, {int(runs / elapsed)} per second, coverage {len(seen)}, "
          f"corpus {len(corpus)}, crashes {found}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
