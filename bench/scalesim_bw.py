#!/usr/bin/python3
"""Independent re-implementation of SCALE-Sim v2's DRAM-traffic / stall model
for the weight-stationary (WS) dataflow with a user-given DRAM bandwidth.

Reference: github.com/scalesim-project/scale-sim-v2, snapshot commit
22f88b17f1dd3160e18bff5df165035bf8146e83 (2025-02-25, "removing double
counting of stall cycles").  Behaviour reproduced (config
``InterfaceBandwidth: USER``, ``Dataflow: ws``, word size 1 byte, all three
buffers fed with the same ``Bandwidth`` value in words/cycle):

  * scalesim/topology_utils.py / compute/operand_matrix.py
      GEMM view M = Eh*Ew, K = Fh*Fw*C, N = filters, with
      Eh = ceil((H - Fh + s) / s)   (no padding; when (H-Fh) % s != 0 SCALE-Sim
      adds one extra output row/col whose IFMAP addresses are partly invalid
      (-1) -- those entries are neither fetched nor demanded, but the OFMAP
      still writes them).
  * scalesim/compute/systolic_compute_ws.py
      folds: Fr = ceil(K/R), Fc = ceil(N/C), col-fold outer, row-fold inner;
      every fold is 2R + C + M - 2 demand lines (cycles); IFMAP demand is the
      skewed fold slice, FILTER demand is the fold's R rows (reversed), OFMAP
      demand is the skewed M x C slice after 2R-1 idle lines (partial sums of
      every row fold are written, i.e. OFMAP SRAM writes = M*N*Fr).
      IFMAP prefetch order = the Fr row-folds only (one pass), rolled out along
      anti-diagonals; FILTER prefetch order = col-fold major, row-major inside.
  * scalesim/memory/read_buffer.py (double buffered read scratchpad):
      total = KB*1024 words, active = ceil(total/2), prefetch = total - active;
      the prefetch-order stream of valid words is cut into "sets" of
      eps = ceil(total/100) words (number of sets = valid // eps + 1); the
      active window is na = min(nsets, ceil(active/eps)) consecutive sets of a
      ring, it moves by np = min(nsets - na, ceil(prefetch/eps)) sets on every
      miss (repeatedly until the demanded word is inside -- a demand that falls
      *behind* the window therefore costs a whole trip around the ring).
      DRAM words read = min(ceil(active/bw), ceil(entries/bw))*bw for the
      initial fill (entries include the -1 padding of the prefetch matrix)
      plus ceil(prefetch/bw)*bw per window move.  The k-th move's data is
      ready at cycle -1 + k*(ceil(prefetch/bw) + 1); a demand line that
      triggered moves is served at max(cycle + 1, ready) -> stall = ready -
      cycle - 1 (hit latency 1).  Moves are issued back-to-back (not from the
      current cycle), exactly as in the reference.
  * scalesim/memory/write_buffer.py (OFMAP): total = KB*1024, active =
      ceil(total/2), drain = total - active; a drain of ceil(drain/bw) trace
      lines starts when occupancy > drain size and no drain is running, takes
      (lines - 1) cycles, frees its words immediately; the array stalls only
      when the buffer is completely full during a drain.  Trace lines are bw
      words; a drain start closes the current partial line, and a drained block
      is counted as lines*bw minus the empty slots of its *last* line only, so
      OFMAP DRAM writes can exceed M*N*Fr by a few words (reference quirk,
      reproduced).  The remainder is flushed after the last cycle (counted in
      writes, not in cycles).
  * scalesim/memory/double_buffered_scratchpad_mem.py: per demand line i,
      cycle = i + stalls so far; the three buffers see the same cycle; the line
      adds max(ifmap stall, filter stall, ofmap stall) to the stall count.
      COMPUTE_REPORT "Total Cycles" = service cycle of the last OFMAP line
      (= lines - 1 + stalls in practice), "Stall Cycles" = accumulated stalls.

  * IFMAP hits are tested by *address* in the reference, and an ifmap word
      occurs up to Fh*Fw times in the im2col matrix when windows overlap: a
      word whose own set is outside the window still hits if another copy is
      inside, and a miss moves the window until *any* copy is inside.  This is
      reproduced: only when a set is outside the window are its words walked
      one by one and their copies enumerated analytically (affects small-M
      3x3 layers and few-channel layers such as Conv1).  FILTER addresses are
      unique (set level is exact).

How it is computed: the window-move events depend only on the demand order,
so they are found per fold and per set (binary search over the closed-form
diagonal rank function), then one event-driven pass over the demand lines
applies the prefetch-ready times and the OFMAP drain/stall rules with closed
form per-line word counts -- no address traces are built.

Differences / limits: only integer bandwidths (as SCALE-Sim); SRAM KB may be
fractional here (words = round(KB*1024)) while SCALE-Sim takes integer KB;
depth-wise ('DP') topology rows are not expanded into per-channel layers;
GEMM (M,N,K) topologies, batching and the CALC (estimated bandwidth) mode are
not modelled.

Validation: run side by side with SCALE-Sim itself (the snapshot above, run
under Debian python3 + numpy + tqdm), Total Cycles, Stall Cycles and DRAM
IFMAP/FILTER/OFMAP counts from COMPUTE_REPORT.csv / DETAILED_ACCESS_REPORT.csv
were identical for every completed run: ResNet-50 layers Conv1, CB2a_1,
IB2b_2, CB3a_2, IB3b_1, CB4a_1, IB4b_2 (arrays 16x16/32x32, 64 KB SRAMs, bw
4/16/64), reduced-N variants of IB5b_2/IB5b_3/FC6, and small synthetic layers
(1-4 KB SRAMs, non-square arrays, partial folds, strided/overlapping windows).
Layers with very large re-read counts (full IB5b_2, IB5b_3, FC6) could not be
run in the reference within 5 minutes and are unverified.

Note on the reference itself: when an operand does not fit in its SRAM, the
window only moves forward, so the IFMAP is re-read once per column fold, and
the FILTER demand (rows of a fold issued in reverse order) regularly falls
behind a freshly moved window and triggers a full trip around the ring; large
filters therefore show DRAM reads far above their size.  This is SCALE-Sim's
behaviour and is reproduced, not corrected.  "compute_cycles" here is
total_cycles - stall_cycles (SCALE-Sim prints "Total Cycles" as
"Compute cycles" in its console log).

API:  layer_bw(row, rows, cols, ifmap_kb, filter_kb, ofmap_kb, bw_words) -> dict
CLI:  scalesim_bw.py TOPO.csv --rows 32 --cols 32 --sram 64 64 64 --bw 16
"""

import argparse
import csv
import math
import sys
from collections import deque

__all__ = ["layer_bw", "read_topology", "gemm_dims"]


def _cdiv(a, b):
    return -(-a // b)


def _taps(i, f, stride, e):
    """The (filter offset, output index) pairs whose window covers input index i along one axis."""
    for fo in range(f):
        d = i - fo
        if d >= 0 and d % stride == 0 and d // stride < e:
            yield fo, d // stride


def _int(v):
    return int(float(str(v).strip()))


def _norm_row(row):
    """Map the topology CSV columns (any spacing/case) to integers."""
    d = {}
    for k, v in row.items():
        if k is None:
            continue
        d[str(k).strip().lower()] = v

    def get(*names, default=None):
        for n in names:
            if n in d and d[n] is not None and str(d[n]).strip() != "":
                return d[n]
        if default is not None:
            return default
        raise KeyError(names[0])

    out = {
        "name": str(get("layer name", "layer", default="layer")).strip(),
        "H": _int(get("ifmap height")),
        "W": _int(get("ifmap width")),
        "Fh": _int(get("filter height")),
        "Fw": _int(get("filter width")),
        "Ch": _int(get("channels")),
        "N": _int(get("num filter", "num filters")),
        "sh": _int(get("strides", "stride", "stride h")),
    }
    sw = get("stride w", "strides w", "col stride", default=" ")
    out["sw"] = _int(sw) if str(sw).strip() != "" else out["sh"]
    return out


def gemm_dims(row):
    """(Eh, Ew, M, K, N) exactly as SCALE-Sim derives them."""
    p = _norm_row(row) if "H" not in row else row
    eh = int(math.ceil((p["H"] - p["Fh"] + p["sh"]) / p["sh"]))
    ew = int(math.ceil((p["W"] - p["Fw"] + p["sw"]) / p["sw"]))
    return eh, ew, eh * ew, p["Fh"] * p["Fw"] * p["Ch"], p["N"]


# --------------------------------------------------------------------------
# Read scratchpad: ring of sets with a sliding active window
# --------------------------------------------------------------------------
class _Ring:
    def __init__(self, total_words, valid_words, entries, bw):
        tot = int(total_words)
        self.active = _cdiv(tot, 2)
        self.prefetch = tot - self.active
        self.eps = max(1, _cdiv(tot, 100))
        self.nsets = valid_words // self.eps + 1
        max_na = _cdiv(self.active, self.eps)
        max_np = _cdiv(self.prefetch, self.eps)
        self.na = min(self.nsets, max_na)
        self.np = min(self.nsets - self.na, max_np)
        assert self.np <= self.na
        self.start = 0
        self.moves = 0
        self.fill_lines = _cdiv(self.prefetch, bw)
        init_lines = min(_cdiv(self.active, bw), _cdiv(entries, bw))
        self.initial_words = init_lines * bw
        self.words_per_move = self.fill_lines * bw

    def contains_range(self, a, b):
        if self.np == 0:
            return True
        return (a - self.start) % self.nsets + (b - a) < self.na

    def _moves_to(self, x):
        # windows [start + k*np, +na) sweep forward and np <= na, so the first
        # k that covers x is ceil((d - na + 1) / np), d = distance to x
        d = (x - self.start) % self.nsets
        if d < self.na:
            return 0
        return _cdiv(d - self.na + 1, self.np)

    def _move(self, k):
        if k:
            self.start = (self.start + k * self.np) % self.nsets
            self.moves += k
        return k

    def demand(self, x):
        """Demand a word of set x; returns the number of window moves."""
        if self.np == 0:
            return 0
        return self._move(self._moves_to(x))

    def demand_any(self, xs):
        """Move until any of the sets xs is inside the window."""
        if self.np == 0:
            return 0
        return self._move(min(self._moves_to(x) for x in xs))

    def contains(self, x):
        return self.np == 0 or (x - self.start) % self.nsets < self.na

    def ready_cycle(self, k):
        return -1 + k * (self.fill_lines + 1)


# --------------------------------------------------------------------------
# IFMAP im2col geometry: rank of a prefetch position among valid words
# --------------------------------------------------------------------------
class _IfmapGeom:
    """Prefetch matrix = Fr folds of (M x R) stacked (Mtot = Fr*M rows, R
    columns), read along anti-diagonals (diag d = row + col, col ascending).
    A position is valid if its K index exists and its pixel is inside the
    ifmap.  P(D, c) = number of valid positions before (D, c)."""

    def __init__(self, p, eh, ew, M, K, R):
        self.M, self.K, self.R, self.Ew, self.Eh = M, K, R, ew, eh
        self.H, self.W, self.Fh, self.Fw, self.Ch = p["H"], p["W"], p["Fh"], p["Fw"], p["Ch"]
        self.sh, self.sw = p["sh"], p["sw"]
        # an ifmap word occurs more than once in the im2col matrix only if
        # consecutive windows overlap
        self.has_dups = (p["Fh"] > p["sh"] and eh > 1) or (p["Fw"] > p["sw"] and ew > 1)
        self.Fr = _cdiv(K, R)
        self.Mtot = self.Fr * M
        fwc = p["Fw"] * p["Ch"]
        ny = [min(eh, _cdiv(p["H"] - fy, p["sh"])) for fy in range(p["Fh"])]
        nx = [min(ew, _cdiv(p["W"] - fx, p["sw"])) for fx in range(p["Fw"])]
        self.simple = all(v == eh for v in ny) and all(v == ew for v in nx)
        # per column c: cumulative valid count over folds, and (ny, nx) per fold
        self.cum = []
        self.dims = []
        for c in range(R):
            acc = [0]
            dl = []
            for f in range(self.Fr):
                k = f * R + c
                if k < K:
                    a = ny[k // fwc]
                    b = nx[(k // p["Ch"]) % p["Fw"]]
                else:
                    a = b = 0
                dl.append((a, b))
                acc.append(acc[-1] + a * b)
            self.cum.append(acc)
            self.dims.append(dl)
        self.valid = sum(acc[-1] for acc in self.cum)
        self.kf_last = K - (self.Fr - 1) * R          # valid cols of last fold
        self.cap_full = self.Fr * M                      # simple-case caps
        self.cap_short = (self.Fr - 1) * M
        self._memo = {}

    def _V(self, c, x):
        if x <= 0:
            return 0
        acc = self.cum[c]
        if x >= self.Mtot:
            return acc[-1]
        f, rx = divmod(x, self.M)
        a, b = self.dims[c][f]
        if a == 0:
            return acc[f]
        q, rr = divmod(rx, self.Ew)
        v = min(q, a) * b
        if q < a:
            v += min(rr, b)
        return acc[f] + v

    @staticmethod
    def _tri(y, cap):
        # sum_{t=1..y} min(t, cap), y may be <= 0
        if y <= 0 or cap <= 0:
            return 0
        if y <= cap:
            return y * (y + 1) // 2
        return cap * (cap + 1) // 2 + (y - cap) * cap

    def _sum_clip(self, c0, c1, x0, cap):
        # sum_{c=c0}^{c1-1} clip(x0 - c, 0, cap)
        if c1 <= c0:
            return 0
        hi = x0 - c0
        lo = x0 - c1 + 1
        return self._tri(hi, cap) - self._tri(lo - 1, cap)

    def P(self, D, c):
        key = D * (self.R + 1) + c
        v = self._memo.get(key)
        if v is None:
            if len(self._memo) > 2000000:
                self._memo.clear()
            v = self._memo[key] = self._P(D, c)
        return v

    def _P(self, D, c):
        if self.simple:
            kf = self.kf_last
            cf, cs = self.cap_full, self.cap_short
            s = 0
            # columns < c use D+1, columns >= c use D
            for (a, b, cap) in ((0, kf, cf), (kf, self.R, cs)):
                lo_a, lo_b = a, min(b, c)
                if lo_b > lo_a:
                    s += self._sum_clip(lo_a, lo_b, D + 1, cap)
                hi_a, hi_b = max(a, c), b
                if hi_b > hi_a:
                    s += self._sum_clip(hi_a, hi_b, D, cap)
            return s
        s = 0
        V = self._V
        for cc in range(c):
            s += V(cc, D - cc + 1)
        for cc in range(c, self.R):
            s += V(cc, D - cc)
        return s

    # demand line u of row fold fr touches prefetch diagonal fr*M + u,
    # columns c_a..c_b (fold rows u - c); lo/hi = valid words before/after
    def lo(self, fr, u):
        return self.P(fr * self.M + u, max(0, u - self.M + 1))

    def hi(self, fr, u):
        return self.P(fr * self.M + u, min(self.R - 1, u) + 1)

    def _pix(self, fr, r, c):
        k = fr * self.R + c
        if k >= self.K:
            return None
        fy, rem = divmod(k, self.Fw * self.Ch)
        fx, ch = divmod(rem, self.Ch)
        oy, ox = divmod(r, self.Ew)
        iy, ix = oy * self.sh + fy, ox * self.sw + fx
        if iy >= self.H or ix >= self.W:
            return None
        return iy, ix, ch

    def occurrence_sets(self, pix, eps):
        """Yield the sets holding a copy of ifmap word pix=(iy, ix, ch)."""
        iy, ix, ch = pix
        for fy, oy in _taps(iy, self.Fh, self.sh, self.Eh):
            for fx, ox in _taps(ix, self.Fw, self.sw, self.Ew):
                fr, c = divmod((fy * self.Fw + fx) * self.Ch + ch, self.R)
                g = fr * self.M + oy * self.Ew + ox
                yield self.P(g + c, c) // eps

    def set_words(self, fr, x, u0, eps):
        """Yield (u, pix) for the words of set x demanded by row fold fr, in
        demand order, starting at line u0."""
        M, R = self.M, self.R
        U = M + R - 1
        X0, X1 = x * eps, (x + 1) * eps
        u = u0
        while u < U:
            l = self.lo(fr, u)
            if l >= X1:
                return
            if self.hi(fr, u) > X0:
                rank = l
                for c in range(max(0, u - M + 1), min(R - 1, u) + 1):
                    pix = self._pix(fr, u - c, c)
                    if pix is None:
                        continue
                    if rank >= X1:
                        return
                    if rank >= X0:
                        yield u, pix
                    rank += 1
            u += 1

    def fold_sets(self, fr, eps):
        """[(set, first line u touching it)] for row fold fr, u = diag offset
        (demand line inside the fold is R + u)."""
        M, R = self.M, self.R
        U = M + R - 1

        def lo(u):
            return self.lo(fr, u)

        def hi(u):
            return self.hi(fr, u)

        out = []
        X = lo(0)
        hiU = hi(U - 1)
        while X < hiU:
            a, b = 0, U - 1               # first u with hi(u) > X
            while a < b:
                m = (a + b) // 2
                if hi(m) > X:
                    b = m
                else:
                    a = m + 1
            u = a
            l, h = lo(u), hi(u)
            while l == h:                 # chunk without valid words
                u += 1
                if u >= U:
                    return out
                l, h = lo(u), hi(u)
            r = max(l, X)
            x = r // eps
            out.append((x, u))
            X = (x + 1) * eps
        return out


# --------------------------------------------------------------------------
# OFMAP write buffer
# --------------------------------------------------------------------------
class _WriteBuf:
    def __init__(self, total_words, bw):
        tot = int(total_words)
        self.tot = tot
        self.active = _cdiv(tot, 2)
        self.drain = tot - self.active
        self.bw = bw
        self.lines_per_drain = max(1, _cdiv(self.drain, bw))
        self.free = tot
        self.drain_end = 0
        self.seg = 0                 # words stored since the last line close
        self.q = deque()             # runs [n_lines, fill]
        self.writes = 0
        self.first_drain = None
        self.last_drain = None

    def store(self, n):
        self.free -= n
        self.seg += n

    def _close(self):
        full, rem = divmod(self.seg, self.bw)
        if full:
            self.q.append([full, self.bw])
        if rem:
            self.q.append([1, rem])
        self.seg = 0

    def _drain_block(self):
        take = self.lines_per_drain
        taken = 0
        fill = self.bw
        q = self.q
        while take and q:
            run = q[0]
            t = min(take, run[0])
            taken += t
            take -= t
            fill = run[1]
            run[0] -= t
            if run[0] == 0:
                q.popleft()
        words = taken * self.bw - (self.bw - fill) if taken else 0
        self.writes += words
        return taken, words

    def trigger(self, cur):
        self._close()
        taken, words = self._drain_block()
        self.free += words
        self.drain_end = cur + taken - 1
        if self.first_drain is None:
            self.first_drain = cur
        self.last_drain = self.drain_end

    def flush(self, cycle):
        self._close()
        while self.q:
            taken, _ = self._drain_block()
            if self.first_drain is None:
                self.first_drain = cycle
            self.last_drain = cycle + taken - 1
            cycle = cycle + taken

    def line(self, cyc, n, e0=0):
        """Process words e0..n-1 of a demand line issued at cycle cyc (words
        0..e0-1 already stored without events).  Returns the line's stall."""
        off = 0
        e = e0
        while e < n:
            cur = cyc + off
            draining = cur < self.drain_end
            k = max(self.free if draining else self.free - self.active + 1, 1)
            if k > n - e:
                self.store(n - e)
                break
            self.store(k)
            e += k
            if draining:
                off += self.drain_end - cur
            else:
                self.trigger(cur)
        return off


# --------------------------------------------------------------------------
# The layer model
# --------------------------------------------------------------------------
def layer_bw(row, rows, cols, ifmap_kb, filter_kb, ofmap_kb, bw_words):
    """SCALE-Sim v2 (WS, USER bandwidth) figures for one conv layer.

    row: dict with the topology CSV columns.  rows/cols: array size.
    *_kb: SRAM sizes in KB (1 KB = 1024 one-byte words).  bw_words: DRAM
    bandwidth in words (bytes) per cycle; SCALE-Sim accepts integers only.
    Returns a dict (bytes for DRAM figures, cycles for the rest)."""
    if float(bw_words) != int(bw_words) or int(bw_words) < 1:
        raise ValueError("SCALE-Sim models integer bandwidths >= 1 word/cycle")
    bw = int(bw_words)
    p = _norm_row(row)
    R, C = int(rows), int(cols)
    eh, ew, M, K, N = gemm_dims(p)
    Fr, Fc = _cdiv(K, R), _cdiv(N, C)
    F = Fr * Fc
    Lf = 2 * R + C + M - 2
    L = F * Lf

    def kb_words(kb):
        return int(round(float(kb) * 1024))

    # ---------------- IFMAP read events ----------------
    geo = _IfmapGeom(p, eh, ew, M, K, R)
    ring_i = _Ring(kb_words(ifmap_kb), geo.valid, Fr * M * R, bw)
    ev = {}
    if ring_i.np > 0:
        fsets = [geo.fold_sets(fr, ring_i.eps) for fr in range(Fr)]
        for fc in range(Fc):
            for fr in range(Fr):
                ents = fsets[fr]
                if not ents:
                    continue
                if ring_i.contains_range(ents[0][0], ents[-1][0]):
                    continue
                base = (fc * Fr + fr) * Lf + R
                for x, u in ents:
                    if ring_i.contains(x):
                        continue
                    if not geo.has_dups:
                        n = ring_i.demand(x)
                        e = ev.setdefault(base + u, [0, 0])
                        e[0] += n
                        continue
                    # word-level: a word also hits if a copy of it (same
                    # ifmap address, other filter tap) is in the window
                    for uu, pix in geo.set_words(fr, x, u, ring_i.eps):
                        if ring_i.contains(x):
                            break
                        occ = []
                        for y in geo.occurrence_sets(pix, ring_i.eps):
                            if ring_i.contains(y):
                                occ = None
                                break
                            occ.append(y)
                        if occ is None:
                            continue
                        n = ring_i.demand_any(occ)
                        if n:
                            e = ev.setdefault(base + uu, [0, 0])
                            e[0] += n

    # ---------------- FILTER read events ----------------
    cf_last = N - (Fc - 1) * C
    kf_last = K - (Fr - 1) * R
    ring_f = _Ring(kb_words(filter_kb), K * N, Fc * K * C, bw)
    if ring_f.np > 0:
        eps = ring_f.eps
        for f in range(F):
            fc, fr = divmod(f, Fr)
            cf = C if fc < Fc - 1 else cf_last
            kf = R if fr < Fr - 1 else kf_last
            base = fc * K * C + fr * R * cf
            if ring_f.contains_range(base // eps, (base + kf * cf - 1) // eps):
                continue
            l0 = f * Lf
            for kk in range(kf - 1, -1, -1):
                r0 = base + kk * cf
                for x in range(r0 // eps, (r0 + cf - 1) // eps + 1):
                    n = ring_f.demand(x)
                    if n:
                        e = ev.setdefault(l0 + R - 1 - kk, [0, 0])
                        e[1] += n

    # ---------------- OFMAP demand per line (closed form) ----------------
    P0 = 2 * R - 1
    fold_words_full = M * C

    def G(j, cf):
        # OFMAP words demanded in lines [0, j) of a fold with cf used columns
        x0 = j - P0
        if x0 <= 0:
            return 0
        return _IfmapGeom._tri(x0, M) - _IfmapGeom._tri(x0 - cf, M)

    def fold_info(f):
        fc, fr = divmod(f, Fr)
        cf = C if fc < Fc - 1 else cf_last
        return cf, M * (fc * C * Fr + fr * cf)

    def cum(i):
        if i >= L:
            return M * N * Fr
        f, j = divmod(i, Lf)
        cf, b = fold_info(f)
        return b + G(j, cf)

    def line_of(e):
        # line holding global OFMAP word index e (0-based)
        per_fc = fold_words_full * Fr
        fc = min(e // per_fc, Fc - 1)
        cf = C if fc < Fc - 1 else cf_last
        rem = e - fc * per_fc
        fr = rem // (M * cf)
        rem -= fr * M * cf
        a, b = 0, Lf - 1
        while a < b:                      # first j with G(j+1) > rem
            m = (a + b) // 2
            if G(m + 1, cf) > rem:
                b = m
            else:
                a = m + 1
        return (fc * Fr + fr) * Lf + a

    def n_line(i):
        return cum(i + 1) - cum(i)

    wb = _WriteBuf(kb_words(ofmap_kb), bw)
    S = 0
    K_i = K_f = 0

    def run(i0, i1):
        nonlocal S
        i = i0
        while i < i1:
            cyc = i + S
            ci = cum(i)
            if cyc < wb.drain_end:
                j_end = min(wb.drain_end - S, i1)
                cnt = cum(j_end) - ci
                if wb.free > cnt:
                    wb.store(cnt)
                    i = j_end
                    continue
                eg = ci + max(wb.free, 1) - 1
            else:
                eg = ci + max(wb.free - wb.active + 1, 1) - 1
                if eg >= cum(i1):
                    wb.store(cum(i1) - ci)
                    i = i1
                    continue
            ls = line_of(eg)
            cl = cum(ls)
            pre = eg - cl
            wb.store(cl - ci + pre)
            S += wb.line(ls + S, cum(ls + 1) - cl, pre)
            i = ls + 1

    ev_lines = sorted(x for x in ev if x < L - 1)
    ev_lines.append(L - 1)
    i = 0
    total = 0
    for l in ev_lines:
        run(i, l)
        cyc = l + S
        st_o = wb.line(cyc, n_line(l))
        st_i = st_f = 0
        e = ev.get(l)
        if e:
            if e[0]:
                K_i += e[0]
                st_i = max(0, ring_i.ready_cycle(K_i) - cyc - 1)
            if e[1]:
                K_f += e[1]
                st_f = max(0, ring_f.ready_cycle(K_f) - cyc - 1)
        if l == L - 1:
            total = cyc + st_o
        S += max(st_i, st_f, st_o)
        i = l + 1
    wb.flush(total)

    ifmap_reads = ring_i.initial_words + ring_i.moves * ring_i.words_per_move
    filter_reads = ring_f.initial_words + ring_f.moves * ring_f.words_per_move
    return {
        "layer": p["name"],
        "M": M, "K": K, "N": N, "row_folds": Fr, "col_folds": Fc,
        "demand_lines": L,
        "total_cycles": total,
        "stall_cycles": S,
        "compute_cycles": total - S,
        "ifmap_dram_reads": ifmap_reads,
        "filter_dram_reads": filter_reads,
        "ofmap_dram_writes": wb.writes,
        "ifmap_window_moves": ring_i.moves,
        "filter_window_moves": ring_f.moves,
        "ofmap_sram_writes": M * N * Fr,
        "ifmap_sram_reads": M * K * Fc,
        "filter_sram_reads": K * N,
    }


def read_topology(path):
    """Rows of a SCALE-Sim conv topology CSV (header + trailing commas)."""
    with open(path, newline="") as fh:
        lines = [ln for ln in fh if ln.strip()]
    rdr = csv.reader(lines)
    header = [h.strip() for h in next(rdr)]
    out = []
    for rec in rdr:
        rec = [x.strip() for x in rec]
        while rec and rec[-1] == "":
            rec.pop()
        if not rec:
            continue
        out.append({header[k]: rec[k] for k in range(min(len(header), len(rec)))})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("topology")
    ap.add_argument("--rows", type=int, default=32)
    ap.add_argument("--cols", type=int, default=None)
    ap.add_argument("--sram", type=float, nargs=3, default=[64, 64, 64],
                    metavar=("IFMAP_KB", "FILTER_KB", "OFMAP_KB"))
    ap.add_argument("--bw", type=float, default=16, help="words (bytes)/cycle")
    ap.add_argument("--layers", default=None,
                    help="comma separated layer names to keep")
    a = ap.parse_args(argv)
    cols = a.cols if a.cols else a.rows
    rows = read_topology(a.topology)
    if a.layers:
        keep = set(x.strip() for x in a.layers.split(","))
        rows = [r for r in rows if r.get("Layer name", "").strip() in keep]
    hdr = ("layer", "total_cycles", "stall_cycles", "compute_cycles",
           "ifmap_dram_reads", "filter_dram_reads", "ofmap_dram_writes")
    print("# SCALE-Sim v2 WS model: array %dx%d, SRAM %s KB, bw %g B/cycle"
          % (a.rows, cols, "/".join("%g" % x for x in a.sram), a.bw))
    print(",".join(hdr))
    tot = [0] * 6
    for r in rows:
        d = layer_bw(r, a.rows, cols, a.sram[0], a.sram[1], a.sram[2], a.bw)
        vals = [d[h] for h in hdr[1:]]
        tot = [x + y for x, y in zip(tot, vals)]
        print(",".join([d["layer"]] + [str(v) for v in vals]))
    print(",".join(["TOTAL"] + [str(v) for v in tot]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
