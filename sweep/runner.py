"""Runs sweep points locally (a thread per job, each driving one `systolic sweep-point` process)
or on a Dask cluster, appends every finished point to the journal as it arrives, and shows
progress with an ETA on stderr."""
import concurrent.futures
import json
import os
import sys
import time

from . import task as task_mod

JOURNAL = "journal.jsonl"


class RunError(Exception):
    """A user-facing failure of the run itself (not of a point): one line."""


def read_journal(out_dir):
    """{point key: journal entry} of the points finished so far. A line cut short (the sweep was
    killed while writing it) is ignored; a later entry for a key replaces an earlier one."""
    done = {}
    path = os.path.join(out_dir, JOURNAL)
    if not os.path.exists(path):
        return done
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                e = json.loads(line)
                done[e["key"]] = e
            except (ValueError, KeyError, TypeError):
                continue
    return done


class Journal:
    def __init__(self, out_dir):
        path = os.path.join(out_dir, JOURNAL)
        # A line cut short by a kill must not glue onto the next entry.
        needs_newline = False
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path, "rb") as f:
                f.seek(-1, os.SEEK_END)
                needs_newline = f.read(1) != b"\n"
        self._f = open(path, "a", encoding="utf-8")
        if needs_newline:
            self._f.write("\n")

    def append(self, entry):
        self._f.write(json.dumps(entry, sort_keys=True) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def close(self):
        self._f.close()


def _clock(seconds):
    seconds = int(round(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """A bar on a terminal, one line per finished point otherwise (logs, CI)."""

    def __init__(self, total, skipped, stream=sys.stderr):
        self.total, self.skipped, self.done, self.failed = total, skipped, 0, 0
        self.stream = stream
        self.tty = stream.isatty()
        self.t0 = time.monotonic()
        if skipped:
            stream.write(f"sweep: {skipped} of {total} points already done (journal), "
                         f"{total - skipped} to run\n")
        self._show(None)

    def _show(self, label):
        todo = self.total - self.skipped
        finished = self.skipped + self.done
        elapsed = time.monotonic() - self.t0
        eta = (elapsed / self.done * (todo - self.done)) if self.done else None
        pct = 100.0 * finished / self.total if self.total else 100.0
        eta_s = _clock(eta) if eta is not None else "?"
        failed = f", {self.failed} failed" if self.failed else ""
        if self.tty:
            width = 30
            fill = int(width * finished / self.total) if self.total else width
            self.stream.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {finished}/{self.total} "
                              f"points {pct:3.0f}%{failed}  elapsed {_clock(elapsed)}  "
                              f"ETA {eta_s}   ")
            if finished == self.total:
                self.stream.write("\n")
        elif label is not None:
            self.stream.write(f"sweep: {finished}/{self.total} points ({pct:.0f}%{failed}), "
                              f"elapsed {_clock(elapsed)}, ETA {eta_s}: {label}\n")
        self.stream.flush()

    def synthesis(self, n):
        if n:
            self.stream.write(f"sweep: synthesis of {n} array configurations (Yosys, cached)\n")
            self.stream.flush()

    def restart(self):
        self.t0 = time.monotonic()

    def point(self, label, ok):
        self.done += 1
        self.failed += not ok
        self._show(label)


def run_local(tasks, jobs, on_done, fn=task_mod.run_point):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(fn, t) for t in tasks]
        try:
            for f in concurrent.futures.as_completed(futures):
                on_done(f.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def run_dask(tasks, address, on_done, synth_tasks, on_synth, announce):
    try:
        import cloudpickle
        import distributed
    except ImportError:
        raise RunError("--scheduler needs Dask: apt-get install python3-distributed") from None
    # Workers import nothing of this project: the task function travels by value.
    cloudpickle.register_pickle_by_value(task_mod)
    try:
        client = distributed.Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as e:
        raise RunError(f"cannot reach the Dask scheduler at {address}: {e}") from None
    try:
        if not client.scheduler_info().get("workers"):
            client.wait_for_workers(1, timeout=30)
        # Warm the synthesis cache first: one Yosys run per array configuration.
        announce(len(synth_tasks))
        warm = [client.submit(task_mod.run_synth, t, key=f"sweep-synth-{t['key']}", pure=False)
                for t in synth_tasks]
        for f in distributed.as_completed(warm):
            try:
                on_synth(f.result())
            except Exception:  # noqa: BLE001 - the points report synthesis failures themselves
                pass
        futures = [client.submit(task_mod.run_point, t, key=f"sweep-point-{t['key']}",
                                 pure=False) for t in tasks]
        for f in distributed.as_completed(futures):
            try:
                res = f.result()
            except Exception as e:  # noqa: BLE001 - e.g. KilledWorker after repeated deaths
                tid = next(t["id"] for t, g in zip(tasks, futures) if g is f)
                res = {"id": tid, "ok": False, "error": f"Dask: {type(e).__name__}: {e}",
                       "host": "?", "seconds": 0.0}
            on_done(res)
    except (TimeoutError, OSError) as e:
        raise RunError(f"Dask scheduler {address}: {e}") from None
    finally:
        client.close()
