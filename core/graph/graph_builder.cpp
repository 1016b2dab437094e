#include "graph/graph_builder.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {

struct GraphBuilder::State {
  Graph graph;
  ShapeMap shapes;
  at::Generator generator;
};

GraphBuilder::GraphBuilder(uint64_t seed) : state_(std::make_unique<State>()) {
  state_->generator = at::make_generator<at::CPUGeneratorImpl>(seed);
}

GraphBuilder::~GraphBuilder() = default;

at::Tensor GraphBuilder::randn(const Shape& shape, double std) {
  return at::normal(0.0, std, shape, state_->generator, at::TensorOptions().dtype(at::kFloat));
}

std::string GraphBuilder::input(const std::string& name, const Shape& shape) {
  if (state_->shapes.count(name)) throw Error("value '" + name + "' already exists");
  state_->graph.inputs.push_back({name, shape});
  state_->shapes[name] = shape;
  return name;
}

std::string GraphBuilder::add_node(Node node) {
  if (state_->shapes.count(node.name)) throw Error(node.label() + " value name is used twice");
  node.output = node.name;
  std::vector<Shape> in;
  for (const auto& x : node.inputs) in.push_back(shape(x));
  state_->shapes[node.output] = infer_node_shape(node, in);
  state_->graph.nodes.push_back(std::move(node));
  return state_->graph.nodes.back().output;
}

const Shape& GraphBuilder::shape(const std::string& value) const {
  auto it = state_->shapes.find(value);
  if (it == state_->shapes.end()) throw Error("unknown value '" + value + "'");
  return it->second;
}

std::string GraphBuilder::conv(const std::string& name, const std::string& x,
                               int64_t out_channels, int64_t kernel, ConvOptions o) {
  int64_t in_channels = channels(x);
  if (o.groups < 1 || in_channels % o.groups != 0)
    throw Error("(Conv " + name + ") in_channels " + std::to_string(in_channels) +
                " not divisible by groups " + std::to_string(o.groups));
  Node node{name, Op::Conv2d, {x}};
  node.attrs.set("stride", std::vector<int64_t>{o.stride, o.stride});
  node.attrs.set("padding", std::vector<int64_t>{o.padding, o.padding});
  node.attrs.set("dilation", std::vector<int64_t>{o.dilation, o.dilation});
  node.attrs.set("groups", o.groups);
  // torchvision: kaiming_normal_(mode="fan_out", nonlinearity="relu")
  double fan_out = static_cast<double>(out_channels * kernel * kernel);
  node.weights["weight"] =
      randn({out_channels, in_channels / o.groups, kernel, kernel}, std::sqrt(2.0 / fan_out));
  if (o.bias) node.weights["bias"] = at::zeros({out_channels});
  return add_node(std::move(node));
}

std::string GraphBuilder::batch_norm(const std::string& name, const std::string& x, double eps,
                                     double momentum) {
  int64_t c = channels(x);
  Node node{name, Op::BatchNorm2d, {x}};
  node.attrs.set("eps", eps);
  node.attrs.set("momentum", momentum);
  node.weights["weight"] = at::ones({c});
  node.weights["bias"] = at::zeros({c});
  node.weights["running_mean"] = at::zeros({c});
  node.weights["running_var"] = at::ones({c});
  return add_node(std::move(node));
}

std::string GraphBuilder::relu(const std::string& name, const std::string& x) {
  return add_node({name, Op::ReLU, {x}});
}
std::string GraphBuilder::relu6(const std::string& name, const std::string& x) {
  return add_node({name, Op::ReLU6, {x}});
}
std::string GraphBuilder::leaky_relu(const std::string& name, const std::string& x, double alpha) {
  Node node{name, Op::LeakyReLU, {x}};
  node.attrs.set("alpha", alpha);
  return add_node(std::move(node));
}
std::string GraphBuilder::silu(const std::string& name, const std::string& x) {
  return add_node({name, Op::SiLU, {x}});
}
std::string GraphBuilder::sigmoid(const std::string& name, const std::string& x) {
  return add_node({name, Op::Sigmoid, {x}});
}
std::string GraphBuilder::hardswish(const std::string& name, const std::string& x) {
  return add_node({name, Op::Hardswish, {x}});
}

static Node pool_node(const std::string& name, Op op, const std::string& x, int64_t kernel,
                      int64_t stride, int64_t padding, bool ceil_mode) {
  Node node{name, op, {x}};
  node.attrs.set("kernel", std::vector<int64_t>{kernel, kernel});
  node.attrs.set("stride", std::vector<int64_t>{stride, stride});
  node.attrs.set("padding", std::vector<int64_t>{padding, padding});
  node.attrs.set("ceil_mode", int64_t{ceil_mode});
  return node;
}

std::string GraphBuilder::max_pool(const std::string& name, const std::string& x, int64_t kernel,
                                   int64_t stride, int64_t padding, bool ceil_mode) {
  return add_node(pool_node(name, Op::MaxPool2d, x, kernel, stride, padding, ceil_mode));
}

std::string GraphBuilder::avg_pool(const std::string& name, const std::string& x, int64_t kernel,
                                   int64_t stride, int64_t padding, bool ceil_mode,
                                   bool count_include_pad) {
  Node node = pool_node(name, Op::AvgPool2d, x, kernel, stride, padding, ceil_mode);
  node.attrs.set("count_include_pad", int64_t{count_include_pad});
  return add_node(std::move(node));
}

std::string GraphBuilder::global_avg_pool(const std::string& name, const std::string& x) {
  return add_node({name, Op::GlobalAvgPool, {x}});
}
std::string GraphBuilder::add(const std::string& name, const std::string& a, const std::string& b) {
  return add_node({name, Op::Add, {a, b}});
}
std::string GraphBuilder::mul(const std::string& name, const std::string& a, const std::string& b) {
  return add_node({name, Op::Mul, {a, b}});
}
std::string GraphBuilder::concat(const std::string& name, const std::vector<std::string>& xs) {
  Node node{name, Op::Concat, xs};
  node.attrs.set("axis", int64_t{1});
  return add_node(std::move(node));
}

std::string GraphBuilder::upsample(const std::string& name, const std::string& x, int64_t scale) {
  Node node{name, Op::Upsample, {x}};
  node.attrs.set("mode", std::string("nearest"));
  node.attrs.set("scale", scale);
  return add_node(std::move(node));
}

std::string GraphBuilder::upsample_to(const std::string& name, const std::string& x,
                                      int64_t height, int64_t width) {
  Node node{name, Op::Upsample, {x}};
  node.attrs.set("mode", std::string("nearest"));
  node.attrs.set("size", std::vector<int64_t>{height, width});
  return add_node(std::move(node));
}

std::string GraphBuilder::l2norm(const std::string& name, const std::string& x, double scale,
                                 double eps) {
  Node node{name, Op::L2Norm, {x}};
  node.attrs.set("eps", eps);
  node.weights["weight"] = at::full({channels(x)}, scale);
  return add_node(std::move(node));
}

std::string GraphBuilder::flatten(const std::string& name, const std::string& x) {
  return add_node({name, Op::Flatten, {x}});
}

std::string GraphBuilder::linear(const std::string& name, const std::string& x,
                                 int64_t out_features, bool bias) {
  const Shape& s = shape(x);
  if (s.size() != 2) throw Error("(Linear " + name + ") input must be flattened, got " + format_shape(s));
  Node node{name, Op::Linear, {x}};
  node.weights["weight"] = randn({out_features, s[1]}, 0.01);
  if (bias) node.weights["bias"] = at::zeros({out_features});
  return add_node(std::move(node));
}

std::string GraphBuilder::identity(const std::string& name, const std::string& x) {
  return add_node({name, Op::Identity, {x}});
}

std::string GraphBuilder::conv_bn_act(const std::string& name, const std::string& x,
                                      int64_t out_channels, int64_t kernel, ConvOptions options,
                                      Op activation) {
  options.bias = false;
  std::string y = batch_norm(name + ".bn", conv(name, x, out_channels, kernel, options));
  switch (activation) {
    case Op::ReLU: return relu(name + ".act", y);
    case Op::ReLU6: return relu6(name + ".act", y);
    case Op::SiLU: return silu(name + ".act", y);
    case Op::Hardswish: return hardswish(name + ".act", y);
    case Op::LeakyReLU: return leaky_relu(name + ".act", y);
    case Op::Identity: return y;
    default:
      throw Error("(Conv " + name + ") activation " + std::string(op_name(activation)) +
                  " is not an activation");
  }
}

void GraphBuilder::output(const std::string& value) {
  shape(value);  // throws for an unknown value
  state_->graph.outputs.push_back(value);
}

void GraphBuilder::set_metadata(const std::string& key, const std::string& value) {
  state_->graph.metadata[key] = value;
}

Graph GraphBuilder::build() {
  Graph graph = std::move(state_->graph);
  state_->graph = Graph{};
  state_->shapes.clear();
  validate(graph);
  return graph;
}

}  // namespace whittle
