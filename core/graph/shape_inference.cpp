#include "graph/shape_inference.h"

#include <set>
#include <sstream>

#include "graph/error.h"

namespace whittle {
namespace {

[[noreturn]] void fail(const Node& node, const std::string& rule) {
  throw Error(node.label() + " " + rule);
}

Shape tensor_shape(const at::Tensor& t) { return Shape(t.sizes().begin(), t.sizes().end()); }

void expect_rank(const Node& node, const Shape& shape, size_t rank, const char* what) {
  if (shape.size() != rank)
    fail(node, std::string(what) + " has rank " + std::to_string(shape.size()) + ", expected " +
                   std::to_string(rank) + " " + format_shape(shape));
}

void expect_vector(const Node& node, const std::string& key, int64_t size) {
  if (!node.has_weight(key)) return;
  Shape s = tensor_shape(node.weight(key));
  if (s.size() != 1 || s[0] != size)
    fail(node, "weight '" + key + "' has shape " + format_shape(s) + ", expected [" +
                   std::to_string(size) + "]");
}

// Output length of a sliding window; ceil_mode follows PyTorch (a last window
// must start inside the input or its left padding).
int64_t window_out(const Node& node, int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                   int64_t dilation, bool ceil_mode, const char* axis) {
  if (stride < 1) fail(node, std::string("stride must be >= 1"));
  int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  if (ceil_mode && span >= 0 && (out - 1) * stride >= in + pad) --out;
  if (span < 0 || out < 1)
    fail(node, std::string("output ") + axis + " < 1 (input " + axis + " " + std::to_string(in) +
                   ", kernel " + std::to_string(kernel) + ", stride " + std::to_string(stride) +
                   ", padding " + std::to_string(pad) + ")");
  return out;
}

Shape conv_shape(const Node& node, const Shape& in) {
  expect_rank(node, in, 4, "input");
  Shape w = tensor_shape(node.weight("weight"));
  expect_rank(node, w, 4, "weight");
  int64_t groups = node.attrs.get_int("groups", 1);
  if (groups < 1 || w[0] % groups != 0)
    fail(node, "out_channels " + std::to_string(w[0]) + " not divisible by groups " +
                   std::to_string(groups));
  if (w[1] * groups != in[1])
    fail(node, "in_channels " + std::to_string(w[1] * groups) + " != producer channels " +
                   std::to_string(in[1]));
  expect_vector(node, "bias", w[0]);
  auto stride = node.attrs.get_pair("stride", 1);
  auto pad = node.attrs.get_pair("padding", 0);
  auto dil = node.attrs.get_pair("dilation", 1);
  return {in[0], w[0], window_out(node, in[2], w[2], stride[0], pad[0], dil[0], false, "height"),
          window_out(node, in[3], w[3], stride[1], pad[1], dil[1], false, "width")};
}

Shape pool_shape(const Node& node, const Shape& in) {
  expect_rank(node, in, 4, "input");
  if (!node.attrs.has("kernel")) fail(node, "has no 'kernel' attribute");
  auto kernel = node.attrs.get_pair("kernel", 1);
  auto stride = node.attrs.has("stride") ? node.attrs.get_pair("stride", 1) : kernel;
  auto pad = node.attrs.get_pair("padding", 0);
  bool ceil_mode = node.attrs.get_int("ceil_mode", 0) != 0;
  for (int k = 0; k < 2; ++k)
    if (pad[k] * 2 > kernel[k]) fail(node, "padding must be at most half the kernel");
  return {in[0], in[1], window_out(node, in[2], kernel[0], stride[0], pad[0], 1, ceil_mode, "height"),
          window_out(node, in[3], kernel[1], stride[1], pad[1], 1, ceil_mode, "width")};
}

Shape broadcast_shape(const Node& node, const Shape& a, const Shape& b) {
  if (a.size() != b.size())
    fail(node, "input shapes " + format_shape(a) + " and " + format_shape(b) + " differ in rank");
  Shape out(a.size());
  for (size_t k = 0; k < a.size(); ++k) {
    if (a[k] == b[k] || b[k] == 1) out[k] = a[k];
    else if (a[k] == 1 && node.op == Op::Mul) out[k] = b[k];
    else
      fail(node, "input shapes " + format_shape(a) + " and " + format_shape(b) + " differ");
  }
  if (node.op == Op::Add && out != a)
    fail(node, "input shapes " + format_shape(a) + " and " + format_shape(b) + " differ");
  return out;
}

size_t expected_arity(Op op) {
  switch (op) {
    case Op::Add:
    case Op::Mul:
      return 2;
    case Op::Concat:
      return 0;  // one or more
    default:
      return 1;
  }
}

std::vector<std::string> required_weights(Op op) {
  switch (op) {
    case Op::Conv2d:
    case Op::Linear:
    case Op::L2Norm:
      return {"weight"};
    case Op::BatchNorm2d:
      return {"weight", "bias", "running_mean", "running_var"};
    default:
      return {};
  }
}

}  // namespace

std::string format_shape(const Shape& shape) {
  std::ostringstream out;
  out << '[';
  for (size_t k = 0; k < shape.size(); ++k) out << (k ? "," : "") << shape[k];
  out << ']';
  return out.str();
}

std::string format_shape(const at::Tensor& tensor) {
  return format_shape(Shape(tensor.sizes().begin(), tensor.sizes().end()));
}

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Shape infer_node_shape(const Node& node, const std::vector<Shape>& in) {
  size_t arity = expected_arity(node.op);
  if (arity ? in.size() != arity : in.empty())
    fail(node, "takes " + (arity ? std::to_string(arity) : std::string("at least 1")) +
                   " input(s), got " + std::to_string(in.size()));
  if (is_activation(node.op) || node.op == Op::Identity) return in[0];
  switch (node.op) {
    case Op::Conv2d:
      return conv_shape(node, in[0]);
    case Op::BatchNorm2d:
      expect_rank(node, in[0], 4, "input");
      for (const char* key : {"weight", "bias", "running_mean", "running_var"})
        expect_vector(node, key, in[0][1]);
      return in[0];
    case Op::L2Norm:
      expect_rank(node, in[0], 4, "input");
      expect_vector(node, "weight", in[0][1]);
      return in[0];
    case Op::MaxPool2d:
    case Op::AvgPool2d:
      return pool_shape(node, in[0]);
    case Op::GlobalAvgPool:
      expect_rank(node, in[0], 4, "input");
      return {in[0][0], in[0][1], 1, 1};
    case Op::Add:
    case Op::Mul:
      return broadcast_shape(node, in[0], in[1]);
    case Op::Concat: {
      if (node.attrs.get_int("axis", 1) != 1) fail(node, "concatenates only along channels (axis 1)");
      Shape out = in[0];
      expect_rank(node, out, 4, "input 0");
      for (size_t k = 1; k < in.size(); ++k) {
        expect_rank(node, in[k], 4, "input");
        if (in[k][0] != out[0] || in[k][2] != out[2] || in[k][3] != out[3])
          fail(node, "input " + std::to_string(k) + " shape " + format_shape(in[k]) +
                         " does not match " + format_shape(in[0]) + " outside the channel axis");
        out[1] += in[k][1];
      }
      return out;
    }
    case Op::Upsample: {
      expect_rank(node, in[0], 4, "input");
      if (node.attrs.has("size")) {
        auto size = node.attrs.get_pair("size", 1);
        if (size[0] < 1 || size[1] < 1) fail(node, "size must be positive");
        return {in[0][0], in[0][1], size[0], size[1]};
      }
      int64_t scale = node.attrs.get_int("scale", 0);
      if (scale < 1) fail(node, "needs a positive integer 'scale' or a 'size'");
      return {in[0][0], in[0][1], in[0][2] * scale, in[0][3] * scale};
    }
    case Op::Flatten:
      if (in[0].size() < 2) fail(node, "input has rank < 2");
      return {in[0][0], numel(in[0]) / in[0][0]};
    case Op::Linear: {
      expect_rank(node, in[0], 2, "input");
      Shape w = tensor_shape(node.weight("weight"));
      expect_rank(node, w, 2, "weight");
      if (w[1] != in[0][1])
        fail(node, "in_features " + std::to_string(w[1]) + " != producer features " +
                       std::to_string(in[0][1]));
      expect_vector(node, "bias", w[0]);
      return {in[0][0], w[0]};
    }
    default:
      break;
  }
  fail(node, "has an unknown op");
}

void check_structure(const Graph& graph) {
  std::set<std::string> node_names, defined;
  for (const auto& in : graph.inputs) {
    if (in.name.empty()) throw Error("graph input with an empty name");
    if (!defined.insert(in.name).second)
      throw Error("graph input '" + in.name + "' is declared twice");
  }
  for (const auto& node : graph.nodes) {
    if (node.name.empty()) throw Error("a " + std::string(op_name(node.op)) + " node has no name");
    if (!node_names.insert(node.name).second) fail(node, "node name is used twice");
    for (const auto& in : node.inputs)
      if (!defined.count(in))
        fail(node, "input '" + in + "' is not produced before the node (graph not in topological order, or unknown value)");
    if (node.output.empty()) fail(node, "has no output value");
    if (!defined.insert(node.output).second)
      fail(node, "output '" + node.output + "' is produced twice (graph must be SSA)");
    for (const auto& key : required_weights(node.op))
      if (!node.has_weight(key)) fail(node, "has no weight '" + key + "'");
    for (const auto& [key, tensor] : node.weights)
      if (!tensor.defined()) fail(node, "weight '" + key + "' is undefined");
  }
  if (graph.outputs.empty()) throw Error("graph has no outputs");
  for (const auto& out : graph.outputs)
    if (!defined.count(out)) throw Error("graph output '" + out + "' is not produced by any node");
}

ShapeMap infer_shapes(const Graph& graph, const ShapeMap& input_shapes) {
  ShapeMap shapes;
  for (const auto& in : graph.inputs) {
    auto it = input_shapes.find(in.name);
    shapes[in.name] = it != input_shapes.end() ? it->second : in.shape;
    if (shapes[in.name].empty()) throw Error("graph input '" + in.name + "' has no shape");
  }
  for (const auto& node : graph.nodes) {
    std::vector<Shape> in;
    for (const auto& name : node.inputs) {
      auto it = shapes.find(name);
      if (it == shapes.end()) fail(node, "input '" + name + "' has no shape (unknown value)");
      in.push_back(it->second);
    }
    shapes[node.output] = infer_node_shape(node, in);
  }
  return shapes;
}

ShapeMap validate(const Graph& graph, const ShapeMap& input_shapes) {
  check_structure(graph);
  return infer_shapes(graph, input_shapes);
}

}  // namespace whittle
