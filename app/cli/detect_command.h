#pragma once
// `detect --model FILE.onnx [--score 0.5] IMAGE... --out DIR`, and the detect
// path for one image that it and `bench` share.
#include <ATen/core/Tensor.h>
#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>

#include <memory>
#include <vector>

#include "data/letterbox.h"
#include "models/detector.h"
#include "models/nms.h"
#include "runtime/executor.h"

namespace whittle::cli {

// One image through a detector, in three stages that bench times apart:
// preprocess (resize or letterbox to the input size, to tensor, mean/std),
// forward (the fp32 Runner with BatchNorm folded, or the int8 runner for an
// int8 model), decode (the head's decode and
// NMS, boxes mapped back to the original image).
class ImageDetector {
 public:
  ImageDetector(const Detector& detector, NmsOptions nms);

  // BGR image -> [1, 3, S, S] normalised input; `geometry` maps back.
  at::Tensor preprocess(const cv::Mat& bgr, ImageGeometry& geometry) const;
  TensorMap forward(const at::Tensor& input);
  // Detections with boxes in continuous pixels of the original image
  // (0-based, x2 - x1 = width), by descending score.
  std::vector<ScoredBox> decode(const TensorMap& raw, const ImageGeometry& geometry) const;
  std::vector<ScoredBox> detect(const cv::Mat& bgr);

 private:
  const Detector& detector_;
  NmsOptions nms_;
  std::unique_ptr<GraphExecutor> executor_;
  std::string input_;
};

void add_detect_command(CLI::App& app);

}  // namespace whittle::cli
