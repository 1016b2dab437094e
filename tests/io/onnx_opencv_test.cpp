// Whittle's ONNX files run in OpenCV DNN 4.6 with the same outputs as
// Whittle's own runner (max abs diff <= 1e-4), for every op.
#include <gtest/gtest.h>
#include <opencv2/dnn.hpp>

#include "graph/cost_model.h"
#include "io/onnx_export.h"
#include "io/onnx_test_graphs.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/planners.h"
#include "prune/surgery.h"
#include "random_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

cv::Mat to_blob(const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  std::vector<int> dims(c.sizes().begin(), c.sizes().end());
  return cv::Mat(dims, CV_32F, c.data_ptr<float>()).clone();
}

at::Tensor from_blob(const cv::Mat& m) {
  std::vector<int64_t> dims(m.size.p, m.size.p + m.dims);
  return at::from_blob(const_cast<float*>(m.ptr<float>()), dims, at::kFloat).clone();
}

// Max abs difference between OpenCV and Whittle for each output of `g`.
std::map<std::string, double> opencv_diffs(const Graph& g, const std::string& bytes) {
  cv::dnn::Net net = cv::dnn::readNetFromONNX(bytes.data(), bytes.size());
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  auto inputs = test::random_inputs(g);
  for (const auto& [name, t] : inputs) net.setInput(to_blob(t), name);
  std::vector<cv::Mat> outs;
  net.forward(outs, std::vector<cv::String>(g.outputs.begin(), g.outputs.end()));
  auto want = Runner(g, {RunMode::Inference, false, false}).run(inputs);
  std::map<std::string, double> diffs;
  EXPECT_EQ(outs.size(), g.outputs.size());
  for (size_t k = 0; k < outs.size() && k < g.outputs.size(); ++k) {
    at::Tensor got = from_blob(outs[k]);
    const at::Tensor& w = want.at(g.outputs[k]);
    if (got.sizes() != w.sizes()) {
      ADD_FAILURE() << g.outputs[k] << ": OpenCV shape " << got.sizes() << " vs " << w.sizes();
      diffs[g.outputs[k]] = 1e9;
      continue;
    }
    diffs[g.outputs[k]] = (got - w).abs().max().item<double>();
  }
  return diffs;
}

TEST(OnnxOpenCV, EveryOpMatchesRunner) {
  int compared = 0;
  for (auto& c : test::onnx_cases()) {
    SCOPED_TRACE(c.name);
    if (!c.opencv) continue;  // see the case's comment in onnx_test_graphs.h
    std::map<std::string, double> diffs;
    try {
      diffs = opencv_diffs(c.graph, to_onnx_bytes(c.graph));
    } catch (const cv::Exception& e) {
      ADD_FAILURE() << "OpenCV: " << e.what();
      continue;
    }
    for (const auto& [name, diff] : diffs) EXPECT_LE(diff, 1e-4) << "output " << name;
    compared += static_cast<int>(diffs.size());
  }
  EXPECT_GE(compared, 30);  // every output of every case was compared
}

// The one case OpenCV 4.6 computes differently, checked so that a future
// OpenCV (or export) that gets it right is noticed.
TEST(OnnxOpenCV, AvgPoolCornerCaseDiffersAsDocumented) {
  for (auto& c : test::onnx_cases()) {
    if (c.opencv) continue;
    auto diffs = opencv_diffs(c.graph, to_onnx_bytes(c.graph));
    ASSERT_FALSE(diffs.empty());
    for (const auto& [name, diff] : diffs) EXPECT_GT(diff, 1e-4) << c.name << " " << name;
  }
}

// Issue 5: a pruned detector (odd widths in every prunable group, depthwise
// and residual groups, SSD heads) exported to ONNX runs in OpenCV DNN with
// the runner's outputs.
TEST(OnnxOpenCV, PrunedDetectorsMatchRunner) {
  for (const char* zoo : {"ssd_mobilenet_v1", "ssdlite_mobilenet_v2"}) {
    SCOPED_TRACE(zoo);
    Graph g = build_detector_zoo(zoo, 5, 0.25, 128).graph;
    test::randomize_batch_norm(g, 5);
    const ChannelGroups groups = channel_groups(g);
    const Graph pruned = apply_pruning(g, groups, plan_uniform(groups, channel_importance(g, groups, {}), 0.37));
    ASSERT_LT(compute_cost(pruned).macs, compute_cost(g).macs * 3 / 4);
    const auto diffs = opencv_diffs(pruned, to_onnx_bytes(pruned));
    ASSERT_EQ(diffs.size(), pruned.outputs.size());
    for (const auto& [name, diff] : diffs) EXPECT_LE(diff, 1e-4) << "output " << name;
  }
}

TEST(OnnxOpenCV, ReadsSavedFile) {
  test::TempDir dir("opencv");
  auto cases = test::onnx_cases();
  const Graph& g = cases.back().graph;
  std::string path = dir.file("every_op.onnx");
  save_onnx(g, path);
  cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
  ASSERT_FALSE(net.empty());
  auto inputs = test::random_inputs(g);
  net.setInput(to_blob(inputs.at("input")), "input");
  cv::Mat head = net.forward("head");
  at::Tensor want = Runner(g, {RunMode::Inference, false, false}).run(inputs).at("head");
  EXPECT_LE((from_blob(head) - want).abs().max().item<double>(), 1e-4);
}

}  // namespace
}  // namespace whittle
