// Augmentation (augment.h, photometric.h) and eval transforms (letterbox.h):
// boxes stay valid and keep matching the pixels they describe.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <random>
#include <sstream>
#include <string>

#include "data/augment.h"
#include "data/letterbox.h"
#include "data/photometric.h"
#include "graph/error.h"

namespace whittle {
namespace {

std::string describe(const AnnotatedImage& s) {
  std::ostringstream os;
  os << s.image.cols << "x" << s.image.rows << " boxes:";
  for (size_t i = 0; i < s.boxes.size(); ++i)
    os << " [" << s.boxes[i][0] << "," << s.boxes[i][1] << "," << s.boxes[i][2] << ","
       << s.boxes[i][3] << "]#" << s.labels[i];
  return os.str();
}

// Grey 400x300 image with three filled rectangles of pure colours; the boxes
// are exactly their pixels (continuous coordinates).
const cv::Vec3b kColours[] = {{0, 0, 255}, {0, 255, 0}, {255, 0, 0}};  // BGR red, green, blue

AnnotatedImage colour_scene() {
  AnnotatedImage s;
  s.image = cv::Mat(300, 400, CV_8UC3, cv::Scalar(128, 128, 128));
  const cv::Rect rects[] = {{40, 50, 100, 100}, {200, 30, 130, 90}, {150, 180, 230, 100}};
  for (int k = 0; k < 3; ++k) {
    cv::rectangle(s.image, rects[k], cv::Scalar(kColours[k]), cv::FILLED);
    s.boxes.push_back({static_cast<float>(rects[k].x), static_cast<float>(rects[k].y),
                       static_cast<float>(rects[k].br().x), static_cast<float>(rects[k].br().y)});
    s.labels.push_back(k);
    s.difficult.push_back(0);
  }
  return s;
}

bool is_colour(const cv::Vec3b& p, const cv::Vec3b& c) {
  return std::abs(p[0] - c[0]) + std::abs(p[1] - c[1]) + std::abs(p[2] - c[2]) < 90;
}

// Each box is mostly its object's colour, and that colour's pixels lie in the
// box (interpolated edges of ~1.5 px are allowed for).
void expect_boxes_match_pixels(const AnnotatedImage& s, const std::string& what) {
  bool seen[3] = {false, false, false};
  for (size_t i = 0; i < s.boxes.size(); ++i) {
    const BoxF& b = s.boxes[i];
    const int label = s.labels[i];
    ASSERT_TRUE(label >= 0 && label < 3) << what;
    ASSERT_FALSE(seen[label]) << what << ": label twice " << describe(s);
    seen[label] = true;
    const cv::Vec3b colour = kColours[label];
    int inside = 0, inside_match = 0, match = 0, match_in_box = 0;
    for (int y = 0; y < s.image.rows; ++y)
      for (int x = 0; x < s.image.cols; ++x) {
        const float cx = x + 0.5f, cy = y + 0.5f;
        const bool m = is_colour(s.image.at<cv::Vec3b>(y, x), colour);
        if (cx > b[0] + 1.5f && cx < b[2] - 1.5f && cy > b[1] + 1.5f && cy < b[3] - 1.5f) {
          ++inside;
          inside_match += m;
        }
        if (m) {
          ++match;
          match_in_box += cx > b[0] - 1.5f && cx < b[2] + 1.5f && cy > b[1] - 1.5f && cy < b[3] + 1.5f;
        }
      }
    if (inside > 0) {
      EXPECT_GE(inside_match, 0.99 * inside) << what << ": box " << i << " not its colour; " << describe(s);
    }
    if (match > 0) {
      EXPECT_GE(match_in_box, 0.99 * match) << what << ": colour " << label << " outside box; " << describe(s);
    }
  }
}

void expect_valid(const AnnotatedImage& s, int w, int h, const std::string& what) {
  ASSERT_EQ(s.image.type(), CV_8UC3) << what;
  ASSERT_EQ(s.image.cols, w) << what;
  ASSERT_EQ(s.image.rows, h) << what;
  ASSERT_EQ(s.labels.size(), s.boxes.size()) << what;
  ASSERT_EQ(s.difficult.size(), s.boxes.size()) << what;
  for (const BoxF& b : s.boxes) {
    EXPECT_GE(b[0], 0.0f) << what << " " << describe(s);
    EXPECT_GE(b[1], 0.0f) << what << " " << describe(s);
    EXPECT_LE(b[2], static_cast<float>(w)) << what << " " << describe(s);
    EXPECT_LE(b[3], static_cast<float>(h)) << what << " " << describe(s);
    EXPECT_GT(b[2], b[0]) << what << " " << describe(s);
    EXPECT_GT(b[3], b[1]) << what << " " << describe(s);
  }
}

SsdAugmentOptions geometric_only() {
  SsdAugmentOptions o;
  o.photometric = false;
  o.min_box_side = 0.0f;
  return o;
}

TEST(Augment, VocBoxConversion) {
  const Box voc{1, 1, 1, 1};  // one pixel, top-left
  const BoxF c = from_voc_box(voc);
  EXPECT_EQ(c, (BoxF{0, 0, 1, 1}));
  const Box back = to_voc_box(c);
  EXPECT_EQ(back.xmin, 1);
  EXPECT_EQ(back.xmax, 1);

  ImageRecord record;
  record.image_path = "x.jpg";
  Object inside, crossing, outside;
  inside.box = {11, 21, 30, 40};
  inside.label = 3;
  inside.difficult = true;
  crossing.box = {-5, 10, 70, 20};  // crosses the 64x48 image's right border
  crossing.label = 1;
  outside.box = {100, 100, 120, 120};
  record.objects = {inside, crossing, outside};
  const AnnotatedImage s = make_annotated_image(record, cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(0)));
  ASSERT_EQ(s.boxes.size(), 2u);
  EXPECT_EQ(s.boxes[0], (BoxF{10, 20, 30, 40}));
  EXPECT_EQ(s.boxes[1], (BoxF{0, 9, 64, 20}));
  EXPECT_EQ(s.labels, (std::vector<int>{3, 1}));
  EXPECT_EQ(s.difficult, (std::vector<uint8_t>{1, 0}));
}

TEST(Augment, SsdBoxesStayInsideAndNonDegenerate) {
  // Noise image with many boxes, some on the borders, some tiny.
  AnnotatedImage input;
  input.image = cv::Mat(375, 500, CV_8UC3);
  cv::randu(input.image, 0, 255);
  std::mt19937_64 gen(2345);
  for (int i = 0; i < 12; ++i) {
    const float x1 = uniform(gen, 0, 480), y1 = uniform(gen, 0, 360);
    const float side = i < 3 ? 2.0f : uniform(gen, 5, 300);
    input.boxes.push_back({x1, y1, std::min(500.0f, x1 + side), std::min(375.0f, y1 + side * 0.8f)});
    input.labels.push_back(i % 5);
    input.difficult.push_back(i % 2);
  }
  input.boxes.push_back({0, 0, 500, 375});  // the whole image
  input.labels.push_back(7);
  input.difficult.push_back(0);
  const cv::Mat before = input.image.clone();
  for (int run = 0; run < 200; ++run) {
    std::mt19937_64 rng(run);
    const AnnotatedImage out = augment_ssd(input, 300, rng);
    expect_valid(out, 300, 300, "seed " + std::to_string(run));
    for (const BoxF& b : out.boxes) {
      EXPECT_GE(b[2] - b[0], 1.0f) << "seed " << run;  // min_box_side
      EXPECT_GE(b[3] - b[1], 1.0f) << "seed " << run;
    }
    if (HasFailure()) break;
  }
  EXPECT_EQ(cv::norm(before, input.image, cv::NORM_INF), 0.0) << "input pixels were modified";
}

TEST(Augment, SsdIsDeterministicPerSeed) {
  const AnnotatedImage input = colour_scene();
  std::mt19937_64 a(99), b(99), c(100);
  const AnnotatedImage x = augment_ssd(input, 300, a), y = augment_ssd(input, 300, b);
  EXPECT_EQ(cv::norm(x.image, y.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(x.boxes, y.boxes);
  EXPECT_EQ(x.labels, y.labels);
  bool differs = false;  // some later seed gives another result
  for (int i = 0; i < 5 && !differs; ++i) {
    const AnnotatedImage z = augment_ssd(input, 300, c);
    differs = cv::norm(x.image, z.image, cv::NORM_INF) > 0 || x.boxes != z.boxes;
  }
  EXPECT_TRUE(differs);
}

TEST(Augment, SsdGeometryMatchesPixels) {
  const AnnotatedImage input = colour_scene();
  int cropped = 0, expanded = 0;
  for (int run = 0; run < 60; ++run) {
    std::mt19937_64 rng(1000 + run);
    const AnnotatedImage out = augment_ssd(input, 300, rng, geometric_only());
    expect_valid(out, 300, 300, "seed " + std::to_string(1000 + run));
    expect_boxes_match_pixels(out, "seed " + std::to_string(1000 + run));
    cropped += out.boxes.size() < 3;
    const cv::Vec3b corner = out.image.at<cv::Vec3b>(0, 0);
    expanded += corner == cv::Vec3b(104, 117, 123);
    if (HasFailure()) break;
  }
  EXPECT_GT(cropped, 0);  // the runs did exercise crop and expand
  EXPECT_GT(expanded, 0);
}

TEST(Augment, SsdFusedMatchesStepByStep) {
  // augment_ssd warps once; the reference applies each op to real pixels.
  AnnotatedImage input = colour_scene();
  cv::GaussianBlur(input.image, input.image, cv::Size(0, 0), 2.0);  // no perfectly sharp edges
  const SsdAugmentOptions o = geometric_only();
  for (int run = 0; run < 40; ++run) {
    const std::string what = "seed " + std::to_string(run);
    std::mt19937_64 a(run), b(run);
    const AnnotatedImage fused = augment_ssd(input, 300, a, o);
    AnnotatedImage ref = input;
    random_expand(ref, b, o);
    random_iou_crop(ref, b, o);
    random_hflip(ref, b, o);
    resize_image(ref, 300, 300);
    sanitize_boxes(ref, o.min_box_side);
    EXPECT_EQ(a(), b()) << what << ": different random draws";
    ASSERT_EQ(fused.boxes, ref.boxes) << what;
    EXPECT_EQ(fused.labels, ref.labels) << what;
    cv::Mat diff;
    cv::absdiff(fused.image, ref.image, diff);
    const cv::Rect inner(1, 1, 298, 298);
    double max_inner = 0;
    cv::minMaxLoc(diff(inner).reshape(1), nullptr, &max_inner);
    EXPECT_LE(max_inner, 1.0) << what;  // fixed-point rounding
    EXPECT_LT(cv::mean(diff)[0], 0.2) << what;  // rim included
    if (HasFailure()) break;
  }
}

TEST(Augment, FlipMatchesPixels) {
  AnnotatedImage s = colour_scene();
  hflip_image(s);
  expect_valid(s, 400, 300, "flip");
  EXPECT_EQ(s.boxes[0], (BoxF{260, 50, 360, 150}));  // x1' = W - x2, x2' = W - x1
  expect_boxes_match_pixels(s, "flip");
  // random_hflip with p = 1 flips, with p = 0 does not.
  SsdAugmentOptions o;
  o.flip_prob = 0.0;
  std::mt19937_64 rng(1);
  random_hflip(s, rng, o);
  EXPECT_EQ(s.boxes[0], (BoxF{260, 50, 360, 150}));
  o.flip_prob = 1.0;
  random_hflip(s, rng, o);
  EXPECT_EQ(s.boxes[0], (BoxF{40, 50, 140, 150}));
}

TEST(Augment, ExpandMatchesPixels) {
  SsdAugmentOptions o = geometric_only();
  o.expand_prob = 1.0;
  for (int run = 0; run < 20; ++run) {
    AnnotatedImage s = colour_scene();
    std::mt19937_64 rng(run);
    random_expand(s, rng, o);
    const std::string what = "expand seed " + std::to_string(run);
    ASSERT_GE(s.image.cols, 400) << what;
    ASSERT_LT(s.image.cols, 1600) << what;
    ASSERT_GE(s.image.rows, 300) << what;
    ASSERT_EQ(s.boxes.size(), 3u) << what;
    expect_valid(s, s.image.cols, s.image.rows, what);
    expect_boxes_match_pixels(s, what);
    // The box offset equals the image offset; the fill is the mean colour.
    const int left = static_cast<int>(s.boxes[0][0]) - 40, top = static_cast<int>(s.boxes[0][1]) - 50;
    EXPECT_EQ(s.image.at<cv::Vec3b>(top, left), cv::Vec3b(128, 128, 128)) << what;
    if (left > 0) { EXPECT_EQ(s.image.at<cv::Vec3b>(top, left - 1), cv::Vec3b(104, 117, 123)) << what; }
    if (HasFailure()) break;
  }
  AnnotatedImage s = colour_scene();
  EXPECT_THROW(expand_image(s, 410, 300, 20, 0, cv::Scalar()), Error);
}

TEST(Augment, CropMatchesPixels) {
  // Explicit rectangle [60, 280) x [80, 260): boxes 0 and 2 clipped, box 1's
  // centre (265, 75) is above it -> dropped.
  AnnotatedImage s = colour_scene();
  crop_image(s, cv::Rect(60, 80, 220, 180));
  ASSERT_EQ(s.boxes.size(), 2u) << describe(s);
  EXPECT_EQ(s.boxes[0], (BoxF{0, 0, 80, 70}));
  EXPECT_EQ(s.labels[0], 0);
  EXPECT_EQ(s.boxes[1], (BoxF{90, 100, 220, 180}));
  EXPECT_EQ(s.labels[1], 2);
  expect_boxes_match_pixels(s, "crop rect");
  AnnotatedImage t = colour_scene();
  EXPECT_THROW(crop_image(t, cv::Rect(300, 0, 200, 100)), Error);

  SsdAugmentOptions o = geometric_only();
  int changed = 0;
  for (int run = 0; run < 40; ++run) {
    AnnotatedImage r = colour_scene();
    std::mt19937_64 rng(run);
    random_iou_crop(r, rng, o);
    const std::string what = "crop seed " + std::to_string(run);
    expect_valid(r, r.image.cols, r.image.rows, what);
    ASSERT_FALSE(r.boxes.empty()) << what;  // a crop keeps at least one object
    EXPECT_GE(r.image.cols, static_cast<int>(0.3 * 400) - 1) << what;
    EXPECT_GE(r.image.rows, static_cast<int>(0.3 * 300) - 1) << what;
    const double aspect = static_cast<double>(r.image.cols) / r.image.rows;
    if (r.image.cols != 400) { EXPECT_TRUE(aspect > 0.45 && aspect < 2.2) << what << " aspect " << aspect; }
    expect_boxes_match_pixels(r, what);
    changed += r.image.cols != 400;
    if (HasFailure()) break;
  }
  EXPECT_GT(changed, 20);  // 6 of 7 choices crop
}

TEST(Photometric, ChangesColoursNotGeometry) {
  const AnnotatedImage input = colour_scene();
  PhotometricOptions none;
  none.prob = 0.0;
  cv::Mat img = input.image;
  std::mt19937_64 rng(5);
  EXPECT_FALSE(photometric_distort(img, rng, none));
  EXPECT_EQ(img.data, input.image.data);

  // Brightness only: every unclipped pixel moves by the same delta.
  PhotometricOptions bright;
  bright.prob = 1.0;
  bright.contrast_lower = bright.contrast_upper = 1.0f;
  bright.saturation_lower = bright.saturation_upper = 1.0f;
  bright.hue_delta = 0.0f;
  cv::Mat b = input.image;
  ASSERT_TRUE(photometric_distort(b, rng, bright));
  EXPECT_NE(b.data, input.image.data);  // a new buffer; the input is untouched
  const int delta = b.at<cv::Vec3b>(0, 0)[0] - 128;
  EXPECT_LE(std::abs(delta), 32);
  EXPECT_NEAR(b.at<cv::Vec3b>(60, 60)[1], std::clamp(0 + delta, 0, 255), 1);

  // Full distortion through the pipeline: same boxes as geometric-free runs.
  SsdAugmentOptions o;
  o.expand = o.crop = o.flip = false;
  for (int run = 0; run < 10; ++run) {
    std::mt19937_64 r(run);
    const AnnotatedImage out = augment_ssd(input, 400, r, o);
    EXPECT_EQ(out.boxes.size(), 3u);
    for (size_t i = 0; i < out.boxes.size(); ++i) {
      for (int k = 0; k < 4; ++k)  // 400x300 -> 400x400
        EXPECT_NEAR(out.boxes[i][k], input.boxes[i][k] * (k % 2 ? 400.0f / 300.0f : 1.0f), 1e-3);
    }
  }
}

TEST(Letterbox, RoundTripWithinOnePixel) {
  const cv::Size sizes[] = {{500, 375}, {375, 500}, {123, 457}, {640, 640}, {50, 30}, {333, 334}};
  std::mt19937_64 gen(2345);
  for (const cv::Size& size : sizes) {
    for (int target : {320, 416, 301}) {
      AnnotatedImage s;
      s.image = cv::Mat(size, CV_8UC3, cv::Scalar(128, 128, 128));
      for (int i = 0; i < 10; ++i) {
        const float x1 = uniform(gen, 0, size.width - 2.0f), y1 = uniform(gen, 0, size.height - 2.0f);
        s.boxes.push_back({x1, y1, uniform(gen, x1 + 1, size.width), uniform(gen, y1 + 1, size.height)});
        s.labels.push_back(i);
        s.difficult.push_back(0);
      }
      const std::string what = std::to_string(size.width) + "x" + std::to_string(size.height) +
                               " -> " + std::to_string(target);
      const TransformedImage t = letterbox(s, target);
      expect_valid(t.sample, target, target, what);
      const ImageGeometry& g = t.geometry;
      // Centred: the pads differ by at most a pixel, and the grey border is 114.
      const int content_w = static_cast<int>(std::lround(size.width * g.scale_x));
      const int content_h = static_cast<int>(std::lround(size.height * g.scale_y));
      EXPECT_LE(std::abs((target - content_w - g.pad_x) - g.pad_x), 1.0f) << what;
      EXPECT_LE(std::abs((target - content_h - g.pad_y) - g.pad_y), 1.0f) << what;
      EXPECT_TRUE(content_w == target || content_h == target) << what;
      if (g.pad_x >= 1) { EXPECT_EQ(t.sample.image.at<cv::Vec3b>(target / 2, 0), cv::Vec3b(114, 114, 114)) << what; }
      if (g.pad_y >= 1) { EXPECT_EQ(t.sample.image.at<cv::Vec3b>(0, target / 2), cv::Vec3b(114, 114, 114)) << what; }
      EXPECT_EQ(t.sample.image.at<cv::Vec3b>(target / 2, target / 2), cv::Vec3b(128, 128, 128)) << what;
      ASSERT_EQ(t.sample.boxes.size(), s.boxes.size()) << what;
      for (size_t i = 0; i < s.boxes.size(); ++i) {
        const BoxF back = map_box_to_original(t.sample.boxes[i], g);
        const BoxF& n = t.sample.boxes[i];
        const BoxF back_n = map_normalized_box_to_original(
            {n[0] / target, n[1] / target, n[2] / target, n[3] / target}, g);
        for (int k = 0; k < 4; ++k) {
          EXPECT_NEAR(back[k], s.boxes[i][k], 1.0f) << what << " box " << i;
          EXPECT_NEAR(back_n[k], s.boxes[i][k], 1.0f) << what << " box " << i;
        }
      }
      if (HasFailure()) return;
    }
  }
}

TEST(Letterbox, BoxesMatchPixels) {
  const TransformedImage t = letterbox(colour_scene(), 320);
  EXPECT_EQ(t.geometry.pad_x, 0.0f);
  EXPECT_EQ(t.geometry.pad_y, 40.0f);  // 400x300 -> 320x240, 40 px above and below
  expect_boxes_match_pixels(t.sample, "letterbox");
}

TEST(ResizePlain, RoundTripAndPixels) {
  const AnnotatedImage s = colour_scene();
  const TransformedImage t = resize_plain(s, 300);
  expect_valid(t.sample, 300, 300, "resize");
  expect_boxes_match_pixels(t.sample, "resize");
  for (size_t i = 0; i < s.boxes.size(); ++i) {
    const BoxF back = map_box_to_original(t.sample.boxes[i], t.geometry);
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(back[k], s.boxes[i][k], 1e-3);
  }
}

}  // namespace
}  // namespace whittle
