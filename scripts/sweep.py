#!/usr/bin/python3
"""Entry of `systolic sweep` (the binary execs this): see sweep/cli.py and docs/sweeps.md."""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from sweep import cli  # noqa: E402

if __name__ == "__main__":
    cli.entry()
