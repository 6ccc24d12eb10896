#!/usr/bin/env bash
# Benchmarks, measured side by side in one run:
#   scripts/bench.sh [speed] [util] [scalesim] [memory] [sweep] [infer] [python] [dram] [soak] [scale]
#   scripts/bench.sh compare | build-time | threads ...   (every mode and option: bench/bench.py)
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/bench.py "$@"
