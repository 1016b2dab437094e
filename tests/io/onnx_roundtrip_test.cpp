// Save -> load round trips of every op: same graph, metadata, weights and
// bit-identical runner outputs; the bytes pass the ONNX checker; import of
// common ONNX written by other tools.
#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include "graph/dump.h"
#include "graph/error.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "io/onnx_test_graphs.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

using test::onnx_cases;

const RunnerOptions kPlain{RunMode::Inference, /*fold*/ false, /*channels_last*/ false};

onnx::ModelProto parse(const std::string& bytes) {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

const onnx::NodeProto* find_onnx_node(const onnx::ModelProto& m, const std::string& name) {
  for (const auto& n : m.graph().node())
    if (n.name() == name) return &n;
  return nullptr;
}

TEST(OnnxRoundTrip, EveryOpIsBitIdentical) {
  test::TempDir dir("roundtrip");
  for (auto& c : onnx_cases()) {
    SCOPED_TRACE(c.name);
    std::string path = dir.file(c.name + ".onnx");
    save_onnx(c.graph, path);
    Graph loaded = load_onnx(path);

    EXPECT_EQ(dump_graph(loaded), dump_graph(c.graph));
    EXPECT_EQ(loaded.metadata, c.graph.metadata);
    ASSERT_EQ(loaded.nodes.size(), c.graph.nodes.size());
    for (size_t i = 0; i < loaded.nodes.size(); ++i) {
      const Node& a = c.graph.nodes[i];
      const Node& b = loaded.nodes[i];
      EXPECT_EQ(b.name, a.name);
      EXPECT_EQ(b.output, a.output);
      EXPECT_EQ(b.inputs, a.inputs);
      EXPECT_TRUE(b.attrs == a.attrs) << a.label() << " attributes differ";
      ASSERT_EQ(b.weights.size(), a.weights.size()) << a.label();
      for (const auto& [key, t] : a.weights) {
        ASSERT_TRUE(b.has_weight(key)) << a.label() << " lost " << key;
        EXPECT_EQ(b.weight(key).scalar_type(), at::kFloat);
        EXPECT_TRUE(at::equal(b.weight(key), t)) << a.label() << " weight " << key;
      }
    }
    auto inputs = test::random_inputs(c.graph);
    Runner ra(c.graph, kPlain), rb(loaded, kPlain);
    auto ya = ra.run(inputs), yb = rb.run(inputs);
    ASSERT_EQ(ya.size(), c.graph.outputs.size());
    ASSERT_EQ(yb.size(), ya.size());
    for (const auto& [name, t] : ya) {
      ASSERT_TRUE(yb.count(name)) << name;
      EXPECT_TRUE(at::equal(yb.at(name), t)) << "output " << name;
    }
    // Saving what was loaded writes the same bytes.
    EXPECT_EQ(to_onnx_bytes(loaded), test::read_bytes(path));
  }
}

TEST(OnnxRoundTrip, FoldedRunnerAgreesAfterLoad) {
  for (auto& c : onnx_cases()) {
    SCOPED_TRACE(c.name);
    Graph loaded = from_onnx_bytes(to_onnx_bytes(c.graph), c.name);
    auto inputs = test::random_inputs(c.graph, 11);
    auto ya = Runner(c.graph).run(inputs), yb = Runner(loaded).run(inputs);
    for (const auto& [name, t] : ya) EXPECT_TRUE(at::equal(yb.at(name), t)) << name;
  }
}

TEST(OnnxRoundTrip, BytesPassOnnxChecker) {
  for (auto& c : onnx_cases()) {
    SCOPED_TRACE(c.name);
    onnx::ModelProto m = parse(to_onnx_bytes(c.graph));
    EXPECT_NO_THROW(onnx::checker::check_model(m));
    // Shape inference agrees with the shapes Whittle declared for the outputs.
    onnx::ModelProto inferred = m;
    inferred.mutable_graph()->clear_value_info();
    if (c.name == "avg_pool_corner") {
      // ONNX 1.12's shape inference lacks PyTorch's ceil_mode rule (a last
      // window starting in the right padding is dropped), which OpenCV and
      // Whittle apply: it infers 3 where the file declares 2.
      EXPECT_THROW(onnx::shape_inference::InferShapes(inferred), onnx::InferenceError);
      continue;
    }
    EXPECT_NO_THROW(onnx::shape_inference::InferShapes(inferred));
    std::map<std::string, std::vector<int64_t>> shapes;
    for (const auto& v : inferred.graph().value_info()) {
      std::vector<int64_t> dims;
      for (const auto& d : v.type().tensor_type().shape().dim()) dims.push_back(d.dim_value());
      shapes[v.name()] = dims;
    }
    for (const auto& v : m.graph().value_info()) {
      if (!shapes.count(v.name())) continue;  // ONNX could not infer (e.g. Resize by sizes)
      std::vector<int64_t> dims;
      for (const auto& d : v.type().tensor_type().shape().dim()) dims.push_back(d.dim_value());
      EXPECT_EQ(shapes[v.name()], dims) << v.name();
    }
  }
}

TEST(OnnxRoundTrip, WritesOnnxConventions) {
  auto cases = onnx_cases();
  const Graph& g = cases.back().graph;  // every_op
  onnx::ModelProto m = parse(to_onnx_bytes(g));
  EXPECT_EQ(m.producer_name(), "whittle");
  EXPECT_TRUE(m.ir_version() == 7 || m.ir_version() == 8);
  ASSERT_EQ(m.opset_import_size(), 1);
  EXPECT_EQ(m.opset_import(0).domain(), "");
  EXPECT_EQ(m.opset_import(0).version(), 13);
  std::map<std::string, std::string> meta;
  for (const auto& p : m.metadata_props()) meta[p.key()] = p.value();
  EXPECT_EQ(meta, g.metadata);
  for (const auto& init : m.graph().initializer()) {
    EXPECT_FALSE(init.raw_data().empty() && init.dims_size() > 0) << init.name();
    EXPECT_EQ(init.float_data_size(), 0) << init.name();
  }
  ASSERT_EQ(m.graph().input_size(), 1);
  EXPECT_EQ(m.graph().input(0).name(), "input");
  EXPECT_EQ(m.graph().input(0).type().tensor_type().shape().dim(0).dim_value(), 2);
  ASSERT_EQ(m.graph().output_size(), 2);
  EXPECT_EQ(m.graph().output(1).type().tensor_type().shape().dim(1).dim_value(), 4);

  const auto* conv = find_onnx_node(m, "stem");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->op_type(), "Conv");
  std::set<std::string> attrs;
  for (const auto& a : conv->attribute()) attrs.insert(a.name());
  EXPECT_EQ(attrs, (std::set<std::string>{"kernel_shape", "strides", "pads", "dilations", "group"}));
  EXPECT_EQ(conv->input(1), "stem.weight");
  const auto* bn = find_onnx_node(m, "stem.bn");
  ASSERT_NE(bn, nullptr);
  for (const auto& a : bn->attribute())
    if (a.name() == "momentum") {
      EXPECT_FLOAT_EQ(a.f(), 0.9f);  // 1 - torch's 0.1
    }
  const auto* relu6 = find_onnx_node(m, "dw.act");
  ASSERT_NE(relu6, nullptr);
  EXPECT_EQ(relu6->op_type(), "Mul");  // HardSigmoid(x, 1/6, 0) * 6, for OpenCV 4.6
  EXPECT_EQ(relu6->input(0), "dw.act/hardsigmoid");
  ASSERT_NE(find_onnx_node(m, "dw.act/hardsigmoid"), nullptr);
  EXPECT_EQ(find_onnx_node(m, "dw.act/hardsigmoid")->op_type(), "HardSigmoid");
  const auto* l2 = find_onnx_node(m, "l2");
  ASSERT_NE(l2, nullptr);
  EXPECT_EQ(l2->op_type(), "Mul");
  EXPECT_EQ(l2->input(1), "l2.weight");
  ASSERT_NE(find_onnx_node(m, "l2/norm"), nullptr);
  EXPECT_EQ(find_onnx_node(m, "l2/norm")->op_type(), "ReduceL2");
  const auto* silu = find_onnx_node(m, "pw.act");
  ASSERT_NE(silu, nullptr);
  EXPECT_EQ(silu->op_type(), "Mul");
  EXPECT_EQ(silu->output(0), "pw.act");
  const auto* up = find_onnx_node(m, "up_size");
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->op_type(), "Resize");
  ASSERT_EQ(up->input_size(), 4);
  EXPECT_EQ(up->input(1), "");
  EXPECT_EQ(up->input(2), "");
  const auto* fc = find_onnx_node(m, "fc");
  ASSERT_NE(fc, nullptr);
  EXPECT_EQ(fc->op_type(), "Gemm");
}

TEST(OnnxRoundTrip, FloatAttributesSurviveExactly) {
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.batch_norm("bn", x, 1e-3, 0.01);
  y = b.batch_norm("bn2", y, 0.00123, 0.3);
  y = b.leaky_relu("leaky", y, 0.2);
  b.output(b.l2norm("l2", y, 10.0, 1.5e-7));
  Graph g = b.build();
  Graph loaded = from_onnx_bytes(to_onnx_bytes(g), "attrs.onnx");
  EXPECT_EQ(loaded.node("bn").attrs.get_float("eps", 0), 1e-3);
  EXPECT_EQ(loaded.node("bn").attrs.get_float("momentum", 0), 0.01);
  EXPECT_EQ(loaded.node("bn2").attrs.get_float("eps", 0), 0.00123);
  EXPECT_EQ(loaded.node("bn2").attrs.get_float("momentum", 0), 0.3);
  EXPECT_EQ(loaded.node("leaky").attrs.get_float("alpha", 0), 0.2);
  EXPECT_EQ(loaded.node("l2").attrs.get_float("eps", 0), 1.5e-7);
}

TEST(OnnxRoundTrip, HelperNamesNeverCollide) {
  // IR names that equal the helper names the exporter would pick.
  GraphBuilder b(2345);
  auto x = b.input("input", {1, 3, 8, 8});
  auto c = b.conv("act.weight", x, 4, 3, {1, 1, 1, 1, true});
  auto s = b.silu("act", c);
  auto r = b.relu("act/sigmoid", s);
  auto l = b.l2norm("l2", r);
  auto w = b.relu("l2.weight", l);
  b.output(b.hardswish("l2/lpnorm", w));
  Graph g = b.build();
  std::string bytes = to_onnx_bytes(g);
  EXPECT_NO_THROW(onnx::checker::check_model(parse(bytes)));
  Graph loaded = from_onnx_bytes(bytes, "names.onnx");
  EXPECT_EQ(dump_graph(loaded), dump_graph(g));
  auto inputs = test::random_inputs(g);
  auto ya = Runner(g, kPlain).run(inputs), yb = Runner(loaded, kPlain).run(inputs);
  EXPECT_TRUE(at::equal(ya.at("l2/lpnorm"), yb.at("l2/lpnorm")));
}

// ONNX as PyTorch and others write it: symbolic batch, unnamed nodes,
// float_data, Dropout, HardSwish, Sigmoid*x with swapped inputs, Constant
// shape for Reshape [0,-1], Gemm without transB, Clip with Constant bounds.
TEST(OnnxImport, AcceptsCommonForeignPatterns) {
  at::manual_seed(3);
  at::Tensor w = at::randn({4, 3, 3, 3}), bias = at::randn({4}), fc = at::randn({4, 5}),
             fcb = at::randn({5});
  onnx::ModelProto m = test::empty_model(14);
  auto* g = m.mutable_graph();
  test::add_io(g->add_input(), "data", {1, 3, 8, 8}, "batch");
  test::add_float_initializer(g, "W", w, /*raw*/ false);
  test::add_float_initializer(g, "B", bias, true);
  test::add_float_initializer(g, "FC", fc, false);
  test::add_float_initializer(g, "FCB", fcb, true);
  auto* conv = test::add_onnx_node(g, "Conv", "", {"data", "W", "B"}, "conv_out");
  auto* pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int k = 0; k < 4; ++k) pads->add_ints(1);
  test::add_onnx_node(g, "Relu", "relu", {"conv_out"}, "r");
  test::add_onnx_node(g, "Dropout", "drop", {"r"}, "d");
  test::add_onnx_node(g, "HardSwish", "hs", {"d"}, "h");
  test::add_onnx_node(g, "Sigmoid", "sig", {"h"}, "s");
  test::add_onnx_node(g, "Mul", "swish", {"s", "h"}, "sw");
  test::add_onnx_node(g, "GlobalAveragePool", "gap", {"sw"}, "p");
  auto* shape = test::add_onnx_node(g, "Constant", "shape", {}, "shape_value");
  auto* value = shape->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto::INT64);
  value->mutable_t()->add_dims(2);
  value->mutable_t()->add_int64_data(0);
  value->mutable_t()->add_int64_data(-1);
  test::add_onnx_node(g, "Reshape", "flatten", {"p", "shape_value"}, "f");
  test::add_onnx_node(g, "Gemm", "fc", {"f", "FC", "FCB"}, "logits");
  for (auto [name, v] : {std::pair<const char*, float>{"zero", 0.0f}, {"six", 6.0f}}) {
    auto* a = test::add_onnx_node(g, "Constant", "", {}, name)->add_attribute();
    a->set_name("value_float");
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  test::add_onnx_node(g, "Clip", "clip", {"logits", "zero", "six"}, "out");
  test::add_io(g->add_output(), "out", {1, 5}, "batch");

  Graph graph = from_onnx_bytes(m.SerializeAsString(), "foreign.onnx");
  std::vector<Op> ops;
  for (const auto& n : graph.nodes) ops.push_back(n.op);
  EXPECT_EQ(ops, (std::vector<Op>{Op::Conv2d, Op::ReLU, Op::Identity, Op::Hardswish, Op::SiLU,
                                  Op::GlobalAvgPool, Op::Flatten, Op::Linear, Op::ReLU6}));
  EXPECT_EQ(graph.nodes[0].name, "conv_out");  // unnamed node: named after its output
  EXPECT_EQ(graph.nodes[4].name, "swish");
  EXPECT_EQ(graph.nodes[4].output, "sw");
  ASSERT_EQ(graph.inputs.size(), 1u);
  EXPECT_EQ(graph.inputs[0].shape, (Shape{1, 3, 8, 8}));
  EXPECT_EQ(graph.outputs, std::vector<std::string>{"out"});

  at::Tensor x = at::randn({1, 3, 8, 8});
  at::Tensor y = at::relu(at::conv2d(x, w, bias, 1, 1));
  y = at::hardswish(y);
  y = y * at::sigmoid(y);
  y = y.mean({2, 3}).matmul(fc) + fcb;
  y = at::clamp(y, 0.0, 6.0);
  at::Tensor got = Runner(graph, kPlain).run({{"data", x}}).at("out");
  EXPECT_TRUE(at::allclose(got, y, 1e-5, 1e-5)) << got << y;
}

// Other spellings of Whittle's ops: LpNormalization * w and a lone
// LpNormalization (L2Norm), Clip with initializer bounds (ReLU6),
// x / ReduceL2(x) (L2Norm without eps), Pad + AveragePool (count_include_pad).
TEST(OnnxImport, AcceptsAlternativeForms) {
  at::manual_seed(5);
  at::Tensor w = at::rand({4}) * 10 + 1;
  onnx::ModelProto m = test::empty_model(13);
  auto* g = m.mutable_graph();
  test::add_io(g->add_input(), "x", {1, 4, 6, 6});
  test::add_float_initializer(g, "w", w.view({1, 4, 1, 1}), true);
  test::add_float_initializer(g, "lo", at::scalar_tensor(0.0f), true);
  test::add_float_initializer(g, "hi", at::scalar_tensor(6.0f), true);
  auto ints = [](onnx::NodeProto* n, const char* name, std::vector<int64_t> v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto i : v) a->add_ints(i);
  };
  auto* lp = test::add_onnx_node(g, "LpNormalization", "lp", {"x"}, "lp_out");
  auto* axis = lp->add_attribute();
  axis->set_name("axis");
  axis->set_type(onnx::AttributeProto::INT);
  axis->set_i(1);
  test::add_onnx_node(g, "Mul", "scaled", {"w", "lp_out"}, "scaled");
  test::add_onnx_node(g, "LpNormalization", "lp_plain", {"x"}, "lp_plain")->add_attribute()->CopyFrom(*axis);
  test::add_onnx_node(g, "Clip", "clip", {"x", "lo", "hi"}, "clipped");
  auto* r = test::add_onnx_node(g, "ReduceL2", "norm", {"x"}, "norm");
  ints(r, "axes", {1});
  test::add_onnx_node(g, "Div", "normalized", {"x", "norm"}, "normalized");
  auto* pads = g->add_initializer();
  pads->set_name("pads");
  pads->set_data_type(onnx::TensorProto::INT64);
  pads->add_dims(8);
  for (int64_t v : {0, 0, 1, 1, 0, 0, 1, 1}) pads->add_int64_data(v);
  test::add_onnx_node(g, "Pad", "pad", {"x", "pads"}, "padded");
  auto* avg = test::add_onnx_node(g, "AveragePool", "avg", {"padded"}, "avg");
  ints(avg, "kernel_shape", {3, 3});
  ints(avg, "strides", {2, 2});
  for (const char* out : {"scaled", "lp_plain", "clipped", "normalized"})
    test::add_io(g->add_output(), out, {1, 4, 6, 6});
  test::add_io(g->add_output(), "avg", {1, 4, 3, 3});

  Graph graph = from_onnx_bytes(m.SerializeAsString(), "alt.onnx");
  std::vector<Op> ops;
  for (const auto& n : graph.nodes) ops.push_back(n.op);
  EXPECT_EQ(ops, (std::vector<Op>{Op::L2Norm, Op::L2Norm, Op::ReLU6, Op::L2Norm, Op::AvgPool2d}));
  EXPECT_EQ(graph.nodes[0].name, "scaled");
  EXPECT_TRUE(at::equal(graph.nodes[0].weight("weight"), w));
  EXPECT_TRUE(at::equal(graph.nodes[1].weight("weight"), at::ones({4})));
  EXPECT_EQ(graph.nodes[4].name, "avg");
  EXPECT_EQ(graph.nodes[4].attrs.get_ints("padding", {}), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(graph.nodes[4].attrs.get_int("count_include_pad", 0), 1);

  at::Tensor x = at::randn({1, 4, 6, 6});
  auto y = Runner(graph, kPlain).run({{"x", x}});
  at::Tensor unit = x / x.norm(2, {1}, true);
  EXPECT_TRUE(at::allclose(y.at("scaled"), unit * w.view({1, 4, 1, 1}), 1e-5, 1e-5));
  EXPECT_TRUE(at::allclose(y.at("lp_plain"), unit, 1e-5, 1e-6));
  EXPECT_TRUE(at::allclose(y.at("normalized"), unit, 1e-5, 1e-6));
  EXPECT_TRUE(at::equal(y.at("clipped"), at::clamp(x, 0.0, 6.0)));
  EXPECT_TRUE(at::allclose(y.at("avg"), at::avg_pool2d(at::constant_pad_nd(x, {1, 1, 1, 1}), {3, 3}, {2, 2}),
                           1e-6, 1e-6));
}

TEST(OnnxImport, AcceptsOpset10ClipAndResize) {
  onnx::ModelProto m = test::empty_model(10);
  auto* g = m.mutable_graph();
  test::add_io(g->add_input(), "x", {1, 2, 3, 3});
  auto* clip = test::add_onnx_node(g, "Clip", "clip", {"x"}, "c");
  for (auto [name, v] : {std::pair<const char*, float>{"min", 0.0f}, {"max", 6.0f}}) {
    auto* a = clip->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  test::add_float_initializer(g, "scales", at::tensor({1.0f, 1.0f, 2.0f, 2.0f}), true);
  auto* up = test::add_onnx_node(g, "Resize", "up", {"c", "scales"}, "u");
  auto* mode = up->add_attribute();
  mode->set_name("mode");
  mode->set_type(onnx::AttributeProto::STRING);
  mode->set_s("nearest");
  test::add_io(g->add_output(), "u", {1, 2, 6, 6});
  Graph graph = from_onnx_bytes(m.SerializeAsString(), "opset10.onnx");
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].op, Op::ReLU6);
  EXPECT_EQ(graph.nodes[1].op, Op::Upsample);
  EXPECT_EQ(graph.nodes[1].attrs.get_int("scale", 0), 2);
  at::Tensor x = at::randn({1, 2, 3, 3}) * 5;
  at::Tensor want = at::upsample_nearest2d(at::clamp(x, 0.0, 6.0), {6, 6});
  EXPECT_TRUE(at::equal(Runner(graph, kPlain).run({{"x", x}}).at("u"), want));
}

}  // namespace
}  // namespace whittle
