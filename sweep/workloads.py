"""Workloads as GEMM layers: SCALE-Sim topology CSVs (conv layers lowered by im2col as SCALE-Sim
does), SCALE-Sim GEMM_mnk CSVs, and plain GEMM lists. Every malformed row is an error naming the
file and line. Shared by the sweep orchestrator and bench/bench.py."""
import csv
import math
import os
from typing import List, NamedTuple

MAX_DIM = (1 << 24) - 1  # the engine's M, N and K registers are 24 bits


def printable(text):
    """`text` with control characters shown as \\xNN: an echoed key or value cannot break the
    one-line message or drive the terminal."""
    return "".join(c if c >= " " and c != "\x7f" else f"\\x{ord(c):02x}" for c in str(text))


class WorkloadError(Exception):
    """A user error in a workload file or entry: one line (control characters escaped)."""

    def __init__(self, message):
        super().__init__(printable(message))


class Layer(NamedTuple):
    name: str
    M: int
    N: int
    K: int


def conv_to_gemm(ih, iw, fh, fw, ch, nf, stride):
    """SCALE-Sim's im2col lowering: M = out_h * out_w, N = filters, K = fh * fw * channels, with
    out = ceil((in - f + stride) / stride)."""
    oh = math.ceil((ih - fh + stride) / stride)
    ow = math.ceil((iw - fw + stride) / stride)
    return oh * ow, nf, fh * fw * ch


MAX_FILE_CHARS = 16 << 20  # a workload file (CSV) is read whole up to this size


def _rows(path):
    """(line number, stripped non-empty fields) of every non-blank, non-comment CSV row."""
    if not os.path.exists(path):
        raise WorkloadError(f"{path}: no such file")
    if os.path.isdir(path):
        raise WorkloadError(f"{path}: is a directory, not a CSV file")
    try:
        with open(path, newline="", encoding="utf-8") as f:
            text = f.read(MAX_FILE_CHARS + 1)  # bounded: the path may be a device or a FIFO
    except (OSError, UnicodeDecodeError) as e:
        raise WorkloadError(f"{path}: cannot read: {e}") from None
    if len(text) > MAX_FILE_CHARS:
        raise WorkloadError(f"{path}: larger than {MAX_FILE_CHARS} characters")
    out = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            fields = next(csv.reader([line]))
        except csv.Error as e:
            raise WorkloadError(f"{path}:{lineno}: {e}") from None
        # SCALE-Sim rows end with a comma: drop empty trailing fields only.
        while fields and not fields[-1].strip():
            fields.pop()
        out.append((lineno, [c.strip() for c in fields]))
    return out


def _int(path, lineno, text, what):
    try:
        v = int(text, 10)
    except ValueError:
        raise WorkloadError(f"{path}:{lineno}: {what} '{text}' is not an integer") from None
    if v < 1:
        raise WorkloadError(f"{path}:{lineno}: {what} = {v} must be at least 1")
    return v


def _check_dims(path, lineno, m, n, k):
    for what, v in (("M", m), ("N", n), ("K", k)):
        if v < 1 or v > MAX_DIM:
            raise WorkloadError(f"{path}:{lineno}: {what} = {v} must be in 1..{MAX_DIM}")


def _is_header(fields):
    def numeric(s):
        try:
            int(s, 10)
            return True
        except ValueError:
            return False
    return not any(numeric(f) for f in fields[1:])


CONV_FIELDS = ("IFMAP Height", "IFMAP Width", "Filter Height", "Filter Width", "Channels",
               "Num Filter", "Strides")


def _conv_layer(path, lineno, fields):
    if len(fields) != 8:
        raise WorkloadError(
            f"{path}:{lineno}: a conv layer row has 8 fields (name, {', '.join(CONV_FIELDS)}), "
            f"this one has {len(fields)}")
    ih, iw, fh, fw, ch, nf, st = (_int(path, lineno, v, what)
                                  for v, what in zip(fields[1:], CONV_FIELDS))
    if fh > ih or fw > iw:
        raise WorkloadError(f"{path}:{lineno}: the {fh}x{fw} filter is larger than the "
                            f"{ih}x{iw} input")
    m, n, k = conv_to_gemm(ih, iw, fh, fw, ch, nf, st)
    _check_dims(path, lineno, m, n, k)
    return Layer(fields[0] or f"line{lineno}", m, n, k)


def _gemm_layer(path, lineno, fields, index):
    if len(fields) == 3:
        name, dims = f"gemm{index}", fields
    elif len(fields) == 4:
        name, dims = fields[0] or f"gemm{index}", fields[1:]
    else:
        raise WorkloadError(f"{path}:{lineno}: a GEMM row has M, N, K (optionally after a name), "
                            f"this one has {len(fields)} fields")
    m, n, k = (_int(path, lineno, v, what) for v, what in zip(dims, "MNK"))
    _check_dims(path, lineno, m, n, k)
    return Layer(name, m, n, k)


def load_topology(path) -> List[Layer]:
    """A SCALE-Sim topology CSV: conv layers (name, IFMAP H, W, filter H, W, channels, filters,
    stride) or, with a 'Layer, M, N, K' header, GEMM layers (SCALE-Sim's GEMM_mnk files)."""
    rows = _rows(path)
    if not rows:
        raise WorkloadError(f"{path}: no layers")
    lineno, header = rows[0]
    is_gemm = [h.upper() for h in header[1:4]] == ["M", "N", "K"] and len(header) == 4
    if _is_header(header):
        rows = rows[1:]
    elif len(header) != 8:
        is_gemm = len(header) == 4
    layers = []
    for i, (lineno, fields) in enumerate(rows):
        layers.append(_gemm_layer(path, lineno, fields, i) if is_gemm
                      else _conv_layer(path, lineno, fields))
    if not layers:
        raise WorkloadError(f"{path}: no layers (only a header)")
    return layers


def load_gemm_file(path) -> List[Layer]:
    """A CSV of GEMMs: rows 'M, N, K' or 'name, M, N, K', an optional header line first (whose
    width every row must then have)."""
    rows = _rows(path)
    width = None
    if rows and _is_header(rows[0][1]):
        width = len(rows[0][1])
        if width not in (3, 4):
            raise WorkloadError(f"{path}:{rows[0][0]}: the header has {width} fields; a GEMM "
                                "file has M, N, K or name, M, N, K")
        rows = rows[1:]
    layers = []
    for i, (lineno, fields) in enumerate(rows):
        if width is not None and len(fields) != width:
            raise WorkloadError(f"{path}:{lineno}: a GEMM row has {width} fields like the header "
                                f"({'name, ' if width == 4 else ''}M, N, K), this one has "
                                f"{len(fields)}")
        layers.append(_gemm_layer(path, lineno, fields, i))
    if not layers:
        raise WorkloadError(f"{path}: no GEMM rows")
    return layers
