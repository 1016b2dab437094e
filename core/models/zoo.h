#pragma once
// The model zoo: classification backbones by name. Graphs carry metadata
// whittle.family ("classifier"; "backbone" when classifier = false),
// whittle.zoo (the name), whittle.num_classes, whittle.input_size and
// whittle.width; input "input" [1, 3, S, S]; output "logits" [1, num_classes]
// or, with classifier = false, the last feature map (see backbone_options.h).
#include <functional>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "models/backbone_options.h"

namespace whittle {

struct ZooEntry {
  std::string name;         // "vgg16", "mobilenet_v1", "mobilenet_v2"
  std::string description;  // one line
  std::function<Graph(const BackboneOptions&)> build;
};

// Every zoo entry, in a fixed order.
std::vector<ZooEntry> zoo_entries();

// Builds the named entry; throws whittle::Error listing the known names when
// `name` is unknown.
Graph build_zoo(const std::string& name, const BackboneOptions& options = {});

}  // namespace whittle
