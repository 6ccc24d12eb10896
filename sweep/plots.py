"""PNG plots of a sweep (matplotlib, Agg): utilization per layer for each array configuration,
cycles against area (Yosys cells) with the Pareto front marked, the INT8 speedup over the FP
machines, and with memory commands (grid key dram_bw) a roofline (attainable MACs/cycle against
intensity, one point per layer) and cycles against bandwidth."""
import os

from .results import FP_FORMATS, FP_MACHINES


def _label(r, varying):
    s = f"{r['rows']}x{r['cols']}"
    for k in varying:
        if k not in ("rows", "cols"):
            v = r[k]
            s += f" {k}={'on' if v is True else 'off' if v is False else v}"
    return s


def pareto_front(points):
    """Indices of the (area, cycles) points no other point beats or equals on both with one
    strictly better; sorted by area."""
    front = []
    for i, (a, c) in enumerate(points):
        if not any((a2 <= a and c2 <= c and (a2 < a or c2 < c)) for a2, c2 in points):
            front.append(i)
    return sorted(front, key=lambda i: points[i])


def make(out_dir, records, keys, varying):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    configs = []  # labels in record order
    by_config = {}
    for r in records:
        lab = _label(r, varying)
        if lab not in by_config:
            configs.append(lab)
            by_config[lab] = []
        by_config[lab].append(r)
    workloads = list(dict.fromkeys(r["workload"] for r in records))
    paths = []

    # 1. Utilization per layer, one line per configuration, one panel per workload.
    fig, axes = plt.subplots(len(workloads), 1, figsize=(11, 3.2 * len(workloads)), squeeze=False)
    for ax, w in zip(axes[:, 0], workloads):
        names = None
        for lab in configs:
            rows = [r for r in by_config[lab] if r["workload"] == w and r["layer"] != "TOTAL"]
            if not rows:
                continue
            names = [r["layer"] for r in rows]
            ax.plot(range(len(rows)), [100 * r["utilization"] for r in rows], marker=".",
                    label=lab, linewidth=1)
        ax.set_title(f"{w}: utilization per layer")
        ax.set_ylabel("utilization %")
        ax.set_ylim(0, 105)
        if names is not None and len(names) <= 40:
            ax.set_xticks(range(len(names)))
            ax.set_xticklabels(names, rotation=90, fontsize=6)
        else:
            ax.set_xlabel("layer")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=6, ncol=4, loc="lower right")
    fig.tight_layout()
    p = os.path.join(out_dir, "utilization.png")
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)

    # 2. Cycles (all workloads) against array area (Yosys cells), Pareto front marked.
    pts, labs = [], []
    for lab in configs:
        totals = [r for r in by_config[lab] if r["layer"] == "TOTAL"]
        cells = totals[0].get("array_cells") if totals else None
        if cells is None:
            continue
        pts.append((cells, sum(r["cycles"] for r in totals)))
        labs.append(lab)
    if pts:
        fig, ax = plt.subplots(figsize=(8, 5.5))
        ax.scatter([a for a, _ in pts], [c for _, c in pts], color="tab:gray",
                   label="configuration")
        front = pareto_front(pts)
        ax.plot([pts[i][0] for i in front], [pts[i][1] for i in front], color="tab:red",
                marker="o", label="Pareto front")
        for (a, c), lab in zip(pts, labs):
            ax.annotate(lab, (a, c), fontsize=6, xytext=(3, 3), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("pe_array cells (Yosys, generic gates)")
        ax.set_ylabel(f"cycles, sum over {', '.join(workloads)}")
        ax.set_title("cycles vs area")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
        fig.tight_layout()
        p = os.path.join(out_dir, "cycles_vs_area.png")
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)

    # 3. INT8 speedup over the FP machines (cycles summed over every workload).
    series = [(f, m) for m in FP_MACHINES for f in FP_FORMATS]
    fig, ax = plt.subplots(figsize=(max(8, 0.6 * len(configs) * 1.2), 5))
    width = 0.8 / len(series)
    for si, (f, m) in enumerate(series):
        vals = []
        for lab in configs:
            totals = [r for r in by_config[lab] if r["layer"] == "TOTAL"]
            int8 = sum(r["cycles"] for r in totals)
            vals.append(sum(r[f"{f}_{m}_cycles"] for r in totals) / int8 if int8 else 0)
        ax.bar([i + (si - len(series) / 2 + 0.5) * width for i in range(len(configs))], vals,
               width, label=f"vs {f.upper()} {'scalar FMA ALU' if m == 'scalar' else 'FP array'}")
    ax.set_xticks(range(len(configs)))
    ax.set_xticklabels(configs, rotation=60, fontsize=7, ha="right")
    ax.set_yscale("log")
    ax.set_ylabel("INT8 speedup (FP cycles / INT8 cycles)")
    ax.set_title("INT8 systolic array vs FP machines (all workloads)")
    ax.grid(alpha=0.3, axis="y", which="both")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    p = os.path.join(out_dir, "speedup_vs_fp.png")
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)

    mem = [r for r in records if r.get("dram_bytes_read") is not None]
    if mem:
        paths += _memory_plots(plt, out_dir, mem, varying)
    return paths


def _memory_plots(plt, out_dir, records, varying):
    """Roofline: each layer's MACs/cycle against its intensity (MACs per memory byte), one colour
    per configuration, with each configuration's roof min(Rows x Cols, bandwidth x intensity);
    and total cycles against bandwidth, one line per configuration but dram_bw."""
    paths = []
    others = [k for k in varying if k != "dram_bw"]
    groups = {}
    for r in records:
        groups.setdefault(_label(r, [k for k in varying]), []).append(r)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for lab, rows in groups.items():
        lay = [r for r in rows if r["layer"] != "TOTAL" and r["intensity"] > 0]
        if not lay:
            continue
        pts = ax.scatter([r["intensity"] for r in lay], [r["macs_per_cycle"] for r in lay], s=8,
                         label=lab)
        bw = lay[0]["dram_bw"]
        peak = lay[0]["rows"] * lay[0]["cols"]
        xs = sorted(r["intensity"] for r in lay)
        roof = [peak if bw == "inf" else min(peak, float(bw) * x) for x in xs]
        ax.plot(xs, roof, color=pts.get_facecolor()[0], linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("intensity (MACs per memory byte)")
    ax.set_ylabel("MACs/cycle (end to end)")
    ax.set_title("roofline: every layer, every configuration (lines: the roofs)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    p = os.path.join(out_dir, "roofline.png")
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(p)

    lines = {}
    for r in records:
        if r["layer"] != "TOTAL" or r["dram_bw"] == "inf":
            continue
        lines.setdefault(_label(r, others), []).append((float(r["dram_bw"]), r["cycles"]))
    if any(len(v) > 1 for v in lines.values()):
        fig, ax = plt.subplots(figsize=(8, 5))
        for lab, pts in lines.items():
            pts.sort()
            ax.plot([b for b, _ in pts], [c for _, c in pts], marker="o", label=lab)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("memory bandwidth (bytes per cycle)")
        ax.set_ylabel("cycles, sum over the workloads")
        ax.set_title("cycles vs bandwidth")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
        fig.tight_layout()
        p = os.path.join(out_dir, "cycles_vs_bandwidth.png")
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    return paths
