#include "cli/detect_command.h"

#include <ATen/ATen.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "data/loader.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "quant/make_executor.h"

namespace whittle::cli {

namespace {

struct DetectCommandOptions {
  std::string model;
  std::vector<std::string> images;
  std::string out;
  float score = 0.5f;
  float iou = 0.45f;
  int max_per_image = 100;
  bool json = false;
};

// Distinct, saturated BGR colours by class index (then repeating).
cv::Scalar class_colour(int label) {
  static const cv::Scalar palette[] = {
      {75, 25, 230},  {75, 180, 60},  {25, 225, 255}, {200, 130, 0},  {48, 130, 245},
      {180, 30, 145}, {240, 240, 70}, {230, 50, 240}, {60, 245, 210}, {212, 190, 250},
      {128, 128, 0},  {255, 190, 220}, {40, 110, 170}, {200, 250, 255}, {0, 0, 128},
      {195, 255, 170}, {0, 128, 128}, {180, 215, 255}, {128, 0, 0},    {128, 128, 128}};
  constexpr int n = sizeof(palette) / sizeof(palette[0]);
  return palette[((label % n) + n) % n];
}

std::string class_name(const Detector& d, int label) {
  return label >= 0 && label < static_cast<int>(d.classes.size()) ? d.classes[label]
                                                                   : "class" + std::to_string(label);
}

// Boxes in class colours, "name 0.87" on a filled tab above each box (inside
// when the box touches the top); the best detections are drawn last, on top.
void draw_detections(cv::Mat& image, const std::vector<ScoredBox>& dets, const Detector& d) {
  const int side = std::min(image.cols, image.rows);
  const int thickness = std::max(1, static_cast<int>(std::lround(side / 300.0)));
  const double font_scale = std::clamp(side / 800.0, 0.35, 1.2);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  for (auto it = dets.rbegin(); it != dets.rend(); ++it) {
    const cv::Scalar colour = class_colour(it->label);
    const cv::Point p1(static_cast<int>(std::lround(it->x1)), static_cast<int>(std::lround(it->y1)));
    const cv::Point p2(static_cast<int>(std::lround(it->x2)) - 1, static_cast<int>(std::lround(it->y2)) - 1);
    cv::rectangle(image, p1, p2, colour, thickness, cv::LINE_AA);
    const std::string text = class_name(d, it->label) + " " + fixed(it->score, 2);
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(text, font, font_scale, 1, &baseline);
    const int tab_h = ts.height + baseline + 2;
    const int top = p1.y - tab_h >= 0 ? p1.y - tab_h : p1.y;
    const int left = std::clamp(p1.x, 0, std::max(0, image.cols - ts.width - 2));
    cv::rectangle(image, cv::Rect(left, top, ts.width + 2, tab_h), colour, cv::FILLED);
    const double luma = 0.114 * colour[0] + 0.587 * colour[1] + 0.299 * colour[2];
    const cv::Scalar ink = luma > 140 ? cv::Scalar(0, 0, 0) : cv::Scalar(255, 255, 255);
    cv::putText(image, text, cv::Point(left + 1, top + ts.height + 1), font, font_scale, ink, 1, cv::LINE_AA);
  }
}

void run_detect(const DetectCommandOptions& o) {
  namespace fs = std::filesystem;
  if (o.model.empty()) throw Error("detect: --model FILE.onnx is required");
  if (o.out.empty()) throw Error("detect: --out DIR is required");
  if (o.images.empty()) throw Error("detect: give one or more IMAGE files");
  const Detector detector = load_detector_file(o.model);
  NmsOptions nms;
  nms.score_threshold = o.score;
  nms.iou_threshold = o.iou;
  nms.max_per_image = o.max_per_image;
  ImageDetector run(detector, nms);
  fs::create_directories(o.out);

  nlohmann::ordered_json json = nlohmann::ordered_json::array();
  std::vector<std::string> failed;  // "file: what"
  std::set<std::string> used;
  for (const std::string& path : o.images) {
    // Checked first: imread would also log its own warning for a missing file.
    const bool exists = fs::is_regular_file(path);
    cv::Mat image = exists ? cv::imread(path, cv::IMREAD_COLOR) : cv::Mat();
    if (image.empty()) {
      const std::string why = exists ? "cannot be decoded as an image" : "no such file";
      failed.push_back(path + ": " + why);
      if (o.json) json.push_back({{"image", path}, {"error", why}});
      else std::cout << path << ": " << why << " (skipped)\n";
      continue;
    }
    const std::vector<ScoredBox> dets = run.detect(image);
    draw_detections(image, dets, detector);
    // DIR/<name>.jpg; a second image of the same name gets <name>_2.jpg.
    std::string stem = fs::path(path).stem().string();
    std::string name = stem + ".jpg";
    for (int k = 2; used.count(name); ++k) name = stem + "_" + std::to_string(k) + ".jpg";
    used.insert(name);
    const std::string written = (fs::path(o.out) / name).string();
    if (!cv::imwrite(written, image)) throw Error("detect: cannot write " + written);

    if (o.json) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const ScoredBox& d : dets)
        list.push_back({{"class", class_name(detector, d.label)},
                        {"label", d.label},
                        {"score", d.score},
                        {"box", {d.x1, d.y1, d.x2, d.y2}}});
      json.push_back({{"image", path},
                      {"output", written},
                      {"width", image.cols},
                      {"height", image.rows},
                      {"detections", list}});
      continue;
    }
    std::cout << path << ": " << dets.size() << " detection" << (dets.size() == 1 ? "" : "s")
              << " -> " << written << '\n';
    size_t name_width = 5;
    for (const ScoredBox& d : dets) name_width = std::max(name_width, class_name(detector, d.label).size());
    for (const ScoredBox& d : dets) {
      std::string n = class_name(detector, d.label);
      n.resize(name_width, ' ');
      std::cout << "  " << n << "  " << fixed(d.score, 3) << "  " << fixed(d.x1, 1) << ' '
                << fixed(d.y1, 1) << ' ' << fixed(d.x2, 1) << ' ' << fixed(d.y2, 1) << '\n';
    }
  }
  if (o.json) std::cout << json.dump(2) << '\n';
  if (!failed.empty()) {
    const size_t done = o.images.size() - failed.size();
    std::string list;
    for (const std::string& f : failed) list += (list.empty() ? "" : "; ") + f;
    throw Error("detect: " + std::to_string(failed.size()) + " of " + std::to_string(o.images.size()) +
                " images failed (" + list + "); the other " + std::to_string(done) +
                " were written to " + o.out);
  }
}

}  // namespace

void add_detect_command(CLI::App& app) {
  auto o = std::make_shared<DetectCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "detect", "run a detector on images; write them annotated (boxes, classes, scores)");
  cmd->add_option("--model", o->model, "detector model file (.onnx, required)");
  cmd->add_option("images", o->images, "image files");
  cmd->add_option("--out", o->out, "folder for the annotated images, <name>.jpg (required)");
  cmd->add_option("--score", o->score, "minimum score of a detection")->capture_default_str();
  cmd->add_option("--iou", o->iou, "NMS IoU threshold")->capture_default_str();
  cmd->add_option("--max", o->max_per_image, "most detections per image")->capture_default_str();
  cmd->add_flag("--json", o->json, "print the detections as JSON");
  cmd->callback([o] { run_detect(*o); });
}

}  // namespace whittle::cli
