#include "runtime/inference_conv.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <utility>

#include "graph/error.h"
#include "runtime/conv_shape.h"
#include "runtime/node_ops.h"
#include "runtime/onednn_conv.h"

namespace whittle {
namespace {

struct Geometry {
  int64_t n = 0, c = 0, h = 0, w = 0;  // input
  int64_t oh = 0, ow = 0;              // output
};

// One output row of a depthwise conv over channels-last data: every output
// pixel of row `oh` of image `n`, its channels innermost (the loop the
// compiler vectorises; x86 gets AVX-512 and AVX2 versions, chosen at load).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
void depthwise_row(const float* x, const float* w, const float* bias, float* y, int64_t c, int64_t h,
                   int64_t width, int64_t ow_count, int64_t oh, int64_t kh, int64_t kw, int64_t sh,
                   int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw, float lo, float hi) {
  for (int64_t ow = 0; ow < ow_count; ++ow) {
    float* out = y + ow * c;
    if (bias) {
      for (int64_t k = 0; k < c; ++k) out[k] = bias[k];
    } else {
      for (int64_t k = 0; k < c; ++k) out[k] = 0.0f;
    }
    for (int64_t i = 0; i < kh; ++i) {
      const int64_t ih = oh * sh - ph + i * dh;
      if (ih < 0 || ih >= h) continue;
      for (int64_t j = 0; j < kw; ++j) {
        const int64_t iw = ow * sw - pw + j * dw;
        if (iw < 0 || iw >= width) continue;
        const float* in = x + (ih * width + iw) * c;
        const float* wk = w + (i * kw + j) * c;
        for (int64_t k = 0; k < c; ++k) out[k] += in[k] * wk[k];
      }
    }
    for (int64_t k = 0; k < c; ++k) out[k] = std::min(std::max(out[k], lo), hi);
  }
}

// The clamp bounds of an activation (None: +-infinity, a no-op clamp).
std::pair<float, float> bounds(ConvActivation a) {
  const float inf = std::numeric_limits<float>::infinity();
  if (a == ConvActivation::ReLU) return {0.0f, inf};
  if (a == ConvActivation::ReLU6) return {0.0f, 6.0f};
  return {-inf, inf};
}

// In place on a tensor.
void activate(at::Tensor& y, ConvActivation a) {
  if (a == ConvActivation::ReLU) y.clamp_min_(0.0);
  if (a == ConvActivation::ReLU6) y.clamp_(0.0, 6.0);
}

// The kernels chosen so far in this process, shared by every InferenceConv:
// a conv of the same shape on an input of the same shape at the same thread
// count always runs the same kernel, so two runners of one model (a model
// and its reloaded copy, a model and its pruned-by-nothing twin) give
// bit-identical outputs. Across processes the choice may differ (timing),
// and with it the last bits of the outputs.
std::mutex& choices_mutex() {
  static std::mutex m;
  return m;
}
std::map<std::vector<int64_t>, ConvKernel>& choices() {
  static std::map<std::vector<int64_t>, ConvKernel> c;
  return c;
}

}  // namespace

const char* conv_kernel_name(ConvKernel kernel) {
  switch (kernel) {
    case ConvKernel::OneDnn: return "onednn";
    case ConvKernel::OneDnnDirect: return "onednn-direct";
    case ConvKernel::Gemm: return "gemm";
    case ConvKernel::Depthwise: return "depthwise";
  }
  return "?";
}

namespace {

// WHITTLE_CONV_KERNELS: the kernels tuning may choose from, comma-separated
// names (conv_kernel_name); OneDnn always may. Unset: all. Read once.
bool tuning_may_choose(ConvKernel k) {
  static const std::string allowed = [] {
    const char* v = std::getenv("WHITTLE_CONV_KERNELS");
    return v ? "," + std::string(v) + "," : std::string();
  }();
  return allowed.empty() || k == ConvKernel::OneDnn ||
         allowed.find("," + std::string(conv_kernel_name(k)) + ",") != std::string::npos;
}

}  // namespace

struct InferenceConv::Impl : ConvShape {
  at::Tensor weight;  // channels-last (OneDnn; the others' weights are made from it)
  at::Tensor bias;
  at::Tensor gemm_weight;       // [kH * kW * in, out] (Gemm)
  at::Tensor depthwise_weight;  // [kH * kW, channels] (Depthwise)
  std::unique_ptr<OneDnnConv> direct;  // OneDnnDirect (its primitives hold reordered weights)
  InferenceConvOptions options;
  mutable std::mutex mutex;  // guards the lazily made weights

  // The conv and its input, as the process-wide choice is keyed.
  std::vector<int64_t> key(const at::Tensor& x) const {
    std::vector<int64_t> k = {in, out, kh, kw, groups, bias.defined() ? 1 : 0};
    for (const auto* v : {&stride, &padding, &dilation}) k.insert(k.end(), v->begin(), v->end());
    k.insert(k.end(), x.sizes().begin(), x.sizes().end());
    k.push_back(at::get_num_threads());
    return k;
  }

  bool applies(ConvKernel k) const {
    if (k == ConvKernel::Gemm) return groups == 1;  // and small enough (gemm_fits)
    if (k == ConvKernel::Depthwise) return groups == in && groups == out && groups > 1;
    return true;
  }

  // OneDnnDirect, Gemm and Depthwise: float channels-last CPU input without autograd.
  static bool direct_input(const at::Tensor& x) {
    return x.dim() == 4 && x.device().is_cpu() && x.scalar_type() == at::kFloat && !at::GradMode::is_enabled() &&
           x.is_contiguous(at::MemoryFormat::ChannelsLast);
  }

  Geometry geometry(const at::Tensor& x) const {
    Geometry g{x.size(0), x.size(1), x.size(2), x.size(3), 0, 0};
    if (g.c != in) throw Error("conv: input has " + std::to_string(g.c) + " channels, the weights " + std::to_string(in));
    g.oh = (g.h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
    g.ow = (g.w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
    if (g.oh < 1 || g.ow < 1) throw Error("conv: the input map is smaller than the kernel");
    return g;
  }

  at::Tensor onednn(const at::Tensor& x, ConvActivation act) const {
    at::Tensor y = inference_conv2d(x, weight, bias, stride, padding, dilation, groups);
    activate(y, act);
    return y;
  }

  at::Tensor gemm(const at::Tensor& x, ConvActivation act) const {
    const Geometry g = geometry(x);
    const int64_t rows = g.n * g.oh * g.ow;
    at::Tensor a;
    const bool pointwise = kh == 1 && kw == 1 && stride[0] == 1 && stride[1] == 1 && padding[0] == 0 &&
                           padding[1] == 0;
    if (pointwise) {
      a = x.permute({0, 2, 3, 1}).reshape({rows, g.c});  // a view: the data is NHWC
    } else {
      // im2col of the NHWC map: row (n, oh, ow) = the kH x kW x C patch, zeros outside.
      const int64_t cols = kh * kw * g.c;
      a = at::empty({rows, cols}, x.options().memory_format(at::MemoryFormat::Contiguous));
      const float* src = x.data_ptr<float>();
      float* dst = a.data_ptr<float>();
      const int64_t grain = std::max<int64_t>(1, 32768 / std::max<int64_t>(1, cols));
      at::parallel_for(0, rows, grain, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          const int64_t n = r / (g.oh * g.ow), oh = (r / g.ow) % g.oh, ow = r % g.ow;
          float* row = dst + r * cols;
          for (int64_t i = 0; i < kh; ++i) {
            const int64_t ih = oh * stride[0] - padding[0] + i * dilation[0];
            for (int64_t j = 0; j < kw; ++j) {
              const int64_t iw = ow * stride[1] - padding[1] + j * dilation[1];
              float* patch = row + (i * kw + j) * g.c;
              if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w)
                std::memset(patch, 0, sizeof(float) * static_cast<size_t>(g.c));
              else
                std::memcpy(patch, src + ((n * g.h + ih) * g.w + iw) * g.c, sizeof(float) * static_cast<size_t>(g.c));
            }
          }
        }
      });
    }
    at::Tensor y = bias.defined() ? at::addmm(bias, a, gemm_weight) : at::mm(a, gemm_weight);
    activate(y, act);
    return y.view({g.n, g.oh, g.ow, out}).permute({0, 3, 1, 2});
  }

  at::Tensor depthwise(const at::Tensor& x, ConvActivation act) const {
    const auto [lo, hi] = bounds(act);
    const Geometry g = geometry(x);
    at::Tensor y = at::empty({g.n, out, g.oh, g.ow}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    const float* src = x.data_ptr<float>();
    const float* w = depthwise_weight.data_ptr<float>();
    const float* b = bias.defined() ? bias.data_ptr<float>() : nullptr;
    float* dst = y.data_ptr<float>();
    const int64_t row_work = g.ow * g.c * kh * kw;
    const int64_t grain = std::max<int64_t>(1, 65536 / std::max<int64_t>(1, row_work));
    at::parallel_for(0, g.n * g.oh, grain, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const int64_t n = r / g.oh, oh = r % g.oh;
        depthwise_row(src + n * g.h * g.w * g.c, w, b, dst + r * g.ow * g.c, g.c, g.h, g.w, g.ow, oh, kh, kw,
                      stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], lo, hi);
      }
    });
    return y;
  }

  // The weights a kernel reads, made on first need (callers hold `mutex`):
  // convs that are never tuned (slow ones) keep one copy of their weights.
  void prepare(ConvKernel k) {
    if (k == ConvKernel::OneDnnDirect && !direct)
      direct = std::make_unique<OneDnnConv>(weight, bias, stride, padding, dilation, groups);
    if (k == ConvKernel::Gemm && !gemm_weight.defined())
      gemm_weight = weight.permute({2, 3, 1, 0}).reshape({kh * kw * in, out}).contiguous();
    if (k == ConvKernel::Depthwise && !depthwise_weight.defined())
      depthwise_weight = weight.reshape({out, kh * kw}).t().contiguous();
  }

  // The kernels this conv runs (chosen for some input shape): tuning drops
  // what the others prepared (made again if ever needed).
  std::set<ConvKernel> in_use;
  void keep_only_in_use() {
    if (!in_use.count(ConvKernel::OneDnnDirect)) direct.reset();
    if (!in_use.count(ConvKernel::Gemm)) gemm_weight = at::Tensor();
    if (!in_use.count(ConvKernel::Depthwise)) depthwise_weight = at::Tensor();
  }

  // Gemm is tried only where OpenBLAS stays on one thread: larger products
  // go to its own thread pool, which fights LibTorch's OpenMP threads (still
  // spinning after the previous op) for the two cores here; measured 10x
  // slower than oneDNN in a graph (a 39 -> 64 1x1 conv on 24x24: 390 us).
  bool gemm_fits(const at::Tensor& x) const {
    constexpr int64_t kMaxGemmMacs = int64_t{1} << 21;
    const Geometry g = geometry(x);
    return g.n * g.oh * g.ow * kh * kw * in * out <= kMaxGemmMacs;
  }

  // The fastest kernel on `x`: calls of the candidates interleaved (a busy
  // spell hits them alike), the fastest call of each (interference only
  // adds time). A conv whose oneDNN calls take over kTuneLimitUs runs the
  // faster of the two oneDNN paths, untimed further: the per-call cost the
  // other kernels save is small next to it, and timing it is slow.
  ConvKernel tune(const at::Tensor& x) {
    constexpr double kTuneLimitUs = 1000;
    auto time_us = [&](ConvKernel k) {
      const auto t0 = std::chrono::steady_clock::now();
      run_kernel(k, x);
      return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
    };
    std::vector<ConvKernel> kernels;
    for (ConvKernel k : {ConvKernel::OneDnn, ConvKernel::OneDnnDirect, ConvKernel::Gemm, ConvKernel::Depthwise})
      if (applies(k) && tuning_may_choose(k) && (k != ConvKernel::Gemm || gemm_fits(x))) {
        prepare(k);
        kernels.push_back(k);
        run_kernel(k, x);  // warm-up (primitive creation)
        if (k == ConvKernel::OneDnnDirect) {
          const double onednn = time_us(ConvKernel::OneDnn), onednn_direct = time_us(ConvKernel::OneDnnDirect);
          if (std::min(onednn, onednn_direct) > kTuneLimitUs)
            return onednn_direct <= onednn ? ConvKernel::OneDnnDirect : ConvKernel::OneDnn;
        }
      }
    std::vector<std::vector<double>> us(kernels.size());
    for (int r = 0; r < std::max(1, options.tune_runs); ++r)
      for (size_t i = 0; i < kernels.size(); ++i) us[i].push_back(time_us(kernels[i]));
    size_t best = 0;
    for (size_t i = 1; i < kernels.size(); ++i)
      if (*std::min_element(us[i].begin(), us[i].end()) < *std::min_element(us[best].begin(), us[best].end()))
        best = i;
    return kernels[best];
  }

  at::Tensor run_kernel(ConvKernel k, const at::Tensor& x, ConvActivation act = ConvActivation::None) const {
    switch (k) {
      case ConvKernel::Gemm: return gemm(x, act);
      case ConvKernel::Depthwise: return depthwise(x, act);
      case ConvKernel::OneDnnDirect: {
        const auto [lo, hi] = bounds(act);
        return direct->run(x, lo, hi);
      }
      case ConvKernel::OneDnn: break;
    }
    return onednn(x, act);
  }
};

InferenceConv::InferenceConv(const at::Tensor& weight, const at::Tensor& bias, std::vector<int64_t> stride,
                             std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups,
                             InferenceConvOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  at::NoGradGuard no_grad;
  static_cast<ConvShape&>(m) = ConvShape(weight, std::move(stride), std::move(padding), std::move(dilation), groups);
  m.weight = weight.contiguous(at::MemoryFormat::ChannelsLast);
  m.bias = bias.defined() ? bias.contiguous() : at::Tensor();
  m.options = options;
}

InferenceConv::~InferenceConv() = default;
InferenceConv::InferenceConv(InferenceConv&&) noexcept = default;
InferenceConv& InferenceConv::operator=(InferenceConv&&) noexcept = default;

std::vector<ConvKernel> InferenceConv::candidates() const {
  std::vector<ConvKernel> out;
  for (ConvKernel k : {ConvKernel::OneDnn, ConvKernel::OneDnnDirect, ConvKernel::Gemm, ConvKernel::Depthwise})
    if (impl_->applies(k) && (k == ConvKernel::OneDnn || impl_->weight.scalar_type() == at::kFloat)) out.push_back(k);
  return out;
}

ConvKernel InferenceConv::chosen(const at::Tensor& input) const {
  const std::vector<int64_t> key = impl_->key(input);
  std::lock_guard<std::mutex> lock(choices_mutex());
  auto it = choices().find(key);
  return it == choices().end() ? ConvKernel::OneDnn : it->second;
}

at::Tensor InferenceConv::run_with(ConvKernel kernel, const at::Tensor& input, ConvActivation activation) const {
  const auto c = candidates();
  if (std::find(c.begin(), c.end(), kernel) == c.end())
    throw Error(std::string("conv: the ") + conv_kernel_name(kernel) + " kernel does not apply to this conv");
  if (kernel != ConvKernel::OneDnn && !Impl::direct_input(input))
    throw Error(std::string("conv: the ") + conv_kernel_name(kernel) +
                " kernel needs a float channels-last CPU input without autograd");
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->prepare(kernel);
  }
  return impl_->run_kernel(kernel, input, activation);
}

at::Tensor InferenceConv::run(const at::Tensor& input, ConvActivation activation) {
  Impl& m = *impl_;
  if (!Impl::direct_input(input) || m.weight.scalar_type() != at::kFloat) return m.onednn(input, activation);
  if (!m.options.tune) {
    const ConvKernel k = m.applies(m.options.kernel) ? m.options.kernel : ConvKernel::OneDnn;
    {
      std::lock_guard<std::mutex> lock(m.mutex);
      m.prepare(k);
    }
    return m.run_kernel(k, input, activation);
  }
  const std::vector<int64_t> key = m.key(input);
  ConvKernel k;
  {
    std::lock_guard<std::mutex> lock(choices_mutex());
    auto it = choices().find(key);
    if (it == choices().end()) {
      std::lock_guard<std::mutex> weights(m.mutex);
      it = choices().emplace(key, m.tune(input)).first;
      m.in_use.insert(it->second);
      m.keep_only_in_use();
    }
    k = it->second;
    if (k != ConvKernel::OneDnn) {
      std::lock_guard<std::mutex> weights(m.mutex);
      m.in_use.insert(k);
      m.prepare(k);  // chosen by another conv of this shape
    }
  }
  return m.run_kernel(k, input, activation);
}

}  // namespace whittle
