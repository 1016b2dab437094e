#pragma once
// Trains any Detector (graph + head) on a detection data set: SSD training
// augmentation, the detector's mean/std normalisation, a training Runner over
// the graph's own tensors (detector.graph IS the trained model), the head's
// loss, backward, optional gradient clipping, an optimizer step at the
// scheduled rate. Validation mAP every val_every epochs; a checkpoint after
// every epoch: the model as ONNX (atomic) plus `<out>.train` (checkpoint.h),
// from which `resume` continues to the same weights as an uninterrupted run.
// With TrainOptions::qat the same loop is quantization-aware training
// (train/qat.h): the forward pass is the fake-quant simulation of int8.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "data/augment.h"
#include "data/dataset.h"
#include "eval/evaluate_detector.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "quant/quant_params.h"
#include "train/checkpoint.h"
#include "train/optimizer.h"
#include "train/schedule.h"

namespace whittle {

struct TrainOptions {
  int epochs = 10;
  int batch_size = 8;   // the last, smaller batch of an epoch is dropped when the data set holds >= 1 batch
  double lr = 1e-3;     // base rate (peak after warm-up)

  OptimizerKind optimizer = OptimizerKind::Sgd;
  double momentum = 0.9;        // SGD
  bool nesterov = false;        // SGD
  double weight_decay = 5e-4;   // L2 (SGD, Adam) or decoupled (AdamW)
  bool decay_all = false;       // also decay biases and norm scales (1-D tensors)
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_eps = 1e-8;

  ScheduleKind schedule = ScheduleKind::Constant;
  double min_lr = 0;            // cosine
  std::vector<int> milestones;  // multistep, epochs
  double gamma = 0.1;           // multistep
  int64_t warmup_steps = 0;
  double warmup_factor = 1.0 / 3.0;

  double clip_norm = 0;  // clip the gradients' global L2 norm to this; 0: off
  uint64_t seed = 0;     // data order and augmentation (per epoch and image)
  int workers = 2;       // loader threads (training and validation)
  int threads = 0;       // LibTorch intra-op threads (set_threads); 0: all cores

  bool augment = true;   // SSD training augmentation; false: plain resize
  SsdAugmentOptions augmentation;

  int val_every = 1;     // validate every N epochs and after the last; 0: never
  ApMetric val_metric = ApMetric::Voc07;
  EvalOptions val;       // batch, workers (val.workers is overridden by workers), NMS

  std::string checkpoint;  // the .onnx written after every epoch ("" : none)
  bool resume = false;     // continue from checkpoint + checkpoint.train

  // Knowledge distillation (distill.h): with a teacher and a weight > 0 the
  // loss gains distill_weight x distillation_loss(student, teacher) over the
  // head's outputs (the loss part "distill" is the unweighted value). The
  // teacher (e.g. the unpruned model) runs in inference mode on the
  // student's batch; it must outlive the call, take the same input size and
  // give the head's outputs in the student's shapes.
  const Detector* teacher = nullptr;
  double distill_weight = 1.0;

  // Quantization-aware training (train/qat.h) when set: detector.graph must
  // be BatchNorm-folded (a QuantizedGraph's graph, prepare_for_int8) and the
  // spec must cover it as Int8Runner needs (plan_int8). Training and
  // validation then run a FakeQuantRunner over the graph's own tensors:
  // weights and biases train through the straight-through gradient, the
  // per-channel weight scales follow the weights (recomputed every step, as
  // Int8Runner derives them), the activation parameters stay the spec's
  // (fixed; no range updates). Checkpoints hold the trained fp32 folded graph
  // with the spec in its metadata (kQatSpecKey, calibration-table text);
  // resume refuses a checkpoint written with another spec or without one.
  std::optional<QuantSpec> qat;

  // Live curves (the GUI's jobs): called on the training thread after every
  // optimizer step with the global step (1-based, resumed steps included)
  // and that step's loss, and after every epoch (its validation and
  // checkpoint done) with its record (val_map NaN when not validated). Either
  // may be empty; an exception thrown from one ends training as an error does.
  std::function<void(int64_t global_step, double loss)> on_step;
  std::function<void(const EpochRecord& record)> on_epoch;
};

struct TrainResult {
  std::vector<EpochRecord> curve;  // every epoch so far, resumed ones included
  int epochs_done = 0;
  int64_t global_step = 0;
  double best_map = std::numeric_limits<double>::quiet_NaN();
  int best_epoch = 0;                 // 1-based; 0: never validated
  std::optional<EvalResult> last_eval;  // the last validation of this call
  std::string checkpoint;             // the last checkpoint written or resumed from ("" : none)
  double seconds = 0;                 // wall time of this call
};

// Trains `detector` in place. train labels must index detector.classes (when
// the detector has none, train.classes are taken). Reports throttled progress
// (epoch, step, loss and its parts, lr, it/s, ETA) and logs one line per
// epoch. Throws:
// - Cancelled when progress is cancelled (checked every step and during
//   validation); the last checkpoint is left as it was;
// - Error "non-finite loss (nan) at epoch E step S (global step G); the last
//   good checkpoint <path> (epoch K) is kept" (no checkpoint is written after
//   a non-finite loss or gradient);
// - Error for bad options, a data set that does not fit the model, or a
//   resume whose files are missing, disagree or do not fit the model.
// Each epoch seeds LibTorch's global generator from (seed, epoch)
// (at::manual_seed), so randomness inside a head repeats on resume.
// After an error detector.graph holds the weights of the failing step (the
// BatchNorm statistics may already be poisoned): reload the checkpoint.
// With options.qat, also throws Error (before any work) for a graph with a
// BatchNorm left to fold or a spec that lacks a value (check_qat_model).
// When checkpointing, detector.graph.metadata gains the detector's keys
// (store_detector_metadata) and, under QAT, kQatSpecKey (erased otherwise).
TrainResult train_detector(Detector& detector, const Dataset& train, const Dataset* val,
                           const TrainOptions& options, Progress& progress);

// The graph's learnable tensors by name ("<node>.<weight>"), in Runner's
// parameters() order (node order, then weight-name order).
std::vector<NamedParameter> named_parameters(const Graph& graph);

}  // namespace whittle
