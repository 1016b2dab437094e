#include "eval/evaluate_detector.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "data/loader.h"
#include "graph/error.h"
#include "quant/make_executor.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

at::Tensor normalize_images(const at::Tensor& images, const Preprocess& p) {
  if (images.dim() != 4 || images.size(1) != 3)
    throw Error("normalize_images: expected images [B, 3, S, S]");
  if (images.size(2) != p.input_size || images.size(3) != p.input_size)
    throw Error("normalize_images: images are " + std::to_string(images.size(3)) + "x" +
                std::to_string(images.size(2)) + ", the model takes " +
                std::to_string(p.input_size) + "x" + std::to_string(p.input_size));
  at::Tensor mean = at::tensor(std::vector<float>(p.mean.begin(), p.mean.end())).view({1, 3, 1, 1});
  at::Tensor std = at::tensor(std::vector<float>(p.std.begin(), p.std.end())).view({1, 3, 1, 1});
  return (images.to(at::kFloat) - mean) / std;
}

Box to_original_voc_box(float x1, float y1, float x2, float y2, const ImageGeometry& g) {
  const BoxF c = map_normalized_box_to_original({x1, y1, x2, y2}, g);
  Box b = to_voc_box(c);
  const float w = static_cast<float>(std::max(g.original_width, 1));
  const float h = static_cast<float>(std::max(g.original_height, 1));
  b.xmin = std::clamp(b.xmin, 1.0f, w);
  b.xmax = std::clamp(b.xmax, 1.0f, w);
  b.ymin = std::clamp(b.ymin, 1.0f, h);
  b.ymax = std::clamp(b.ymax, 1.0f, h);
  return b;
}

std::vector<int> dataset_label_map(const Detector& detector, const Dataset& data) {
  std::vector<int> label_map;
  if (!detector.classes.empty()) {
    std::map<std::string, int> index;
    for (size_t i = 0; i < data.classes.size(); ++i) index[data.classes[i]] = static_cast<int>(i);
    for (const auto& name : detector.classes) {
      auto it = index.find(name);
      label_map.push_back(it == index.end() ? -1 : it->second);
    }
  } else {
    for (int64_t i = 0; i < detector.head->num_classes(); ++i)
      label_map.push_back(i < static_cast<int64_t>(data.classes.size()) ? static_cast<int>(i) : -1);
  }
  return label_map;
}

LoaderOptions eval_loader_options(const Detector& detector, const EvalOptions& options) {
  LoaderOptions lo;
  lo.transform = detector.preprocess.letterbox ? LoaderTransform::Letterbox : LoaderTransform::Resize;
  lo.size = static_cast<int>(detector.preprocess.input_size);
  lo.batch_size = std::max(options.batch_size, 1);
  lo.shuffle = false;
  lo.workers = std::max(options.workers, 0);
  lo.prefetch = std::max(lo.workers, 1) + 1;
  return lo;
}

void append_detections(const std::vector<std::vector<ScoredBox>>& per_image, const Batch& batch,
                       const std::vector<int>& label_map, std::vector<Detection>& out) {
  if (per_image.size() != batch.image_ids.size())
    throw Error("evaluate_detector: the head decoded " + std::to_string(per_image.size()) +
                " images of a batch of " + std::to_string(batch.image_ids.size()));
  for (size_t i = 0; i < per_image.size(); ++i) {
    for (const ScoredBox& s : per_image[i]) {
      if (s.label < 0 || s.label >= static_cast<int>(label_map.size()))
        throw Error("evaluate_detector: the head gave label " + std::to_string(s.label) +
                    " (the model has " + std::to_string(label_map.size()) + " classes)");
      if (label_map[s.label] < 0) continue;
      Detection d;
      d.image_id = batch.image_ids[i];
      d.label = label_map[s.label];
      d.score = s.score;
      d.box = to_original_voc_box(s.x1, s.y1, s.x2, s.y2, batch.geometries[i]);
      out.push_back(d);
    }
  }
}

namespace {

// The checks both overloads make before any work (a Runner's construction
// folds and copies the graph).
void check_eval_inputs(const Detector& detector, const Graph& graph, const Dataset& data) {
  if (!detector.head) throw Error("evaluate_detector: the detector has no head");
  if (data.images.empty()) throw Error("evaluate_detector: the data set has no images");
  if (graph.inputs.size() != 1)
    throw Error("evaluate_detector: the graph must have exactly one input, it has " +
                std::to_string(graph.inputs.size()));
}

}  // namespace

EvalResult evaluate_detector(const Detector& detector, const Dataset& data, ApMetric metric,
                             const EvalOptions& options, Progress& progress) {
  check_eval_inputs(detector, detector.graph, data);
  // fp32 Runner, or the int8 runner for an int8 detector.
  const std::unique_ptr<GraphExecutor> executor = make_inference_executor(detector.graph, detector.int8.get());
  return evaluate_detector(detector, *executor, data, metric, options, progress);
}

EvalResult evaluate_detector(const Detector& detector, GraphExecutor& executor, const Dataset& data,
                             ApMetric metric, const EvalOptions& options, Progress& progress) {
  const Graph& graph = executor.graph();
  check_eval_inputs(detector, graph, data);
  at::NoGradGuard no_grad;

  const std::vector<int> label_map = dataset_label_map(detector, data);
  const Clock::time_point start = Clock::now();
  DetectionLoader loader(data, eval_loader_options(detector, options));
  const std::string input = graph.inputs[0].name;

  EvalResult result;
  double model_seconds = 0;
  const size_t total = loader.size();
  progress.report(0.0, "evaluating 0/" + std::to_string(total) + " images");
  while (true) {
    progress.check_cancelled();
    std::optional<Batch> batch = loader.next();
    if (!batch) break;
    const Clock::time_point t0 = Clock::now();
    const TensorMap raw = executor.run({{input, normalize_images(batch->images, detector.preprocess)}});
    const auto per_image = detector.head->decode(head_inputs(*detector.head, raw, "evaluate_detector"), options.nms);
    model_seconds += seconds_since(t0);
    append_detections(per_image, *batch, label_map, result.detections);
    result.images += static_cast<int>(batch->image_ids.size());
    progress.report(static_cast<double>(result.images) / static_cast<double>(total),
                    "evaluating " + std::to_string(result.images) + "/" + std::to_string(total) +
                        " images");
  }
  result.map = evaluate_detections(data, result.detections, metric);
  result.ms_per_image = result.images > 0 ? 1000.0 * model_seconds / result.images : 0.0;
  result.seconds = seconds_since(start);
  return result;
}

}  // namespace whittle
