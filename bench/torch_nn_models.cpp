// Hand-written torch::nn VGG16 and MobileNetV2 (torchvision's layouts, eval
// mode, BatchNorm not folded), with weights copied from a Whittle graph.
#include "torch_nn_models.h"

#include <torch/torch.h>

#include <stdexcept>
#include <vector>

namespace whittle::bench {
namespace nn = torch::nn;

namespace {

int64_t logits_of(const Graph& graph) {
  for (auto it = graph.nodes.rbegin(); it != graph.nodes.rend(); ++it)
    if (it->op == Op::Linear) return it->weight("weight").size(0);
  throw std::runtime_error("graph has no Linear classifier");
}

// ---------------------------------------------------------------- VGG16 ----
struct Vgg16Impl : nn::Module {
  nn::Sequential features, classifier;

  explicit Vgg16Impl(int64_t num_classes) {
    const std::vector<int64_t> cfg = {64,  64,  -1, 128, 128, -1, 256, 256, 256, -1,
                                      512, 512, 512, -1, 512, 512, 512, -1};
    int64_t in = 3;
    for (int64_t c : cfg) {
      if (c < 0) {
        features->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2).stride(2)));
      } else {
        features->push_back(nn::Conv2d(nn::Conv2dOptions(in, c, 3).padding(1)));
        features->push_back(nn::ReLU(nn::ReLUOptions(true)));
        in = c;
      }
    }
    // torchvision's AdaptiveAvgPool2d(7) is the identity at 224 and Dropout
    // is the identity in eval(); both left out, as in Whittle's graph.
    classifier->push_back(nn::Linear(512 * 7 * 7, 4096));
    classifier->push_back(nn::ReLU(nn::ReLUOptions(true)));
    classifier->push_back(nn::Linear(4096, 4096));
    classifier->push_back(nn::ReLU(nn::ReLUOptions(true)));
    classifier->push_back(nn::Linear(4096, num_classes));
    register_module("features", features);
    register_module("classifier", classifier);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = features->forward(x);
    x = torch::flatten(x, 1);
    return classifier->forward(x);
  }
};
TORCH_MODULE(Vgg16);

// ---------------------------------------------------------- MobileNetV2 ----
void conv_bn_relu6(nn::Sequential& seq, int64_t in, int64_t out, int64_t kernel, int64_t stride,
                   int64_t groups) {
  seq->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, kernel)
                                .stride(stride)
                                .padding((kernel - 1) / 2)
                                .groups(groups)
                                .bias(false)));
  seq->push_back(nn::BatchNorm2d(out));
  seq->push_back(nn::ReLU6(nn::ReLU6Options(true)));
}

struct InvertedResidualImpl : nn::Module {
  nn::Sequential conv;
  bool use_res_connect;

  InvertedResidualImpl(int64_t in, int64_t out, int64_t stride, int64_t expand)
      : use_res_connect(stride == 1 && in == out) {
    int64_t hidden = in * expand;
    if (expand != 1) conv_bn_relu6(conv, in, hidden, 1, 1, 1);
    conv_bn_relu6(conv, hidden, hidden, 3, stride, hidden);
    conv->push_back(nn::Conv2d(nn::Conv2dOptions(hidden, out, 1).bias(false)));
    conv->push_back(nn::BatchNorm2d(out));
    register_module("conv", conv);
  }

  torch::Tensor forward(torch::Tensor x) {
    return use_res_connect ? x + conv->forward(x) : conv->forward(x);
  }
};
TORCH_MODULE(InvertedResidual);

struct MobileNetV2Impl : nn::Module {
  nn::Sequential features, classifier;

  explicit MobileNetV2Impl(int64_t num_classes) {
    struct Stage { int64_t t, c, n, s; };
    const std::vector<Stage> stages = {{1, 16, 1, 1},  {6, 24, 2, 2},  {6, 32, 3, 2},
                                       {6, 64, 4, 2},  {6, 96, 3, 1},  {6, 160, 3, 2},
                                       {6, 320, 1, 1}};
    conv_bn_relu6(features, 3, 32, 3, 2, 1);
    int64_t in = 32;
    for (const Stage& st : stages)
      for (int64_t i = 0; i < st.n; ++i) {
        features->push_back(InvertedResidual(in, st.c, i == 0 ? st.s : 1, st.t));
        in = st.c;
      }
    conv_bn_relu6(features, in, 1280, 1, 1, 1);
    // Dropout(0.2) is the identity in eval(); left out.
    classifier->push_back(nn::Linear(1280, num_classes));
    register_module("features", features);
    register_module("classifier", classifier);
  }

  torch::Tensor forward(torch::Tensor x) {
    x = features->forward(x);
    x = torch::adaptive_avg_pool2d(x, {1, 1});
    x = torch::flatten(x, 1);
    return classifier->forward(x);
  }
};
TORCH_MODULE(MobileNetV2);

// --------------------------------------------------------- weight copy ----
void copy_into(torch::Tensor& dst, const at::Tensor& src, const Node& node, const char* key) {
  if (dst.sizes() != src.sizes())
    throw std::runtime_error(node.label() + " '" + key + "' shape mismatch with torch::nn");
  dst.copy_(src);
}

// Zips the graph's Conv2d/BatchNorm2d/Linear nodes (graph order) with the
// module's Conv2d/BatchNorm2d/Linear submodules (registration order) and
// copies every weight and buffer. Returns the number of tensors copied.
int copy_weights(nn::Module& module, const Graph& graph) {
  torch::NoGradGuard no_grad;
  std::vector<const Node*> nodes;
  for (const auto& n : graph.nodes)
    if (n.op == Op::Conv2d || n.op == Op::BatchNorm2d || n.op == Op::Linear) nodes.push_back(&n);
  std::vector<std::shared_ptr<nn::Module>> mods;
  for (const auto& m : module.modules(/*include_self=*/false))
    if (m->as<nn::Conv2d>() || m->as<nn::BatchNorm2d>() || m->as<nn::Linear>()) mods.push_back(m);
  if (nodes.size() != mods.size())
    throw std::runtime_error("graph has " + std::to_string(nodes.size()) +
                             " conv/bn/linear layers, torch::nn model " +
                             std::to_string(mods.size()));
  int copied = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const Node& n = *nodes[i];
    auto bias_of = [&](torch::Tensor& bias) {
      if (n.has_weight("bias") != bias.defined())
        throw std::runtime_error(n.label() + " bias presence differs from torch::nn");
      if (bias.defined()) copy_into(bias, n.weight("bias"), n, "bias"), ++copied;
    };
    if (auto* conv = mods[i]->as<nn::Conv2d>()) {
      if (n.op != Op::Conv2d) throw std::runtime_error(n.label() + " is not a Conv2d in torch::nn");
      copy_into(conv->weight, n.weight("weight"), n, "weight"), ++copied;
      bias_of(conv->bias);
    } else if (auto* bn = mods[i]->as<nn::BatchNorm2d>()) {
      if (n.op != Op::BatchNorm2d)
        throw std::runtime_error(n.label() + " is not a BatchNorm2d in torch::nn");
      copy_into(bn->weight, n.weight("weight"), n, "weight");
      copy_into(bn->bias, n.weight("bias"), n, "bias");
      copy_into(bn->running_mean, n.weight("running_mean"), n, "running_mean");
      copy_into(bn->running_var, n.weight("running_var"), n, "running_var");
      bn->options.eps(n.attrs.get_float("eps", 1e-5));
      copied += 4;
    } else if (auto* fc = mods[i]->as<nn::Linear>()) {
      if (n.op != Op::Linear) throw std::runtime_error(n.label() + " is not a Linear in torch::nn");
      copy_into(fc->weight, n.weight("weight"), n, "weight"), ++copied;
      bias_of(fc->bias);
    }
  }
  return copied;
}

template <typename Holder>
class Model final : public TorchNnModel {
 public:
  Model(Holder net, const Graph& graph) : net_(std::move(net)) {
    copied_ = copy_weights(*net_, graph);
    net_->eval();
  }
  at::Tensor forward(const at::Tensor& x) override {
    torch::NoGradGuard no_grad;
    return net_->forward(x);
  }
  int copied_tensors() const override { return copied_; }

 private:
  Holder net_;
  int copied_ = 0;
};

}  // namespace

std::unique_ptr<TorchNnModel> make_torch_nn_model(const std::string& zoo_name,
                                                  const Graph& graph) {
  int64_t classes = logits_of(graph);
  if (zoo_name == "vgg16") return std::make_unique<Model<Vgg16>>(Vgg16(classes), graph);
  if (zoo_name == "mobilenet_v2")
    return std::make_unique<Model<MobileNetV2>>(MobileNetV2(classes), graph);
  throw std::runtime_error("no torch::nn version of '" + zoo_name + "'");
}

}  // namespace whittle::bench
