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
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

inline constexpr const char* kPtlMetadataFile = "whittle_metadata.json";

struct PtlOptions {
  // Fold BatchNorm into the preceding conv (as the fp32 Runner does). A
  // BatchNorm that cannot be folded is exported as torch.batch_norm.
  bool fold_batch_norm = true;
  // More extra files to store beside kPtlMetadataFile (name -> bytes).
  std::map<std::string, std::string> extra_files;
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

// The graph metadata stored in a .ptl written by save_ptl (the "metadata"
// object of kPtlMetadataFile). Throws whittle::Error naming `path` when the
// file cannot be loaded or has no Whittle metadata.
std::map<std::string, std::string> load_ptl_metadata(const std::string& path);

// Load-and-compare check of a .ptl against the fp32 Runner on `graph`.
struct PtlCheck {
  std::vector<std::string> outputs;  // graph output names, in order
  std::vector<double> max_abs_diff;  // per output: max |ptl - runner|
  std::vector<double> max_abs_ref;   // per output: max |runner|
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

}  // namespace whittle
