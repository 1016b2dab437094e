#pragma once
// Post-training calibration: run images through the BatchNorm-folded fp32
// graph and give every value (the graph inputs and every node's output) the
// uint8 affine parameters of its observed range. The int8 runner and the
// exporters pick the values they quantize from the spec.
//
//   QuantizedGraph q = prepare_for_int8(graph);
//   q.spec = calibrate(q.graph, calibration_batches(batches), ObserverKind::Entropy, {}, progress);
//
// Histogram observers (percentile, entropy, mse) read the images twice (see
// observer.h): pass 1 finds each value's range, pass 2 fills histograms over
// it. Memory: the runner keeps every activation of one batch until the batch
// is done, so feed small batches (1 to 8 images).
#include <ATen/core/Tensor.h>

#include <functional>
#include <optional>
#include <vector>

#include "graph/graph.h"
#include "jobs/progress.h"
#include "quant/observer.h"
#include "quant/quant_params.h"

namespace whittle {

// The images, normalised as the graph expects ([N, C, H, W] float), batch by
// batch: next() gives the next batch or nullopt at the end, rewind() starts
// again at the first. A second pass must replay exactly the same batches (no
// random augmentation). The CLI feeds detector images through this; core/quant
// knows nothing of data sets.
struct CalibrationBatches {
  std::function<std::optional<at::Tensor>()> next;
  std::function<void()> rewind;
};

// Batches held in memory (tests, small sets).
CalibrationBatches calibration_batches(std::vector<at::Tensor> batches);

struct CalibrateOptions {
  ObserverOptions observer;
  // For progress fractions only: the number of images the batches hold
  // (0: unknown until the first pass ends).
  int expected_images = 0;
};

// A copy of the graph with BatchNorm folded into the convs, and an empty spec.
QuantizedGraph prepare_for_int8(const Graph& graph);

// The spec of `folded` (prepare_for_int8's graph; one graph input) under
// `observer`: an entry for the graph input and each node output, observer
// name and image count; no fp32 nodes. Reports progress per batch and polls
// cancellation (throws Cancelled). Throws whittle::Error when the batches
// are empty (or one is), when a value is NaN or infinite on some batch
// (naming the value, its node and the batch), or when a second pass does not
// replay the first.
QuantSpec calibrate(const Graph& folded, const CalibrationBatches& batches, ObserverKind observer,
                    const CalibrateOptions& options, Progress& progress);

}  // namespace whittle
