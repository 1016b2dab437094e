#pragma once
// One node's fp32 computation with the fp32 runner's attribute conventions
// (runtime/runner.cpp: stride defaults to the kernel for pools, Upsample by
// `size` or integer `scale`, L2Norm as torchvision's SSD, ...), for the int8
// runner's fp32 nodes and for fake-quant, which needs to run nodes one at a
// time with quantization between them.
#include <ATen/core/Tensor.h>

#include <vector>

#include "graph/graph.h"

namespace whittle {

// `weight`, when defined, replaces the node's "weight" (fake-quant passes the
// quantize-dequantized weight of a Conv or Linear). BatchNorm runs in
// inference mode. Throws whittle::Error naming the node on a LibTorch error.
at::Tensor run_node_fp32(const Node& node, const std::vector<at::Tensor>& inputs,
                         const at::Tensor& weight = {});

}  // namespace whittle
