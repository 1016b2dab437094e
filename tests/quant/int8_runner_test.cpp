#include "quant/int8_runner.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <optional>

#include "error_of.h"
#include "graph/graph_builder.h"
#include "int8_exact.h"
#include "minmax_quant.h"
#include "models/zoo.h"
#include "quant/fake_quant.h"
#include "quant/qengine.h"
#include "random_batch_norm.h"

namespace whittle {
namespace {

using test::randomize_batch_norm;

using test::error_of;
using test::minmax_quantize;


std::vector<at::Tensor> random_inputs(const Shape& shape, int n, uint64_t seed) {
  at::manual_seed(seed);
  std::vector<at::Tensor> xs;
  for (int i = 0; i < n; ++i) xs.push_back(at::randn(shape));
  return xs;
}

// max |a - b| in units of the output value's quantization step.
double steps_apart(const at::Tensor& a, const at::Tensor& b, const ActivationQuant& q) {
  return (a - b).abs().max().item<double>() / q.scale;
}

double relative_error(const at::Tensor& a, const at::Tensor& ref) {
  return (a - ref).norm().item<double>() / std::max(ref.norm().item<double>(), 1e-12);
}

// ------------------------------------------------------ one op at a time ----

struct OpCase {
  std::string name;
  // Adds the op (and what it needs) after input x [1, 8, 12, 12]; returns
  // the output value.
  std::function<std::string(GraphBuilder&, const std::string&)> build;
  Precision precision = Precision::Int8;  // of the node named "op"
};

ConvOptions pad(int64_t p, int64_t stride = 1, int64_t dilation = 1, int64_t groups = 1) {
  ConvOptions o;
  o.padding = p, o.stride = stride, o.dilation = dilation, o.groups = groups;
  return o;
}

std::vector<OpCase> op_cases() {
  using B = GraphBuilder;
  using S = const std::string&;
  return {
      {"Conv", [](B& b, S x) { return b.conv("op", x, 16, 3, pad(1)); }},
      {"ConvStridedDilated", [](B& b, S x) { return b.conv("op", x, 16, 3, pad(2, 2, 2)); }},
      {"ConvDepthwise", [](B& b, S x) { return b.conv("op", x, 8, 3, pad(1, 1, 1, 8)); }},
      {"ConvNoBias", [](B& b, S x) { ConvOptions o = pad(0); o.bias = false; return b.conv("op", x, 4, 1, o); }},
      {"ConvReLU", [](B& b, S x) { return b.relu("relu", b.conv("op", x, 16, 3, pad(1))); }},
      {"ConvReLU6", [](B& b, S x) { return b.relu6("relu6", b.conv("op", x, 16, 3, pad(1))); }},
      {"Add", [](B& b, S x) { return b.add("op", b.conv("c1", x, 8, 1), b.conv("c2", x, 8, 3, pad(1))); }},
      {"AddReLU", [](B& b, S x) { return b.relu("relu", b.add("op", x, b.conv("c", x, 8, 1))); }},
      {"MulBroadcast", [](B& b, S x) { return b.mul("op", x, b.sigmoid("gate", b.global_avg_pool("gap", x))); }},
      {"MulBroadcastFirst", [](B& b, S x) { return b.mul("op", b.global_avg_pool("gap", x), x); }},
      {"Concat", [](B& b, S x) { return b.concat("op", {x, b.conv("c", x, 4, 1)}); }},
      {"MaxPool", [](B& b, S x) { return b.max_pool("op", x, 3, 2, 1, true); }},
      {"AvgPool", [](B& b, S x) { return b.avg_pool("op", x, 3, 1, 1, false, false); }},
      {"GlobalAvgPool", [](B& b, S x) { return b.global_avg_pool("op", x); }},
      {"Upsample", [](B& b, S x) { return b.upsample("op", x, 2); }},
      {"UpsampleTo", [](B& b, S x) { return b.upsample_to("op", x, 19, 19); }},
      {"FlattenLinear", [](B& b, S x) { return b.linear("fc", b.flatten("op", b.global_avg_pool("gap", x)), 10); }},
      {"Linear", [](B& b, S x) { return b.linear("op", b.flatten("flat", x), 10); }},
      {"LinearReLU", [](B& b, S x) { return b.relu("relu", b.linear("op", b.flatten("flat", x), 10)); }},
      {"Identity", [](B& b, S x) { return b.identity("op", x); }},
      {"ReLU", [](B& b, S x) { return b.relu("op", x); }},
      {"ReLU6", [](B& b, S x) { return b.relu6("op", x); }},
      {"LeakyReLU", [](B& b, S x) { return b.leaky_relu("op", x, 0.1); }},
      {"Sigmoid", [](B& b, S x) { return b.sigmoid("op", x); }},
      {"Hardswish", [](B& b, S x) { return b.hardswish("op", x); }},
      {"SiLU", [](B& b, S x) { return b.silu("op", x); }, Precision::Fp32},
      {"L2Norm", [](B& b, S x) { return b.l2norm("op", x, 20.0); }, Precision::Fp32},
      {"BatchNormUnfolded", [](B& b, S x) { return b.batch_norm("op", x); }, Precision::Fp32},
  };
}

class Int8SingleOp : public ::testing::TestWithParam<OpCase> {};

TEST_P(Int8SingleOp, AgreesWithFakeQuantWithinOneStep) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  const OpCase& c = GetParam();
  GraphBuilder b;
  const std::string x = b.input("input", {1, 8, 12, 12});
  const std::string y = c.build(b, x);
  b.output(y);
  Graph g = b.build();
  randomize_batch_norm(g, 5);
  const std::vector<at::Tensor> xs = random_inputs({1, 8, 12, 12}, 4, 17);
  const QuantizedGraph model = minmax_quantize(g, xs);

  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  const std::string plan = format_node_precisions(int8.node_precisions());
  SCOPED_TRACE(c.name + "\n" + plan);
  EXPECT_EQ(int8.plan().nodes.at(model.graph.find_node("op")).precision, c.precision);
  const auto& q = int8.plan().values.at(y);
  for (const auto& in : xs) {
    at::Tensor a = int8.forward(in).at(0);
    at::Tensor f = fake.forward(in).at(0);
    ASSERT_EQ(a.sizes(), f.sizes());
    if (q) {
      EXPECT_LE(steps_apart(a, f, *q), 1.0 + 1e-3);
    } else {  // an fp32 output (the node ran fp32 and nothing int8 reads it)
      EXPECT_LE((a - f).abs().max().item<double>(), 1e-4 * std::max(1.0, f.abs().max().item<double>()));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, Int8SingleOp, ::testing::ValuesIn(op_cases()),
                         [](const ::testing::TestParamInfo<OpCase>& info) { return info.param.name; });

// ------------------------------------------------------------ graphs ----

// conv/bn/relu stem, a residual add, a concat of two branches, pools and a
// linear classifier.
Graph small_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 24, 24});
  auto s = b.conv_bn_act("stem", x, 16, 3, pad(1, 2), Op::ReLU);
  auto r = b.conv_bn_act("res", s, 16, 3, pad(1), Op::Identity);
  auto a = b.relu("add.relu", b.add("add", s, r));
  auto p = b.max_pool("pool", a, 2, 2);
  auto b1 = b.conv_bn_act("b1", p, 8, 1, pad(0), Op::ReLU6);
  auto b2 = b.conv_bn_act("b2", p, 8, 3, pad(1), Op::ReLU);
  auto cat = b.concat("cat", {b1, b2});
  auto ap = b.avg_pool("avg", cat, 3, 1, 1);
  auto fc = b.linear("fc", b.flatten("flat", b.global_avg_pool("gap", ap)), 5);
  b.output(fc);
  b.output(cat);
  Graph g = b.build();
  randomize_batch_norm(g, 3);
  return g;
}

TEST(Int8Runner, SmallGraphAgreesWithFakeQuant) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  Graph g = small_graph();
  const std::vector<at::Tensor> xs = random_inputs({1, 3, 24, 24}, 4, 21);
  const QuantizedGraph model = minmax_quantize(g, xs);
  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  Runner fp32(g);
  SCOPED_TRACE(format_node_precisions(int8.node_precisions()));
  EXPECT_EQ(int8.plan().count(Precision::Fp32), 0);
  for (const auto& in : xs) {
    TensorMap a = int8.run({{"input", in}});
    TensorMap f = fake.run({{"input", in}});
    TensorMap r = fp32.run({{"input", in}});
    for (const auto& out : g.outputs) {
      SCOPED_TRACE(out);
      // A one-step difference upstream may move a value by a step or two.
      EXPECT_LE(steps_apart(a.at(out), f.at(out), *int8.plan().values.at(out)), 2.0 + 1e-3);
      EXPECT_LT(relative_error(a.at(out), r.at(out)), 0.05);
    }
  }
}

TEST(Int8Runner, MobileNetV2AgreesWithFakeQuantAndFp32) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  BackboneOptions o;
  o.num_classes = 10;
  o.width = 0.5;
  o.input_size = 64;
  Graph g = build_zoo("mobilenet_v2", o);
  randomize_batch_norm(g, 9);
  const std::vector<at::Tensor> xs = random_inputs({1, 3, 64, 64}, 4, 33);
  const QuantizedGraph model = minmax_quantize(g, xs);
  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  Runner fp32(g);
  SCOPED_TRACE(format_node_precisions(int8.node_precisions()));
  EXPECT_EQ(int8.plan().count(Precision::Fp32), 0);
  for (const auto& in : xs) {
    at::Tensor a = int8.forward(in).at(0);
    at::Tensor f = fake.forward(in).at(0);
    at::Tensor r = fp32.forward(in).at(0);
    // Measured with oneDNN here: 0 (bit-identical) and about 0.01.
    EXPECT_LT(relative_error(a, f), 0.02);
    EXPECT_LT(relative_error(a, r), 0.1);
  }
}

// -------------------------------------------------------- precision ----

TEST(Int8Runner, ReportsFusionAndPrecisionPerNode) {
  const QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  Int8Runner int8(model);
  std::map<std::string, NodePrecision> rows;
  for (const auto& r : int8.node_precisions()) rows[r.node] = r;
  // BN folded away: stem (conv) + stem.act (ReLU) fuse.
  EXPECT_EQ(rows.at("stem").kernel, "quantized::conv2d_relu (with stem.act)");
  EXPECT_EQ(rows.at("stem.act").kernel, "fused into (Conv stem)");
  EXPECT_EQ(rows.at("add").kernel, "quantized::add_relu (with add.relu)");
  EXPECT_EQ(rows.at("b1").kernel, "quantized::conv2d_relu (with b1.act)");  // ReLU6, grid top <= 6
  EXPECT_EQ(rows.at("res").kernel, "quantized::conv2d");  // feeds the add and nothing else
  EXPECT_EQ(rows.at("pool").kernel, "max_pool2d (int8, input's parameters)");
  EXPECT_EQ(rows.at("cat").kernel, "quantized::cat");
  EXPECT_EQ(rows.at("fc").kernel, "quantized::linear");
  for (const auto& [name, r] : rows) EXPECT_EQ(r.precision, Precision::Int8) << name;
}

TEST(Int8Runner, ReLU6WithWideGridIsClampedAfterTheKernel) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  model.spec.activations["b1.act"] = affine_uint8(0.0f, 10.0f);  // grid reaches past 6
  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  const int b1 = model.graph.find_node("b1");
  EXPECT_EQ(int8.plan().nodes.at(b1).kernel, "quantized::conv2d_relu + clamp(0, 6) (with b1.act)");
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 2).at(0);
  at::Tensor a = int8.run({{"input", in}}, {"b1.act"}).at("b1.act");
  at::Tensor f = fake.run({{"input", in}}, {"b1.act"}).at("b1.act");
  EXPECT_LE(a.max().item<float>(), 6.0f);
  EXPECT_LE(steps_apart(a, f, model.spec.activations.at("b1.act")), 1.0 + 1e-3);
}

TEST(Int8Runner, FusedReLUWithNonzeroZeroPointStaysExact) {
  WHITTLE_SKIP_IF_INT8_SATURATES();
  // oneDNN's conv2d_relu clamps at quantized 0: with a zero point of 64 the
  // runner must use conv2d + relu instead.
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  model.spec.activations["stem.act"] = affine_uint8(-1.0f, 3.0f);
  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  EXPECT_EQ(int8.plan().nodes.at(model.graph.find_node("stem")).kernel,
            "quantized::conv2d + relu (with stem.act)");
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 2).at(0);
  at::Tensor a = int8.run({{"input", in}}, {"stem.act"}).at("stem.act");
  at::Tensor f = fake.run({{"input", in}}, {"stem.act"}).at("stem.act");
  EXPECT_GE(a.min().item<float>(), 0.0f);
  EXPECT_LE(steps_apart(a, f, model.spec.activations.at("stem.act")), 1.0 + 1e-3);
}

TEST(Int8Runner, Fp32NodesAreHonoured) {
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  model.spec.fp32_nodes = {"b2", "fc"};
  Int8Runner int8(model);
  FakeQuantRunner fake(model);
  std::map<std::string, NodePrecision> rows;
  for (const auto& r : int8.node_precisions()) rows[r.node] = r;
  EXPECT_EQ(rows.at("b2").precision, Precision::Fp32);
  EXPECT_EQ(rows.at("b2").kernel, "fp32: in fp32_nodes");
  EXPECT_EQ(rows.at("b2.act").kernel, "relu (int8) + requantize");  // no longer fused
  EXPECT_EQ(rows.at("fc").precision, Precision::Fp32);
  EXPECT_EQ(rows.at("b1").precision, Precision::Int8);
  // fc's output feeds nothing int8: it stays fp32.
  EXPECT_FALSE(int8.plan().values.at("fc").has_value());
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 4).at(0);
  TensorMap a = int8.run({{"input", in}});
  TensorMap f = fake.run({{"input", in}});
  // fc runs fp32 in both on inputs at most two steps apart.
  const double step = int8.plan().values.at("flat")->scale;
  const double row_l1 = model.graph.node("fc").weight("weight").abs().sum(1).max().item<double>();
  EXPECT_LE((a.at("fc") - f.at("fc")).abs().max().item<double>(), 2 * step * row_l1 + 1e-6);
}

TEST(Int8Runner, AllFp32NodesGiveTheFp32Result) {
  Graph g = small_graph();
  QuantizedGraph model = minmax_quantize(g, random_inputs({1, 3, 24, 24}, 2, 1));
  for (const auto& n : model.graph.nodes) model.spec.fp32_nodes.insert(n.name);
  model.spec.activations.clear();  // nothing is quantized, so nothing is needed
  Int8Runner int8(model);
  Runner fp32(g);
  EXPECT_EQ(int8.plan().count(Precision::Int8), 0);
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 4).at(0);
  at::Tensor a = int8.forward(in).at(0);
  at::Tensor r = fp32.forward(in).at(0);
  EXPECT_TRUE(at::allclose(a, r, 1e-4, 1e-5));
}

// ----------------------------------------------------------- errors ----

TEST(Int8Runner, MissingActivationEntryNamesTheNode) {
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  QuantizedGraph no_res = model;
  no_res.spec.activations.erase("res.bn");  // the folded conv took over its BN's output
  EXPECT_NE(error_of([&] { Int8Runner r(no_res); })
                .find("(Conv res) has no activation quantization parameters for 'res.bn'"),
            std::string::npos);
  QuantizedGraph no_act = model;
  no_act.spec.activations.erase("stem.act");
  EXPECT_NE(error_of([&] { Int8Runner r(no_act); }).find("(Conv stem) fused with (ReLU stem.act)"),
            std::string::npos);
  QuantizedGraph no_input = model;
  no_input.spec.activations.erase("input");
  EXPECT_NE(error_of([&] { Int8Runner r(no_input); }).find("graph input 'input'"), std::string::npos);
  // Pools keep their input's parameters: their own entry is not needed.
  QuantizedGraph no_pool = model;
  no_pool.spec.activations.erase("pool");
  EXPECT_EQ(error_of([&] { Int8Runner r(no_pool); }), "(no error)");
}

TEST(Int8Runner, UnknownFp32NodeIsAnError) {
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  model.spec.fp32_nodes.insert("head.nope");
  EXPECT_NE(error_of([&] { Int8Runner r(model); }).find("'head.nope', which is not a node"),
            std::string::npos);
}

TEST(Int8Runner, FusedValueCannotBeRequested) {
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  Int8Runner int8(model);
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 4).at(0);
  EXPECT_NE(error_of([&] { int8.run({{"input", in}}, {"stem.bn"}); }).find("fused into (ReLU stem.act)"),
            std::string::npos);
  TensorMap out = int8.run({{"input", in}}, {"res.bn", "pool"});
  EXPECT_EQ(out.at("res.bn").scalar_type(), at::kFloat);
  EXPECT_EQ(out.at("pool").sizes(), at::IntArrayRef({1, 16, 6, 6}));
}

// ----------------------------------------------------------- outputs ----

TEST(Int8Runner, OutputsAreContiguousFp32) {
  Graph g = small_graph();
  QuantizedGraph model = minmax_quantize(g, random_inputs({1, 3, 24, 24}, 2, 1));
  Int8Runner int8(model);
  Runner fp32(g);
  at::Tensor in = random_inputs({1, 3, 24, 24}, 1, 4).at(0);
  std::vector<at::Tensor> a = int8.forward(in);
  std::vector<at::Tensor> r = fp32.forward(in);
  ASSERT_EQ(a.size(), r.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].scalar_type(), at::kFloat);
    EXPECT_FALSE(a[i].is_quantized());
    EXPECT_TRUE(a[i].is_contiguous());
    EXPECT_EQ(a[i].sizes(), r[i].sizes());
  }
}

// ----------------------------------------------------------- engines ----

TEST(Int8Runner, BestEngineIsSupported) {
  const QEngine best = best_qengine();
  const std::vector<QEngine> have = supported_qengines();
  EXPECT_NE(std::find(have.begin(), have.end(), best), have.end());
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  EXPECT_EQ(Int8Runner(model).engine(), best);
}

TEST(Int8Runner, EveryEngineOfTheBuildAgreesWithFakeQuant) {
  Graph g = small_graph();
  const std::vector<at::Tensor> xs = random_inputs({1, 3, 24, 24}, 2, 21);
  const QuantizedGraph model = minmax_quantize(g, xs);
  FakeQuantRunner fake(model);
  for (QEngine e : supported_qengines()) {
    SCOPED_TRACE(std::string(qengine_name(e)));
    if (qengine_saturates(e)) continue;  // no VNNI here: int16 pair sums (see the next test)
    Int8RunnerOptions o;
    o.engine = e;
    Int8Runner int8(model, o);
    TensorMap a = int8.run({{"input", xs[0]}});
    TensorMap f = fake.run({{"input", xs[0]}});
    for (const auto& out : g.outputs)
      EXPECT_LE(steps_apart(a.at(out), f.at(out), *int8.plan().values.at(out)), 2.0 + 1e-3) << out;
  }
}

// Sets an environment variable for one scope, then puts it back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* was = std::getenv(name)) saved_ = was;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (saved_) setenv(name_, saved_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

// Emulates a CPU without VNNI by capping oneDNN's ISA (read again on every
// call; oneDNN itself read it at its first use, so its kernels do not change).
TEST(Int8Runner, SaturationFollowsTheOneDnnCap) {
  ScopedEnv cap("ONEDNN_MAX_CPU_ISA", "avx2");
  EXPECT_FALSE(qengine_saturates(QEngine::Qnnpack));
#if defined(__x86_64__)
  EXPECT_TRUE(qengine_saturates(QEngine::OneDnn));
#endif
}

TEST(Int8Runner, EnvironmentChoosesTheEngine) {
  {
    ScopedEnv chosen("WHITTLE_QENGINE", "qnnpack");
    EXPECT_EQ(best_qengine(), QEngine::Qnnpack);
  }
  {
    ScopedEnv chosen("WHITTLE_QENGINE", "fastest");
    EXPECT_NE(error_of([] { best_qengine(); }).find("WHITTLE_QENGINE='fastest'"), std::string::npos);
  }
  ScopedEnv chosen("WHITTLE_QENGINE", "auto");
  EXPECT_TRUE(qengine_supported(best_qengine()));
}

TEST(Int8Runner, EngineMissingFromTheBuildIsAnError) {
  const std::vector<QEngine> have = supported_qengines();
  QEngine missing = QEngine::Auto;
  for (QEngine e : {QEngine::Fbgemm, QEngine::X86, QEngine::Qnnpack, QEngine::OneDnn})
    if (std::find(have.begin(), have.end(), e) == have.end()) missing = e;
  if (missing == QEngine::Auto) GTEST_SKIP() << "this build has every engine";
  QuantizedGraph model = minmax_quantize(small_graph(), random_inputs({1, 3, 24, 24}, 2, 1));
  Int8RunnerOptions o;
  o.engine = missing;
  const std::string name(qengine_name(missing));
  EXPECT_NE(error_of([&] { Int8Runner r(model, o); }).find("quantized engine " + name),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
