#include "workflow/image_detector.h"

#include "data/loader.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "quant/make_executor.h"

namespace whittle {

ImageDetector::ImageDetector(const Detector& detector, NmsOptions nms)
    : detector_(detector), nms_(nms), executor_(make_inference_executor(detector.graph, detector.int8.get())) {
  if (!detector.head) throw Error("detect: the detector has no head");
  if (detector.graph.inputs.size() != 1)
    throw Error("detect: the graph must have exactly one input, it has " +
                std::to_string(detector.graph.inputs.size()));
  input_ = detector.graph.inputs[0].name;
}

at::Tensor ImageDetector::preprocess(const cv::Mat& bgr, ImageGeometry& geometry) const {
  AnnotatedImage sample;
  sample.image = bgr;
  const int size = static_cast<int>(detector_.preprocess.input_size);
  TransformedImage t = detector_.preprocess.letterbox ? letterbox(sample, size) : resize_plain(sample, size);
  geometry = t.geometry;
  return normalize_images(image_to_tensor(t.sample.image).unsqueeze(0), detector_.preprocess);
}

TensorMap ImageDetector::forward(const at::Tensor& input) { return executor_->run({{input_, input}}); }

std::vector<ScoredBox> ImageDetector::decode(const TensorMap& raw, const ImageGeometry& geometry) const {
  std::vector<ScoredBox> dets = detector_.head->decode(head_inputs(*detector_.head, raw, "detect"), nms_).at(0);
  for (ScoredBox& d : dets) {
    const BoxF b = map_normalized_box_to_original({d.x1, d.y1, d.x2, d.y2}, geometry);
    d.x1 = b[0], d.y1 = b[1], d.x2 = b[2], d.y2 = b[3];
  }
  return dets;
}

std::vector<ScoredBox> ImageDetector::detect(const cv::Mat& bgr) {
  ImageGeometry geometry;
  const at::Tensor input = preprocess(bgr, geometry);
  return decode(forward(input), geometry);
}

}  // namespace whittle
