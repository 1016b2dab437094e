#include "io/onnx_import_patterns.h"

#include <ATen/ATen.h>

#include <cmath>
#include <set>

#include "graph/error.h"
#include "io/onnx_common.h"

namespace whittle::onnx_io {
namespace {

bool is_default_domain(const onnx::NodeProto& n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

class Matcher {
 public:
  Matcher(const onnx::GraphProto& g, const ImportContext& ctx) : g_(g), ctx_(ctx) {
    for (int i = 0; i < g.node_size(); ++i)
      for (const auto& in : g.node(i).input())
        if (!in.empty()) uses_[in].push_back(i);
    for (const auto& o : g.output()) outputs_.insert(o.name());
  }

  std::map<int, Pattern> run() {
    for (int i = 0; i < g_.node_size(); ++i) {
      const auto& n = g_.node(i);
      if (!is_default_domain(n) || n.output_size() < 1 || claimed_.count(i)) continue;
      const std::string& t = n.op_type();
      if (t == "Sigmoid" || t == "HardSigmoid") gate(i);
      else if (t == "LpNormalization") lp_norm(i);
      else if (t == "ReduceL2") reduce_l2(i);
      else if (t == "Pad") pad_pool(i);
    }
    return std::move(found_);
  }

 private:
  const onnx::NodeProto& node(int i) const { return g_.node(i); }

  // The one node reading `value` (which is no graph output), with that op; else -1.
  int sole_consumer(const std::string& value, const char* op_type) const {
    auto it = uses_.find(value);
    if (outputs_.count(value) || it == uses_.end() || it->second.size() != 1) return -1;
    int j = it->second[0];
    const auto& n = node(j);
    bool ok = n.op_type() == op_type && is_default_domain(n) && !claimed_.count(j) && n.output_size() >= 1;
    return ok ? j : -1;
  }
  // The input of a binary node that is not `value` ("" when both are).
  static std::string other_input(const onnx::NodeProto& n, const std::string& value) {
    if (n.input_size() != 2) return "";
    if (n.input(0) == value) return n.input(1) == value ? "" : n.input(1);
    return n.input(1) == value ? n.input(0) : "";
  }
  std::optional<float> scalar(const std::string& name) const {
    const onnx::TensorProto* c = ctx_.constant(name);
    if (!c || c->data_type() != onnx::TensorProto::FLOAT) return std::nullopt;
    try {
      return float_scalar(*c, "");
    } catch (const Error&) {
      return std::nullopt;  // malformed: no pattern; the node's own conversion reports it
    }
  }

  void add(std::vector<int> run, std::function<Node(const ImportContext&)> build) {
    int last = run.back();
    run.pop_back();
    for (int k : run) claimed_.insert(k);
    claimed_.insert(last);
    found_[last] = Pattern{std::move(run), std::move(build)};
  }

  void gate(int i) {
    const auto& h = node(i);
    if (h.input_size() != 1) return;
    const std::string x = h.input(0);
    int j = sole_consumer(h.output(0), "Mul");
    if (j < 0) return;
    std::string other = other_input(node(j), h.output(0));
    if (h.op_type() == "Sigmoid") {
      if (other == x) add({i, j}, [x](const ImportContext&) { return Node{"", Op::SiLU, {x}}; });
      return;
    }
    if (std::fabs(attr_float(h, "alpha", 0.2f) - 1.0f / 6.0f) > 1e-6f) return;
    float beta = attr_float(h, "beta", 0.5f);
    if (beta == 0.5f && other == x)
      add({i, j}, [x](const ImportContext&) { return Node{"", Op::Hardswish, {x}}; });
    else if (beta == 0.0f && scalar(other) == 6.0f)
      add({i, j}, [x](const ImportContext&) { return Node{"", Op::ReLU6, {x}}; });
  }

  // L2Norm from a normalising node `n` (output `y`, input `x`) and an optional
  // Mul by a constant weight after it.
  void l2norm(std::vector<int> run, const onnx::NodeProto& first, const std::string& x,
              const std::string& y, double eps) {
    std::string weight;
    int m = sole_consumer(y, "Mul");
    if (m >= 0 && ctx_.constant(other_input(node(m), y))) {
      weight = other_input(node(m), y);
      run.push_back(m);
    }
    const onnx::NodeProto* lp = first.op_type() == "LpNormalization" ? &first : nullptr;
    add(run, [x, weight, eps, lp, where = node_label(node(run.back()))](const ImportContext& ctx) {
      Node n = lp ? convert_node(*lp, ctx) : Node{"", Op::L2Norm, {x}};
      int64_t channels = ctx.shape(x, where).size() == 4 ? ctx.shape(x, where)[1] : 0;
      if (channels < 1 || channels > (int64_t{1} << 24)) throw Error(where + " L2Norm input must be NCHW");
      at::Tensor w = weight.empty() ? at::ones({channels})
                                    : read_float_tensor(*ctx.constant(weight), where).reshape({-1});
      if (w.size(0) != channels)
        throw Error(where + " L2Norm weight '" + weight + "' has " + std::to_string(w.size(0)) +
                    " values, expected " + std::to_string(channels));
      n.weights["weight"] = w.contiguous();
      n.attrs.set("eps", eps);
      return n;
    });
  }

  void lp_norm(int i) {
    const auto& h = node(i);
    int m = sole_consumer(h.output(0), "Mul");
    if (h.input_size() != 1 || m < 0 || !ctx_.constant(other_input(node(m), h.output(0)))) return;
    l2norm({i}, h, h.input(0), h.output(0), 1e-10);
  }

  // torch.nn.functional.normalize(x, dim=1): ReduceL2 -> Clip(eps) -> Expand(Shape(x)) -> Div.
  void reduce_l2(int i) {
    const auto& r = node(i);
    if (r.input_size() != 1 || attr_ints(r, "axes", {}) != std::vector<int64_t>{1} ||
        attr_int(r, "keepdims", 1) != 1)
      return;
    const std::string x = r.input(0);
    std::vector<int> run{i};
    std::string v = r.output(0);
    double eps = 1e-10;
    int c = sole_consumer(v, "Clip");
    if (c >= 0) {
      const auto& clip = node(c);
      auto lo = clip.input_size() > 1 ? scalar(clip.input(1)) : std::nullopt;
      if (!lo || *lo < 0 || (clip.input_size() > 2 && !clip.input(2).empty())) return;
      eps = decimal_from_float(*lo);
      run.push_back(c);
      v = clip.output(0);
    }
    int e = sole_consumer(v, "Expand");
    if (e >= 0) {
      const auto& expand = node(e);
      auto it = uses_.find(expand.input_size() == 2 ? expand.input(1) : "");
      int s = -1;
      for (int k = 0; k < g_.node_size() && it != uses_.end(); ++k)
        if (node(k).output_size() > 0 && node(k).output(0) == expand.input(1)) s = k;
      if (s < 0 || node(s).op_type() != "Shape" || node(s).input_size() != 1 ||
          node(s).input(0) != x || it->second.size() != 1 || claimed_.count(s))
        return;
      run.insert(run.end(), {s, e});
      v = expand.output(0);
    }
    int d = sole_consumer(v, "Div");
    if (d < 0 || node(d).input_size() != 2 || node(d).input(0) != x || node(d).input(1) != v) return;
    run.push_back(d);
    l2norm(run, r, x, node(d).output(0), eps);
  }

  // Explicit zero padding before an unpadded AveragePool: count_include_pad = 1.
  void pad_pool(int i) {
    const auto& p = node(i);
    if (p.input_size() < 1 || attr_string(p, "mode", "constant") != "constant") return;
    std::vector<int64_t> pads;
    if (ctx_.opset < 11) {
      pads = attr_ints(p, "pads", {});
      if (attr_float(p, "value", 0.0f) != 0.0f) return;
    } else {
      const onnx::TensorProto* c = p.input_size() > 1 ? ctx_.constant(p.input(1)) : nullptr;
      if (!c || p.input_size() > 3) return;
      pads = read_int_tensor(*c, node_label(p));
      if (p.input_size() > 2 && !p.input(2).empty() && scalar(p.input(2)) != 0.0f) return;
    }
    if (pads.size() != 8 || pads[0] || pads[1] || pads[4] || pads[5] || pads[2] != pads[6] ||
        pads[3] != pads[7] || pads[2] < 0 || pads[3] < 0)
      return;
    int a = sole_consumer(p.output(0), "AveragePool");
    if (a < 0) return;
    const auto& pool = node(a);
    if (attr_ints(pool, "pads", {0, 0, 0, 0}) != std::vector<int64_t>{0, 0, 0, 0}) return;
    if (attr_int(pool, "ceil_mode", 0) != 0 && attr_int(pool, "count_include_pad", 0) != 0) return;
    std::vector<int64_t> padding{pads[2], pads[3]};
    const std::string x = p.input(0);
    add({i, a}, [x, padding, &pool](const ImportContext& ctx) {
      std::string where = node_label(pool);
      onnx::NodeProto plain = pool;
      plain.set_input(0, x);
      Node n = convert_node(plain, ctx);  // checks kernel, strides, ceil_mode
      n.attrs.set("padding", padding);
      n.attrs.set("count_include_pad", int64_t{1});
      // With ceil_mode, PyTorch drops a last window that starts in the right
      // padding; the padded tensor keeps it. Refuse when the two differ.
      const Shape& in = ctx.shape(x, where);
      auto k = n.attrs.get_pair("kernel", 1), s = n.attrs.get_pair("stride", 1);
      for (int d = 0; d < 2 && in.size() == 4 && n.attrs.get_int("ceil_mode", 0); ++d) {
        int64_t span = in[2 + d] + 2 * padding[d] - k[d];
        int64_t out = (span + s[d] - 1) / s[d] + 1;
        if (span >= 0 && (out - 1) * s[d] >= in[2 + d] + padding[d])
          throw Error(where + " Pad + ceil_mode AveragePool whose last window starts in the padding is not supported");
      }
      return n;
    });
  }

  const onnx::GraphProto& g_;
  const ImportContext& ctx_;
  std::map<std::string, std::vector<int>> uses_;
  std::set<std::string> outputs_;
  std::set<int> claimed_;
  std::map<int, Pattern> found_;
};

}  // namespace

std::map<int, Pattern> find_patterns(const onnx::GraphProto& graph, const ImportContext& ctx) {
  return Matcher(graph, ctx).run();
}

}  // namespace whittle::onnx_io
