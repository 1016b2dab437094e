#pragma once
// Quantization-aware training (QAT): fine-tune a calibrated int8 model through
// the fp32 simulation of its int8 execution, so that its weights learn to live
// with int8 rounding.
//
//   QuantizedGraph q = prepare_for_int8(detector.graph);         // BN folded
//   q.spec = calibrate(q.graph, batches, ObserverKind::Entropy, {}, progress);
//   Detector folded{q.graph, detector.head, detector.classes, detector.preprocess};
//   QatResult r = quantization_aware_finetune(folded, q.spec, train, &val, options, progress);
//   Int8Runner int8(r.model);                                    // the deployable model
//
// The forward pass (training and validation) is FakeQuantRunner: the plan's
// quantization points (int8_plan.h) as at::fake_quantize_* ops, whose gradient
// is straight-through. What trains and what stays:
//  - weights and biases (fp32, of the folded graph) train; their per-channel
//    symmetric int8 scales are recomputed from the current weights every step,
//    as Int8Runner derives them when it is built;
//  - activation parameters stay the calibrated ones (no EMA or other range
//    updates, no learnable scales): the weights adapt to exactly the grids
//    Int8Runner will use, and a checkpoint needs no observer state;
//  - a BatchNorm that fold_batch_norm cannot fold (it does not follow a conv)
//    runs with its running statistics, as in Int8Runner, and trains its
//    affine parameters only.
// The returned spec is the calibrated one, unchanged; re-calibrating after
// QAT would move the grids the weights adapted to, so it is not done.
#include <optional>
#include <string>

#include "data/dataset.h"
#include "graph/graph.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "quant/quant_params.h"
#include "train/trainer.h"

namespace whittle {

// Metadata key of a QAT checkpoint's QuantSpec (calibration_table_text).
inline constexpr const char* kQatSpecKey = "whittle.qat_spec";

// Throws whittle::Error, "quantization-aware training: ...", when `folded`
// still has a BatchNorm2d that fold_batch_norm would fold (naming it and its
// conv; QAT needs prepare_for_int8's graph), or when plan_int8 refuses the
// model (naming the node or graph input whose value has no entry in the
// spec, or an fp32_nodes entry that is not a node).
void check_qat_model(const Graph& folded, const QuantSpec& spec);

// The QuantSpec a QAT checkpoint carries in its metadata (kQatSpecKey), or
// nullopt. Throws Error when the entry does not parse.
std::optional<QuantSpec> qat_spec_of(const Graph& graph);

struct QatResult {
  QuantizedGraph model;  // the trained folded graph (fp32 weights) + the calibrated spec
  TrainResult train;
};

// Trains a copy of `folded` (whose graph is BatchNorm-folded, see above) with
// train_detector and options.qat = calibrated; `folded` is left as it was.
// options.checkpoint / resume work as in train_detector (the checkpoint is
// the fp32 folded graph with the spec in its metadata). The model's graph
// keeps the detector's metadata, without kQatSpecKey. Throws as
// check_qat_model and train_detector do.
QatResult quantization_aware_finetune(const Detector& folded, const QuantSpec& calibrated,
                                      const Dataset& train, const Dataset* val,
                                      TrainOptions options, Progress& progress);

}  // namespace whittle
