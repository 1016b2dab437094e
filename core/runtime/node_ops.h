#pragma once
// One node's computation with LibTorch, the single definition of what every
// op of the IR computes and of its attribute conventions (pools: stride
// defaults to the kernel; Upsample by `size` or integer `scale`; L2Norm as
// torchvision's SSD; ...). The fp32 Runner executes graphs node by node with
// it, the Int8Runner its fp32 nodes and the ops that work on quantized
// tensors as they are (pools, upsample, flatten), and fake-quant its nodes
// with quantization in between.
#include <ATen/core/Tensor.h>

#include <vector>

#include "graph/graph.h"

namespace whittle {

struct NodeExecution {
  // BatchNorm2d: batch statistics, updating the running ones with the
  // node's momentum (train mode). Otherwise the running statistics.
  bool training = false;
  // A unary activation may overwrite inputs[0]'s storage (the caller knows
  // it is the value's last reader and nobody else holds it).
  bool in_place = false;
  // When defined: used instead of the node's "weight" by Conv2d and Linear
  // (fake-quant passes the quantize-dequantized weight).
  at::Tensor weight;
};

// A 2-D convolution as execute_node computes it for inference: oneDNN for
// an fp32 channels-last CPU input (at::conv2d would send small batch-1
// convs to its NCHW im2col path), at::conv2d otherwise. The latency table
// (prune/latency_table.h) times convs through this, as the runner runs them.
at::Tensor inference_conv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                            const std::vector<int64_t>& stride, const std::vector<int64_t>& padding,
                            const std::vector<int64_t>& dilation, int64_t groups);

// The node's output for `inputs` (one per node input, in order). Throws
// whittle::Error "(Conv x) failed: <first line of LibTorch's error>" when
// LibTorch fails, and "(Op x) has an unknown op" for an op it does not know.
at::Tensor execute_node(const Node& node, const std::vector<at::Tensor>& inputs,
                        const NodeExecution& how = {});

}  // namespace whittle
