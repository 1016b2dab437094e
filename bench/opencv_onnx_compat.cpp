#include "opencv_onnx_compat.h"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <map>
#include <stdexcept>

namespace whittle::bench {

namespace {

bool scalar_value(const onnx::TensorProto& t, float* v) {
  if (t.data_type() != onnx::TensorProto::FLOAT || t.dims_size() != 0) return false;
  if (t.float_data_size() == 1) return *v = t.float_data(0), true;
  if (t.raw_data().size() != sizeof(float)) return false;
  std::memcpy(v, t.raw_data().data(), sizeof *v);
  return true;
}

float attr_f(const onnx::NodeProto& n, const std::string& name, float fallback) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return a.f();
  return fallback;
}

}  // namespace

std::string relu6_as_attribute_clip(const std::string& onnx_bytes, int* rewritten) {
  onnx::ModelProto model;
  if (!model.ParseFromString(onnx_bytes)) throw std::runtime_error("not an ONNX model");
  auto* graph = model.mutable_graph();
  std::map<std::string, float> scalars;
  for (const auto& init : graph->initializer()) {
    float v;
    if (scalar_value(init, &v)) scalars[init.name()] = v;
  }
  std::map<std::string, int> readers;  // value -> number of consuming nodes
  for (const auto& n : graph->node())
    for (const auto& in : n.input()) ++readers[in];
  // HardSigmoid(1/6, 0) outputs read only by one Mul, -> that HardSigmoid's input.
  std::map<std::string, std::string> relu6_input;
  for (const auto& n : graph->node())
    if (n.op_type() == "HardSigmoid" && std::abs(attr_f(n, "alpha", 0.2f) - 1.0f / 6) < 1e-7f &&
        attr_f(n, "beta", 0.5f) == 0.0f && readers[n.output(0)] == 1)
      relu6_input[n.output(0)] = n.input(0);

  onnx::GraphProto rebuilt;
  int count = 0;
  std::map<std::string, bool> dropped;  // HardSigmoid outputs folded into a Clip
  for (const auto& n : graph->node()) {
    if (n.op_type() == "Mul" && n.input_size() == 2) {
      for (int k = 0; k < 2; ++k) {
        auto h = relu6_input.find(n.input(k));
        auto six = scalars.find(n.input(1 - k));
        if (h == relu6_input.end() || six == scalars.end() || six->second != 6.0f) continue;
        onnx::NodeProto clip;
        clip.set_op_type("Clip");
        clip.set_name(n.name());
        clip.add_input(h->second);
        clip.add_output(n.output(0));
        for (auto [name, value] : {std::pair<const char*, float>{"min", 0.0f}, {"max", 6.0f}}) {
          auto* a = clip.add_attribute();
          a->set_name(name);
          a->set_type(onnx::AttributeProto::FLOAT);
          a->set_f(value);
        }
        dropped[h->first] = true;
        *rebuilt.add_node() = clip;
        ++count;
        goto next;
      }
    }
    *rebuilt.add_node() = n;
  next:;
  }
  graph->clear_node();
  for (const auto& n : rebuilt.node())
    if (!(n.op_type() == "HardSigmoid" && dropped.count(n.output(0)))) *graph->add_node() = n;
  if (rewritten) *rewritten = count;
  std::string out;
  model.SerializeToString(&out);
  return out;
}

}  // namespace whittle::bench
