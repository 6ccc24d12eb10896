"""The sweep spec (YAML or JSON): parameter grid, workloads, engine. Structure and workloads are
checked here; the grid keys and the configurations they make are checked by the `systolic` binary
(`systolic sweep-point --resolve`), which holds the one table of grid keys (sim/cli/cmd_sweep.cpp)."""
import itertools
import json
import os
from typing import Dict, List, NamedTuple

from . import workloads as wl

TOP_KEYS = ("name", "grid", "workloads", "engine", "seed")
MAX_POINTS = 100_000  # configurations in one grid (each runs every workload layer)
ENGINES = ("model", "rtl")


class SpecError(Exception):
    """A user error in the spec: one line (control characters escaped)."""

    def __init__(self, message):
        super().__init__(wl.printable(message))


class Workload(NamedTuple):
    name: str
    source: str  # the file it came from, or "inline"
    layers: List[wl.Layer]


class Spec(NamedTuple):
    path: str
    name: str
    grid: Dict[str, list]  # key -> values, in the spec's order
    configs: List[dict]    # the grid's cartesian product, each a {key: value}
    workloads: List[Workload]
    engine: str
    seed: int


def _load_document(path):
    if not os.path.exists(path):
        raise SpecError(f"{path}: no such spec file")
    if os.path.isdir(path):
        raise SpecError(f"{path}: is a directory, not a spec file")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read(wl.MAX_FILE_CHARS + 1)  # bounded: the path may be a device or a FIFO
    except (OSError, UnicodeDecodeError) as e:
        raise SpecError(f"{path}: cannot read: {e}") from None
    if len(text) > wl.MAX_FILE_CHARS:
        raise SpecError(f"{path}: larger than {wl.MAX_FILE_CHARS} characters")
    if path.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise SpecError(f"{path}:{e.lineno}: not valid JSON: {e.msg}") from None
    import yaml  # python3-yaml
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise SpecError(f"{where}: not valid YAML: {problem}") from None


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _workload(path, base, i, entry):
    where = f"{path}: workloads[{i}]"
    if not isinstance(entry, dict) or len(entry) == 0:
        raise SpecError(f"{where}: must be a mapping with one of topology, gemm_file or gemm")
    kinds = [k for k in ("topology", "gemm_file", "gemm") if k in entry]
    unknown = [k for k in entry if k not in ("topology", "gemm_file", "gemm", "name")]
    if unknown:
        raise SpecError(f"{where}: unknown key '{unknown[0]}' (known: topology, gemm_file, gemm, "
                        "name)")
    if len(kinds) != 1:
        raise SpecError(f"{where}: needs exactly one of topology, gemm_file or gemm")
    kind = kinds[0]
    name = entry.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise SpecError(f"{where}: name must be a non-empty string")
    if kind == "gemm":
        g = entry["gemm"]
        if not isinstance(g, dict):
            raise SpecError(f"{where}: gemm must be a mapping {{name, M, N, K}}")
        bad = [k for k in g if k not in ("name", "M", "N", "K")]
        if bad:
            raise SpecError(f"{where}: gemm: unknown key '{bad[0]}' (known: name, M, N, K)")
        dims = []
        for d in "MNK":
            v = g.get(d)
            if not _is_int(v):
                raise SpecError(f"{where}: gemm: {d} must be an integer, not {v!r}")
            if v < 1 or v > wl.MAX_DIM:
                raise SpecError(f"{where}: gemm: {d} = {v} must be in 1..{wl.MAX_DIM}")
            dims.append(v)
        gname = g.get("name", name or f"gemm{i}")
        if not isinstance(gname, str) or not gname.strip():
            raise SpecError(f"{where}: gemm: name must be a non-empty string")
        return Workload(name or gname, "inline", [wl.Layer(gname, *dims)])
    file = entry[kind]
    if not isinstance(file, str) or not file:
        raise SpecError(f"{where}: {kind} must be a file path")
    full = os.path.normpath(os.path.join(base, os.path.expanduser(file)))
    try:
        layers = wl.load_topology(full) if kind == "topology" else wl.load_gemm_file(full)
    except wl.WorkloadError as e:
        raise SpecError(f"{where}: {e}") from None
    stem = os.path.splitext(os.path.basename(full))[0]
    return Workload(name or stem, full, layers)


def load(path) -> Spec:
    """Reads and checks a spec; raises SpecError with one line naming the file and the problem."""
    doc = _load_document(path)
    if not isinstance(doc, dict):
        raise SpecError(f"{path}: a spec is a mapping with the keys grid, workloads and "
                        "optionally engine, seed, name")
    for k in doc:
        if k not in TOP_KEYS:
            raise SpecError(f"{path}: unknown key '{k}' (known: {', '.join(TOP_KEYS)})")
    engine = doc.get("engine", "model")
    if engine not in ENGINES:
        raise SpecError(f"{path}: engine {engine!r} is not one of {', '.join(ENGINES)}")
    seed = doc.get("seed", 1)
    if not _is_int(seed) or seed < 0 or seed >= 1 << 64:
        raise SpecError(f"{path}: seed must be a non-negative integer, not {seed!r}")
    name = doc.get("name", os.path.splitext(os.path.basename(path))[0])
    if not isinstance(name, str):
        raise SpecError(f"{path}: name must be a string")

    grid = doc.get("grid")
    if not isinstance(grid, dict) or not grid:
        raise SpecError(f"{path}: grid must be a non-empty mapping of parameter: [values]")
    clean = {}
    for k, values in grid.items():
        if not isinstance(k, str):
            raise SpecError(f"{path}: grid key {k!r} is not a name")
        if not isinstance(values, list):
            values = [values]
        if not values:
            raise SpecError(f"{path}: grid: {k} has no values (an empty list)")
        for v in values:
            if isinstance(v, (dict, list)) or v is None:
                raise SpecError(f"{path}: grid: {k}: {v!r} is not a single value")
        seen, known = [], set()
        for v in values:  # keep the order, drop repeats (1 and true differ): linear time
            tag = (type(v).__name__, v)
            if tag not in known:
                known.add(tag)
                seen.append(v)
        clean[k] = seen
    points = 1
    for v in clean.values():
        points *= len(v)
    if points > MAX_POINTS:
        raise SpecError(f"{path}: grid has {points} configurations, more than {MAX_POINTS}: "
                        "split the sweep")
    keys = list(clean)
    configs = [dict(zip(keys, combo)) for combo in itertools.product(*clean.values())]

    entries = doc.get("workloads")
    if not isinstance(entries, list) or not entries:
        raise SpecError(f"{path}: workloads must be a non-empty list")
    base = os.path.dirname(os.path.abspath(path))
    loaded = [_workload(path, base, i, e) for i, e in enumerate(entries)]
    names = [w.name for w in loaded]
    for n in names:
        if names.count(n) > 1:
            raise SpecError(f"{path}: two workloads are named '{n}': give one a name:")
    return Spec(os.path.abspath(path), name, clean, configs, loaded, engine, seed)
