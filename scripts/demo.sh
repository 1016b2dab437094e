#!/usr/bin/env bash
# The main job: set up (packages + build), then the whole methodology on a
# small SSD-MobileNetV1 in one run: synthetic VOC-format data -> train ->
# prune (l1, to 60 % of the MACs) -> fine-tune (distilled) -> int8 -> evaluate, benchmark,
# export -> compare (configs/demo.json, `whittle-cli pipeline`). With a
# display the workbench opens on the resulting project; without one the
# report is written (`whittle-cli report`). The comparison table is always
# printed. Output goes to ${WHITTLE_DEMO_DIR:-demo-out}; a second run resumes
# (stages that are up to date are skipped). Extra arguments go to the
# pipeline (e.g. --force). WHITTLE_DEMO_SKIP_SETUP=1 uses the existing build.
# About 6 minutes after the build on 2 cores (the pipeline's stage times are
# printed at its end).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${WHITTLE_DEMO_DIR:-$ROOT/demo-out}"
# Only what the demo runs: the tests and benchmarks build with scripts/test.sh.
if [[ "${WHITTLE_DEMO_SKIP_SETUP:-0}" != 1 ]]; then "$ROOT/scripts/setup.sh" --target whittle-cli --target whittle; fi
CLI="$ROOT/build/app/whittle-cli"
GUI="$ROOT/build/app/whittle"
# Both BLAS and OpenMP on every core oversubscribe them (see STACK-NOTES).
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"

start=$(date +%s)
DATA="$OUT/data/VOCdevkit/VOC2007"
if [[ ! -f "$DATA/ImageSets/Main/test.txt" ]]; then
  # 800 images (640 trainval, 160 test), 3 classes, objects 20-60 % of the image side.
  "$CLI" data synth --out "$OUT/data" --images 800 --classes 3 --size 256 --sides 0.2,0.6 --seed 1
fi
"$CLI" pipeline "$ROOT/configs/demo.json" --data "$DATA" --out "$OUT/pipeline" "$@"
PROJECT="$OUT/pipeline/project.whittle"
echo "demo: data + pipeline took $(( $(date +%s) - start )) s; project $PROJECT"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$GUI" ]]; then
  echo "demo: opening the workbench on $PROJECT"
  exec "$GUI" "$PROJECT"
fi
if "$CLI" report --help >/dev/null 2>&1; then
  "$CLI" report --project "$PROJECT" --out "$OUT/report"
  echo "demo: no display; the report is in $OUT/report"
else
  echo "demo: no display; the comparison is in $OUT/pipeline/comparison.txt"
fi
