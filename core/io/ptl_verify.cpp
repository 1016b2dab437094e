#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/mobile/import.h>
#include <torch/csrc/jit/mobile/module.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "io/ptl_export.h"
#include "quant/int8_runner.h"
#include "quant/qengine.h"
#include "runtime/runner.h"

// Reading .ptl files back: the metadata extra file, and running a file in
// the lite interpreter against Whittle's runners (verify_ptl).
namespace whittle {
namespace {

// The tensors of a forward() result: one tensor or a tuple of them.
std::vector<at::Tensor> output_tensors(const c10::IValue& v, const std::string& path) {
  if (v.isTensor()) return {v.toTensor()};
  std::vector<at::Tensor> out;
  if (v.isTuple())
    for (const auto& e : v.toTupleRef().elements()) {
      if (!e.isTensor()) throw Error(path + ": forward returned a tuple with a non-tensor");
      out.push_back(e.toTensor());
    }
  else
    throw Error(path + ": forward returned " + v.tagKind() + ", not tensors");
  return out;
}

// verify_ptl's checks of the inputs: named for the runners, IValues for the module.
void check_inputs(const Graph& graph, const std::vector<at::Tensor>& inputs, TensorMap& named,
                  std::vector<c10::IValue>& args) {
  if (inputs.size() != graph.inputs.size())
    throw Error("verify_ptl: the graph has " + std::to_string(graph.inputs.size()) + " inputs, " +
                std::to_string(inputs.size()) + " given");
  for (size_t k = 0; k < inputs.size(); ++k) {
    const at::Tensor& t = inputs[k];
    if (!t.defined() || t.scalar_type() != at::kFloat)
      throw Error("verify_ptl: input '" + graph.inputs[k].name + "' must be a float32 tensor");
    named[graph.inputs[k].name] = t;
    args.emplace_back(t);
  }
}

// Loads `path` in the lite interpreter (under the current quantized engine)
// and runs forward.
std::vector<at::Tensor> run_ptl(const std::string& path, std::vector<c10::IValue> args) {
  try {
    at::NoGradGuard no_grad;
    torch::jit::mobile::Module module = torch::jit::_load_for_mobile(path);
    return output_tensors(module.forward(std::move(args)), path);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(path + ": PyTorch Mobile could not run it: " + first_line(e));
  }
}

// `step`: per output, its quantization step (0: fp32, not counted in max_steps).
PtlCheck compare(const Graph& graph, const std::string& path, const std::vector<at::Tensor>& got,
                 const TensorMap& want, const std::vector<double>& step) {
  if (got.size() != graph.outputs.size())
    throw Error(path + ": " + std::to_string(got.size()) + " outputs, the graph has " +
                std::to_string(graph.outputs.size()));
  PtlCheck check;
  for (size_t k = 0; k < got.size(); ++k) {
    const std::string& name = graph.outputs[k];
    const at::Tensor& w = want.at(name);
    if (!got[k].sizes().equals(w.sizes()))
      throw Error(path + ": output '" + name + "' has shape " + format_shape(got[k]) +
                  ", the graph's is " + format_shape(w));
    if (got[k].is_quantized() || got[k].scalar_type() != at::kFloat)
      throw Error(path + ": output '" + name + "' is " + std::string(c10::toString(got[k].scalar_type())) +
                  ", not float32");
    double diff = w.numel() ? (got[k] - w).abs().max().item<double>() : 0.0;
    double ref = w.numel() ? w.abs().max().item<double>() : 0.0;
    if (std::isnan(diff)) diff = INFINITY;  // NaN on either side is a mismatch
    check.outputs.push_back(name);
    check.max_abs_diff.push_back(diff);
    check.max_abs_ref.push_back(ref);
    check.step.push_back(step.empty() ? 0.0 : step[k]);
    check.max_abs = std::max(check.max_abs, diff);
    double rel = ref > 0 ? diff / ref : (diff > 0 ? INFINITY : 0.0);
    check.max_rel = std::max(check.max_rel, rel);
    if (check.step.back() > 0) check.max_steps = std::max(check.max_steps, diff / check.step.back());
  }
  return check;
}

}  // namespace

std::map<std::string, std::string> load_ptl_metadata(const std::string& path) {
  std::string text;
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    std::string record = std::string("extra/") + kPtlMetadataFile;
    if (!reader.hasRecord(record)) throw Error(std::string("no ") + kPtlMetadataFile);
    auto [data, size] = reader.getRecord(record);
    text.assign(static_cast<const char*>(data.get()), size);
  } catch (const Error& e) {
    throw Error(path + ": not a Whittle .ptl (" + e.what() + ")");
  } catch (const std::exception& e) {
    throw Error(path + ": not a PyTorch Mobile file (" + first_line(e) + ")");
  }
  try {
    auto j = nlohmann::json::parse(text);
    return j.at("metadata").get<std::map<std::string, std::string>>();
  } catch (const std::exception& e) {
    throw Error(path + ": bad " + kPtlMetadataFile + " (" + e.what() + ")");
  }
}

PtlCheck verify_ptl(const Graph& graph, const std::string& path, const std::vector<at::Tensor>& inputs) {
  TensorMap named;
  std::vector<c10::IValue> args;
  check_inputs(graph, inputs, named, args);
  // NCHW like the module, so that the two run the same kernels.
  TensorMap want = Runner(graph, {RunMode::Inference, true, false}).run(named);
  return compare(graph, path, run_ptl(path, std::move(args)), want, {});
}

PtlCheck verify_ptl(const QuantizedGraph& model, const std::string& path,
                    const std::vector<at::Tensor>& inputs, QEngine engine) {
  const Graph& graph = model.graph;
  TensorMap named;
  std::vector<c10::IValue> args;
  check_inputs(graph, inputs, named, args);
  QEngineGuard keep_engine;
  // Channels-last graph inputs, as the module makes them.
  Int8RunnerOptions options;
  options.engine = engine;
  options.channels_last = true;
  Int8Runner runner(model, options);
  TensorMap want = runner.run(named);
  std::vector<double> step;
  for (const auto& out : graph.outputs) {
    const auto& q = runner.plan().values.at(out);
    step.push_back(q ? q->scale : 0.0);
  }
  set_qengine(runner.engine());  // the module's weights are packed for it on load
  return compare(graph, path, run_ptl(path, std::move(args)), want, step);
}

}  // namespace whittle
