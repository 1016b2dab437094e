#pragma once
// A Detector is a Graph plus a Head, plus what it takes to feed the graph:
// class names and input preprocessing. Saved as ONNX with the head's and the
// preprocessing's settings in the metadata (whittle.*), so load_detector
// restores the same detector.
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "models/head.h"
#include "quant/quant_params.h"

namespace whittle {

// Applied to float RGB images in [0, 1] (the loader's output):
// x' = (x - mean) / std per channel, at input_size x input_size.
struct Preprocess {
  int64_t input_size = 300;
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};  // ImageNet, as torchvision
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
  bool letterbox = false;  // YOLO-style resize; SSD resizes plainly
};

struct Detector {
  Graph graph;
  std::shared_ptr<const Head> head;
  std::vector<std::string> classes;
  Preprocess preprocess;
  // Set for an int8 model: `graph` is then BN-folded and runs through the
  // int8 runner with this spec (quant/make_executor.h).
  std::shared_ptr<const QuantSpec> int8;
};

// Graph metadata <-> detector settings ("whittle.classes" joined by ',',
// "whittle.input_size", "whittle.mean", "whittle.std", "whittle.letterbox",
// plus the head's own keys). Writes into detector.graph.metadata.
void store_detector_metadata(Detector& detector);

// Rebuilds the head from the graph's metadata (dispatching on
// whittle.family: an explicit list of families, see detector.cpp). Throws
// whittle::Error naming the missing or bad key.
Detector detector_from_graph(Graph graph);

}  // namespace whittle
