#pragma once
// The zoo networks written the ordinary way a LibTorch user would write them:
// torch::nn modules (Sequential, Conv2d, BatchNorm2d, ReLU/ReLU6 in place,
// MaxPool2d, Linear) in eval() mode, run under torch::NoGradGuard, NCHW,
// BatchNorm NOT folded. Weights are copied from a Whittle graph so the module
// computes the same function as the graph.
//
// This header stays free of <torch/torch.h>; only torch_nn_models.cpp pays
// for it.
#include <ATen/core/Tensor.h>

#include <memory>
#include <string>

#include "graph/graph.h"

namespace whittle::bench {

class TorchNnModel {
 public:
  virtual ~TorchNnModel() = default;
  // x: [N, 3, S, S] float32 NCHW. Returns the logits.
  virtual at::Tensor forward(const at::Tensor& x) = 0;
  // Number of tensors copied from the graph (a sanity figure for the report).
  virtual int copied_tensors() const = 0;
};

// `zoo_name` is "vgg16" or "mobilenet_v2" with width 1 and a classifier;
// `graph` is build_zoo(zoo_name, ...) (unfolded). Throws std::runtime_error
// when the graph does not match the hand-written architecture (layer count or
// any weight shape).
std::unique_ptr<TorchNnModel> make_torch_nn_model(const std::string& zoo_name,
                                                  const Graph& graph);

}  // namespace whittle::bench
