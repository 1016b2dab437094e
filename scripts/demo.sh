#!/usr/bin/env bash
# The main job: set up (packages + build), then run the demo.
# For now: synthesise a small VOC-format data set, check it, and print the
# layer table of a built-in network. Output goes to ${WHITTLE_DEMO_DIR:-demo-out}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${WHITTLE_DEMO_DIR:-$ROOT/demo-out}"
"$ROOT/scripts/setup.sh"
CLI="$ROOT/build/app/whittle-cli"
"$CLI" data synth --out "$OUT/data" --images 200 --classes 20 --size 300 --seed 1
"$CLI" data check "$OUT/data/VOCdevkit/VOC2007" --set trainval --set test
"$CLI" info --zoo mobilenet_v2 "$@"
