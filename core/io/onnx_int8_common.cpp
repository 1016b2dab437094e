#include "io/onnx_int8_common.h"

#include <ATen/ATen.h>

#include <cstring>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/onnx_common.h"

namespace whittle::onnx_io {

using onnx::TensorProto;

void check_no_quant_metadata(const Graph& graph) {
  for (const auto& [key, value] : graph.metadata)
    if (key.rfind(kQuantPrefix, 0) == 0)
      throw Error("graph metadata key '" + key + "' uses the prefix '" + kQuantPrefix +
                  "', which int8 model files keep for the quantization spec");
}

Int8Weight int8_weight(const at::Tensor& weight) {
  const at::Tensor q = quantize_weight_int8(weight);
  Int8Weight w;
  w.values = q.int_repr().contiguous();
  const at::Tensor s = q.q_per_channel_scales().to(at::kDouble).contiguous();
  const double* p = s.data_ptr<double>();
  w.scales.resize(static_cast<size_t>(s.numel()));
  for (int64_t k = 0; k < s.numel(); ++k) w.scales[k] = static_cast<float>(p[k]);
  return w;
}

void write_int8_tensor(const at::Tensor& values, const std::string& name, TensorProto* out) {
  at::Tensor t = values.to(at::kChar).contiguous();
  out->set_name(name);
  out->set_data_type(TensorProto::INT8);
  for (int64_t d : t.sizes()) out->add_dims(d);
  out->set_raw_data(std::string(reinterpret_cast<const char*>(t.data_ptr<int8_t>()),
                                static_cast<size_t>(t.numel())));
}

void write_int32_tensor(const std::vector<int32_t>& values, const std::string& name,
                        TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::INT32);
  out->add_dims(static_cast<int64_t>(values.size()));
  out->set_raw_data(
      std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(int32_t)));
}

void write_float_scalar(float value, const std::string& name, TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::FLOAT);
  out->set_raw_data(std::string(reinterpret_cast<const char*>(&value), sizeof value));
}

void write_uint8_scalar(uint8_t value, const std::string& name, TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::UINT8);
  out->set_raw_data(std::string(1, static_cast<char>(value)));
}

void write_float_vector(const std::vector<float>& values, const std::string& name,
                        TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::FLOAT);
  out->add_dims(static_cast<int64_t>(values.size()));
  out->set_raw_data(
      std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
}

void write_int8_zeros(int64_t n, const std::string& name, TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::INT8);
  out->add_dims(n);
  out->set_raw_data(std::string(static_cast<size_t>(n), '\0'));
}

void set_tensor_info(onnx::ValueInfoProto* info, const std::string& name, int32_t elem_type,
                     const Shape& shape) {
  info->set_name(name);
  auto* tensor = info->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(elem_type);
  auto* dims = tensor->mutable_shape();
  for (int64_t d : shape) dims->add_dim()->set_dim_value(d);
}

namespace {

int64_t element_count(const TensorProto& proto, const std::string& where) {
  int64_t n = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 40) / d))
      throw Error(where + " initializer '" + proto.name() + "' has invalid dims");
    n *= d;
  }
  return n;
}

void check_internal(const TensorProto& proto, const std::string& where) {
  if (proto.data_location() == TensorProto::EXTERNAL)
    throw Error(where + " initializer '" + proto.name() +
                "' uses external data, which Whittle does not read");
}

}  // namespace

std::vector<int64_t> read_8bit_tensor(const TensorProto& proto, const std::string& where) {
  check_internal(proto, where);
  const bool is_signed = proto.data_type() == TensorProto::INT8;
  if (!is_signed && proto.data_type() != TensorProto::UINT8)
    throw Error(where + " initializer '" + proto.name() + "' has type " +
                dtype_name(proto.data_type()) + ", expected INT8 or UINT8");
  const int64_t n = element_count(proto, where);
  std::vector<int64_t> values(static_cast<size_t>(n));
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(n))
      throw Error(where + " initializer '" + proto.name() + "' has " + std::to_string(raw.size()) +
                  " bytes, expected " + std::to_string(n));
    for (int64_t k = 0; k < n; ++k)
      values[k] = is_signed ? static_cast<int64_t>(static_cast<int8_t>(raw[k]))
                            : static_cast<int64_t>(static_cast<uint8_t>(raw[k]));
  } else {
    if (proto.int32_data_size() != n)
      throw Error(where + " initializer '" + proto.name() + "' has " +
                  std::to_string(proto.int32_data_size()) + " values, expected " +
                  std::to_string(n));
    for (int64_t k = 0; k < n; ++k) values[k] = proto.int32_data(static_cast<int>(k));
  }
  return values;
}

std::vector<float> read_float_values(const TensorProto& proto, const std::string& where) {
  at::Tensor t = read_float_tensor(proto, where).contiguous();
  const float* p = t.data_ptr<float>();
  return std::vector<float>(p, p + t.numel());
}

}  // namespace whittle::onnx_io
