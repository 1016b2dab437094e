#include "data/letterbox.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace whittle {
namespace {

void check_input(const AnnotatedImage& input, int size, const char* what) {
  if (input.image.empty() || input.image.type() != CV_8UC3)
    throw Error(std::string(what) + ": expected a non-empty CV_8UC3 BGR image");
  if (size <= 0) throw Error(std::string(what) + ": output size must be positive");
}

}  // namespace

TransformedImage resize_plain(const AnnotatedImage& input, int size) {
  check_input(input, size, "resize_plain");
  TransformedImage out;
  out.sample = input;
  ImageGeometry& g = out.geometry;
  g.original_width = input.image.cols;
  g.original_height = input.image.rows;
  g.width = g.height = size;
  g.scale_x = static_cast<float>(size) / g.original_width;
  g.scale_y = static_cast<float>(size) / g.original_height;
  resize_image(out.sample, size, size);
  sanitize_boxes(out.sample, 0.0f);
  return out;
}

TransformedImage letterbox(const AnnotatedImage& input, int size, uint8_t pad_value) {
  check_input(input, size, "letterbox");
  const int w = input.image.cols, h = input.image.rows;
  const double r = std::min(static_cast<double>(size) / w, static_cast<double>(size) / h);
  const int new_w = std::clamp(static_cast<int>(std::lround(w * r)), 1, size);
  const int new_h = std::clamp(static_cast<int>(std::lround(h * r)), 1, size);
  const double dw = (size - new_w) / 2.0, dh = (size - new_h) / 2.0;
  const int left = static_cast<int>(std::lround(dw - 0.1)), top = static_cast<int>(std::lround(dh - 0.1));

  TransformedImage out;
  ImageGeometry& g = out.geometry;
  g.original_width = w;
  g.original_height = h;
  g.width = g.height = size;
  g.scale_x = static_cast<float>(new_w) / w;
  g.scale_y = static_cast<float>(new_h) / h;
  g.pad_x = static_cast<float>(left);
  g.pad_y = static_cast<float>(top);

  out.sample = input;
  cv::Mat canvas(size, size, CV_8UC3, cv::Scalar::all(pad_value));
  cv::Mat roi = canvas(cv::Rect(left, top, new_w, new_h));
  if (new_w == w && new_h == h)
    input.image.copyTo(roi);
  else
    cv::resize(input.image, roi, roi.size(), 0, 0, cv::INTER_LINEAR);
  out.sample.image = canvas;
  for (BoxF& b : out.sample.boxes) {
    b[0] = b[0] * g.scale_x + g.pad_x;
    b[2] = b[2] * g.scale_x + g.pad_x;
    b[1] = b[1] * g.scale_y + g.pad_y;
    b[3] = b[3] * g.scale_y + g.pad_y;
  }
  sanitize_boxes(out.sample, 0.0f);
  return out;
}

BoxF map_box_to_original(const BoxF& box, const ImageGeometry& g) {
  const float w = static_cast<float>(g.original_width), h = static_cast<float>(g.original_height);
  return {std::clamp((box[0] - g.pad_x) / g.scale_x, 0.0f, w),
          std::clamp((box[1] - g.pad_y) / g.scale_y, 0.0f, h),
          std::clamp((box[2] - g.pad_x) / g.scale_x, 0.0f, w),
          std::clamp((box[3] - g.pad_y) / g.scale_y, 0.0f, h)};
}

BoxF map_normalized_box_to_original(const BoxF& box, const ImageGeometry& g) {
  const float w = static_cast<float>(g.width), h = static_cast<float>(g.height);
  return map_box_to_original({box[0] * w, box[1] * h, box[2] * w, box[3] * h}, g);
}

void map_boxes_to_original(std::vector<BoxF>& boxes, const ImageGeometry& geometry) {
  for (BoxF& b : boxes) b = map_box_to_original(b, geometry);
}

}  // namespace whittle
