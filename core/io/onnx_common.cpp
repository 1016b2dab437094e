#include "io/onnx_common.h"

#include <ATen/ATen.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle::onnx_io {
namespace {

using onnx::AttributeProto;
using onnx::TensorProto;

// Element count of `dims`, or an error for negative or absurd sizes.
int64_t checked_numel(const TensorProto& proto, const std::string& where) {
  int64_t n = 1;
  for (int64_t d : proto.dims()) {
    if (d < 0 || (d > 0 && n > (int64_t{1} << 40) / d))
      throw Error(where + " initializer '" + proto.name() + "' has invalid dims " +
                  format_shape(Shape(proto.dims().begin(), proto.dims().end())));
    n *= d;
  }
  return n;
}

void check_location(const TensorProto& proto, const std::string& where) {
  if (proto.data_location() == TensorProto::EXTERNAL)
    throw Error(where + " initializer '" + proto.name() +
                "' uses external data, which Whittle does not read");
}

[[noreturn]] void size_mismatch(const TensorProto& proto, const std::string& where,
                                size_t have_bytes, int64_t numel, size_t elem) {
  throw Error(where + " initializer '" + proto.name() + "' has " + std::to_string(have_bytes) +
              " bytes, expected " + std::to_string(numel * static_cast<int64_t>(elem)) + " for " +
              format_shape(Shape(proto.dims().begin(), proto.dims().end())));
}

const AttributeProto* typed_attr(const onnx::NodeProto& node, const std::string& name,
                                 AttributeProto::AttributeType type, bool has_value) {
  const AttributeProto* a = find_attr(node, name);
  if (!a) return nullptr;
  if (a->type() == type || (a->type() == AttributeProto::UNDEFINED && has_value)) return a;
  throw Error(node_label(node) + " attribute '" + name + "' has type " +
              AttributeProto::AttributeType_Name(a->type()) + ", expected " +
              AttributeProto::AttributeType_Name(type));
}

double parse_decimal(int digits, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return std::strtod(text, nullptr);
}

}  // namespace

void write_float_tensor(const at::Tensor& tensor, const std::string& name, TensorProto* out) {
  at::Tensor t = tensor.detach().to(at::kCPU, at::kFloat).contiguous();
  out->set_name(name);
  out->set_data_type(TensorProto::FLOAT);
  for (int64_t d : t.sizes()) out->add_dims(d);
  out->set_raw_data(std::string(reinterpret_cast<const char*>(t.data_ptr<float>()),
                                static_cast<size_t>(t.numel()) * sizeof(float)));
}

void write_half_tensor(const at::Tensor& tensor, const std::string& name, TensorProto* out) {
  at::Tensor t = tensor.detach().to(at::kCPU, at::kFloat).to(at::kHalf).contiguous();
  out->set_name(name);
  out->set_data_type(TensorProto::FLOAT16);
  for (int64_t d : t.sizes()) out->add_dims(d);
  out->set_raw_data(std::string(reinterpret_cast<const char*>(t.data_ptr<at::Half>()),
                                static_cast<size_t>(t.numel()) * sizeof(at::Half)));
}

void write_int64_tensor(const std::vector<int64_t>& values, const std::string& name,
                        TensorProto* out) {
  out->set_name(name);
  out->set_data_type(TensorProto::INT64);
  out->add_dims(static_cast<int64_t>(values.size()));
  out->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()),
                                values.size() * sizeof(int64_t)));
}

std::string dtype_name(int32_t data_type) {
  if (TensorProto::DataType_IsValid(data_type))
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(data_type));
  return "type " + std::to_string(data_type);
}

std::string node_label(const onnx::NodeProto& node) {
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0) name = node.output(0);
  return "(" + node.op_type() + " " + name + ")";
}

at::Tensor read_float_tensor(const TensorProto& proto, const std::string& where) {
  check_location(proto, where);
  if (proto.data_type() != TensorProto::FLOAT)
    throw Error(where + " initializer '" + proto.name() + "' has type " +
                dtype_name(proto.data_type()) + ", expected FLOAT");
  int64_t n = checked_numel(proto, where);
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  // Sizes are checked before allocating: a corrupt file must not ask for terabytes.
  const void* data;
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(n) * sizeof(float))
      size_mismatch(proto, where, raw.size(), n, sizeof(float));
    data = raw.data();
  } else {
    if (proto.float_data_size() != n)
      size_mismatch(proto, where, static_cast<size_t>(proto.float_data_size()) * sizeof(float), n,
                    sizeof(float));
    data = proto.float_data().data();
  }
  at::Tensor t = at::empty(dims, at::TensorOptions().dtype(at::kFloat));
  if (n > 0) std::memcpy(t.data_ptr<float>(), data, static_cast<size_t>(n) * sizeof(float));
  return t;
}

at::Tensor read_half_tensor(const TensorProto& proto, const std::string& where) {
  check_location(proto, where);
  if (proto.data_type() != TensorProto::FLOAT16)
    throw Error(where + " initializer '" + proto.name() + "' has type " +
                dtype_name(proto.data_type()) + ", expected FLOAT16");
  int64_t n = checked_numel(proto, where);
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  at::Tensor half = at::empty(dims, at::TensorOptions().dtype(at::kHalf));
  auto* dst = reinterpret_cast<uint16_t*>(half.data_ptr<at::Half>());
  if (proto.has_raw_data()) {
    const std::string& raw = proto.raw_data();
    if (raw.size() != static_cast<size_t>(n) * sizeof(uint16_t))
      size_mismatch(proto, where, raw.size(), n, sizeof(uint16_t));
    if (n > 0) std::memcpy(dst, raw.data(), raw.size());
  } else {
    if (proto.int32_data_size() != n)
      size_mismatch(proto, where, static_cast<size_t>(proto.int32_data_size()) * sizeof(uint16_t), n,
                    sizeof(uint16_t));
    for (int64_t k = 0; k < n; ++k) dst[k] = static_cast<uint16_t>(proto.int32_data(k));
  }
  return half.to(at::kFloat);
}

std::vector<int64_t> read_int_tensor(const TensorProto& proto, const std::string& where) {
  check_location(proto, where);
  int64_t n = checked_numel(proto, where);
  std::vector<int64_t> values;
  if (proto.data_type() == TensorProto::INT64) {
    if (proto.has_raw_data()) {
      const std::string& raw = proto.raw_data();
      if (raw.size() != static_cast<size_t>(n) * sizeof(int64_t))
        size_mismatch(proto, where, raw.size(), n, sizeof(int64_t));
      values.resize(n);
      if (n > 0) std::memcpy(values.data(), raw.data(), raw.size());
    } else {
      if (proto.int64_data_size() != n)
        size_mismatch(proto, where, proto.int64_data_size() * sizeof(int64_t), n, sizeof(int64_t));
      values.assign(proto.int64_data().begin(), proto.int64_data().end());
    }
  } else if (proto.data_type() == TensorProto::INT32) {
    if (proto.has_raw_data()) {
      const std::string& raw = proto.raw_data();
      if (raw.size() != static_cast<size_t>(n) * sizeof(int32_t))
        size_mismatch(proto, where, raw.size(), n, sizeof(int32_t));
      std::vector<int32_t> v(n);
      if (n > 0) std::memcpy(v.data(), raw.data(), raw.size());
      values.assign(v.begin(), v.end());
    } else {
      if (proto.int32_data_size() != n)
        size_mismatch(proto, where, proto.int32_data_size() * sizeof(int32_t), n, sizeof(int32_t));
      values.assign(proto.int32_data().begin(), proto.int32_data().end());
    }
  } else {
    throw Error(where + " initializer '" + proto.name() + "' has type " +
                dtype_name(proto.data_type()) + ", expected INT64");
  }
  return values;
}

const AttributeProto* find_attr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t attr_int(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  const AttributeProto* a = find_attr(node, name);
  a = typed_attr(node, name, AttributeProto::INT, a && a->has_i());
  return a ? a->i() : fallback;
}

float attr_float(const onnx::NodeProto& node, const std::string& name, float fallback) {
  const AttributeProto* a = find_attr(node, name);
  a = typed_attr(node, name, AttributeProto::FLOAT, a && a->has_f());
  return a ? a->f() : fallback;
}

std::vector<int64_t> attr_ints(const onnx::NodeProto& node, const std::string& name,
                               std::vector<int64_t> fallback) {
  const AttributeProto* a = find_attr(node, name);
  a = typed_attr(node, name, AttributeProto::INTS, a && a->ints_size() > 0);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : fallback;
}

std::string attr_string(const onnx::NodeProto& node, const std::string& name,
                        std::string fallback) {
  const AttributeProto* a = find_attr(node, name);
  a = typed_attr(node, name, AttributeProto::STRING, a && a->has_s());
  return a ? a->s() : fallback;
}

void set_attr(onnx::NodeProto* node, const std::string& name, int64_t value) {
  AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(AttributeProto::INT);
  a->set_i(value);
}

void set_attr(onnx::NodeProto* node, const std::string& name, float value) {
  AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(AttributeProto::FLOAT);
  a->set_f(value);
}

void set_attr(onnx::NodeProto* node, const std::string& name, const std::vector<int64_t>& values) {
  AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(AttributeProto::INTS);
  for (int64_t v : values) a->add_ints(v);
}

void set_attr(onnx::NodeProto* node, const std::string& name, const std::string& value) {
  AttributeProto* a = node->add_attribute();
  a->set_name(name);
  a->set_type(AttributeProto::STRING);
  a->set_s(value);
}

double decimal_from_float(float value) {
  if (!std::isfinite(value)) return value;
  for (int digits = 1; digits <= 9; ++digits) {
    double d = parse_decimal(digits, value);
    if (static_cast<float>(d) == value) return d;
  }
  return value;
}

double torch_momentum_from_onnx(float value) {
  double exact = 1.0 - static_cast<double>(value);
  if (!std::isfinite(exact)) return exact;
  for (int digits = 1; digits <= 17; ++digits) {
    double d = parse_decimal(digits, exact);
    if (static_cast<float>(1.0 - d) == value) return d;
  }
  return exact;
}

std::optional<float> float_scalar(const TensorProto& proto, const std::string& where) {
  at::Tensor t = read_float_tensor(proto, where);
  if (t.numel() != 1) return std::nullopt;
  return t.item<float>();
}

}  // namespace whittle::onnx_io
