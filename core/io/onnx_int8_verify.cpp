// Checks of written int8 files against the Int8Runner (see onnx_int8.h).
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/onnx_int8.h"
#include "quant/int8_plan.h"
#include "quant/int8_runner.h"

namespace whittle {
namespace {

std::vector<at::Tensor> run_int8(const QuantizedGraph& model,
                                 const std::vector<at::Tensor>& inputs) {
  const Graph& g = model.graph;
  if (inputs.size() != g.inputs.size())
    throw Error("got " + std::to_string(inputs.size()) + " inputs, the model has " +
                std::to_string(g.inputs.size()));
  TensorMap named;
  for (size_t k = 0; k < inputs.size(); ++k) named[g.inputs[k].name] = inputs[k];
  TensorMap out = Int8Runner(model).run(named);
  std::vector<at::Tensor> result;
  for (const auto& name : g.outputs) result.push_back(out.at(name));
  return result;
}

}  // namespace

double int8_output_step(const QuantizedGraph& model, const Int8Plan& plan, const std::string& out,
                        double ref_lo, double ref_hi) {
  auto p = plan.values.find(out);
  if (p != plan.values.end() && p->second) return p->second->scale;
  auto s = model.spec.activations.find(out);
  if (s != model.spec.activations.end()) return s->second.scale;
  return ref_hi > ref_lo ? (ref_hi - ref_lo) / 255.0 : 1.0;
}

Int8Comparison compare_with_int8_runner(const QuantizedGraph& model,
                                        const std::vector<at::Tensor>& inputs,
                                        const std::vector<at::Tensor>& got,
                                        const std::string& engine) {
  const Graph& g = model.graph;
  if (got.size() != g.outputs.size())
    throw Error(engine + " gave " + std::to_string(got.size()) + " outputs, the model has " +
                std::to_string(g.outputs.size()));
  const std::vector<at::Tensor> want = run_int8(model, inputs);
  const Int8Plan plan = plan_int8(model);
  Int8Comparison c;
  c.engine = engine;
  double scale = 0;
  for (size_t k = 0; k < want.size(); ++k) {
    const std::string& name = g.outputs[k];
    const at::Tensor w = want[k].contiguous();
    const at::Tensor o = got[k].to(at::kFloat).contiguous();
    if (!o.sizes().equals(w.sizes()))
      throw Error(engine + " output '" + name + "' has shape " + format_shape(o) +
                  ", the int8 runner's is " + format_shape(w));
    double diff = w.numel() ? (o - w).abs().max().item<double>() : 0.0;
    if (std::isnan(diff)) diff = INFINITY;
    const double ref = w.numel() ? w.abs().max().item<double>() : 0.0;
    const double lo = w.numel() ? w.min().item<double>() : 0.0, hi = w.numel() ? w.max().item<double>() : 0.0;
    const double steps = diff / int8_output_step(model, plan, name, lo, hi);
    c.outputs.push_back(name);
    c.max_abs_diff.push_back(diff);
    c.max_abs_ref.push_back(ref);
    c.max_steps.push_back(steps);
    c.max_abs = std::max(c.max_abs, diff);
    c.max_step_diff = std::max(c.max_step_diff, steps);
    c.identical = c.identical && at::equal(o, w);
    scale = std::max(scale, ref);
  }
  c.max_rel = scale > 0 ? c.max_abs / scale : (c.max_abs > 0 ? INFINITY : 0.0);
  return c;
}

Int8Comparison verify_qop_in_opencv(const QuantizedGraph& model, const std::string& path,
                                    const std::vector<at::Tensor>& inputs) {
  const Graph& g = model.graph;
  if (inputs.size() != g.inputs.size())
    throw Error(path + ": got " + std::to_string(inputs.size()) + " inputs, the model has " +
                std::to_string(g.inputs.size()));
  std::vector<cv::Mat> outs;
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    for (size_t k = 0; k < inputs.size(); ++k) {
      at::Tensor t = inputs[k].to(at::kFloat).contiguous();
      std::vector<int> dims(t.sizes().begin(), t.sizes().end());
      net.setInput(cv::Mat(dims, CV_32F, t.data_ptr<float>()).clone(), g.inputs[k].name);
    }
    net.forward(outs, std::vector<cv::String>(g.outputs.begin(), g.outputs.end()));
  } catch (const cv::Exception& e) {
    throw Error(path + ": OpenCV DNN could not run it: " + e.msg);
  }
  std::vector<at::Tensor> got;
  for (const auto& m : outs) {
    if (m.type() != CV_32F) throw Error(path + ": OpenCV DNN gave a non-float output");
    std::vector<int64_t> dims(m.size.p, m.size.p + m.dims);
    got.push_back(at::from_blob(const_cast<float*>(m.ptr<float>()), dims, at::kFloat).clone());
  }
  try {
    return compare_with_int8_runner(model, inputs, got, "OpenCV DNN (int8)");
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

Int8Comparison verify_qdq_reload(const QuantizedGraph& model, const std::string& path,
                                 const std::vector<at::Tensor>& inputs) {
  const QuantizedGraph loaded = load_qdq_onnx(path);
  std::vector<at::Tensor> got;
  try {
    got = run_int8(loaded, inputs);
  } catch (const Error& e) {
    throw Error(path + ": the reloaded model does not run: " + e.what());
  }
  try {
    return compare_with_int8_runner(model, inputs, got, "Whittle int8 runner, QDQ reloaded");
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
}

}  // namespace whittle
