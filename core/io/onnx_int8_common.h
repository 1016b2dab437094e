#pragma once
// Internal to core/io: pieces shared by the QDQ and QOperator int8 writers
// and the QDQ reader (onnx_int8.h).
#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/quant_params.h"

namespace whittle::onnx_io {

// Tensor names as onnxruntime writes them (and OpenCV DNN expects).
inline std::string quantized_name(const std::string& base) { return base + "_quantized"; }
inline std::string scale_name(const std::string& base) { return base + "_scale"; }
inline std::string zero_point_name(const std::string& base) { return base + "_zero_point"; }

// metadata_props keys of the QDQ file (the spec); Graph::metadata must not use the prefix.
inline constexpr const char* kQuantPrefix = "whittle.quant.";
inline constexpr const char* kQuantFormat = "whittle.quant.format";
inline constexpr const char* kQuantObserver = "whittle.quant.observer";
inline constexpr const char* kQuantImages = "whittle.quant.calibration_images";
inline constexpr const char* kQuantFp32Nodes = "whittle.quant.fp32_nodes";
inline constexpr const char* kQuantActivations = "whittle.quant.activations";

// Throws when Graph::metadata has a whittle.quant.* key (it would not survive a load).
void check_no_quant_metadata(const Graph& graph);

// Per-channel symmetric int8 form of a weight, as quantize_weight_int8 gives it.
struct Int8Weight {
  at::Tensor values;          // int8, the weight's shape
  std::vector<float> scales;  // per output channel, as the quantized kernels use them
};
Int8Weight int8_weight(const at::Tensor& weight);

void write_int8_tensor(const at::Tensor& values, const std::string& name, onnx::TensorProto* out);
void write_int32_tensor(const std::vector<int32_t>& values, const std::string& name,
                        onnx::TensorProto* out);
// Scalars (no dims), as onnxruntime writes per-tensor parameters.
void write_float_scalar(float value, const std::string& name, onnx::TensorProto* out);
void write_uint8_scalar(uint8_t value, const std::string& name, onnx::TensorProto* out);
void write_float_vector(const std::vector<float>& values, const std::string& name,
                        onnx::TensorProto* out);
void write_int8_zeros(int64_t n, const std::string& name, onnx::TensorProto* out);

void set_tensor_info(onnx::ValueInfoProto* info, const std::string& name, int32_t elem_type,
                     const Shape& shape);

// INT8 / UINT8 initializer values as int64 (raw_data or int32_data); throws
// naming `where` on a size mismatch or another type.
std::vector<int64_t> read_8bit_tensor(const onnx::TensorProto& proto, const std::string& where);
// FLOAT values (any shape) as a flat vector.
std::vector<float> read_float_values(const onnx::TensorProto& proto, const std::string& where);

}  // namespace whittle::onnx_io
