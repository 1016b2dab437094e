#include "quant/calibrate.h"

#include <ATen/ATen.h>

#include <memory>
#include <string>

#include "graph/error.h"
#include "runtime/fold_batch_norm.h"
#include "runtime/runner.h"

namespace whittle {
namespace {

// How errors name a value: "graph input 'images'", "(Conv2d conv1) output 'conv1'".
std::string value_label(const Graph& graph, const std::string& value) {
  const int producer = graph.producer(value);
  if (producer < 0) return "graph input '" + value + "'";
  return graph.nodes[producer].label() + " output '" + value + "'";
}

std::string batch_label(int index, int first_image, int64_t size) {
  return "batch " + std::to_string(index + 1) + " (images " + std::to_string(first_image + 1) +
         " to " + std::to_string(first_image + size) + ")";
}

}  // namespace

CalibrationBatches calibration_batches(std::vector<at::Tensor> batches) {
  auto held = std::make_shared<const std::vector<at::Tensor>>(std::move(batches));
  auto position = std::make_shared<size_t>(0);
  CalibrationBatches source;
  source.next = [held, position]() -> std::optional<at::Tensor> {
    if (*position >= held->size()) return std::nullopt;
    return (*held)[(*position)++];
  };
  source.rewind = [position] { *position = 0; };
  return source;
}

QuantizedGraph prepare_for_int8(const Graph& graph) {
  QuantizedGraph q;
  q.graph = graph.clone();
  fold_batch_norm(q.graph);
  return q;
}

QuantSpec calibrate(const Graph& folded, const CalibrationBatches& batches, ObserverKind observer,
                    const CalibrateOptions& options, Progress& progress) {
  if (folded.inputs.size() != 1)
    throw Error("calibration needs a graph with one input, this one has " +
                std::to_string(folded.inputs.size()));
  if (!batches.next || !batches.rewind)
    throw Error("calibration: the batch source needs both next() and rewind()");
  const std::string input = folded.inputs[0].name;

  // Observed: the input, then every node output in graph order. The runner
  // returns graph outputs anyway; the others it is asked for.
  std::vector<std::string> values = {input};
  std::vector<std::string> extra;
  for (const auto& node : folded.nodes) {
    values.push_back(node.output);
    if (!folded.is_output(node.output)) extra.push_back(node.output);
  }
  std::vector<Observer> observers(values.size(), Observer(observer, options.observer));

  RunnerOptions runner_options;
  runner_options.fold_batch_norm = false;  // observe exactly the values of the graph given
  // run() hands every requested value back NCHW-contiguous: from channels-last
  // activations that is a permuting copy of each one, which made calibrating
  // SSD-MobileNet about 3x slower than running it in NCHW throughout.
  runner_options.channels_last = false;
  Runner runner(folded, runner_options);

  const std::string name = observer_name(observer);
  const int passes = observer_needs_second_pass(observer) ? 2 : 1;
  int images = 0;  // counted in pass 1
  for (int pass = 0; pass < passes; ++pass) {
    batches.rewind();
    int seen = 0, index = 0;
    while (std::optional<at::Tensor> batch = batches.next()) {
      progress.check_cancelled();
      const std::string where = batch_label(index, seen, batch->dim() > 0 ? batch->size(0) : 0);
      if (batch->dim() == 0 || batch->numel() == 0)
        throw Error("calibration: " + where + " is empty");
      TensorMap out = runner.run({{input, *batch}}, extra);
      for (size_t i = 0; i < values.size(); ++i) {
        const at::Tensor& t = i == 0 ? *batch : out.at(values[i]);
        try {
          if (pass == 0) {
            // aminmax propagates NaN, so this one reduction also finds bad values.
            auto [lo, hi] = at::aminmax(t.detach());
            observers[i].observe_range(lo.item<float>(), hi.item<float>());
          } else {
            observers[i].observe_again(t);
          }
        } catch (const Error& e) {
          throw Error("calibration: " + value_label(folded, values[i]) + ", " + where + ": " +
                      e.what());
        }
      }
      seen += static_cast<int>(batch->size(0));
      ++index;
      const int total = pass == 0 ? options.expected_images : images;
      const double fraction =
          total > 0 ? (pass + std::min(1.0, static_cast<double>(seen) / total)) / passes : -1.0;
      progress.report(fraction, "calibration (" + name + ") pass " + std::to_string(pass + 1) +
                                    "/" + std::to_string(passes) + ": " + std::to_string(seen) +
                                    " images");
    }
    if (pass == 0) {
      if (seen == 0) throw Error("calibration: the batch source gave no images");
      images = seen;
    } else if (seen != images) {
      throw Error("calibration: the second pass saw " + std::to_string(seen) +
                  " images, the first " + std::to_string(images) +
                  " (rewind() must replay the same batches)");
    }
  }

  QuantSpec spec;
  spec.observer = name;
  spec.calibration_images = images;
  for (size_t i = 0; i < values.size(); ++i) {
    try {
      spec.activations[values[i]] = observers[i].quant();
    } catch (const Error& e) {
      throw Error("calibration: " + value_label(folded, values[i]) + ": " + e.what());
    }
  }
  progress.report(1.0, "calibrated " + std::to_string(values.size()) + " values on " +
                           std::to_string(images) + " images (" + name + ")");
  return spec;
}

}  // namespace whittle
