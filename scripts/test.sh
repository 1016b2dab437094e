#!/usr/bin/env bash
# Set up (packages + build), then run the whole test suite with ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
export OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 QT_QPA_PLATFORM=offscreen
ctest --test-dir "$ROOT/build" --output-on-failure --parallel "$(nproc)" --timeout 600 "$@"
