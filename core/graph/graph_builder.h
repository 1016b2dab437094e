#pragma once
// Write graphs in code. Each call adds one node named `name` whose output
// value has the same name, and returns that value name. Weights are drawn
// from a seeded generator (Kaiming-normal convs as in torchvision, N(0, 0.01)
// linear layers, identity BatchNorm), so the same seed gives the same graph.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

struct ConvOptions {
  int64_t stride = 1;
  int64_t padding = 0;
  int64_t dilation = 1;
  int64_t groups = 1;
  bool bias = true;
};

class GraphBuilder {
 public:
  explicit GraphBuilder(uint64_t seed = 2345);
  ~GraphBuilder();
  GraphBuilder(const GraphBuilder&) = delete;
  GraphBuilder& operator=(const GraphBuilder&) = delete;

  std::string input(const std::string& name, const Shape& shape);

  std::string conv(const std::string& name, const std::string& x, int64_t out_channels,
                   int64_t kernel, ConvOptions options = {});
  std::string batch_norm(const std::string& name, const std::string& x, double eps = 1e-5,
                         double momentum = 0.1);
  std::string relu(const std::string& name, const std::string& x);
  std::string relu6(const std::string& name, const std::string& x);
  std::string leaky_relu(const std::string& name, const std::string& x, double alpha = 0.1);
  std::string silu(const std::string& name, const std::string& x);
  std::string sigmoid(const std::string& name, const std::string& x);
  std::string hardswish(const std::string& name, const std::string& x);
  std::string max_pool(const std::string& name, const std::string& x, int64_t kernel,
                       int64_t stride, int64_t padding = 0, bool ceil_mode = false);
  std::string avg_pool(const std::string& name, const std::string& x, int64_t kernel,
                       int64_t stride, int64_t padding = 0, bool ceil_mode = false,
                       bool count_include_pad = true);
  std::string global_avg_pool(const std::string& name, const std::string& x);
  std::string add(const std::string& name, const std::string& a, const std::string& b);
  std::string mul(const std::string& name, const std::string& a, const std::string& b);
  std::string concat(const std::string& name, const std::vector<std::string>& xs);
  std::string upsample(const std::string& name, const std::string& x, int64_t scale);
  std::string upsample_to(const std::string& name, const std::string& x, int64_t height,
                          int64_t width);
  std::string l2norm(const std::string& name, const std::string& x, double scale = 20.0,
                     double eps = 1e-10);
  std::string flatten(const std::string& name, const std::string& x);
  std::string linear(const std::string& name, const std::string& x, int64_t out_features,
                     bool bias = true);
  std::string identity(const std::string& name, const std::string& x);

  // Conv (no bias) -> BatchNorm -> activation; returns the activation's value.
  // Node names: name, name + ".bn", name + ".act". `activation` is an
  // elementwise unary op (ReLU, ReLU6, SiLU, Hardswish, LeakyReLU) or Identity
  // for none.
  std::string conv_bn_act(const std::string& name, const std::string& x, int64_t out_channels,
                          int64_t kernel, ConvOptions options, Op activation);

  void output(const std::string& value);
  void set_metadata(const std::string& key, const std::string& value);

  // Shape of a value added so far (the builder infers shapes as it goes).
  const Shape& shape(const std::string& value) const;
  int64_t channels(const std::string& value) const { return shape(value).at(1); }

  // Validates and hands over the graph; the builder is empty afterwards.
  Graph build();

 private:
  std::string add_node(Node node);
  at::Tensor randn(const Shape& shape, double std);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace whittle
