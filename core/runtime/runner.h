#pragma once
// The fp32 runner: executes a Graph with LibTorch.
//
// Inference mode works on a private copy of the graph: BatchNorm folded into
// the preceding conv, no autograd, activations in channels-last layout where
// that helps oneDNN. Training mode runs the graph's own weight tensors as
// leaves with gradients (BatchNorm in train mode, updating its running stats),
// so an optimizer over `parameters()` trains the graph in place.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "runtime/executor.h"

namespace whittle {

enum class RunMode { Inference, Training };

struct RunnerOptions {
  RunMode mode = RunMode::Inference;
  bool fold_batch_norm = true;  // inference only
  bool channels_last = true;    // inference only
  // Values that must stay observable (not folded away) for run(..., extra).
  std::vector<std::string> keep_values;
  // Inference with channels_last: each conv runs through InferenceConv
  // (inference_conv.h), its kernel chosen by timing on the first run of each
  // input shape; false: oneDNN for every conv (no timing).
  bool tune_convs = true;
};

class Runner : public GraphExecutor {
 public:
  explicit Runner(const Graph& graph, RunnerOptions options = {});
  ~Runner();
  Runner(Runner&&) noexcept;
  Runner& operator=(Runner&&) noexcept;

  // Runs the graph on named inputs. Returns every graph output and each value
  // named in `extra` (intermediates, e.g. for importance statistics). Outputs
  // are contiguous NCHW. Errors name the node that failed.
  TensorMap run(const TensorMap& inputs, const std::vector<std::string>& extra = {}) override;

  // Learnable tensors of the graph (training mode: the graph's own tensors,
  // requires_grad set), in node order then weight-name order.
  std::vector<at::Tensor> parameters() const;
  // The graph the runner executes (the folded copy in inference mode).
  const Graph& graph() const override;
  RunMode mode() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace whittle
