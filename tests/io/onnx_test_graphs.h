#pragma once
// Shared by the ONNX tests: small graphs covering every IR op (seed 2345),
// with randomised biases, BatchNorm statistics and L2Norm weights so that
// folding and weight order matter, plus a per-process temp folder.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "graph/graph_builder.h"

namespace whittle::test {

struct OnnxCase {
  std::string name;
  Graph graph;
  bool opencv = true;  // whether OpenCV DNN 4.6 computes it as PyTorch does
};

inline void randomise_weights(Graph& g, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  auto opts = at::TensorOptions().dtype(at::kFloat);
  for (auto& node : g.nodes) {
    for (auto& [key, t] : node.weights) {
      auto n = t.sizes().vec();
      if (node.op == Op::BatchNorm2d && key == "weight") t = at::rand(n, gen, opts) + 0.5;
      else if (node.op == Op::BatchNorm2d && key == "running_var") t = at::rand(n, gen, opts) * 1.5 + 0.5;
      else if (node.op == Op::L2Norm) t = at::rand(n, gen, opts) * 15 + 5;
      else if (key == "bias" || key == "running_mean") t = at::normal(0.0, 0.2, n, gen, opts);
    }
  }
}

inline Graph finish(GraphBuilder& b) {
  Graph g = b.build();
  randomise_weights(g, 2346);
  return g;
}

// One graph per op family (so a failure names the op) and one with every op.
inline std::vector<OnnxCase> onnx_cases() {
  std::vector<OnnxCase> cases;
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 3, 20, 20});
    auto c1 = b.conv("conv1", x, 8, 3, {1, 1, 1, 1, true});
    auto c2 = b.conv("conv2", c1, 16, 3, {2, 2, 2, 1, false});  // stride, pad, dilation, no bias
    auto c3 = b.conv("grouped", c2, 8, 3, {1, 1, 1, 4, true});
    auto c4 = b.conv("depthwise", c3, 8, 3, {2, 1, 1, 8, true});
    auto c5 = b.conv("rect", c4, 4, 1, {1, 0, 1, 1, true});
    b.output(c5);
    b.output(c2);
    cases.push_back({"conv", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 3, 16, 16});
    auto bn0 = b.batch_norm("bn_in", x, 1e-3, 0.01);
    auto y = b.conv_bn_act("stem", bn0, 8, 3, {2, 1, 1, 1, false}, Op::ReLU);
    auto z = b.conv_bn_act("block", y, 8, 3, {1, 1, 1, 1, false}, Op::Identity);
    b.output(z);
    cases.push_back({"batchnorm", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {1, 3, 12, 12});
    auto c = b.conv("conv", x, 8, 3, {1, 1, 1, 1, true});
    b.output(b.relu("relu", c));
    b.output(b.relu6("relu6", c));
    b.output(b.leaky_relu("leaky", c, 0.2));
    b.output(b.silu("silu", c));
    b.output(b.sigmoid("sigmoid", c));
    b.output(b.hardswish("hswish", c));
    b.output(b.identity("identity", c));
    cases.push_back({"activations", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 4, 16, 16});  // ceil_mode adds a row/column at 16
    b.output(b.max_pool("max_floor", x, 3, 2, 1, false));
    b.output(b.max_pool("max_ceil", x, 3, 2, 1, true));
    b.output(b.max_pool("max_ceil_nopad", x, 3, 2, 0, true));
    b.output(b.avg_pool("avg_incl", x, 3, 2, 1, false, true));
    b.output(b.avg_pool("avg_excl", x, 3, 2, 1, false, false));
    b.output(b.avg_pool("avg_ceil", x, 3, 2, 0, true, true));
    b.output(b.avg_pool("avg_ceil_pad", x, 3, 2, 1, true, false));
    b.output(b.global_avg_pool("gap", x));
    b.output(b.avg_pool("avg_ceil_incl", x, 3, 2, 1, true, true));
    cases.push_back({"pools", finish(b)});
  }
  {
    // count_include_pad with ceil_mode where PyTorch drops the last window
    // (it would start in the right padding): no explicit-Pad form is exact,
    // so this is a plain AveragePool(count_include_pad=1), which OpenCV 4.6
    // computes as count_include_pad=0 (it keys on producer_name "pytorch").
    GraphBuilder b(2345);
    auto x = b.input("input", {1, 2, 5, 5});
    b.output(b.avg_pool("avg_dropped_window", x, 3, 3, 1, true, true));
    cases.push_back({"avg_pool_corner", finish(b), /*opencv*/ false});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 3, 10, 10});
    auto f = b.conv("feat", x, 8, 3, {1, 1, 1, 1, true});
    auto g = b.conv("other", x, 8, 1);
    auto gate = b.sigmoid("gate", b.conv("se.fc", b.global_avg_pool("se.pool", f), 8, 1));
    b.output(b.add("add", f, g));
    b.output(b.mul("mul", f, g));
    b.output(b.mul("se.scale", f, gate));       // [N,C,H,W] * [N,C,1,1]
    b.output(b.mul("se.scale_rev", gate, f));   // [N,C,1,1] * [N,C,H,W]
    b.output(b.concat("cat", {f, g, x}));
    cases.push_back({"eltwise", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 4, 6, 5});
    b.output(b.upsample("up2", x, 2));
    b.output(b.upsample("up3", x, 3));
    b.output(b.upsample_to("up_size", x, 12, 10));
    b.output(b.upsample_to("up_odd", x, 13, 7));
    cases.push_back({"upsample", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 3, 8, 8});
    b.output(b.l2norm("l2norm", b.conv("conv4_3", x, 16, 3, {1, 1, 1, 1, true}), 20.0, 1e-10));
    cases.push_back({"l2norm", finish(b)});
  }
  {
    GraphBuilder b(2345);
    auto x = b.input("input", {2, 3, 8, 8});
    auto c = b.conv("conv", x, 6, 3, {2, 1, 1, 1, true});
    b.output(b.linear("fc2", b.linear("fc1", b.flatten("flat", c), 10), 5, false));
    b.output(b.flatten("pooled", b.global_avg_pool("gap", c)));
    cases.push_back({"classifier", finish(b)});
  }
  {
    GraphBuilder b(2345);
    b.set_metadata("family", "test");
    b.set_metadata("classes", "cat,dog");
    auto x = b.input("input", {2, 3, 32, 32});
    auto s = b.conv_bn_act("stem", x, 8, 3, {2, 1, 1, 1, false}, Op::Hardswish);  // 16
    auto a = b.conv_bn_act("dw", s, 8, 3, {1, 1, 1, 8, false}, Op::ReLU6);
    auto c = b.conv_bn_act("pw", a, 16, 1, {}, Op::SiLU);
    auto gate = b.sigmoid("se.gate", b.conv("se.fc", b.global_avg_pool("se.pool", c), 16, 1));
    auto se = b.mul("se.scale", c, gate);
    auto l = b.conv_bn_act("proj", se, 16, 1, {}, Op::LeakyReLU);
    auto r = b.add("residual", l, se);
    auto m = b.mul("mul", r, b.relu("relu", r));
    auto p = b.max_pool("pool", m, 2, 2, 0, true);  // 8
    auto q = b.avg_pool("avg", p, 2, 2, 0, false, false);  // 4
    auto u = b.upsample("up", q, 2);  // 8
    auto v = b.upsample_to("up_size", b.identity("id", q), 8, 8);
    auto cat = b.concat("cat", {p, u, v});
    auto n = b.l2norm("l2", cat);
    auto head = b.conv("head", n, 6, 3, {1, 1, 1, 1, true});
    b.output(head);
    b.output(b.linear("fc", b.flatten("flat", b.global_avg_pool("gap", n)), 4));
    cases.push_back({"every_op", finish(b)});
  }
  return cases;
}

// Seeded random inputs for every graph input.
inline std::map<std::string, at::Tensor> random_inputs(const Graph& g, uint64_t seed = 7) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  std::map<std::string, at::Tensor> inputs;
  for (const auto& in : g.inputs)
    inputs[in.name] = at::randn(in.shape, gen, at::TensorOptions().dtype(at::kFloat));
  return inputs;
}

// A fresh folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    path_ = std::filesystem::temp_directory_path() /
            ("whittle_io_test_" + std::to_string(::getpid()) + "_" + tag);
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace whittle::test

#include <onnx/onnx_pb.h>

namespace whittle::test {

// Hand-built ONNX pieces for import tests.
inline onnx::NodeProto* add_onnx_node(onnx::GraphProto* g, const std::string& op,
                                      const std::string& name,
                                      const std::vector<std::string>& inputs,
                                      const std::string& output) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& in : inputs) n->add_input(in);
  n->add_output(output);
  return n;
}

inline void add_float_initializer(onnx::GraphProto* g, const std::string& name,
                                  const at::Tensor& t, bool raw) {
  auto* p = g->add_initializer();
  at::Tensor c = t.contiguous();
  p->set_name(name);
  p->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : c.sizes()) p->add_dims(d);
  const float* data = c.data_ptr<float>();
  if (raw) p->set_raw_data(std::string(reinterpret_cast<const char*>(data), c.numel() * 4));
  else
    for (int64_t k = 0; k < c.numel(); ++k) p->add_float_data(data[k]);
}

inline void add_io(onnx::ValueInfoProto* v, const std::string& name, const std::vector<int64_t>& dims,
                   const std::string& batch_param = "") {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  auto* s = t->mutable_shape();
  for (size_t k = 0; k < dims.size(); ++k) {
    if (k == 0 && !batch_param.empty()) s->add_dim()->set_dim_param(batch_param);
    else s->add_dim()->set_dim_value(dims[k]);
  }
}

inline onnx::ModelProto empty_model(int64_t opset) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.set_producer_name("test");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  m.mutable_graph()->set_name("test");
  return m;
}

}  // namespace whittle::test
