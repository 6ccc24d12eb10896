#!/usr/bin/python3
"""Per-module summary of Verilator coverage files (scripts/coverage.sh).

  coverage_report.py --root DIR --all ALL.dat [--family NAME=FILE.dat ...] [--uncovered N]

A coverage point is one line/branch block (pages v_line, v_branch), one toggle bit (v_toggle) or
one SYS_COVER point (v_user) of one RTL source position; the instances of a module (every PE of
the array, every requant unit, every build of the same module) are rolled up: a point counts as
covered when any instance reached it. Points inside `verilator coverage_off` regions are not
emitted by Verilator at all; each such region says why in a comment at the line.

Prints markdown: line and toggle coverage per module over all builds and per family (the
systolic_top configurations of one array size, and the block builds t<RxC> that carry the
parameters that systolic_top gives its blocks), every cover point with its count, the first
family's toggle gaps by signal, and the uncovered lines. Targets (exit status 1 when missed):
100 % line coverage of every module over all builds; toggle coverage >= 95 % of every module in
each family; every cover point reached.
"""
import argparse
import collections
import os
import sys

TOGGLE_TARGET = 95.0


def parse(path):
    """Yields (fields dict, count) for every point of a coverage.dat file."""
    with open(path, encoding="latin-1") as f:
        for line in f:
            if not line.startswith("C '"):
                continue
            close = line.rindex("'")
            key, count = line[3:close], int(line[close + 1:])
            fields = dict(part.split("\x02", 1) for part in key.split("\x01") if "\x02" in part)
            yield fields, count


def rollup(path, root):
    """{module: {kind: {point: max count}}} with point = (file, line, column, comment)."""
    mods = collections.defaultdict(lambda: collections.defaultdict(dict))
    for fl, n in parse(path):
        page = fl.get("page", "")
        if "/" not in page:
            continue
        kind, module = page.split("/", 1)
        # Verilator names a module's specializations module__<params>: one module for the report.
        module = module.split("__", 1)[0]
        kind = {"v_branch": "line", "v_line": "line", "v_toggle": "toggle",
                "v_user": "user"}.get(kind)
        if kind is None:
            continue
        f = os.path.relpath(fl.get("f", "?"), root)
        # Only the product's sources: the planted-fault copies in the build tree (broken on
        # purpose, run only to see an assertion fire) are not the RTL the figures describe.
        if not f.startswith("rtl/"):
            continue
        point = (f, int(fl.get("l", 0)), int(fl.get("n", 0)), fl.get("o", ""))
        d = mods[module][kind]
        d[point] = max(d.get(point, 0), n)
    return mods


def pct(d):
    if not d:
        return None
    return 100.0 * sum(1 for v in d.values() if v > 0) / len(d)


def fmt(d):
    p = pct(d)
    if p is None:
        return "-"
    hit = sum(1 for v in d.values() if v > 0)
    return f"{p:.1f} % ({hit}/{len(d)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--all", required=True)
    ap.add_argument("--family", action="append", default=[])
    ap.add_argument("--uncovered", type=int, default=60)
    a = ap.parse_args()
    ok = True
    families = []  # (name, rollup) of every family with a coverage file, in command-line order
    allm = rollup(a.all, a.root)
    print("### RTL coverage over the ctest suite (all builds)\n")
    print("| module | line | toggle | cover points reached |")
    print("|---|---|---|---|")
    for m in sorted(allm):
        u = allm[m].get("user", {})
        cov = f"{sum(1 for v in u.values() if v > 0)}/{len(u)}" if u else "-"
        print(f"| {m} | {fmt(allm[m].get('line', {}))} | {fmt(allm[m].get('toggle', {}))} "
              f"| {cov} |")
        p = pct(allm[m].get("line", {}))
        if p is not None and p < 100.0:
            ok = False
    print()
    for spec in a.family:
        name, path = spec.split("=", 1)
        if not os.path.exists(path):
            print(f"(family {name}: no coverage file)\n")
            ok = False
            continue
        fam = rollup(path, a.root)
        families.append((name, fam))
        print(f"### systolic_top {name} builds and the t{name} block builds: per module\n")
        print("| module | line | toggle |")
        print("|---|---|---|")
        for m in sorted(fam):
            t = pct(fam[m].get("toggle", {}))
            flag = "" if t is None or t >= TOGGLE_TARGET else " (below 95 %)"
            if t is not None and t < TOGGLE_TARGET:
                ok = False
            print(f"| {m} | {fmt(fam[m].get('line', {}))} | {fmt(fam[m].get('toggle', {}))}{flag} |")
        print()
    print("### Cover points (all builds)\n")
    print("| module | cover point | count |")
    print("|---|---|---|")
    for m in sorted(allm):
        for (f, l, n, o), c in sorted(allm[m].get("user", {}).items(), key=lambda x: x[0][1]):
            print(f"| {m} | {o} ({f}:{l}) | {c:,} |")
            if c == 0:
                ok = False
    print()
    if families:
        name, fam = families[0]
        print(f"### Toggle gaps, systolic_top {name}: the signals with the most bits never "
              "toggled\n")
        print("| module | signal: bits not toggled / bits |")
        print("|---|---|")
        for m in sorted(fam):
            sig = collections.defaultdict(lambda: [0, 0])
            for (f, l, n, o), c in fam[m].get("toggle", {}).items():
                s = o.split("[", 1)[0]
                sig[s][1] += 1
                sig[s][0] += c == 0
            gaps = sorted(((v[0], k, v[1]) for k, v in sig.items() if v[0]), reverse=True)
            if gaps:
                print(f"| {m} | " + ", ".join(f"{k} {z}/{t}" for z, k, t in gaps[:8]) +
                      (f", ... ({len(gaps) - 8} more)" if len(gaps) > 8 else "") + " |")
        print()
    miss = [(m, p) for m in sorted(allm) for p, c in allm[m].get("line", {}).items() if c == 0]
    print(f"### Uncovered lines (all builds): {len(miss)}\n")
    for m, (f, l, n, o) in miss[:a.uncovered]:
        print(f"- {f}:{l} ({m}, {o})")
    if len(miss) > a.uncovered:
        print(f"- ... and {len(miss) - a.uncovered} more")
    print()
    print("coverage targets: " + ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
