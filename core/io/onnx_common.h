#pragma once
// Internal to core/io: helpers shared by ONNX export and import (tensor
// conversion, attribute access, float attribute round trips). Errors thrown
// here name the node (label) but not the file; import adds the file name.
#include <ATen/core/Tensor.h>
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace whittle::onnx_io {

constexpr int64_t kOpsetVersion = 13;
constexpr int64_t kIrVersion = 7;

// A float32 tensor as an initializer with raw_data (little-endian host).
void write_float_tensor(const at::Tensor& tensor, const std::string& name,
                        onnx::TensorProto* out);
// A tensor rounded to fp16 (nearest even) as a FLOAT16 initializer with raw_data.
void write_half_tensor(const at::Tensor& tensor, const std::string& name,
                       onnx::TensorProto* out);
void write_int64_tensor(const std::vector<int64_t>& values, const std::string& name,
                        onnx::TensorProto* out);

std::string dtype_name(int32_t data_type);
// "(Conv conv1)" prefix for an ONNX node; the output name when it has no name.
std::string node_label(const onnx::NodeProto& node);

// A float32 tensor from an initializer (raw_data or float_data). `where` is
// the node label; throws when the type is not FLOAT or the data size does not
// match the dims: "(Conv c) initializer 'w' has 8 bytes, expected 864 for [8,3,3,3]".
at::Tensor read_float_tensor(const onnx::TensorProto& proto, const std::string& where);
// A FLOAT16 initializer (raw_data, or int32_data holding the bit patterns as
// the ONNX spec allows) widened exactly to a float32 tensor. Same checks as
// read_float_tensor.
at::Tensor read_half_tensor(const onnx::TensorProto& proto, const std::string& where);
// INT64 (int64_data or raw_data) or INT32 tensor values.
std::vector<int64_t> read_int_tensor(const onnx::TensorProto& proto, const std::string& where);

// Attribute access; the fallback is returned when absent, a wrong type throws.
const onnx::AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name);
int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback);
float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback);
std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name,
                               std::vector<int64_t> fallback);
std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        std::string fallback);

void set_attr(onnx::NodeProto* node, const std::string& name, int64_t value);
void set_attr(onnx::NodeProto* node, const std::string& name, float value);
void set_attr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values);
void set_attr(onnx::NodeProto* node, const std::string& name, const std::string& value);

// ONNX float attributes are float32. The double the IR held is recovered as
// the shortest decimal that rounds to the stored float (1e-5 -> 1e-05, not
// 9.99999975e-06), so human-chosen values survive a save/load exactly.
double decimal_from_float(float value);
// BatchNorm momentum: ONNX stores 1 - torch momentum; returns the shortest
// decimal m with float(1 - m) == value.
double torch_momentum_from_onnx(float value);

// The value of a one-element FLOAT constant; nullopt when it has more elements.
std::optional<float> float_scalar(const onnx::TensorProto& proto, const std::string& where);

}  // namespace whittle::onnx_io
