#include "workflow/paired_detections.h"

#include <opencv2/imgcodecs.hpp>

#include <filesystem>

#include "eval/disagreement.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "workflow/detector_file.h"
#include "workflow/image_detector.h"

namespace whittle {

cv::Mat read_bgr_image(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error(path + ": no such image");
  cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
  if (bgr.empty()) throw Error(path + ": the image does not decode");
  return bgr;
}

CachedDetector::CachedDetector(const std::string& file) : file_(file) {
  if (file.empty()) throw Error("no model file given");
  detector_ = std::make_unique<Detector>(load_detector_file(file));
  if (!detector_->head) throw Error(file + ": the model is not a detector (it has no detection head)");
  runner_ = std::make_unique<ImageDetector>(*detector_, NmsOptions{});
  label_map_.resize(static_cast<size_t>(detector_->head->num_classes()));
  for (size_t i = 0; i < label_map_.size(); ++i) label_map_[i] = static_cast<int>(i);
}

CachedDetector::~CachedDetector() = default;

void CachedDetector::set_classes(const Dataset& data) {
  label_map_ = dataset_label_map(*detector_, data);
  forget();
}

const std::vector<ScoredBox>& CachedDetector::detect(int index, const cv::Mat& bgr) {
  auto it = detections_.find(index);
  if (it != detections_.end()) return it->second;
  return detections_[index] = map_detection_labels(runner_->detect(bgr), label_map_);
}

const std::vector<ScoredBox>* CachedDetector::kept(int index) const {
  auto it = detections_.find(index);
  return it == detections_.end() ? nullptr : &it->second;
}

void CachedDetector::keep(int index, std::vector<ScoredBox> detections) {
  detections_[index] = std::move(detections);
}

PairDetections detect_pair(const std::string& left_file, const std::string& right_file,
                           const std::vector<std::string>& image_paths, const Dataset& classes,
                           Progress& progress) {
  const size_t n = image_paths.size();
  progress.report(-1, "loading the models");
  CachedDetector left(left_file);
  left.set_classes(classes);
  std::unique_ptr<CachedDetector> right;
  if (right_file != left_file) {
    right = std::make_unique<CachedDetector>(right_file);
    right->set_classes(classes);
  }
  PairDetections out;
  out.left.resize(n);
  out.right.resize(n);
  for (size_t i = 0; i < n; ++i) {
    progress.check_cancelled();
    progress.report(static_cast<double>(i) / static_cast<double>(n),
                    "image " + std::to_string(i + 1) + "/" + std::to_string(n));
    const cv::Mat bgr = read_bgr_image(image_paths[i]);
    const int index = static_cast<int>(i);
    out.left[i] = left.detect(index, bgr);
    out.right[i] = right ? right->detect(index, bgr) : out.left[i];
  }
  progress.report(1.0, "done");
  return out;
}

}  // namespace whittle
