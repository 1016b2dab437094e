#!/usr/bin/env bash
# Issue 5's acceptance study: prune a trained detector by 30/50/70 % of its
# MACs with each criterion, fine-tune every pruned model, and print one
# Markdown table (params, MACs, measured latency, mAP pruned and fine-tuned).
#
#   bench/prune_study.sh MODEL.onnx VOC_YEAR_DIR OUT_DIR
#
# Environment (defaults in brackets):
#   WHITTLE_CLI   the CLI                        [build/app/whittle-cli]
#   CRITERIA      channel order within a group   [l1 taylor]
#   REDUCTIONS    MAC reductions in percent      [30 50 70]
#   EPOCHS        fine-tuning epochs             [10]
#   FT_SET        fine-tuning image set          [TRAIN_SET]
#   LR / WARMUP   fine-tuning rate and warm-up steps                  [0.001 / 100]
#   FT_ARGS       more finetune options, e.g. "--max-expand 2"         [none]
#   CONTROL       1: also fine-tune the unpruned model the same way  [1]
#   RUNS          timed runs for the latency     [50]
#   TRAIN_SET / TEST_SET / SCAN_IMAGES           [train / test / 200]
#   PLANNER       sensitivity, or global (prune --target-macs: global rank,
#                 no scan; for models whose mAP cannot guide a scan)  [sensitivity]
#   NORMALIZE     global: prune --normalize (l2, mean, none)          [l2]
#   SPEED         sensitivity: plan with --speed-ratio SPEED too (a latency
#                 speed-up >= SPEED x the MAC speed-up, by the latency table);
#                 where the scan cannot reach it, the plan without it (noted
#                 in <plan>.plan.log)                                 [none]
#   (EPOCHS=0: no fine-tuning)
#
# Per criterion: a sensitivity scan (each group alone at 10..90 %, mAP on the
# first SCAN_IMAGES images of TRAIN_SET; never the test set), then for each
# reduction the sensitivity planner's plan (least predicted mAP loss for the
# MAC target), surgery, the latency of original and pruned (interleaved
# runs), mAP on TEST_SET, fine-tuning on FT_SET (AdamW, cosine, batch 16,
# no teacher) and mAP again. Phase 1 (plans, surgery, latency)
# runs first, for all models: keep the machine quiet then. Phase 2 is the
# fine-tuning. Everything is written to OUT_DIR (models, JSON, logs);
# re-running skips every model whose JSON is already there.
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,8p' "$0" >&2
  exit 2
fi
model=$1
data=$2
out=$3
cli=${WHITTLE_CLI:-build/app/whittle-cli}
criteria=${CRITERIA:-l1 taylor}
reductions=${REDUCTIONS:-30 50 70}
epochs=${EPOCHS:-10}
control=${CONTROL:-1}
runs=${RUNS:-50}
train_set=${TRAIN_SET:-train}
test_set=${TEST_SET:-test}
scan_images=${SCAN_IMAGES:-200}
ft_set=${FT_SET:-$train_set}
lr=${LR:-0.001}
warmup=${WARMUP:-100}
read -r -a ft_args <<< "${FT_ARGS:-}"
planner=${PLANNER:-sensitivity}
normalize=${NORMALIZE:-l2}
mkdir -p "$out"

# json_number FILE KEY [AFTER]: the first number under "KEY" (after the line
# matching AFTER, when given) in a JSON file the CLI wrote.
json_number() {
  awk -v key="\"$2\"" -v after="${3:-}" '
    after != "" && !seen { if (index($0, after)) seen = 1; next }
    index($0, key ":") { sub(/.*": */, ""); sub(/[,}].*/, ""); print; exit }' "$1"
}

finetune() {  # finetune IN OUT_PREFIX
  if [ "$epochs" = 0 ] || [ -s "$2.ft.json" ]; then return; fi
  "$cli" finetune --model "$1" --data "$data" --set "$ft_set" --val-set "$test_set" --epochs "$epochs" \
    --batch 16 --optimizer adamw --lr "$lr" --weight-decay 0.0005 --schedule cosine --warmup "$warmup" \
    ${ft_args[@]+"${ft_args[@]}"} --val-every "$epochs" --out "$2.ft.onnx" --json > "$2.ft.json.part" 2> "$2.ft.log"
  mv "$2.ft.json.part" "$2.ft.json"
}

echo "phase 1: scans, plans, surgery, latency ($(date -u +%H:%M:%S))" >&2
[ -s "$out/original.eval.json" ] ||
  "$cli" eval --model "$model" --data "$data" --set "$test_set" --json > "$out/original.eval.json"
for c in $criteria; do
  if [ "$planner" = global ]; then
    for r in $reductions; do
      p="$out/${c}_$r"
      [ -s "$p.eval.json" ] && continue
      f=$(awk -v r="$r" 'BEGIN { printf "%.2f", 1 - r / 100 }')
      "$cli" prune --model "$model" --criterion "$c" --normalize "$normalize" --target-macs "$f" \
        --data "$data" --set "$train_set" \
        --latency --latency-runs "$runs" --out "$p.onnx" --json > "$p.prune.json"
      "$cli" eval --model "$p.onnx" --data "$data" --set "$test_set" --json > "$p.eval.json"
    done
    continue
  fi
  if [ ! -s "$out/sens_$c.json" ]; then
    "$cli" sensitivity --model "$model" --data "$data" --set "$train_set" --images "$scan_images" \
      --criterion "$c" --score-set "$train_set" --out "$out/sens_$c.json" > "$out/sens_$c.log" 2>&1
  fi
  for r in $reductions; do
    p="$out/${c}_$r"
    [ -s "$p.eval.json" ] && continue
    f=$(awk -v r="$r" 'BEGIN { printf "%.2f", 1 - r / 100 }')
    cap=()
    if [ -n "${SPEED:-}" ]; then
      cap=(--speed-ratio "$SPEED")
    fi
    if ! "$cli" sensitivity --from "$out/sens_$c.json" --model "$model" --data "$data" --score-set "$train_set" \
      --target-macs "$f" "${cap[@]}" --save-plan "$p.plan.json" > "$p.plan.log" 2>&1; then
      [ ${#cap[@]} -gt 0 ] || { cat "$p.plan.log" >&2; exit 1; }
      echo "speed ratio ${cap[1]} not reachable: planned for the MACs alone" >> "$p.plan.log"
      "$cli" sensitivity --from "$out/sens_$c.json" --model "$model" --data "$data" --score-set "$train_set" \
        --target-macs "$f" --save-plan "$p.plan.json" >> "$p.plan.log" 2>&1
    fi
    "$cli" prune --model "$model" --plan "$p.plan.json" --latency --latency-runs "$runs" --out "$p.onnx" \
      --json > "$p.prune.json"
    "$cli" eval --model "$p.onnx" --data "$data" --set "$test_set" --json > "$p.eval.json"
  done
done

echo "phase 2: fine-tuning ($(date -u +%H:%M:%S))" >&2
for c in $criteria; do
  for r in $reductions; do
    echo "  $c -$r% ($(date -u +%H:%M:%S))" >&2
    finetune "$out/${c}_$r.onnx" "$out/${c}_$r"
  done
done
if [ "$control" = 1 ]; then
  echo "  control: the unpruned model ($(date -u +%H:%M:%S))" >&2
  finetune "$model" "$out/control"
fi
echo "done ($(date -u +%H:%M:%S))" >&2

base=$(json_number "$out/original.eval.json" map)
echo "| criterion | MACs | params | MACs kept | latency ms, before → after (2 threads, median of $runs) | latency speed-up / MAC speed-up | mAP pruned | mAP fine-tuned ($epochs ep) | change vs original |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for c in $criteria; do
  for r in $reductions; do
    p="$out/${c}_$r"
    awk -v c="$c" -v r="$r" -v params="$(json_number "$p.prune.json" after '"params"')" \
      -v macs="$(json_number "$p.prune.json" after '"macs"')" \
      -v kept="$(json_number "$p.prune.json" ratio '"macs"')" \
      -v lb="$(json_number "$p.prune.json" before_ms '"measured"')" \
      -v la="$(json_number "$p.prune.json" after_ms '"measured"')" \
      -v pm="$(json_number "$p.eval.json" map)" \
      -v fm="$(if [ -s "$p.ft.json" ]; then json_number "$p.ft.json" best_map; fi)" -v base="$base" '
      function commas(n, s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
      BEGIN {
        printf "| %s | -%s %% | %s | %.3f | %.2f → %.2f | %.2f× / %.2f× = %.2f | %.4f | %s | %s |\n",
          c, r, commas(params), kept, lb, la, lb / la, 1 / kept, (lb / la) * kept, pm,
          fm == "" ? "" : sprintf("%.4f", fm), fm == "" ? "" : sprintf("%+.2f pt", 100 * (fm - base)) }'
  done
done
if [ -s "$out/control.ft.json" ]; then
  printf "| none (control: the unpruned model, same fine-tuning) | 0 %% | | 1.000 | | | %.4f | %.4f | %+.2f pt |\n" \
    "$base" "$(json_number "$out/control.ft.json" best_map)" \
    "$(awk -v a="$(json_number "$out/control.ft.json" best_map)" -v b="$base" 'BEGIN { print 100 * (a - b) }')"
fi
echo
echo "original: $model, VOC07 mAP $base on $test_set"
