#pragma once
// Post-training int8 quantization of a detector, end to end: BatchNorm
// folded, activations calibrated on images of a data set, then (optionally)
// the layers most sensitive to int8 kept in fp32 until the int8 mAP is
// within a bound of the fp32 mAP; both evaluated on a validation set.
//
// core/workflow joins the areas (data, models, eval, quant, ...) into the
// jobs a user runs; the CLI and the GUI are thin layers over it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"
#include "eval/evaluate_detector.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "quant/calibrate.h"
#include "quant/observer.h"
#include "train/trainer.h"

namespace whittle {

enum class KeepFp32 { None, Auto, List };

struct QuantizeDetectorOptions {
  ObserverKind observer = ObserverKind::MinMax;
  ObserverOptions observer_options;
  int calibration_images = 200;  // the first N images of the calibration set, in its order
  // A calibration table (quant/calibration_table.h) to use instead of
  // calibrating: its activation ranges (and fp32 layers) are taken as they are.
  std::optional<QuantSpec> table;
  int batch_size = 8;
  int workers = 2;
  KeepFp32 keep = KeepFp32::None;
  // List: layers (Conv/Linear node names) kept in fp32, with the ReLU/ReLU6
  // fused into them. Auto: never quantized either, before the search.
  std::vector<std::string> keep_nodes;
  double max_map_loss = 0.01;   // Auto: fp32 mAP - int8 mAP allowed (0.01 = one point)
  int sensitivity_images = 32;  // Auto: images of the per-layer output error
  ApMetric metric = ApMetric::Voc07;
  NmsOptions nms;
  // Quantization-aware training after calibration (train/qat.h) on the
  // calibration set, when qat.epochs > 0; validation only at the end.
  TrainOptions qat = default_qat_options();
  static TrainOptions default_qat_options();
};

// Head outputs' relative L2 error (||int8 - fp32|| / ||fp32|| over all
// outputs) with only this layer in int8 and everything else fp32.
struct LayerSensitivity {
  std::string node;
  double relative_error = 0;
};

struct QuantizeDetectorResult {
  Detector int8;  // graph BatchNorm-folded, int8 spec set
  std::optional<double> fp32_map, int8_map;  // on the validation set, when one is given
  std::optional<double> ptq_map;  // with QAT: the int8 mAP before it (int8_map is after)
  std::optional<TrainResult> qat;
  std::vector<LayerSensitivity> sensitivity;  // Auto: most sensitive first
  std::vector<std::string> kept_fp32;         // layers in fp32 (List or Auto's choice)
  std::vector<std::pair<int, double>> auto_trials;  // Auto: (layers kept fp32, int8 mAP)
  double calibration_seconds = 0;
  int calibration_images = 0;
};

// The first `images` images of `data`, resized and normalised as the
// detector expects, in batches; rewind() starts again (for two-pass observers).
CalibrationBatches detector_calibration_batches(const Detector& detector, const Dataset& data, int images,
                                                int batch_size, int workers);

// Throws whittle::Error for an int8 detector (quantize its fp32 original),
// a table that misses a value the int8 plan quantizes (naming it), an empty
// calibration set, Auto without a validation set, or a kept layer
// that is not a Conv/Linear node of the graph; Cancelled when cancelled.
QuantizeDetectorResult quantize_detector(const Detector& fp32, const Dataset& calibration,
                                         const Dataset* validation, const QuantizeDetectorOptions& options,
                                         Progress& progress);

// The layers quantize_detector's Auto mode may keep in fp32: Conv/Linear
// nodes not in the spec's fp32_nodes, in graph order (needs no activations).
std::vector<std::string> int8_layers(const QuantizedGraph& model);

// The model's spec (calibrated: every value has parameters) with `layers`
// and the activations fused into them in fp32.
QuantSpec keep_layers_fp32(const QuantizedGraph& model, const std::vector<std::string>& layers);

}  // namespace whittle
