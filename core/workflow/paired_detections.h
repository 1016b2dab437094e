#pragma once
// Two detectors on the same images, as the workbench's detection comparison
// (ui/detection_compare) shows them: each detector file loaded once, its
// detections per image kept, labels mapped to a data set's classes; and the
// ranking's work, both files over a whole image list. Qt-free, so the view
// keeps only what is shown.
#include <opencv2/core.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "models/nms.h"

namespace whittle {

class ImageDetector;

// A colour image (BGR). Throws Error naming the file when it is missing or
// does not decode.
cv::Mat read_bgr_image(const std::string& path);

// One detector file and its detections per image index. Detections keep every
// score NMS keeps (NmsOptions{}: evaluation's settings, scores > 0.01), so a
// viewer filters by threshold without running anything again.
class CachedDetector {
 public:
  // Throws Error naming the file when it does not load or has no detection head.
  explicit CachedDetector(const std::string& file);
  ~CachedDetector();
  CachedDetector(const CachedDetector&) = delete;
  CachedDetector& operator=(const CachedDetector&) = delete;

  // Labels map to `data`'s classes by name from now on (dataset_label_map;
  // a class the data set lacks is dropped); forgets every kept detection.
  // Until then, labels are the model's own.
  void set_classes(const Dataset& data);
  // Image `index`'s detections: kept ones, or run on `bgr` now and kept.
  const std::vector<ScoredBox>& detect(int index, const cv::Mat& bgr);
  // Kept detections of image `index`; null when not computed.
  const std::vector<ScoredBox>* kept(int index) const;
  // Keeps detections computed elsewhere (by detect_pair, on another thread).
  void keep(int index, std::vector<ScoredBox> detections);
  void forget() { detections_.clear(); }
  size_t kept_count() const { return detections_.size(); }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::unique_ptr<Detector> detector_;
  std::unique_ptr<ImageDetector> runner_;
  std::vector<int> label_map_;  // model class -> data set class
  std::map<int, std::vector<ScoredBox>> detections_;
};

// What detect_pair hands back: detections per image, in `image_paths` order.
struct PairDetections {
  std::vector<std::vector<ScoredBox>> left, right;
};

// Both detector files, loaded anew (nothing shared with the caller's
// detectors, so it may run on a worker thread), over every image of
// `image_paths`; labels mapped to `classes`'s class list. The same file on
// both sides runs once. Reports progress per image and polls cancellation
// (throws Cancelled); throws Error naming the file for a model that does not
// load or an image that does not read.
PairDetections detect_pair(const std::string& left_file, const std::string& right_file,
                           const std::vector<std::string>& image_paths, const Dataset& classes,
                           Progress& progress);

}  // namespace whittle
