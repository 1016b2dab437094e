// PyTorch Mobile export: every op, MobileNetV2 and an SSDLite detector go
// through a .ptl and come back from the lite interpreter computing what the
// fp32 Runner computes; the metadata rides along as an extra file.
#include <gtest/gtest.h>
#include <torch/csrc/jit/mobile/import.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "io/onnx_test_graphs.h"
#include "io/ptl_export.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

std::vector<at::Tensor> inputs_in_order(const Graph& g, uint64_t seed = 7) {
  auto named = test::random_inputs(g, seed);
  std::vector<at::Tensor> inputs;
  for (const auto& in : g.inputs) inputs.push_back(named.at(in.name));
  return inputs;
}

std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// What an app does: _load_for_mobile with the extra file's name as key.
std::string mobile_extra_file(const std::string& path, const std::string& name) {
  torch::jit::ExtraFilesMap extra{{name, ""}};
  torch::jit::_load_for_mobile(path, c10::nullopt, extra);
  return extra.at(name);
}

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no whittle::Error)";
}

Graph small_conv_graph() {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 8, 8});
  b.output(b.relu("relu", b.conv("conv1", x, 4, 3, {1, 1, 1, 1, true})));
  return b.build();
}

TEST(PtlExport, EveryOpRoundTripsThroughTheLiteInterpreter) {
  test::TempDir dir("ptl_ops");
  std::set<Op> seen;
  int compared = 0;
  for (bool fold : {true, false}) {
    for (auto& c : test::onnx_cases()) {
      SCOPED_TRACE(c.name + (fold ? " (folded)" : " (BatchNorm kept)"));
      for (const auto& n : c.graph.nodes) seen.insert(n.op);
      std::string file = dir.file(c.name + ".ptl");
      PtlOptions options;
      options.fold_batch_norm = fold;
      ASSERT_NO_THROW(save_ptl(c.graph, file, options)) << ptl_source(c.graph, options);
      PtlCheck check = verify_ptl(c.graph, file, inputs_in_order(c.graph));
      ASSERT_EQ(check.outputs, c.graph.outputs);
      for (size_t k = 0; k < check.outputs.size(); ++k)
        EXPECT_LE(check.max_abs_diff[k], 1e-5) << "output " << check.outputs[k];
      EXPECT_TRUE(check.within(1e-5));
      compared += static_cast<int>(check.outputs.size());
    }
  }
  EXPECT_EQ(seen.size(), all_ops().size());  // every IR op was exported
  EXPECT_GE(compared, 60);
}

TEST(PtlExport, SourceUsesSanitizedUniqueWeightNamesAndReturnsATuple) {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 8, 8});
  auto c1 = b.conv("backbone.0/conv-1", x, 4, 3, {1, 1, 1, 1, true});
  auto c2 = b.conv("7x", c1, 4, 1);
  auto c3 = b.conv("a.b", c2, 4, 1);
  auto c4 = b.conv("a_b", c3, 4, 1);
  b.output(c4);
  b.output(c2);
  Graph g = b.build();
  std::string src = ptl_source(g);
  EXPECT_EQ(src.rfind("def forward(self, x):\n", 0), 0u) << src;
  for (const char* name : {"self.backbone_0_conv_1_weight", "self.backbone_0_conv_1_bias",
                           "self.w_7x_weight", "self.a_b_weight,", "self.a_b_weight_1"})
    EXPECT_NE(src.find(name), std::string::npos) << name << " in\n" << src;
  EXPECT_NE(src.find("return (v3, v1)"), std::string::npos) << src;

  test::TempDir dir("ptl_names");
  save_ptl(g, dir.file("names.ptl"));
  PtlCheck check = verify_ptl(g, dir.file("names.ptl"), inputs_in_order(g));
  EXPECT_LE(check.max_abs, 1e-5);
}

TEST(PtlExport, MobileNetV2MatchesRunner) {
  BackboneOptions options;
  options.num_classes = 10;
  options.width = 0.5;
  options.input_size = 64;
  Graph g = build_zoo("mobilenet_v2", options);
  test::TempDir dir("ptl_mnv2");
  std::string file = dir.file("mnv2.ptl");
  save_ptl(g, file);
  PtlCheck check = verify_ptl(g, file, inputs_in_order(g));
  ASSERT_EQ(check.outputs, std::vector<std::string>{"logits"});
  EXPECT_LE(check.max_abs, 1e-5);
  EXPECT_EQ(load_ptl_metadata(file), g.metadata);
}

TEST(PtlExport, SsdliteDetectorMatchesRunnerAndCarriesItsMetadata) {
  Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.5, 128);
  test::TempDir dir("ptl_ssd");
  std::string file = dir.file("ssdlite.ptl");
  save_ptl(d.graph, file);
  PtlCheck check = verify_ptl(d.graph, file, inputs_in_order(d.graph));
  ASSERT_EQ(check.outputs, d.graph.outputs);
  ASSERT_GE(check.outputs.size(), 2u);
  EXPECT_LE(check.max_abs, 1e-4);
  EXPECT_LE(check.max_rel, 1e-5);

  // The metadata, as Whittle reads it and as a mobile app reads it.
  EXPECT_EQ(load_ptl_metadata(file), d.graph.metadata);
  auto j = nlohmann::json::parse(mobile_extra_file(file, kPtlMetadataFile));
  EXPECT_EQ(j["format"], "whittle-ptl");
  EXPECT_EQ(j["inputs"][0]["name"], d.graph.inputs[0].name);
  EXPECT_EQ(j["inputs"][0]["shape"], (std::vector<int64_t>{1, 3, 128, 128}));
  EXPECT_EQ(j["outputs"].get<std::vector<std::string>>(), d.graph.outputs);
  EXPECT_EQ(j["metadata"]["whittle.family"], d.graph.metadata.at("whittle.family"));
  EXPECT_EQ(j["metadata"]["whittle.mean"], d.graph.metadata.at("whittle.mean"));
  EXPECT_EQ(j["metadata"]["whittle.classes"], d.graph.metadata.at("whittle.classes"));
}

TEST(PtlExport, ExtraFilesAreStored) {
  Graph g = small_conv_graph();
  test::TempDir dir("ptl_extra");
  PtlOptions options;
  options.extra_files["labels.txt"] = "cat\ndog\n";
  save_ptl(g, dir.file("m.ptl"), options);
  EXPECT_EQ(mobile_extra_file(dir.file("m.ptl"), "labels.txt"), "cat\ndog\n");

  options.extra_files[kPtlMetadataFile] = "{}";  // Whittle's own name
  EXPECT_NE(error_of([&] { save_ptl(g, dir.file("n.ptl"), options); }).find(kPtlMetadataFile),
            std::string::npos);
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"m.ptl"});
}

TEST(PtlExport, ErrorsNameTheNodeAndLeaveNoFileBehind) {
  test::TempDir dir("ptl_errors");
  std::string file = dir.file("model.ptl");
  test::write_bytes(file, "old contents");

  Graph doubles = small_conv_graph();
  doubles.node("conv1").weights["weight"] = doubles.node("conv1").weight("weight").to(at::kDouble);
  std::string e = error_of([&] { save_ptl(doubles, file); });
  EXPECT_NE(e.find(file), std::string::npos) << e;
  EXPECT_NE(e.find("(Conv conv1) weight 'weight' is Double"), std::string::npos) << e;

  Graph quantized = small_conv_graph();
  at::Tensor w = quantized.node("conv1").weight("weight");
  quantized.node("conv1").weights["weight"] = at::quantize_per_tensor(w, 0.01, 0, at::kQInt8);
  e = error_of([&] { save_ptl(quantized, file); });
  EXPECT_NE(e.find("(Conv conv1)"), std::string::npos) << e;

  Graph unknown = small_conv_graph();
  unknown.node("relu").op = static_cast<Op>(250);
  e = error_of([&] { ptl_source(unknown); });
  EXPECT_NE(e.find("relu)"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { save_ptl(unknown, file); }).find("relu)"), std::string::npos);

  Graph no_outputs = small_conv_graph();
  no_outputs.outputs.clear();
  EXPECT_NE(error_of([&] { save_ptl(no_outputs, file); }).find("no outputs"), std::string::npos);

  // A folder where the file should go: the write fails, nothing is left.
  fs::create_directories(dir.file("folder.ptl"));
  EXPECT_NE(error_of([&] { save_ptl(small_conv_graph(), dir.file("folder.ptl")); }), "(no whittle::Error)");
  EXPECT_NE(error_of([&] { save_ptl(small_conv_graph(), dir.file("missing/x.ptl")); }),
            "(no whittle::Error)");

  EXPECT_EQ(test::read_bytes(file), "old contents");
  EXPECT_EQ(files_in(dir.path()), (std::vector<std::string>{"folder.ptl", "model.ptl"}));
  EXPECT_TRUE(fs::is_empty(dir.file("folder.ptl")));
}

TEST(PtlExport, VerifyAndMetadataRejectBadInput) {
  test::TempDir dir("ptl_verify");
  Graph g = small_conv_graph();
  std::string file = dir.file("m.ptl");
  save_ptl(g, file);
  auto x = inputs_in_order(g);

  EXPECT_NE(error_of([&] { verify_ptl(g, file, {}); }).find("1 inputs, 0 given"), std::string::npos);
  EXPECT_NE(error_of([&] { verify_ptl(g, file, {x[0].to(at::kDouble)}); }).find("float32"),
            std::string::npos);
  std::string missing = dir.file("missing.ptl");
  EXPECT_NE(error_of([&] { verify_ptl(g, missing, x); }).find(missing), std::string::npos);

  std::string garbage = dir.file("garbage.ptl");
  test::write_bytes(garbage, "not a model");
  EXPECT_NE(error_of([&] { verify_ptl(g, garbage, x); }).find(garbage), std::string::npos);
  EXPECT_NE(error_of([&] { load_ptl_metadata(garbage); }).find(garbage), std::string::npos);

  // A file of another graph: the outputs do not line up.
  GraphBuilder b(2345);
  auto in = b.input("input", {1, 3, 8, 8});
  auto c = b.conv("conv1", in, 4, 3, {1, 1, 1, 1, true});
  b.output(c);
  b.output(b.relu("relu", c));
  Graph two = b.build();
  std::string other = dir.file("two.ptl");
  save_ptl(two, other);
  EXPECT_NE(error_of([&] { verify_ptl(g, other, x); }).find("2 outputs, the graph has 1"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
