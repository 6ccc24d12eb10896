"""Sweep results: one record per configuration and layer plus a per-workload TOTAL row, written
as DIR/results.csv and DIR/results.json."""
import csv
import json
import os

FP_FORMATS = ("fp32", "fp16", "bf16")
FP_MACHINES = ("scalar", "array")

LAYER_FIELDS = (
    ["workload", "layer", "M", "N", "K", "cycles", "wstall_cycles", "compute_cycles",
     "drain_cycles", "output_cycles", "commands", "macs", "ideal_cycles", "utilization",
     "macs_per_cycle", "scalesim_ws_cycles", "vs_scalesim", "scalesim_os_cycles",
     "dataflow_run", "best_ws_cycles", "best_os_cycles"]
    + [f"{f}_{m}_cycles" for m in FP_MACHINES for f in FP_FORMATS]
    + [f"speedup_vs_{f}_{m}" for m in FP_MACHINES for f in FP_FORMATS]
    + ["load_cycles", "store_cycles", "dram_bytes_read", "dram_bytes_written", "intensity",
       "roofline_cycles", "cycles_over_roofline"]
    + ["pe_cells", "pe_depth", "array_cells", "array_depth", "matches_reference",
       "wall_seconds"])

# Memory commands only (grid key dram_bw); empty cells otherwise.
MEMORY_SUMMED = ["load_cycles", "store_cycles", "dram_bytes_read", "dram_bytes_written",
                 "roofline_cycles"]

SUMMED = ["cycles", "wstall_cycles", "compute_cycles", "drain_cycles", "output_cycles",
          "commands", "macs", "ideal_cycles", "scalesim_ws_cycles", "scalesim_os_cycles",
          "wall_seconds"] + \
         [f"{f}_{m}_cycles" for m in FP_MACHINES for f in FP_FORMATS]


def _ratios(r):
    r["utilization"] = r["ideal_cycles"] / r["cycles"] if r["cycles"] else 0.0
    r["macs_per_cycle"] = r["macs"] / r["cycles"] if r["cycles"] else 0.0
    r["vs_scalesim"] = r["cycles"] / r["scalesim_ws_cycles"] if r["scalesim_ws_cycles"] else 0.0
    for m in FP_MACHINES:
        for f in FP_FORMATS:
            r[f"speedup_vs_{f}_{m}"] = r[f"{f}_{m}_cycles"] / r["cycles"] if r["cycles"] else 0.0


def traffic_keys(records):
    """The traffic counter columns, in the order of the first record that has them."""
    for r in records:
        keys = [k for k in r if k.startswith(("dram_rd_", "sram_rd_", "sram_wr_"))]
        if keys:
            return keys
    return []


def point_records(engine, values, workload, result):
    """The layer rows and the TOTAL row of one finished point (sweep-point's output)."""
    synth = result.get("synth") or {}
    base = {"engine": engine, **values, "workload": workload}
    for k in ("pe_cells", "pe_depth", "array_cells", "array_depth"):
        base[k] = synth.get(k)
    rows = []
    for lr in result["layers"]:
        phase = lr["cycles_by_phase"]
        r = dict(base, layer=lr["layer"], M=lr["M"], N=lr["N"], K=lr["K"], cycles=lr["cycles"],
                 wstall_cycles=phase["weight_load_stall"], compute_cycles=phase["compute"],
                 drain_cycles=phase["drain"], output_cycles=phase["output_stage"],
                 commands=lr["commands"], macs=lr["macs"], ideal_cycles=lr["ideal_cycles"],
                 scalesim_ws_cycles=lr["scalesim_ws_cycles"],
                 scalesim_os_cycles=lr["scalesim_os_cycles"],
                 dataflow_run=lr["dataflow_run"],
                 best_ws_cycles=lr.get("best_ws_cycles"), best_os_cycles=lr.get("best_os_cycles"),
                 matches_reference=lr.get("matches_reference"),
                 wall_seconds=lr["wall_seconds"])
        # The traffic counters (dram_rd_a .. sram_wr_shift: bytes and scratchpad words), one
        # column each, named by the engine's report.
        r.update(lr.get("traffic", {}))
        if "dram_bytes_read" in lr:
            r.update(load_cycles=phase["load"], store_cycles=phase["store"],
                     dram_bytes_read=lr["dram_bytes_read"],
                     dram_bytes_written=lr["dram_bytes_written"], intensity=lr["intensity"],
                     roofline_cycles=lr["roofline_cycles"],
                     cycles_over_roofline=lr["cycles_over_roofline"])
        for m in FP_MACHINES:
            for f in FP_FORMATS:
                r[f"{f}_{m}_cycles"] = lr["fp"][f"{f}_{m}"]
        _ratios(r)
        rows.append(r)
    total = dict(base, layer="TOTAL", M=None, N=None, K=None)
    for k in SUMMED + traffic_keys(rows):
        total[k] = sum(r[k] for r in rows)
    # best: the sums of each dataflow alone beside the sum of the choices.
    for k in ("best_ws_cycles", "best_os_cycles"):
        if rows and all(r[k] is not None for r in rows):
            total[k] = sum(r[k] for r in rows)
    if rows and "dram_bytes_read" in rows[0]:
        for k in MEMORY_SUMMED:
            total[k] = sum(r[k] for r in rows)
        moved = total["dram_bytes_read"] + total["dram_bytes_written"]
        total["intensity"] = total["macs"] / moved if moved else 0.0
        total["cycles_over_roofline"] = (total["cycles"] / total["roofline_cycles"]
                                         if total["roofline_cycles"] else 0.0)
    refs = [r["matches_reference"] for r in rows]
    total["matches_reference"] = None if any(v is None for v in refs) else all(refs)
    _ratios(total)
    return rows + [total]


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return f"{v:.6g}" if isinstance(v, float) else v


def columns(keys, records=()):
    return ["engine", *keys, *LAYER_FIELDS, *traffic_keys(records)]


def write(out_dir, meta, keys, records, failures):
    csv_path = os.path.join(out_dir, "results.csv")
    json_path = os.path.join(out_dir, "results.json")
    cols = columns(keys, records)
    tmp = csv_path + ".tmp"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in records:
            w.writerow({k: _cell(r.get(k)) for k in cols})
    os.replace(tmp, csv_path)
    doc = dict(meta, columns=cols, records=records, failed=failures)
    tmp = json_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    os.replace(tmp, json_path)
    return csv_path, json_path
