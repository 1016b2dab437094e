// PyTorch Mobile export: every op, MobileNetV2 and an SSDLite detector go
// through a .ptl and come back from the lite interpreter computing what the
// fp32 Runner computes; the metadata rides along as an extra file. Int8: every
// int8 op kind and an SSDLite detector come back computing exactly what the
// Int8Runner computes, in a smaller file.
#include <gtest/gtest.h>
#include <torch/csrc/jit/mobile/import.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "int8_exact.h"
#include "io/onnx_test_graphs.h"
#include "io/ptl_export.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "quant/calibrate.h"
#include "quant/int8_plan.h"
#include "quant/int8_runner.h"
#include "quant/minmax_quant.h"
#include "quant/qengine.h"

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
  WHITTLE_SKIP_IF_INT8_SATURATES();
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


// ------------------------------------------------------------------ int8 ----

// Every int8 op kind (fused and unfused conv/linear/add, depthwise conv, mul,
// cat, relu/relu6 on their own, leaky_relu, sigmoid, hardswish, pools,
// upsample, flatten, identity), fp32 nodes between int8 ones (SiLU and
// L2Norm have no int8 kernel; "c5" is listed in fp32_nodes), and outputs
// both quantized and fp32. QNNPACK's sigmoid takes only the output scale
// 1/256 (zero point 0), which min/max calibration does not give:
// `sigmoid` false leaves it out, for runs on every engine.
Graph int8_ops_graph(bool sigmoid = true) {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 16, 16});
  auto c1 = b.relu("c1.relu", b.conv("c1", x, 8, 3, {1, 1, 1, 1, true}));         // conv2d_relu
  auto c2 = b.relu6("c2.relu6", b.conv("c2", c1, 8, 3, {1, 1, 1, 8, true}));      // depthwise + relu6
  auto c3 = b.conv("c3", c2, 8, 1);                                               // conv2d
  auto a1 = b.relu("a1.relu", b.add("a1", c1, c3));                               // add_relu
  auto a2 = b.add("a2", a1, c3);                                                  // add
  auto r = b.relu("r", a2);                        // relu on its own (a2 has two readers), requantized
  auto r6 = b.relu6("r6", c3);                                                    // clamp, requantized
  auto gap = b.global_avg_pool("gap", r);                                         // mean
  auto gate = sigmoid ? b.sigmoid("gate", gap) : gap;
  auto m = b.mul("m", r, gate);                                                   // mul (broadcast)
  auto cat = b.concat("cat", {m, r6, b.identity("id", a1), a2});                  // cat, identity
  auto lr = b.leaky_relu("lr", cat, 0.1);
  auto hs = b.hardswish("hs", lr);
  auto mp = b.max_pool("mp", hs, 3, 2, 1, true);
  auto ap = b.avg_pool("ap", mp, 3, 1, 1, false, false);
  auto up = b.upsample("up", ap, 2);
  auto si = b.silu("si", up);                                                     // fp32 (no kernel)
  auto c4 = b.conv("c4", si, 8, 3, {2, 1, 1, 1, true});
  auto c5 = b.relu("c5.relu", b.conv("c5", c4, 8, 1));                            // fp32 (listed)
  auto l2 = b.l2norm("l2", c5);                                                   // fp32 -> output
  auto fc = b.linear("fc", b.flatten("flat", b.global_avg_pool("gap2", c5)), 10);
  auto fc2 = b.relu("fc2.relu", b.linear("fc2", b.flatten("flat2", ap), 6));      // linear_relu
  b.output(c4);
  b.output(l2);
  b.output(fc);
  b.output(fc2);
  return b.build();
}

std::vector<at::Tensor> random_images(const Shape& shape, int n, uint64_t seed) {
  at::manual_seed(seed);
  std::vector<at::Tensor> xs;
  for (int i = 0; i < n; ++i) xs.push_back(at::randn(shape));
  return xs;
}

TEST(PtlExportInt8, EveryInt8OpKindMatchesInt8RunnerExactly) {
  Graph g = int8_ops_graph();
  QuantizedGraph model = test::minmax_quantize(g, random_images({1, 3, 16, 16}, 4, 31));
  model.spec.fp32_nodes = {"c5"};
  const std::string src = ptl_source(model);
  for (const char* call :
       {"quantized.conv2d_relu(qx, self.c1_packed, ", "quantized.conv2d(", "quantized.add_relu(",
        "quantized.add(", "quantized.mul(", "quantized.cat([", "quantized.leaky_relu(",
        "quantized.sigmoid(", "quantized.hardswish(", "quantized.linear(", "quantized.linear_relu(",
        "torch.max_pool2d(", "torch.avg_pool2d(", "torch.mean(", "torch.upsample_nearest2d(",
        "torch.flatten(", "= torch.dequantize(v", "torch.silu(d", "torch.relu(", "torch.clamp(",
        "torch.quantize_per_tensor(", "torch.conv2d(", "x = x.contiguous(memory_format=2)"})
    EXPECT_NE(src.find(call), std::string::npos) << call << " in\n" << src;
  EXPECT_EQ(src.find("c5_packed"), std::string::npos) << src;  // fp32: a float weight

  test::TempDir dir("ptl_int8_ops");
  const std::string file = dir.file("ops.ptl");
  ASSERT_NO_THROW(save_ptl(model, file)) << src;
  for (uint64_t seed : {41, 42, 43}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    PtlCheck check = verify_ptl(model, file, random_images({1, 3, 16, 16}, 1, seed));
    ASSERT_EQ(check.outputs, g.outputs);
    EXPECT_EQ(check.max_abs, 0.0) << src;  // the same kernels on the same integers
    EXPECT_EQ(check.max_steps, 0.0);
    EXPECT_GT(check.step[0], 0.0);   // c4: int8
    EXPECT_EQ(check.step[1], 0.0);   // l2: fp32
    EXPECT_GT(check.step[2], 0.0);   // fc: int8
  }
  auto j = nlohmann::json::parse(mobile_extra_file(file, kPtlMetadataFile));
  EXPECT_EQ(j["int8"]["qengine"], std::string(qengine_name(best_qengine())));
  EXPECT_EQ(j["int8"]["observer"], "minmax");
  EXPECT_EQ(j["int8"]["fp32_nodes"], (std::vector<std::string>{"si", "c5", "l2"}));
  EXPECT_EQ(load_ptl_metadata(file), g.metadata);
}

// The file stores packed weights unpacked: whichever engine loads it packs
// them for itself and then computes what Int8Runner on that engine does.
TEST(PtlExportInt8, FileRunsOnEveryEngineOfTheBuildAsInt8RunnerDoes) {
  Graph g = int8_ops_graph(/*sigmoid=*/false);
  const QuantizedGraph model = test::minmax_quantize(g, random_images({1, 3, 16, 16}, 4, 31));
  test::TempDir dir("ptl_int8_engines");
  const std::string file = dir.file("ops.ptl");
  const QEngine before = current_qengine();
  save_ptl(model, file);
  for (QEngine e : supported_qengines()) {
    SCOPED_TRACE(std::string(qengine_name(e)));
    PtlCheck check = verify_ptl(model, file, random_images({1, 3, 16, 16}, 1, 44), e);
    EXPECT_EQ(check.max_abs, 0.0);
    EXPECT_EQ(current_qengine(), before);  // put back
  }
  for (QEngine e : supported_qengines()) {  // packed under another engine: the same file
    PtlOptions options;
    options.qengine = e;
    const std::string other = dir.file("ops_" + std::string(qengine_name(e)) + ".ptl");
    save_ptl(model, other, options);
    EXPECT_EQ(current_qengine(), before);
    EXPECT_EQ(ptl_source(model, options), ptl_source(model));
    auto j = nlohmann::json::parse(mobile_extra_file(other, kPtlMetadataFile));
    EXPECT_EQ(j["int8"]["qengine"], std::string(qengine_name(e)));
    EXPECT_EQ(verify_ptl(model, other, random_images({1, 3, 16, 16}, 1, 45)).max_abs, 0.0);
  }
}

TEST(PtlExportInt8, SsdliteDetectorMatchesInt8RunnerInASmallerFile) {
  Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 3, 0.5, 128);
  QuantizedGraph model = prepare_for_int8(d.graph);
  NullProgress quiet;
  model.spec = calibrate(model.graph, calibration_batches(random_images({1, 3, 128, 128}, 2, 51)),
                         ObserverKind::MinMax, {}, quiet);
  test::TempDir dir("ptl_int8_ssd");
  const std::string fp32 = dir.file("ssdlite.ptl"), int8 = dir.file("ssdlite_int8.ptl");
  save_ptl(d.graph, fp32);
  save_ptl(model, int8);
  PtlCheck check = verify_ptl(model, int8, random_images({1, 3, 128, 128}, 1, 52));
  ASSERT_EQ(check.outputs, d.graph.outputs);
  EXPECT_EQ(check.max_abs, 0.0);
  EXPECT_EQ(check.max_steps, 0.0);
  const auto fp32_bytes = fs::file_size(fp32), int8_bytes = fs::file_size(int8);
  std::cout << "[ size     ] SSDLite-MobileNetV2 w0.5 128: fp32 .ptl " << fp32_bytes << " bytes, int8 .ptl "
            << int8_bytes << " bytes (" << static_cast<double>(int8_bytes) / fp32_bytes << "x); int8 vs "
            << "Int8Runner max |diff| " << check.max_abs << " (" << check.max_steps << " steps)\n";
  EXPECT_LT(int8_bytes, fp32_bytes / 2);
  EXPECT_EQ(load_ptl_metadata(int8), d.graph.metadata);
}

TEST(PtlExportInt8, ErrorsNameTheNodeOrEngineAndLeaveNoFileBehind) {
  test::TempDir dir("ptl_int8_errors");
  const std::string file = dir.file("m.ptl");
  test::write_bytes(file, "old contents");
  QuantizedGraph model = test::minmax_quantize(small_conv_graph(), random_images({1, 3, 8, 8}, 2, 61));

  QuantizedGraph missing = model;
  missing.spec.activations.erase("relu");
  std::string e = error_of([&] { save_ptl(missing, file); });
  EXPECT_NE(e.find(file), std::string::npos) << e;
  EXPECT_NE(e.find("(Conv conv1) fused with (ReLU relu)"), std::string::npos) << e;
  EXPECT_NE(error_of([&] { ptl_source(missing); }).find("'relu'"), std::string::npos);

  const std::vector<QEngine> have = supported_qengines();
  for (QEngine absent : {QEngine::Fbgemm, QEngine::X86, QEngine::Qnnpack, QEngine::OneDnn}) {
    if (std::find(have.begin(), have.end(), absent) != have.end()) continue;
    PtlOptions options;
    options.qengine = absent;
    e = error_of([&] { save_ptl(model, file, options); });
    EXPECT_NE(e.find("quantized engine " + std::string(qengine_name(absent))), std::string::npos) << e;
  }
  EXPECT_EQ(test::read_bytes(file), "old contents");
  EXPECT_EQ(files_in(dir.path()), std::vector<std::string>{"m.ptl"});

  save_ptl(model, dir.file("ok.ptl"));
  EXPECT_NE(error_of([&] { verify_ptl(model, dir.file("ok.ptl"), {}); }).find("1 inputs, 0 given"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
