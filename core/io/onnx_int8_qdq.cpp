// QDQ int8 model files: writer and reader (see onnx_int8.h).
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cmath>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/onnx_common.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "io/onnx_int8.h"
#include "io/onnx_int8_common.h"
#include "quant/int8_plan.h"

namespace whittle {
namespace {

using namespace onnx_io;

bool is_default_domain(const onnx::NodeProto& n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}
bool is_quantize(const onnx::NodeProto& n) {
  return is_default_domain(n) && n.op_type() == "QuantizeLinear";
}
bool is_dequantize(const onnx::NodeProto& n) {
  return is_default_domain(n) && n.op_type() == "DequantizeLinear";
}

onnx::NodeProto make_node(const std::string& op, const std::string& name,
                          const std::vector<std::string>& inputs, const std::string& output) {
  onnx::NodeProto n;
  n.set_op_type(op);
  n.set_name(name);
  for (const auto& in : inputs) n.add_input(in);
  n.add_output(output);
  return n;
}

onnx::ModelProto parse_model(const std::string& bytes) {
  onnx::ModelProto model;
  if (bytes.size() > static_cast<size_t>(INT32_MAX) || !model.ParseFromString(bytes))
    throw Error("not an ONNX model (protobuf parse failed; the file is truncated or not ONNX)");
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw Error("not an ONNX model (no graph, or a graph without nodes)");
  return model;
}

std::string serialize(const onnx::ModelProto& model) {
  std::string bytes;
  if (model.ByteSizeLong() > static_cast<size_t>(INT32_MAX) || !model.SerializeToString(&bytes))
    throw Error("model too large for one ONNX file (protobuf limit 2 GB)");
  return bytes;
}

// ---------------------------------------------------------------- writer ----

class QdqWriter {
 public:
  explicit QdqWriter(const QuantizedGraph& model) : model_(model), g_(model.graph) {}

  onnx::ModelProto build() {
    check_no_quant_metadata(g_);
    const Int8Plan plan = plan_int8(model_);
    shapes_ = validate(g_);
    onnx::ModelProto m;
    if (!m.ParseFromString(to_onnx_bytes(g_))) throw Error("internal: fp32 export did not parse");
    onnx::GraphProto* gp = m.mutable_graph();
    for (const auto& in : gp->input()) used_.insert(in.name());
    for (const auto& init : gp->initializer()) used_.insert(init.name());
    for (const auto& n : gp->node()) {
      used_.insert(n.name());
      for (const auto& o : n.output()) used_.insert(o);
    }

    std::vector<onnx::NodeProto> old(gp->node().begin(), gp->node().end());
    gp->clear_node();
    std::map<std::string, size_t> by_name, producer;
    for (size_t k = 0; k < old.size(); ++k) {
      by_name[old[k].name()] = k;
      producer[old[k].output(0)] = k;
    }
    std::vector<std::vector<onnx::NodeProto>> before(old.size()), after(old.size());
    std::vector<onnx::NodeProto> at_start;
    std::set<std::string> drop;  // fp32 weight initializers replaced by int8 ones

    // Int8 Conv / Linear: weight through DequantizeLinear (per output channel).
    for (size_t i = 0; i < g_.nodes.size(); ++i) {
      const Node& n = g_.nodes[i];
      if (plan.nodes[i].precision != Precision::Int8 || (n.op != Op::Conv2d && n.op != Op::Linear))
        continue;
      auto it = by_name.find(n.name);
      if (it == by_name.end() || old[it->second].input_size() < 2)
        throw Error(n.label() + ": internal: no ONNX node of that name in the fp32 export");
      const std::string w = old[it->second].input(1);
      const Int8Weight q = int8_weight(n.weight("weight"));
      const std::string qn = unique(quantized_name(w)), sn = unique(scale_name(w)),
                        zn = unique(zero_point_name(w));
      write_int8_tensor(q.values, qn, gp->add_initializer());
      write_float_vector(q.scales, sn, gp->add_initializer());
      write_int8_zeros(static_cast<int64_t>(q.scales.size()), zn, gp->add_initializer());
      onnx::NodeProto dq = make_node("DequantizeLinear",
                                     unique(n.name + "/weight/DequantizeLinear"), {qn, sn, zn}, w);
      set_attr(&dq, "axis", int64_t{0});
      before[it->second].push_back(dq);
      drop.insert(w);
    }

    // Quantize -> dequantize on every value the plan stores quantized.
    std::map<std::string, std::string> readers;  // value -> the name its readers read
    for (const auto& [v, q] : plan.values) {
      if (!q) continue;
      const bool is_output = g_.is_output(v);
      const std::string pre = is_output ? unique(v + "_prequant") : v;
      const std::string qn = unique(quantized_name(v)), sn = unique(scale_name(v)),
                        zn = unique(zero_point_name(v));
      const std::string dqn = is_output ? v : unique(v + "_dequantized");
      write_float_scalar(static_cast<float>(q->scale), sn, gp->add_initializer());
      write_uint8_scalar(static_cast<uint8_t>(q->zero_point), zn, gp->add_initializer());
      std::vector<onnx::NodeProto> pair{
          make_node("QuantizeLinear", unique(v + "/QuantizeLinear"), {pre, sn, zn}, qn),
          make_node("DequantizeLinear", unique(v + "/DequantizeLinear"), {qn, sn, zn}, dqn)};
      if (g_.is_input(v)) {
        if (is_output) throw Error("graph input '" + v + "' is also a graph output");
        at_start.insert(at_start.end(), pair.begin(), pair.end());
      } else {
        auto p = producer.find(v);
        if (p == producer.end()) throw Error("internal: no ONNX node writes '" + v + "'");
        if (is_output) old[p->second].set_output(0, pre);
        after[p->second].insert(after[p->second].end(), pair.begin(), pair.end());
      }
      readers[v] = dqn;
      const Shape& shape = shapes_.at(v);
      set_tensor_info(gp->add_value_info(), qn, onnx::TensorProto::UINT8, shape);
      if (is_output)
        set_tensor_info(gp->add_value_info(), pre, onnx::TensorProto::FLOAT, shape);
      else
        set_tensor_info(gp->add_value_info(), dqn, onnx::TensorProto::FLOAT, shape);
    }
    for (auto& n : old)
      for (int k = 0; k < n.input_size(); ++k) {
        auto r = readers.find(n.input(k));
        if (r != readers.end()) n.set_input(k, r->second);
      }

    for (auto& n : at_start) *gp->add_node() = n;
    for (size_t k = 0; k < old.size(); ++k) {
      for (auto& n : before[k]) *gp->add_node() = n;
      *gp->add_node() = old[k];
      for (auto& n : after[k]) *gp->add_node() = n;
    }
    auto* inits = gp->mutable_initializer();
    for (int k = inits->size() - 1; k >= 0; --k)
      if (drop.count(inits->Get(k).name())) inits->DeleteSubrange(k, 1);

    add_spec_metadata(m);
    return m;
  }

 private:
  std::string unique(const std::string& base) {
    std::string name = base;
    for (int k = 1; used_.count(name); ++k) name = base + "_" + std::to_string(k);
    used_.insert(name);
    return name;
  }

  void add_spec_metadata(onnx::ModelProto& m) const {
    const QuantSpec& spec = model_.spec;
    nlohmann::json acts = nlohmann::json::object();
    for (const auto& [v, q] : spec.activations)
      acts[v] = {q.scale, q.zero_point, static_cast<double>(q.lo), static_cast<double>(q.hi)};
    nlohmann::json fp32 = nlohmann::json::array();
    for (const auto& n : spec.fp32_nodes) fp32.push_back(n);
    auto add = [&](const std::string& key, const std::string& value) {
      auto* p = m.add_metadata_props();
      p->set_key(key);
      p->set_value(value);
    };
    add(kQuantFormat, "qdq");
    add(kQuantObserver, spec.observer);
    add(kQuantImages, std::to_string(spec.calibration_images));
    add(kQuantFp32Nodes, fp32.dump());
    add(kQuantActivations, acts.dump());
  }

  const QuantizedGraph& model_;
  const Graph& g_;
  ShapeMap shapes_;
  std::set<std::string> used_;
};

// ---------------------------------------------------------------- reader ----

// The float m (largest |w| of a channel) whose scale m / 127, computed as
// symmetric_int8_scales does (double) and used as the kernels use it (float),
// is `scale`; nullopt when no float near 127 * scale gives it.
std::optional<float> channel_max_for_scale(float scale) {
  const float m0 = static_cast<float>(127.0 * static_cast<double>(scale));
  float up = m0, down = m0;
  for (int k = 0; k < 6; ++k) {
    for (float c : {up, down})
      if (c > 0 && static_cast<float>(static_cast<double>(c) / 127.0) == scale) return c;
    up = std::nextafter(up, std::numeric_limits<float>::infinity());
    down = std::nextafter(down, 0.0f);
  }
  return std::nullopt;
}

// q * scale per channel along `axis`, with the +-127 entries of each channel
// set to the channel maximum that reproduces the scale exactly.
at::Tensor dequantize_weight(const std::vector<int64_t>& q, const std::vector<int64_t>& dims,
                             const std::vector<float>& scales, int64_t axis) {
  at::Tensor w = at::empty(dims, at::TensorOptions().dtype(at::kFloat));
  float* p = w.data_ptr<float>();
  const bool per_tensor = scales.size() == 1;
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(axis) + 1; d < dims.size(); ++d) inner *= dims[d];
  const int64_t channels = per_tensor ? 1 : dims.at(static_cast<size_t>(axis));
  auto channel = [&](size_t k) {
    return per_tensor ? 0 : static_cast<int64_t>(k / inner) % channels;
  };
  std::vector<int64_t> qmax(static_cast<size_t>(channels), 0);
  for (size_t k = 0; k < q.size(); ++k)
    qmax[channel(k)] = std::max(qmax[channel(k)], std::abs(q[k]));
  std::vector<std::optional<float>> big(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c)
    if (qmax[c] == 127 && scales[c] > 0 && std::isfinite(scales[c]))
      big[c] = channel_max_for_scale(scales[c]);
  for (size_t k = 0; k < q.size(); ++k) {
    const int64_t c = channel(k);
    if (big[c] && std::abs(q[k]) == 127)
      p[k] = q[k] > 0 ? *big[c] : -*big[c];
    else
      p[k] = static_cast<float>(static_cast<double>(q[k]) * static_cast<double>(scales[c]));
  }
  return w;
}

struct Stripped {
  std::string fp32_bytes;                                   // the model without Q/DQ, fp32 weights
  std::map<std::string, std::string> quant_meta;            // whittle.quant.* metadata_props
  std::map<std::string, std::pair<float, int64_t>> params;  // value -> QuantizeLinear (scale, zp)
  std::set<std::string> int8_weight_readers;                // ONNX nodes whose weight was int8
};

const onnx::TensorProto* initializer(const std::map<std::string, const onnx::TensorProto*>& inits,
                                     const onnx::NodeProto& node, int k, const char* what) {
  if (k >= node.input_size() || node.input(k).empty()) return nullptr;
  auto it = inits.find(node.input(k));
  if (it == inits.end())
    throw Error(node_label(node) + " " + what + " '" + node.input(k) + "' is not an initializer");
  return it->second;
}

const onnx::TensorProto& required_initializer(
    const std::map<std::string, const onnx::TensorProto*>& inits, const onnx::NodeProto& node,
    int k, const char* what) {
  const onnx::TensorProto* t = initializer(inits, node, k, what);
  if (!t) throw Error(node_label(node) + " has no " + what + " input");
  return *t;
}

Stripped strip_qdq(onnx::ModelProto m) {
  onnx::GraphProto* g = m.mutable_graph();
  bool any = false;
  for (const auto& n : g->node()) {
    if (n.op_type().rfind("QLinear", 0) == 0 || n.op_type() == "ConvInteger" ||
        n.op_type() == "MatMulInteger")
      throw Error(node_label(n) +
                  ": a QOperator int8 model, which Whittle writes for OpenCV DNN and does not read "
                  "back; load the QDQ model file instead");
    any = any || is_quantize(n) || is_dequantize(n);
  }
  for (const auto& p : m.metadata_props())  // every node fp32: no Q/DQ, but the spec
    any = any || (p.key() == kQuantFormat && p.value() == "qdq");
  if (!any)
    throw Error(
        "not an int8 model (no QuantizeLinear/DequantizeLinear nodes): an fp32 model; "
        "quantize it first");

  std::map<std::string, const onnx::TensorProto*> inits;
  for (const auto& init : g->initializer()) inits[init.name()] = &init;
  std::set<std::string> graph_outputs;
  for (const auto& o : g->output()) graph_outputs.insert(o.name());
  std::set<std::string> graph_inputs;
  for (const auto& in : g->input()) graph_inputs.insert(in.name());
  std::map<std::string, std::vector<int>> readers;
  for (int i = 0; i < g->node_size(); ++i)
    for (const auto& in : g->node(i).input()) readers[in].push_back(i);

  Stripped out;
  std::set<int> removed;
  std::vector<onnx::TensorProto> weights;
  std::map<std::string, std::string> rename;

  // Weights: DequantizeLinear of an INT8 initializer.
  for (int i = 0; i < g->node_size(); ++i) {
    const auto& n = g->node(i);
    if (!is_dequantize(n) || n.input_size() < 2 || !inits.count(n.input(0))) continue;
    const std::string where = node_label(n);
    const onnx::TensorProto& qt = *inits.at(n.input(0));
    if (qt.data_type() != onnx::TensorProto::INT8)
      throw Error(where + " weight '" + qt.name() + "' has type " + dtype_name(qt.data_type()) +
                  "; Whittle's int8 weights are INT8");
    const std::vector<int64_t> q = read_8bit_tensor(qt, where);
    const std::vector<float> scales =
        read_float_values(required_initializer(inits, n, 1, "scale"), where);
    if (const auto* zt = initializer(inits, n, 2, "zero point"))
      for (int64_t z : read_8bit_tensor(*zt, where))
        if (z != 0)
          throw Error(where + " weight '" + qt.name() +
                      "' has non-zero zero points; Whittle's int8 weights are symmetric");
    std::vector<int64_t> dims(qt.dims().begin(), qt.dims().end());
    int64_t axis = attr_int(n, "axis", 1);
    if (axis < 0) axis += static_cast<int64_t>(dims.size());
    if (scales.size() != 1 &&
        (axis < 0 || axis >= static_cast<int64_t>(dims.size()) ||
         static_cast<int64_t>(scales.size()) != dims[static_cast<size_t>(axis)]))
      throw Error(where + " has " + std::to_string(scales.size()) + " scales for weight '" +
                  qt.name() + "' " + format_shape(Shape(dims.begin(), dims.end())) +
                  " along axis " + std::to_string(axis));
    weights.emplace_back();
    write_float_tensor(dequantize_weight(q, dims, scales, axis), n.output(0), &weights.back());
    for (int r : readers[n.output(0)]) out.int8_weight_readers.insert(g->node(r).name());
    removed.insert(i);
  }

  // Activations: QuantizeLinear -> DequantizeLinear(s).
  for (int i = 0; i < g->node_size(); ++i) {
    const auto& n = g->node(i);
    if (!is_quantize(n)) continue;
    const std::string where = node_label(n);
    if (n.input_size() < 2 || n.output_size() < 1)
      throw Error(where + " needs an input and a scale");
    const std::vector<float> scale =
        read_float_values(required_initializer(inits, n, 1, "scale"), where);
    if (scale.size() != 1)
      throw Error(where + " has a per-channel scale; Whittle's activations are per tensor");
    int64_t zp = 0;
    if (const auto* zt = initializer(inits, n, 2, "zero point")) {
      if (zt->data_type() != onnx::TensorProto::UINT8)
        throw Error(where + " quantizes to " + dtype_name(zt->data_type()) +
                    "; Whittle's activations are UINT8");
      zp = read_8bit_tensor(*zt, where).at(0);
    }
    const std::string x = n.input(0), qv = n.output(0);
    if (graph_outputs.count(qv)) throw Error(where + " output '" + qv + "' is a graph output");
    std::string canonical = x;
    std::vector<std::string> dq_outputs;
    for (int r : readers[qv]) {
      const auto& d = g->node(r);
      if (!is_dequantize(d))
        throw Error(where + " output '" + qv + "' is read by " + node_label(d) +
                    ", not by a DequantizeLinear: Whittle reads QDQ models only");
      const std::vector<float> ds =
          read_float_values(required_initializer(inits, d, 1, "scale"), node_label(d));
      int64_t dz = 0;
      if (const auto* zt = initializer(inits, d, 2, "zero point"))
        dz = read_8bit_tensor(*zt, node_label(d)).at(0);
      if (ds.size() != 1 || ds[0] != scale[0] || dz != zp)
        throw Error(node_label(d) + " dequantizes '" + qv + "' with other parameters than " +
                    where);
      dq_outputs.push_back(d.output(0));
      if (graph_outputs.count(d.output(0))) {
        if (canonical != x) throw Error(where + ": two graph outputs dequantize '" + qv + "'");
        if (graph_inputs.count(x))
          throw Error(where + ": graph input '" + x + "' is also a graph output");
        canonical = d.output(0);
      }
      removed.insert(r);
    }
    for (const auto& d : dq_outputs) rename[d] = canonical;
    if (canonical != x) rename[x] = canonical;
    out.params[canonical] = {scale[0], zp};
    removed.insert(i);
  }
  for (int i = 0; i < g->node_size(); ++i)
    if (!removed.count(i) && (is_quantize(g->node(i)) || is_dequantize(g->node(i))))
      throw Error(node_label(g->node(i)) +
                  " dequantizes neither an INT8 initializer nor a QuantizeLinear output");

  // Rebuild: remaining nodes renamed, fp32 weights, no value_info, no spec metadata.
  std::vector<onnx::NodeProto> kept;
  for (int i = 0; i < g->node_size(); ++i)
    if (!removed.count(i)) kept.push_back(g->node(i));
  g->clear_node();
  std::set<std::string> referenced;
  for (auto& n : kept) {
    for (int k = 0; k < n.input_size(); ++k) {
      auto r = rename.find(n.input(k));
      if (r != rename.end()) n.set_input(k, r->second);
      referenced.insert(n.input(k));
    }
    for (int k = 0; k < n.output_size(); ++k) {
      auto r = rename.find(n.output(k));
      if (r != rename.end()) n.set_output(k, r->second);
    }
    *g->add_node() = n;
  }
  std::vector<onnx::TensorProto> inits_kept;
  for (const auto& init : g->initializer())
    if (referenced.count(init.name())) inits_kept.push_back(init);
  for (auto& w : weights)
    if (referenced.count(w.name())) inits_kept.push_back(std::move(w));
  g->clear_initializer();
  for (auto& init : inits_kept) *g->add_initializer() = std::move(init);
  g->clear_value_info();

  std::vector<onnx::StringStringEntryProto> props;
  for (const auto& p : m.metadata_props()) {
    if (p.key().rfind(kQuantPrefix, 0) == 0)
      out.quant_meta[p.key()] = p.value();
    else
      props.push_back(p);
  }
  m.clear_metadata_props();
  for (auto& p : props) *m.add_metadata_props() = p;
  out.fp32_bytes = serialize(m);
  return out;
}

QuantSpec spec_from_metadata(const std::map<std::string, std::string>& meta) {
  QuantSpec spec;
  auto get = [&](const char* key) -> const std::string* {
    auto it = meta.find(key);
    return it == meta.end() ? nullptr : &it->second;
  };
  try {
    if (const auto* s = get(kQuantObserver)) spec.observer = *s;
    if (const auto* s = get(kQuantImages)) spec.calibration_images = std::stoi(*s);
    if (const auto* s = get(kQuantFp32Nodes))
      for (const auto& n : nlohmann::json::parse(*s)) spec.fp32_nodes.insert(n.get<std::string>());
    const nlohmann::json acts = nlohmann::json::parse(*get(kQuantActivations));
    for (const auto& [v, a] : acts.items()) {
      ActivationQuant q;
      q.scale = a.at(0).get<double>();
      q.zero_point = a.at(1).get<int64_t>();
      q.lo = static_cast<float>(a.at(2).get<double>());
      q.hi = static_cast<float>(a.at(3).get<double>());
      if (!(q.scale > 0) || q.zero_point < 0 || q.zero_point > 255)
        throw Error("value '" + v + "' has scale " + std::to_string(q.scale) + ", zero point " +
                    std::to_string(q.zero_point));
      spec.activations[v] = q;
    }
  } catch (const Error& e) {
    throw Error(std::string("metadata ") + kQuantActivations + ": " + e.what());
  } catch (const std::exception& e) {
    throw Error(std::string("bad whittle.quant.* metadata: ") + e.what());
  }
  return spec;
}

// The spec of a QDQ file without Whittle's metadata: the QuantizeLinear
// parameters, and the Conv/Linear nodes whose weights were fp32 as fp32 nodes.
QuantSpec spec_from_file(const Stripped& s, const Graph& graph) {
  QuantSpec spec;
  for (const auto& [v, p] : s.params) {
    ActivationQuant q;
    q.scale = p.first;
    q.zero_point = p.second;
    q.lo = static_cast<float>(-static_cast<double>(p.second) * p.first);
    q.hi = static_cast<float>((255.0 - static_cast<double>(p.second)) * p.first);
    spec.activations[v] = q;
  }
  for (const auto& n : graph.nodes)
    if ((n.op == Op::Conv2d || n.op == Op::Linear) && !s.int8_weight_readers.count(n.name))
      spec.fp32_nodes.insert(n.name);
  return spec;
}

template <typename F>
auto with_origin(const std::string& origin, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(origin + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Error(origin + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Error(origin + ": " + e.what());
  }
}

}  // namespace

std::string to_qdq_onnx_bytes(const QuantizedGraph& model) {
  return serialize(QdqWriter(model).build());
}

void save_qdq_onnx(const QuantizedGraph& model, const std::string& path) {
  std::string bytes;
  try {
    bytes = to_qdq_onnx_bytes(model);
  } catch (const std::exception& e) {
    throw Error(path + ": not saved: " + e.what());
  }
  write_file_atomic(path, bytes);
}

bool is_qdq_onnx_bytes(const std::string& bytes) {
  onnx::ModelProto m;
  if (bytes.empty() || bytes.size() > static_cast<size_t>(INT32_MAX) || !m.ParseFromString(bytes))
    return false;
  for (const auto& n : m.graph().node())
    if (is_quantize(n) || is_dequantize(n)) return true;
  for (const auto& p : m.metadata_props())
    if (p.key() == kQuantFormat && p.value() == "qdq") return true;
  return false;
}

bool is_qdq_onnx(const std::string& path) { return is_qdq_onnx_bytes(read_file(path)); }

QuantizedGraph qdq_onnx_from_bytes(const std::string& bytes, const std::string& origin) {
  if (bytes.empty()) throw Error(origin + ": file is empty");
  Stripped s = with_origin(origin, [&] { return strip_qdq(parse_model(bytes)); });
  QuantizedGraph model;
  model.graph = from_onnx_bytes(s.fp32_bytes, origin);
  with_origin(origin, [&] {
    const bool whittle = s.quant_meta.count(kQuantActivations) > 0;
    model.spec = whittle ? spec_from_metadata(s.quant_meta) : spec_from_file(s, model.graph);
    const Int8Plan plan = plan_int8(model);
    if (!whittle) return;
    // The QuantizeLinear parameters must be what the spec gives those values.
    for (const auto& [v, p] : s.params) {
      auto it = plan.values.find(v);
      if (it == plan.values.end() || !it->second)
        throw Error("value '" + v +
                    "' is quantized in the file but not by the whittle.quant.* spec");
      if (static_cast<float>(it->second->scale) != p.first || it->second->zero_point != p.second)
        throw Error("value '" + v + "': QuantizeLinear scale " + std::to_string(p.first) +
                    ", zero point " + std::to_string(p.second) +
                    " differ from the whittle.quant.activations metadata (scale " +
                    std::to_string(it->second->scale) + ", zero point " +
                    std::to_string(it->second->zero_point) + "): the file was edited");
    }
  });
  return model;
}

QuantizedGraph load_qdq_onnx(const std::string& path) {
  return qdq_onnx_from_bytes(read_file(path), path);
}

}  // namespace whittle
