#pragma once
// PyTorch Mobile export: a Graph as a lite-interpreter file (.ptl) that an
// Android/iOS app loads with `LiteModuleLoader.load` / `_load_for_mobile`.
//
// The file holds a TorchScript module whose `forward(self, x)` computes the
// graph exactly as the fp32 Runner does (BatchNorm folded first, on a copy)
// and returns the graph outputs: one tensor, or a tuple in graph order when
// there are several. A graph with several inputs takes them as
// `forward(self, x0, x1, ...)` in graph order. Weights are module parameters
// named "<node>_<weight>" with every character outside [A-Za-z0-9_] made '_'
// (made unique; prefixed "w_" when not starting with a letter).
//
// The file carries an extra file "whittle_metadata.json" (kPtlMetadataFile):
//   {"format": "whittle-ptl", "version": 1,
//    "inputs": [{"name": "input", "shape": [1, 3, 300, 300]}],
//    "outputs": ["bbox_regression", "cls_logits"],
//    "metadata": {<Graph::metadata: whittle.family, whittle.classes,
//                  whittle.input_size, whittle.mean, whittle.std, ...>}}
// so that an app can read the preprocessing and class names
// (`_load_for_mobile(path, device, extra_files)` with that key).
//
// Int8 (save_ptl of a QuantizedGraph): the module computes what Int8Runner
// computes, node for node, following plan_int8 (quant/int8_plan.h). forward
// takes fp32 NCHW input(s), makes them channels-last and quint8
// (`torch.quantize_per_tensor(x, scale, zero_point, 13)`). Int8 Conv2d and
// Linear are `quantized.conv2d(_relu)` / `quantized.linear(_relu)` on packed
// weights held as module attributes "<node>_packed" (per-channel symmetric
// qint8 weight, fp32 bias); Add, Mul, Concat, LeakyReLU, Sigmoid and
// Hardswish are `quantized.*` calls with the value's parameters; ReLU/ReLU6,
// the pools, Upsample and Flatten run the torch op on the quint8 tensor
// (requantized where the parameters change); fp32 nodes are dequantize ->
// fp32 op -> quantize. The outputs come back fp32 (dequantized), contiguous
// NCHW. The metadata file gets an "int8" object: {"qengine", "observer",
// "calibration_images", "int8_nodes", "fp32_nodes": [...]}.
//
// Quantized engines. A packed weight is saved unpacked (int8 weight, bias,
// stride, ...) and packed again when the file is loaded, for the loading
// process's current quantized engine: the file itself is engine-neutral, but
// the engine decides the rounding of each requantization, so results may
// differ slightly between engines. An app sets the engine before loading
// (`torch.backends.quantized.engine`, `at::globalContext().setQEngine`):
// PyTorch Mobile builds for ARM phones have QNNPACK (their default); desktop
// LibTorch on x86 has oneDNN (this Debian build: oneDNN and QNNPACK). On
// each engine of this build the file computes exactly what Int8Runner on
// that engine computes (tested), where the engine can run the model at all:
// QNNPACK's quantized sigmoid takes only the output scale 1/256 with zero
// point 0 (Int8Runner fails there too). PtlOptions::qengine is the engine
// save_ptl packs with (it must exist here; Auto: best_qengine(), oneDNN on
// x86) and is recorded as the file's "qengine".
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "quant/int8_runner.h"
#include "quant/quant_params.h"

namespace whittle {

inline constexpr const char* kPtlMetadataFile = "whittle_metadata.json";

struct PtlOptions {
  // Fold BatchNorm into the preceding conv (as the fp32 Runner does). A
  // BatchNorm that cannot be folded is exported as torch.batch_norm.
  bool fold_batch_norm = true;
  // More extra files to store beside kPtlMetadataFile (name -> bytes).
  std::map<std::string, std::string> extra_files;
  // Int8 only: the quantized engine that packs the weights at export (must be
  // in this build; Auto: best_qengine()). The file records it; see above for
  // what it means for the loader. LibTorch's current engine is put back after.
  QEngine qengine = QEngine::Auto;
};

// The TorchScript source of the module's methods (what save_ptl compiles),
// for tests and debugging. Throws whittle::Error naming the node for an op or
// weight that has no PyTorch Mobile form (e.g. "(Conv x) weight 'weight' is
// qint8: not an fp32 weight").
std::string ptl_source(const Graph& graph, const PtlOptions& options = {});

// Validates the graph, builds the module, serialises it with
// `_save_for_mobile` and writes it atomically (temp file in the same folder,
// then rename): on failure the old file at `path` is left intact and no temp
// file remains. Errors name `path`.
void save_ptl(const Graph& graph, const std::string& path, const PtlOptions& options = {});

// Int8: the QuantizedGraph (BN-folded graph + QuantSpec, as from
// prepare_for_int8 + calibrate) as an int8 module computing what Int8Runner
// computes (see above). fold_batch_norm is not used (the graph is folded).
// Throws as save_ptl above, and whittle::Error naming the node for what
// plan_int8 rejects (a value without activation parameters) or a weight
// LibTorch cannot pack.
std::string ptl_source(const QuantizedGraph& model, const PtlOptions& options = {});
void save_ptl(const QuantizedGraph& model, const std::string& path, const PtlOptions& options = {});

// The graph metadata stored in a .ptl written by save_ptl (the "metadata"
// object of kPtlMetadataFile). Throws whittle::Error naming `path` when the
// file cannot be loaded or has no Whittle metadata.
std::map<std::string, std::string> load_ptl_metadata(const std::string& path);

// Load-and-compare check of a .ptl against the fp32 Runner on `graph`.
struct PtlCheck {
  std::vector<std::string> outputs;  // graph output names, in order
  std::vector<double> max_abs_diff;  // per output: max |ptl - runner|
  std::vector<double> max_abs_ref;   // per output: max |runner|
  // Int8: per output, its quantization step (the scale of the uint8 value the
  // runner dequantizes; 0 for an output computed in fp32), and over the int8
  // outputs max |ptl - runner| / step (0: identical; 1: one step apart).
  std::vector<double> step;
  double max_steps = 0;
  double max_abs = 0;  // over every output
  // Over every output: max |ptl - runner| / max |runner| (the difference
  // relative to the output's scale; 0 when both are all zeros).
  double max_rel = 0;
  // max_abs <= tolerance, or max_rel <= tolerance (large-valued outputs).
  bool within(double tolerance) const { return max_abs <= tolerance || max_rel <= tolerance; }
};

// Loads `path` with torch::jit::_load_for_mobile, runs forward on `inputs`
// (one float32 tensor per graph input, in graph order) and compares each
// output with Runner(graph) (BatchNorm folded, NCHW layout like the module,
// so both run the same kernels). Throws whittle::Error when the file cannot be
// loaded, the inputs do not fit, or the outputs differ in count or shape.
PtlCheck verify_ptl(const Graph& graph, const std::string& path,
                    const std::vector<at::Tensor>& inputs);

// Int8: runs the file (written by save_ptl of `model`) in the lite
// interpreter and Int8Runner(model) on the same inputs, both under `engine`
// (Auto: best_qengine(); the file's weights are packed for it on load), and
// compares the dequantized outputs. LibTorch's current engine is put back
// after. Throws as above.
PtlCheck verify_ptl(const QuantizedGraph& model, const std::string& path,
                    const std::vector<at::Tensor>& inputs, QEngine engine = QEngine::Auto);

}  // namespace whittle
