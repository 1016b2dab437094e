#include "io/onnx_import.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <deque>
#include <set>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/atomic_file.h"
#include "io/onnx_common.h"
#include "io/onnx_import_ops.h"
#include "io/onnx_import_patterns.h"

namespace whittle {
namespace {

using namespace onnx_io;

class Importer {
 public:
  explicit Importer(const onnx::ModelProto& model) : m_(model), g_(model.graph()) {}

  Graph run() {
    read_opset();
    for (const auto& prop : m_.metadata_props()) out_.metadata[prop.key()] = prop.value();
    for (const auto& init : g_.initializer()) {
      if (init.name().empty()) throw Error("an initializer has no name");
      if (!ctx_.constants.emplace(init.name(), &init).second)
        throw Error("initializer '" + init.name() + "' is declared twice");
    }
    for (const auto& node : g_.node())
      if (node.op_type() == "Constant" && (node.domain().empty() || node.domain() == "ai.onnx"))
        read_constant(node);
    for (int i = 0; i < g_.node_size(); ++i) fold_cast(i);
    read_inputs();
    patterns_ = find_patterns(g_, ctx_);
    for (const auto& [last, pattern] : patterns_)
      absorbed_.insert(pattern.absorbed.begin(), pattern.absorbed.end());
    for (int i = 0; i < g_.node_size(); ++i) import_node(i);
    for (const auto& o : g_.output()) {
      if (!ctx_.shapes.count(o.name()))
        throw Error("graph output '" + o.name() + "' is not produced by any node");
      out_.outputs.push_back(o.name());
    }
    return std::move(out_);
  }

 private:
  void read_opset() {
    bool found = false;
    for (const auto& op : m_.opset_import())
      if (op.domain().empty() || op.domain() == "ai.onnx") {
        ctx_.opset = op.version();
        found = true;
      }
    if (!found && m_.opset_import_size() > 0) ctx_.opset = 13;
  }

  void read_constant(const onnx::NodeProto& node) {
    std::string where = node_label(node);
    if (node.output_size() != 1 || node.output(0).empty()) throw Error(where + " must have one output");
    owned_.emplace_back();
    onnx::TensorProto& t = owned_.back();
    if (const auto* a = find_attr(node, "value"); a && a->has_t()) {
      t = a->t();
    } else if (const auto* f = find_attr(node, "value_float")) {
      t.set_data_type(onnx::TensorProto::FLOAT);
      t.add_float_data(f->f());
    } else if (const auto* fs = find_attr(node, "value_floats")) {
      t.set_data_type(onnx::TensorProto::FLOAT);
      t.add_dims(fs->floats_size());
      for (float v : fs->floats()) t.add_float_data(v);
    } else if (const auto* i = find_attr(node, "value_int")) {
      t.set_data_type(onnx::TensorProto::INT64);
      t.add_int64_data(i->i());
    } else if (const auto* is = find_attr(node, "value_ints")) {
      t.set_data_type(onnx::TensorProto::INT64);
      t.add_dims(is->ints_size());
      for (int64_t v : is->ints()) t.add_int64_data(v);
    } else {
      throw Error(where + " has no supported value attribute");
    }
    t.set_name(node.output(0));
    if (!ctx_.constants.emplace(node.output(0), &t).second)
      throw Error(where + " output '" + node.output(0) + "' is produced twice");
  }

  // Cast(to=FLOAT) of a constant (a FLOAT16 weight, as an fp16_weights export
  // writes it, or a FLOAT/DOUBLE one) becomes a FLOAT constant named as its
  // output. Casts of activations stay and are refused as unsupported.
  void fold_cast(int i) {
    const auto& node = g_.node(i);
    if (node.op_type() != "Cast" || !(node.domain().empty() || node.domain() == "ai.onnx")) return;
    if (node.input_size() != 1 || node.output_size() != 1 || node.output(0).empty()) return;
    const onnx::TensorProto* in = ctx_.constant(node.input(0));
    if (!in) return;
    std::string where = node_label(node);
    if (attr_int(node, "to", 0) != onnx::TensorProto::FLOAT)
      throw Error(where + " casts a constant to " + dtype_name(static_cast<int32_t>(attr_int(node, "to", 0))) +
                  "; Whittle reads Cast only to FLOAT");
    at::Tensor t;
    switch (in->data_type()) {
      case onnx::TensorProto::FLOAT16: t = read_half_tensor(*in, where); break;
      case onnx::TensorProto::FLOAT: t = read_float_tensor(*in, where); break;
      default:
        throw Error(where + " casts initializer '" + in->name() + "' of type " + dtype_name(in->data_type()) +
                    "; Whittle reads Cast to FLOAT of FLOAT16 or FLOAT");
    }
    owned_.emplace_back();
    write_float_tensor(t, node.output(0), &owned_.back());
    if (!ctx_.constants.emplace(node.output(0), &owned_.back()).second)
      throw Error(where + " output '" + node.output(0) + "' is produced twice");
    folded_.insert(i);
  }

  void read_inputs() {
    for (const auto& in : g_.input()) {
      if (ctx_.constant(in.name())) continue;  // initializers listed as inputs (IR < 4)
      const std::string what = "graph input '" + in.name() + "'";
      if (!in.type().has_tensor_type()) throw Error(what + " is not a tensor");
      const auto& tensor = in.type().tensor_type();
      if (tensor.elem_type() != onnx::TensorProto::FLOAT)
        throw Error(what + " has type " + dtype_name(tensor.elem_type()) + ", expected FLOAT");
      if (!tensor.has_shape()) throw Error(what + " has no shape");
      Shape shape;
      for (int k = 0; k < tensor.shape().dim_size(); ++k) {
        const auto& dim = tensor.shape().dim(k);
        if (dim.has_dim_value() && dim.dim_value() > 0) shape.push_back(dim.dim_value());
        else if (k == 0) shape.push_back(1);  // dynamic batch: 1
        else throw Error(what + " has a dynamic dimension " + std::to_string(k));
      }
      if (shape.empty()) throw Error(what + " is a scalar");
      if (ctx_.shapes.count(in.name())) throw Error(what + " is declared twice");
      out_.inputs.push_back({in.name(), shape});
      ctx_.shapes[in.name()] = shape;
    }
  }

  void import_node(int i) {
    const auto& p = g_.node(i);
    if (absorbed_.count(i) || folded_.count(i)) return;
    if (p.op_type() == "Constant" && (p.domain().empty() || p.domain() == "ai.onnx")) return;
    std::string where = node_label(p);
    if (p.output_size() < 1 || p.output(0).empty()) throw Error(where + " has no output");
    auto pattern = patterns_.find(i);
    Node node = pattern == patterns_.end() ? convert_node(p, ctx_) : pattern->second.build(ctx_);
    for (int k = 1; k < p.output_size(); ++k)
      if (!p.output(k).empty() && used_elsewhere(p.output(k)))
        throw Error(where + " output '" + p.output(k) + "' is used; Whittle supports only the first output");
    node.output = p.output(0);
    node.name = unique_name(p.name().empty() ? p.output(0) : p.name());
    if (ctx_.shapes.count(node.output) || ctx_.constant(node.output))
      throw Error(node.label() + " output '" + node.output + "' is produced twice");
    std::vector<Shape> in;
    for (const auto& x : node.inputs) in.push_back(ctx_.shape(x, where));
    ctx_.shapes[node.output] = infer_node_shape(node, in);
    out_.nodes.push_back(std::move(node));
  }

  bool used_elsewhere(const std::string& value) const {
    for (const auto& n : g_.node())
      for (const auto& in : n.input())
        if (in == value) return true;
    for (const auto& o : g_.output())
      if (o.name() == value) return true;
    return false;
  }

  std::string unique_name(const std::string& base) {
    std::string name = base;
    for (int k = 1; !names_.insert(name).second; ++k) name = base + "_" + std::to_string(k);
    return name;
  }

  const onnx::ModelProto& m_;
  const onnx::GraphProto& g_;
  ImportContext ctx_;
  std::deque<onnx::TensorProto> owned_;  // Constant node values
  std::map<int, Pattern> patterns_;      // last node index -> pattern
  std::set<int> absorbed_;               // the other nodes of those patterns
  std::set<int> folded_;                 // Cast nodes of constants (fold_cast)
  std::set<std::string> names_;
  Graph out_;
};

}  // namespace

Graph from_onnx_bytes(const std::string& bytes, const std::string& origin) {
  if (bytes.empty()) throw Error(origin + ": file is empty");
  try {
    onnx::ModelProto model;
    if (bytes.size() > static_cast<size_t>(INT32_MAX) || !model.ParseFromString(bytes))
      throw Error("not an ONNX model (protobuf parse failed; the file is truncated or not ONNX)");
    if (!model.has_graph() || model.graph().node_size() == 0)
      throw Error("not an ONNX model (no graph, or a graph without nodes)");
    for (const auto& n : model.graph().node())  // int8 files: io/onnx_int8.h
      if (n.op_type().rfind("QLinear", 0) == 0)
        throw Error("an int8 QOperator model (" + n.op_type() +
                    " nodes), written for OpenCV DNN: Whittle does not read it back");
    for (const auto& n : model.graph().node())
      if (n.op_type() == "QuantizeLinear" || n.op_type() == "DequantizeLinear")
        throw Error("an int8 model (QDQ: " + n.op_type() +
                    " nodes), not an fp32 one: load it as a quantized model (load_qdq_onnx)");
    for (const auto& p : model.metadata_props())
      if (p.key() == "whittle.quant.format")
        throw Error("an int8 model (metadata whittle.quant.format), not an fp32 one: load it as a "
                    "quantized model (load_qdq_onnx)");
    Graph graph = Importer(model).run();
    validate(graph);
    return graph;
  } catch (const Error& e) {
    throw Error(origin + ": " + e.what());
  } catch (const c10::Error& e) {
    throw Error(origin + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Error(origin + ": " + e.what());
  }
}

Graph load_onnx(const std::string& path) { return from_onnx_bytes(read_file(path), path); }

}  // namespace whittle
