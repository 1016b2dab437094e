#include "runtime/onednn_conv.h"

#include <ATen/ATen.h>

#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <unordered_map>

#include <dnnl.hpp>

#include "graph/error.h"
#include "runtime/conv_shape.h"

namespace whittle {
namespace {

using dnnl::memory;

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A stream per thread (cheap on CPU, but not free to make per call).
dnnl::stream& thread_stream() {
  thread_local dnnl::stream stream(cpu_engine());
  return stream;
}

memory::dims dims(std::initializer_list<int64_t> v) { return memory::dims(v.begin(), v.end()); }

}  // namespace

struct OneDnnConv::Impl : ConvShape {
  at::Tensor weight;  // [out, in / groups, kH, kW], any strides (the caller's tensor, not copied)
  at::Tensor bias;

  struct Prepared {
    dnnl::convolution_forward primitive;
    memory weights;  // in the primitive's layout
    memory bias;     // wraps Impl::bias (empty without one)
    memory::desc src, dst, scratchpad;
    int64_t oh = 0, ow = 0;
    std::string implementation;
  };
  // Keyed by the input's N, H, W and the clamp.
  using Key = std::array<double, 5>;
  mutable std::map<Key, Prepared> prepared;
  mutable std::mutex mutex;

  Prepared make(int64_t n, int64_t h, int64_t w, float lo, float hi) const {
    Prepared p;
    p.oh = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0] + 1;
    p.ow = (w + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1] + 1;
    if (p.oh < 1 || p.ow < 1) throw Error("conv: the input map is smaller than the kernel");
    const auto f32 = memory::data_type::f32;
    p.src = memory::desc(dims({n, in, h, w}), f32, memory::format_tag::nhwc);
    p.dst = memory::desc(dims({n, out, p.oh, p.ow}), f32, memory::format_tag::nhwc);
    const memory::dims wdims = groups == 1 ? dims({out, in, kh, kw}) : dims({groups, out / groups, in / groups, kh, kw});
    const memory::desc weights_any(wdims, f32, memory::format_tag::any);
    const memory::dims strides = dims({stride[0], stride[1]});
    const memory::dims dilates = dims({dilation[0] - 1, dilation[1] - 1});  // oneDNN counts the gaps
    const memory::dims pads = dims({padding[0], padding[1]});

    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (std::isfinite(lo) || std::isfinite(hi)) {
      dnnl::post_ops ops;
      if (lo == 0.0f && !std::isfinite(hi)) {
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      } else {  // clip: min(max(x, lo), hi)
        const float big = std::numeric_limits<float>::max();
        ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_clip, std::isfinite(lo) ? lo : -big,
                           std::isfinite(hi) ? hi : big);
      }
      attr.set_post_ops(ops);
    }
    const auto prop = dnnl::prop_kind::forward_inference;
    const auto alg = dnnl::algorithm::convolution_direct;
    const memory::desc bias_desc(dims({out}), f32, memory::format_tag::a);
    const dnnl::convolution_forward::desc desc =
        bias.defined()
            ? dnnl::convolution_forward::desc(prop, alg, p.src, weights_any, bias_desc, p.dst, strides, dilates,
                                              pads, pads)
            : dnnl::convolution_forward::desc(prop, alg, p.src, weights_any, p.dst, strides, dilates, pads, pads);
    const dnnl::convolution_forward::primitive_desc pd(desc, attr, cpu_engine());
    p.primitive = dnnl::convolution_forward(pd);
    p.scratchpad = pd.scratchpad_desc();
    if (bias.defined()) p.bias = memory(bias_desc, cpu_engine(), bias.data_ptr());
    p.implementation = pd.impl_info_str();

    // The caller's weights as they lie in memory (channels-last or not); as
    // [groups, out / groups, in / groups, kH, kW] when grouped.
    memory::dims wstrides(weight.strides().begin(), weight.strides().end());
    if (groups != 1) wstrides.insert(wstrides.begin(), (out / groups) * weight.stride(0));
    memory user_weights(memory::desc(wdims, f32, wstrides), cpu_engine(), weight.data_ptr());
    p.weights = memory(pd.weights_desc(), cpu_engine());
    dnnl::reorder(user_weights, p.weights).execute(thread_stream(), user_weights, p.weights);
    thread_stream().wait();
    return p;
  }

  const Prepared& get(const at::Tensor& x, float lo, float hi) const {
    if (x.dim() != 4 || x.scalar_type() != at::kFloat || !x.device().is_cpu() ||
        !x.is_contiguous(at::MemoryFormat::ChannelsLast))
      throw Error("conv (oneDNN direct): the input must be a float channels-last CPU tensor");
    if (x.size(1) != in)
      throw Error("conv: input has " + std::to_string(x.size(1)) + " channels, the weights " + std::to_string(in));
    const Key key = {static_cast<double>(x.size(0)), static_cast<double>(x.size(2)), static_cast<double>(x.size(3)),
                     lo, hi};
    std::lock_guard<std::mutex> lock(mutex);
    auto it = prepared.find(key);
    if (it == prepared.end()) {
      try {
        it = prepared.emplace(key, make(x.size(0), x.size(2), x.size(3), lo, hi)).first;
      } catch (const dnnl::error& e) {
        throw Error(std::string("conv (oneDNN direct): ") + e.what());
      }
    }
    return it->second;  // std::map: stays valid while other shapes are added
  }
};

OneDnnConv::OneDnnConv(const at::Tensor& weight, const at::Tensor& bias, std::vector<int64_t> stride,
                       std::vector<int64_t> padding, std::vector<int64_t> dilation, int64_t groups)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  if (weight.dim() != 4 || weight.scalar_type() != at::kFloat)
    throw Error("conv (oneDNN direct): needs a 4-D float weight");
  static_cast<ConvShape&>(m) = ConvShape(weight, std::move(stride), std::move(padding), std::move(dilation), groups);
  m.weight = weight;
  m.bias = bias.defined() ? bias.contiguous() : at::Tensor();
}

OneDnnConv::~OneDnnConv() = default;
OneDnnConv::OneDnnConv(OneDnnConv&&) noexcept = default;
OneDnnConv& OneDnnConv::operator=(OneDnnConv&&) noexcept = default;

at::Tensor OneDnnConv::run(const at::Tensor& input, float lo, float hi) const {
  const Impl& m = *impl_;
  const Impl::Prepared& p = m.get(input, lo, hi);
  at::Tensor y = at::empty({input.size(0), m.out, p.oh, p.ow},
                           input.options().memory_format(at::MemoryFormat::ChannelsLast));
  at::Tensor scratch;
  const auto& engine = cpu_engine();
  std::unordered_map<int, memory> args = {
      {DNNL_ARG_SRC, memory(p.src, engine, input.data_ptr())},
      {DNNL_ARG_WEIGHTS, p.weights},
      {DNNL_ARG_DST, memory(p.dst, engine, y.data_ptr())},
  };
  if (m.bias.defined()) args.emplace(DNNL_ARG_BIAS, p.bias);
  if (const size_t bytes = p.scratchpad.get_size(); bytes > 0) {
    scratch = at::empty({static_cast<int64_t>(bytes)}, input.options().dtype(at::kByte));
    args.emplace(DNNL_ARG_SCRATCHPAD, memory(p.scratchpad, engine, scratch.data_ptr()));
  }
  try {
    p.primitive.execute(thread_stream(), args);
    thread_stream().wait();
  } catch (const dnnl::error& e) {
    throw Error(std::string("conv (oneDNN direct): ") + e.what());
  }
  return y;
}

std::string OneDnnConv::implementation(const at::Tensor& input, float lo, float hi) const {
  return impl_->get(input, lo, hi).implementation;
}

}  // namespace whittle
