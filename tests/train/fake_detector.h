#pragma once
// A tiny detector for trainer tests that does not depend on any real family:
// graph conv -> BN -> ReLU -> conv -> ReLU -> 4x4 pool (to 2x2) -> flatten ->
// linear "box" [B, 4]; the
// head regresses sigmoid(box) onto the first object's box (MSE) and decodes
// it as one detection per image. Plus a small data set of JPEGs (one filled
// rectangle per image) written to a temp folder.
#include <ATen/ATen.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "data/augment.h"
#include "data/dataset.h"
#include "graph/graph_builder.h"
#include "jobs/progress.h"
#include "models/detector.h"

namespace whittle::testing {

namespace fs = std::filesystem;

constexpr int kInputSize = 32;

class RegressionHead : public Head {
 public:
  std::string family() const override { return "fake_regression"; }
  int64_t num_classes() const override { return 3; }
  std::vector<std::string> output_names() const override { return {"box"}; }

  HeadLoss loss(const TensorMap& raw, const std::vector<Target>& targets) const override {
    at::Tensor pred = at::sigmoid(raw.at("box"));
    std::vector<int64_t> rows;
    std::vector<at::Tensor> gts;
    for (size_t i = 0; i < targets.size(); ++i)
      if (targets[i].boxes.size(0) > 0) {
        rows.push_back(static_cast<int64_t>(i));
        gts.push_back(targets[i].boxes[0]);
      }
    at::Tensor total = rows.empty() ? (pred * 0).sum()
                                    : at::mse_loss(pred.index_select(0, at::tensor(rows)),
                                                   at::stack(gts));
    ++calls;
    if (nan_at_call > 0 && calls == nan_at_call) total = total * std::nan("");
    if (on_loss) on_loss(calls);
    HeadLoss out;
    out.total = total;
    out.parts["box"] = total.item<double>();
    out.parts["zero"] = 0.0;
    return out;
  }

  std::vector<std::vector<ScoredBox>> decode(const TensorMap& raw, const NmsOptions&) const override {
    at::Tensor pred = at::sigmoid(raw.at("box")).contiguous();
    std::vector<std::vector<ScoredBox>> out(pred.size(0));
    for (int64_t i = 0; i < pred.size(0); ++i) {
      auto p = pred[i];
      ScoredBox b;
      b.x1 = std::min(p[0].item<float>(), p[2].item<float>());
      b.y1 = std::min(p[1].item<float>(), p[3].item<float>());
      b.x2 = std::max(p[0].item<float>(), p[2].item<float>());
      b.y2 = std::max(p[1].item<float>(), p[3].item<float>());
      b.label = 0;
      b.score = 0.9f;
      out[i].push_back(b);
    }
    return out;
  }

  std::map<std::string, std::string> metadata() const override {
    return {{"whittle.family", family()}};
  }

  // Test hooks (the trainer sees a const Head).
  mutable std::atomic<int> calls{0};
  int nan_at_call = 0;                 // 1-based loss call that returns NaN; 0: never
  std::function<void(int)> on_loss;    // called after every loss with the call count
};

inline Graph regression_graph(uint64_t seed) {
  GraphBuilder b(seed);
  auto x = b.input("images", {1, 3, kInputSize, kInputSize});
  auto c = b.conv_bn_act("conv1", x, 8, 3, {.stride = 2, .padding = 1, .bias = false}, Op::ReLU);
  auto c2 = b.conv("conv2", c, 8, 3, {.stride = 2, .padding = 1});
  auto f = b.flatten("flat", b.avg_pool("pool", b.relu("relu2", c2), 4, 4));  // 2x2: keeps where
  b.output(b.linear("box", f, 4));
  return b.build();
}

inline Detector regression_detector(uint64_t seed, std::shared_ptr<RegressionHead> head = nullptr) {
  Detector d;
  d.graph = regression_graph(seed);
  d.head = head ? head : std::make_shared<RegressionHead>();
  d.classes = {"a", "b", "c"};
  d.preprocess.input_size = kInputSize;
  return d;
}

// `count` images of varying size, each with one or two filled rectangles;
// boxes in VOC 1-based inclusive pixels.
inline Dataset write_dataset(const fs::path& dir, int count, uint64_t seed = 2345) {
  fs::create_directories(dir);
  Dataset data;
  data.classes = {"a", "b", "c"};
  std::mt19937_64 gen(seed);
  for (int i = 0; i < count; ++i) {
    const int w = 40 + 8 * (i % 3), h = 36 + 4 * (i % 4);
    cv::Mat image(h, w, CV_8UC3, cv::Scalar(30, 30, 30));
    ImageRecord r;
    r.id = "img" + std::to_string(i);
    r.image_path = (dir / (r.id + ".jpg")).string();
    r.width = w;
    r.height = h;
    for (int k = 0; k < 1 + i % 2; ++k) {
      const int bw = 8 + uniform_index(gen, 16), bh = 8 + uniform_index(gen, 14);
      const int x = 1 + uniform_index(gen, w - bw), y = 1 + uniform_index(gen, h - bh);
      Object o;
      o.label = (i + k) % 3;
      o.name = data.classes[o.label];
      o.box = {static_cast<float>(x), static_cast<float>(y), static_cast<float>(x + bw - 1),
               static_cast<float>(y + bh - 1)};
      cv::rectangle(image, cv::Rect(x - 1, y - 1, bw, bh),
                    cv::Scalar(k ? 40 : 230, 200, 255 - 80 * o.label), cv::FILLED);
      r.objects.push_back(o);
    }
    if (!cv::imwrite(r.image_path, image)) throw std::runtime_error("cannot write " + r.image_path);
    data.images.push_back(r);
  }
  return data;
}

inline fs::path temp_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() /
                 ("whittle_train_" + name + "_" + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir);
  return dir;
}

// A sink that remembers everything and lets a test act on progress and logs.
class RecordingProgress : public Progress {
 public:
  RecordingProgress() { set_interval(std::chrono::milliseconds(0)); }
  std::vector<std::string> reports, logs;
  std::function<void(const std::string&)> on_log_line, on_report;

 protected:
  void on_progress(double, const std::string& message) override {
    reports.push_back(message);
    if (on_report) on_report(message);
  }
  void on_log(const std::string& message) override {
    logs.push_back(message);
    if (on_log_line) on_log_line(message);
  }
};

}  // namespace whittle::testing
