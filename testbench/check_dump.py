#!/usr/bin/python3
"""Re-checks a `systolic infer --dump DIR` outside the project, in NumPy and Python integers:
every layer's output from its int8 input, weights, int32 bias, M0 and shift, as the arithmetic
contract (docs/arithmetic.md) defines them (conv: zero padding in real terms = the input zero
point; double rounding: TFLite's MultiplyByQuantizedMultiplier; single: one 64-bit rounding).

    /usr/bin/python3 testbench/check_dump.py DIR        prints "check_dump: N layers equal"
"""
import json
import os
import sys

import numpy as np

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def wrap32(x):
    return ((int(x) + (1 << 31)) % (1 << 32)) - (1 << 31)


def srdhm(a, b):
    if a == b == INT32_MIN:
        return INT32_MAX
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    q = (ab + nudge)
    # C++ integer division truncates toward zero
    return q // (1 << 31) if q >= 0 else -((-q) // (1 << 31))


def rdbpot(x, e):
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def mbqm(acc, m0, shift, rounding):
    if rounding == "double":
        left, right = max(shift, 0), max(-shift, 0)
        return rdbpot(srdhm(wrap32(acc * (1 << left)), m0), right)
    t = 31 - shift
    return (acc * m0 + (1 << (t - 1))) >> t


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "manifest.json")) as f:
        man = json.load(f)
    for L in man["layers"]:
        ld = lambda k: np.load(os.path.join(d, L[k]))
        x, w, b = ld("input").astype(np.int64), ld("weights").astype(np.int64), ld("bias")
        m0, sh, out = ld("m0"), ld("shift"), ld("output")
        zi = L["zp_in"]
        if L["op"] == "conv":
            n, c, h, wd = x.shape
            o, cg, kh, kw = w.shape
            groups = L.get("group", 1)
            og = o // groups
            st, (pt, pl, pb, pr) = L["stride"], L["pads"]
            xp = np.full((n, c, h + pt + pb, wd + pl + pr), zi, dtype=np.int64)
            xp[:, :, pt:pt + h, pl:pl + wd] = x
            oh, ow = (h + pt + pb - kh) // st[0] + 1, (wd + pl + pr - kw) // st[1] + 1
            acc = np.zeros((n, o, oh, ow), dtype=np.int64)
            for ky in range(kh):
                for kx in range(kw):
                    patch = xp[:, :, ky:ky + st[0] * oh:st[0], kx:kx + st[1] * ow:st[1]] - zi
                    for gi in range(groups):  # output channels of group gi see its inputs
                        acc[:, gi * og:(gi + 1) * og] += np.einsum(
                            "nchw,oc->nohw", patch[:, gi * cg:(gi + 1) * cg],
                            w[gi * og:(gi + 1) * og, :, ky, kx])
            chan_axis = 1
        else:
            acc = (x - zi) @ w
            chan_axis = 1
        got = np.empty_like(out)
        it = np.nditer(acc, flags=["multi_index"])
        for v in it:
            ch = it.multi_index[chan_axis]
            y = mbqm(wrap32(int(v) + int(b[ch])), int(m0[ch]), int(sh[ch]), L["rounding"])
            got[it.multi_index] = min(max(y + L["zp_out"], L["act_min"]), L["act_max"])
        if not np.array_equal(got, out):
            bad = int((got != out).sum())
            sys.exit(f"check_dump: layer {L['name']}: {bad} of {out.size} values differ")
    print(f"check_dump: {len(man['layers'])} layers equal")


if __name__ == "__main__":
    main()
