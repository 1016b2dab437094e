#pragma once
// One image through a detector, in three stages that benchmarks time apart:
// preprocess (resize or letterbox to the input size, to tensor, mean/std),
// forward (the fp32 Runner with BatchNorm folded, or the int8 runner for an
// int8 model), decode (the head's decode and NMS, boxes mapped back to the
// original image). Used by `whittle-cli detect` and `bench`, the workbench's
// benchmark job and its detection comparison.
#include <ATen/core/Tensor.h>
#include <opencv2/core.hpp>

#include <memory>
#include <string>
#include <vector>

#include "data/letterbox.h"
#include "models/detector.h"
#include "models/nms.h"
#include "runtime/executor.h"

namespace whittle {

class ImageDetector {
 public:
  // `detector` must outlive this object. Throws whittle::Error for a detector
  // without a head or a graph without exactly one input.
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

}  // namespace whittle
