// Detector metadata: store_detector_metadata / detector_from_graph, and the
// ONNX model file round trip of a briefly trained detector.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>

#include "error_of.h"
#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "models/detector.h"
#include "models/ssd/ssd_head.h"
#include "models/ssd/ssd_mobilenet.h"
#include "models/zoo.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using test::error_of;

Detector tiny_detector() {
  SsdOptions o;
  o.num_classes = 3;
  o.width = 0.25;
  o.input_size = 96;
  return build_ssdlite_mobilenet_v2(o);
}

TEST(Detector, MetadataRoundTrip) {
  Detector d = tiny_detector();
  d.classes = {"cat", "dog", "the bird"};
  d.preprocess.letterbox = true;
  store_detector_metadata(d);
  EXPECT_EQ(d.graph.metadata.at("whittle.classes"), "cat,dog,the bird");
  EXPECT_EQ(d.graph.metadata.at("whittle.mean"), "0.5,0.5,0.5");
  EXPECT_EQ(d.graph.metadata.at("whittle.input_size"), "96");
  Detector back = detector_from_graph(d.graph);
  EXPECT_EQ(back.classes, d.classes);
  EXPECT_EQ(back.preprocess.input_size, 96);
  EXPECT_EQ(back.preprocess.mean, d.preprocess.mean);
  EXPECT_EQ(back.preprocess.std, d.preprocess.std);
  EXPECT_TRUE(back.preprocess.letterbox);
  EXPECT_EQ(back.head->family(), "ssd");
  EXPECT_EQ(back.head->metadata(), d.head->metadata());
  // SSD300-style preprocessing floats (1/255) survive the text form exactly.
  d.preprocess.std = {1.0f / 255.0f, 0.229f, 0.224f};
  store_detector_metadata(d);
  EXPECT_EQ(detector_from_graph(d.graph).preprocess.std, d.preprocess.std);
}

TEST(Detector, ErrorsNameTheKeyOrFamily) {
  Detector d = tiny_detector();
  Graph g = d.graph;
  g.metadata["whittle.family"] = "yolo";
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("'yolo' is not a detector family (known: ssd)"),
            std::string::npos);
  std::string e = error_of([&] { detector_from_graph(build_zoo("mobilenet_v1")); });
  EXPECT_NE(e.find("'classifier' is not a detector family"), std::string::npos) << e;
  g = d.graph;
  g.metadata.erase("whittle.family");
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("'whittle.family' is missing"),
            std::string::npos);
  g = d.graph;
  g.metadata.erase("whittle.classes");
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("'whittle.classes' is missing"),
            std::string::npos);
  g = d.graph;
  g.metadata["whittle.classes"] = "a,b";
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("2 names for a head with 3 classes"),
            std::string::npos);
  g = d.graph;
  g.metadata["whittle.ssd.feature_sizes"] = "6x6,3x3,3x3,1x1,1x1,1x1";  // 96 gives 6, 3, 2, 1, 1, 1: map 2 disagrees
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("'head.cls.2' has shape [1, 24, 2, 2], expected [B, 24, 3, 3]"), std::string::npos)
      << error_of([&] { detector_from_graph(g); });
  g = d.graph;
  g.metadata["whittle.mean"] = "0.5,0.5";
  EXPECT_NE(error_of([&] { detector_from_graph(g); }).find("whittle.mean"), std::string::npos);
  d.classes[1] = "a,b";
  EXPECT_NE(error_of([&] { store_detector_metadata(d); }).find("'a,b'"), std::string::npos);
}

TEST(Detector, TrainedModelSavesAndReloadsToIdenticalOutputs) {
  Detector d = tiny_detector();
  at::manual_seed(3);
  const at::Tensor images = at::rand({2, 3, 96, 96});
  std::vector<Target> targets = {
      {at::tensor(std::vector<float>{0.1f, 0.1f, 0.6f, 0.5f}).view({1, 4}),
       at::tensor(std::vector<int64_t>{2})},
      {at::zeros({0, 4}), at::zeros({0}, at::kLong)}};
  {
    // A few SGD steps: weights and BatchNorm statistics move away from their init.
    Runner trainer(d.graph, RunnerOptions{RunMode::Training});
    for (int step = 0; step < 3; ++step) {
      HeadLoss loss = d.head->loss(trainer.run({{"input", images}}), targets);
      ASSERT_TRUE(std::isfinite(loss.total.item<double>()));
      loss.total.backward();
      at::NoGradGuard no_grad;
      for (at::Tensor p : trainer.parameters()) {
        if (!p.grad().defined()) continue;
        p.sub_(p.grad() * 0.01);
        p.mutable_grad().zero_();
      }
    }
  }
  const std::string path =
      (std::filesystem::temp_directory_path() / ("whittle_detector_test_" + std::to_string(::getpid()) + ".onnx"))
          .string();
  save_onnx(d.graph, path);
  Detector back = detector_from_graph(load_onnx(path));
  std::filesystem::remove(path);

  TensorMap a = Runner(d.graph).run({{"input", images}});
  TensorMap b = Runner(back.graph).run({{"input", images}});
  for (const auto& name : d.head->output_names()) EXPECT_TRUE(at::equal(a.at(name), b.at(name))) << name;
  NmsOptions nms;
  nms.score_threshold = 0.0f;
  auto da = d.head->decode(a, nms), db = back.head->decode(b, nms);
  ASSERT_EQ(da.size(), db.size());
  for (size_t i = 0; i < da.size(); ++i) {
    ASSERT_EQ(da[i].size(), db[i].size());
    ASSERT_FALSE(da[i].empty());
    for (size_t j = 0; j < da[i].size(); ++j) {
      EXPECT_EQ(da[i][j].label, db[i][j].label);
      EXPECT_EQ(da[i][j].score, db[i][j].score);
      EXPECT_EQ(da[i][j].x1, db[i][j].x1);
      EXPECT_EQ(da[i][j].y2, db[i][j].y2);
    }
  }
  EXPECT_EQ(back.classes, d.classes);
}

}  // namespace
}  // namespace whittle
