#include "io/exported_runner.h"

#include <ATen/ATen.h>
#include <torch/csrc/jit/mobile/import.h>
#include <torch/csrc/jit/mobile/module.h>

#include <optional>
#include <opencv2/dnn.hpp>
#include <sstream>

#include "graph/error.h"
#include "io/onnx_int8.h"
#include "quant/qengine.h"

namespace whittle {
namespace {

QEngine resolve(QEngine engine) { return engine == QEngine::Auto ? best_qengine() : engine; }

}  // namespace

std::string export_runtime_name(ExportRuntime runtime) {
  switch (runtime) {
    case ExportRuntime::OpenCvDnn: return "OpenCV DNN";
    case ExportRuntime::PytorchMobile: return "PyTorch Mobile";
    case ExportRuntime::WhittleInt8: return "Whittle int8 runner (QDQ reloaded)";
  }
  return "?";
}

ExportedModelOptions ExportedModelOptions::for_graph(const Graph& graph, QEngine qengine) {
  ExportedModelOptions o;
  for (const auto& in : graph.inputs) o.inputs.push_back(in.name);
  o.outputs = graph.outputs;
  o.qengine = qengine;
  return o;
}

struct ExportedModel::Impl {
  std::string path;
  ExportRuntime runtime;
  ExportedModelOptions options;
  std::optional<cv::dnn::Net> net;
  std::optional<torch::jit::mobile::Module> mobile;
  std::unique_ptr<Int8Runner> int8;
};

ExportedModel::ExportedModel(const std::string& path, ExportRuntime runtime, ExportedModelOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  impl_->runtime = runtime;
  impl_->options = std::move(options);
  if (impl_->options.inputs.empty() || impl_->options.outputs.empty())
    throw Error(path + ": the input and output names are needed to run it");
  switch (runtime) {
    case ExportRuntime::OpenCvDnn:
      try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(path);
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        impl_->net = std::move(net);
      } catch (const cv::Exception& e) {
        throw Error(path + ": OpenCV DNN could not read it: " + e.msg);
      }
      break;
    case ExportRuntime::PytorchMobile: {
      impl_->options.qengine = resolve(impl_->options.qengine);
      QEngineGuard keep;
      set_qengine(impl_->options.qengine);  // an int8 file's weights are packed on load
      try {
        impl_->mobile = torch::jit::_load_for_mobile(path);
      } catch (const std::exception& e) {
        throw Error(path + ": PyTorch Mobile could not load it: " + first_line(e));
      }
      break;
    }
    case ExportRuntime::WhittleInt8: {
      impl_->options.qengine = resolve(impl_->options.qengine);
      const QuantizedGraph model = load_qdq_onnx(path);  // errors name the file
      Int8RunnerOptions o;
      o.engine = impl_->options.qengine;
      try {
        impl_->int8 = std::make_unique<Int8Runner>(model, o);
      } catch (const Error& e) {
        throw Error(path + ": " + e.what());
      }
      break;
    }
  }
}

ExportedModel::~ExportedModel() = default;
ExportedModel::ExportedModel(ExportedModel&&) noexcept = default;
ExportedModel& ExportedModel::operator=(ExportedModel&&) noexcept = default;

TensorMap ExportedModel::run(const std::vector<at::Tensor>& inputs) {
  Impl& m = *impl_;
  const auto& names = m.options.inputs;
  const auto& outs = m.options.outputs;
  if (inputs.size() != names.size())
    throw Error(m.path + ": got " + std::to_string(inputs.size()) + " inputs, the file has " +
                std::to_string(names.size()));
  std::vector<at::Tensor> xs;
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k].defined() || inputs[k].is_quantized() || !inputs[k].is_floating_point())
      throw Error(m.path + ": input '" + names[k] + "' must be a float tensor");
    xs.push_back(inputs[k].to(at::kFloat).contiguous());
  }
  at::NoGradGuard no_grad;
  std::vector<at::Tensor> got;
  switch (m.runtime) {
    case ExportRuntime::OpenCvDnn: {
      std::vector<cv::Mat> mats;
      try {
        for (size_t k = 0; k < xs.size(); ++k) {
          std::vector<int> dims(xs[k].sizes().begin(), xs[k].sizes().end());
          m.net->setInput(cv::Mat(dims, CV_32F, xs[k].data_ptr<float>()).clone(), names[k]);
        }
        m.net->forward(mats, std::vector<cv::String>(outs.begin(), outs.end()));
      } catch (const cv::Exception& e) {
        throw Error(m.path + ": OpenCV DNN could not run it: " + e.msg);
      }
      for (const auto& mat : mats) {
        if (mat.type() != CV_32F) throw Error(m.path + ": OpenCV DNN gave a non-float output");
        std::vector<int64_t> dims(mat.size.p, mat.size.p + mat.dims);
        got.push_back(at::from_blob(const_cast<float*>(mat.ptr<float>()), dims, at::kFloat).clone());
      }
      break;
    }
    case ExportRuntime::PytorchMobile: {
      QEngineGuard keep;
      set_qengine(m.options.qengine);
      c10::IValue result;
      try {
        std::vector<c10::IValue> args(xs.begin(), xs.end());
        result = m.mobile->forward(std::move(args));
      } catch (const std::exception& e) {
        throw Error(m.path + ": PyTorch Mobile could not run it: " + first_line(e));
      }
      if (result.isTensor()) {
        got.push_back(result.toTensor());
      } else if (result.isTuple()) {
        for (const auto& e : result.toTupleRef().elements()) {
          if (!e.isTensor()) throw Error(m.path + ": forward returned a tuple with a non-tensor");
          got.push_back(e.toTensor());
        }
      } else {
        throw Error(m.path + ": forward returned " + result.tagKind() + ", not tensors");
      }
      break;
    }
    case ExportRuntime::WhittleInt8: {
      QEngineGuard keep;
      TensorMap named;
      const Graph& g = m.int8->graph();
      if (g.inputs.size() != xs.size())
        throw Error(m.path + ": the model has " + std::to_string(g.inputs.size()) + " inputs");
      for (size_t k = 0; k < xs.size(); ++k) named[names[k]] = xs[k];
      TensorMap out;
      try {
        out = m.int8->run(named);
      } catch (const Error& e) {
        throw Error(m.path + ": " + e.what());
      }
      for (const auto& name : outs) {
        auto it = out.find(name);
        if (it == out.end()) throw Error(m.path + ": the model has no output '" + name + "'");
        got.push_back(it->second);
      }
      break;
    }
  }
  if (got.size() != outs.size())
    throw Error(m.path + ": " + export_runtime_name(m.runtime) + " gave " + std::to_string(got.size()) +
                " outputs, expected " + std::to_string(outs.size()));
  TensorMap named;
  for (size_t k = 0; k < got.size(); ++k) {
    at::Tensor t = got[k].is_quantized() ? got[k].dequantize() : got[k];
    named[outs[k]] = t.to(at::kFloat).contiguous();
  }
  return named;
}

ExportRuntime ExportedModel::runtime() const { return impl_->runtime; }
const std::string& ExportedModel::path() const { return impl_->path; }
const ExportedModelOptions& ExportedModel::options() const { return impl_->options; }

std::vector<TensorMap> run_exported(const std::string& path, ExportRuntime runtime,
                                    const ExportedModelOptions& options,
                                    const std::vector<std::vector<at::Tensor>>& batches) {
  ExportedModel model(path, runtime, options);
  std::vector<TensorMap> out;
  out.reserve(batches.size());
  for (const auto& b : batches) out.push_back(model.run(b));
  return out;
}

}  // namespace whittle
