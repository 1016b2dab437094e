#pragma once
// Runs a detector over a data set and scores it: the evaluation transform
// (plain resize, or letterbox when the detector's preprocessing says so),
// mean/std normalisation, an inference Runner (BatchNorm folded), the head's
// decode and NMS, boxes mapped back to the original image in VOC 1-based
// pixels, then evaluate_detections (voc_ap.h). The graph may also be run by
// any other GraphExecutor (an Int8Runner, a FakeQuantRunner) in its place.
#include <ATen/core/Tensor.h>

#include <vector>

#include "data/dataset.h"
#include "data/letterbox.h"
#include "data/loader.h"
#include "eval/detection.h"
#include "eval/voc_ap.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "runtime/executor.h"

namespace whittle {

struct EvalOptions {
  int batch_size = 8;
  int workers = 2;  // loader threads (decode + resize); 0: on the caller's thread
  NmsOptions nms;
};

struct EvalResult {
  MapResult map;
  std::vector<Detection> detections;  // labels index the data set's classes
  int images = 0;
  // Model time per image: normalisation + forward + decode/NMS (image
  // decoding and resizing, done by the loader's workers, excluded).
  double ms_per_image = 0;
  double seconds = 0;  // wall time of the whole evaluation
};

// Detector labels map to the data set's classes by name when the detector has
// class names (detections of a class the data set lacks are dropped), by
// index otherwise. Reports progress per batch and polls cancellation (throws
// Cancelled). Throws Error for a data set without images or a graph that does
// not have exactly one input. An int8 detector (Detector::int8 set) runs
// through the int8 runner.
EvalResult evaluate_detector(const Detector& detector, const Dataset& data, ApMetric metric,
                             const EvalOptions& options, Progress& progress);
// The same with `executor` running the graph (e.g. an Int8Runner or the
// FakeQuantRunner of quantization-aware training) instead of a fresh fp32
// Runner over detector.graph; the detector gives the head, the classes and
// the preprocessing. Runs without autograd (at::NoGradGuard), so an executor
// over tensors that require gradients builds no autograd graph. Throws as
// above, the input count being checked on executor.graph().
EvalResult evaluate_detector(const Detector& detector, GraphExecutor& executor, const Dataset& data,
                             ApMetric metric, const EvalOptions& options, Progress& progress);

// The steps of evaluate_detector, public for scans that run the graph their
// own way (prune/sensitivity.h):
//
// Detector label -> data set label (-1: a class the data set lacks), as
// evaluate_detector maps them (see above).
std::vector<int> dataset_label_map(const Detector& detector, const Dataset& data);
// The loader evaluate_detector reads `data` with: the detector's transform
// (resize or letterbox) and size, in order, options' batch size and workers.
LoaderOptions eval_loader_options(const Detector& detector, const EvalOptions& options);
// Appends the decoded detections of one batch (head.decode's, one list per
// image of `batch`) to `out` as the eval's records: labels through
// `label_map` (-1: dropped), boxes to the original image (to_original_voc_box).
// Throws Error when the image count differs from the batch's or a label is
// outside label_map.
void append_detections(const std::vector<std::vector<ScoredBox>>& per_image, const Batch& batch,
                       const std::vector<int>& label_map, std::vector<Detection>& out);

// (x - mean) / std per channel of float RGB images [B, 3, S, S] in [0, 1],
// with the detector's preprocessing; checks the size is input_size.
at::Tensor normalize_images(const at::Tensor& images, const Preprocess& preprocess);

// Detector output box (normalised to the network input, continuous) ->
// VOC box of the original image: continuous pixels through the loader's
// geometry, then xmin = x1 + 1, ymin = y1 + 1, xmax = x2, ymax = y2 (the
// inverse of augment.h's from_voc_box), clamped to [1, W] x [1, H].
Box to_original_voc_box(float x1, float y1, float x2, float y2, const ImageGeometry& geometry);

}  // namespace whittle
