"""pytest of the Python module `systolic` (run by ctest: PYTHONPATH=build/python, Debian's
python3-pytest). Expected values come from NumPy and from testbench/check_dump.py's integer
formulas of the arithmetic contract, not from the module; the report's keys from the CLI's."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import systolic

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testbench"))
import check_dump  # noqa: E402  (the contract's integer formulas, written in Python)

SYSTOLIC = os.environ.get("SYSTOLIC_BIN", os.path.join(HERE, "..", "build", "systolic"))
SEED = os.environ.get("SYSTOLIC_SEED", "2024")
if not SEED.isdigit():
    raise SystemExit(f"SYSTOLIC_SEED must be a non-negative integer, not '{SEED}'")
print(f"seed {SEED} (SYSTOLIC_SEED)")


def reference(a, b, bias, m0, shift, zp_in, zp_out, lo, hi, rounding):
    acc = (a.astype(np.int64) - zp_in) @ b.astype(np.int64)
    out = np.empty(acc.shape, np.int8)
    for (i, j), v in np.ndenumerate(acc):
        y = check_dump.mbqm(check_dump.wrap32(int(v) + int(bias[j])), int(m0[j]), int(shift[j]),
                            rounding)
        out[i, j] = min(max(y + zp_out, lo), hi)
    return out


def random_job(rng, m, n, k):
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-128, 128, (k, n), dtype=np.int8)
    bias = rng.integers(-20000, 20000, n, dtype=np.int32)
    m0 = rng.integers(1 << 30, (1 << 31) - 1, n, dtype=np.int32)
    shift = rng.integers(-12, -6, n, dtype=np.int32)
    return a, b, bias, m0, shift


@pytest.mark.parametrize("rounding", ["double", "single"])
def test_run_model_equals_the_contract(rounding):
    rng = np.random.default_rng(int(SEED))
    for m, n, k in [(1, 1, 1), (17, 33, 40), (64, 16, 300)]:
        a, b, bias, m0, shift = random_job(rng, m, n, k)
        c, rep = systolic.run(a, b, bias=bias, m0=m0, shift=shift, zp_in=3, zp_out=-5,
                              act_min=-100, act_max=120, rounding=rounding, rows=8, cols=8)
        assert c.dtype == np.int8 and c.shape == (m, n)
        want = reference(a, b, bias, m0, shift, 3, -5, -100, 120, rounding)
        assert np.array_equal(c, want), (m, n, k)
        assert rep["matches_reference"] and rep["M"] == m and rep["N"] == n and rep["K"] == k
        assert rep["macs"] == m * n * k
        assert rep["cycles"] > 0 and rep["engine"] == "model"


def test_rtl_and_cosim_equal_the_model_with_their_own_counters():
    rng = np.random.default_rng(int(SEED) + 1)
    a, b, bias, m0, shift = random_job(rng, 20, 9, 11)
    cm, rm = systolic.run(a, b, bias=bias, m0=m0, shift=shift, rows=4, cols=4)
    cr, rr = systolic.run(a, b, bias=bias, m0=m0, shift=shift, rows=4, cols=4, engine="rtl")
    cc, rc = systolic.run(a, b, bias=bias, m0=m0, shift=shift, rows=4, cols=4, engine="cosim")
    assert np.array_equal(cm, cr) and np.array_equal(cm, cc)
    assert rm["cycles"] == rr["cycles"] == rc["cycles"]
    assert rc["mismatches"] == 0 and rc["rtl_cycles"] == rc["model_cycles"] == rm["cycles"]


def test_w4a4_on_dual_mode_pes_equals_the_contract():
    # 4-bit A and B in int8 arrays; the RTL in lockstep (the 4x4 build with Int4 = 1) and the model
    # against the reference written here; two MACs per PE a cycle.
    rng = np.random.default_rng(int(SEED) + 2)
    m, n, k = 21, 10, 37
    a = rng.integers(-8, 8, (m, k), dtype=np.int8)
    b = rng.integers(-8, 8, (k, n), dtype=np.int8)
    bias = rng.integers(-500, 500, n, dtype=np.int32)
    m0 = rng.integers(1 << 30, 1 << 31, n, dtype=np.int64).astype(np.int32)
    shift = rng.integers(-8, -3, n, dtype=np.int32)
    want = reference(a, b, bias, m0, shift, 2, 1, -128, 127, "double")
    for engine in ("model", "cosim"):
        c, rep = systolic.run(a, b, bias=bias, m0=m0, shift=shift, zp_in=2, zp_out=1, rows=4,
                              cols=4, engine=engine, precision="w4a4")
        assert np.array_equal(c, want), engine
        assert rep["precision"] == "w4a4" and rep["macs"] == m * n * (k + 1)
        assert rep["ideal_cycles"] == -(-rep["macs"] // 32)
    a[3, 5] = 8
    with pytest.raises(ValueError, match=r"A\[3\]\[5\] = 8 is outside the 4-bit range"):
        systolic.run(a, b, rows=4, cols=4, precision="w4a4")


def test_w4a8_on_dual_mode_pes_equals_the_contract():
    # int8 A, 4-bit B; the engine reads A in word pairs.
    rng = np.random.default_rng(int(SEED) + 3)
    m, n, k = 19, 11, 29
    a = rng.integers(-128, 128, (m, k), dtype=np.int8)
    b = rng.integers(-8, 8, (k, n), dtype=np.int8)
    bias = rng.integers(-5000, 5000, n, dtype=np.int32)
    m0 = rng.integers(1 << 30, 1 << 31, n, dtype=np.int64).astype(np.int32)
    shift = rng.integers(-11, -6, n, dtype=np.int32)
    want = reference(a, b, bias, m0, shift, -3, 4, -128, 127, "single")
    for engine in ("model", "cosim"):
        c, rep = systolic.run(a, b, bias=bias, m0=m0, shift=shift, zp_in=-3, zp_out=4,
                              rounding="single", rows=4, cols=4, engine=engine, precision="w4a8")
        assert np.array_equal(c, want), engine
        assert rep["precision"] == "w4a8" and rep["macs"] == m * n * (k + 1)
        assert rep["ideal_cycles"] == -(-rep["macs"] // 32)
    b[28, 10] = -9
    with pytest.raises(ValueError, match=r"B\[28\]\[10\] = -9 is outside the 4-bit range"):
        systolic.run(a, b, rows=4, cols=4, precision="w4a8")


def test_report_keys_are_the_clis(tmp_path):
    path = tmp_path / "run.json"
    subprocess.run([SYSTOLIC, "run", "--engine", "model", "-M", "4", "-N", "4", "-K", "4",
                    "--rows", "4", "--cols", "4", "--no-fp-compare", "--json", str(path)],
                   stdout=subprocess.DEVNULL, check=True)
    cli = json.loads(path.read_text())
    a = np.ones((4, 4), np.int8)
    _, rep = systolic.run(a, a, rows=4, cols=4)
    assert set(rep) == set(cli) - {"seed"}  # the CLI's random inputs carry their seed


def test_quantize_multiplier_requant():
    q = systolic.quantize(np.array([-2.35, -0.5, 0, 1.25, 3.8], np.float32), 0.03)
    assert q.tolist() == [-78, -17, 0, 42, 127]  # the README's example
    m0, shift = systolic.multiplier(np.array([1.0, 0.003662109375]))
    assert m0.tolist() == [1073741824, 2013265920] and shift.tolist() == [1, -8]
    rng = np.random.default_rng(int(SEED) + 2)
    acc = rng.integers(-(1 << 31), (1 << 31) - 1, 2000, dtype=np.int32)
    bias = rng.integers(-(1 << 20), 1 << 20, 2000, dtype=np.int32)
    m0 = rng.integers(0, (1 << 31) - 1, 2000, dtype=np.int32)
    shift = rng.integers(-31, 31, 2000, dtype=np.int32)
    for rounding in ("double", "single"):
        got = systolic.requant(acc, bias, m0, shift, 7, -128, 127, rounding)
        want = [min(max(check_dump.mbqm(check_dump.wrap32(int(x) + int(y)), int(m), int(s),
                                        rounding) + 7, -128), 127)
                for x, y, m, s in zip(acc, bias, m0, shift)]
        assert got.tolist() == want


def test_fp_ops():
    rng = np.random.default_rng(int(SEED) + 3)
    x = rng.standard_normal(5000).astype(np.float32)
    y = rng.standard_normal(5000).astype(np.float32)
    xb, yb = x.view(np.uint32), y.view(np.uint32)
    assert np.array_equal(systolic.fp_add(xb, yb), (x + y).view(np.uint32))
    assert np.array_equal(systolic.fp_mul(xb, yb), (x * y).view(np.uint32))
    r = systolic.fp_fma(np.array([0x3f81], np.uint16), np.array([0x3f81], np.uint16),
                        np.array([0xbf82], np.uint16), "bf16")
    assert r.tolist() == [0x3880]  # the README's example
    h = rng.standard_normal(3000).astype(np.float16)
    g = rng.standard_normal(3000).astype(np.float16)
    assert np.array_equal(systolic.fp_add(h.view(np.uint16), g.view(np.uint16), "fp16"),
                          (h + g).view(np.uint16))


@pytest.mark.parametrize("call, message", [
    (lambda: systolic.run(np.ones((2, 2)), np.ones((2, 2), np.int8)), "A must be int8, not float64"),
    (lambda: systolic.run(np.ones((2, 3), np.int8), np.ones((2, 2), np.int8)), "shape mismatch: A is 2x3 and B is 2x2"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), m0=-1), "m0 = -1 outside"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), shift=np.zeros(3, np.int32)), r"shift needs shape \(2,\)"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), engine="fpga"), "engine 'fpga'"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), engine="rtl", rows=5, cols=7), "5x7"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), rows=257), "Rows"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), act_min=5, act_max=1), "act_min"),
    (lambda: systolic.quantize(np.ones(2, np.float32), 0.0), "scale"),
    (lambda: systolic.multiplier(np.array([-1.0])), "must be finite and >= 0"),
    (lambda: systolic.requant(np.ones(2, np.int64)), "acc must be int32, not int64"),
    (lambda: systolic.fp_add(np.array([1 << 20], np.uint32), np.array([0], np.uint32), "fp16"), "wider than fp16"),
    (lambda: systolic.fp_add(np.ones(2, np.float32), np.ones(2, np.float32)), "integer array of bit patterns"),
    (lambda: systolic.fp_add(np.ones(2, np.uint32), np.ones(3, np.uint32)), "one shape"),
    (lambda: systolic.run(np.ones((2, 2), np.int8), np.ones((2, 2), np.int8), rounding="triple"), "triple"),
])
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
