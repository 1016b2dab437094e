#pragma once
// The family-specific part of a detector (see shared DESIGN.md): priors or
// anchors, box coding, the training loss, decoding and NMS. The graph ends at
// the raw head tensors; the head turns them into a loss or into boxes.
// Pruning and quantization never see a Head; training and evaluation never
// see how the graph was made.
#include <ATen/core/Tensor.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/nms.h"

namespace whittle {

using TensorMap = std::map<std::string, at::Tensor>;

// Ground truth of one image, as the loader gives it.
struct Target {
  at::Tensor boxes;   // [N, 4] float x1 y1 x2 y2, normalised to the network input (0..1)
  at::Tensor labels;  // [N] int64, 0 .. num_classes-1 (index into the class list)
};

struct HeadLoss {
  at::Tensor total;                      // scalar, differentiable
  std::map<std::string, double> parts;   // e.g. {"loc": 1.9, "conf": 3.2}
};

class Head {
 public:
  virtual ~Head() = default;

  // "ssd", "yolo", ...: the value of the graph's whittle.family metadata.
  virtual std::string family() const = 0;
  virtual int64_t num_classes() const = 0;  // object classes, background excluded

  // Names of the graph outputs this head reads, in the order it expects them.
  virtual std::vector<std::string> output_names() const = 0;

  // Training loss of a batch: `raw` holds the graph outputs (batch first).
  virtual HeadLoss loss(const TensorMap& raw, const std::vector<Target>& targets) const = 0;

  // Detections per image, boxes normalised to the network input, labels
  // 0 .. num_classes-1, NMS applied.
  virtual std::vector<std::vector<ScoredBox>> decode(const TensorMap& raw,
                                                     const NmsOptions& options) const = 0;

  // The head's settings as whittle.* metadata, so a saved model reloads with
  // the same head.
  virtual std::map<std::string, std::string> metadata() const = 0;
};

// The graph outputs `head` reads, picked from `raw` (a Runner's outputs).
// Throws whittle::Error "<who>: the graph has no output 'x' that the ssd head
// reads" when one is missing.
TensorMap head_inputs(const Head& head, const TensorMap& raw, const std::string& who);

}  // namespace whittle
