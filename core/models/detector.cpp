#include "models/detector.h"

#include <utility>

#include "graph/error.h"
#include "models/ssd/metadata_text.h"
#include "models/ssd/ssd_head.h"

namespace whittle {
namespace {

// The detector families detector_from_graph knows, in the order listed in errors.
const char* const kFamilies[] = {"ssd"};

std::string known_families() {
  std::string out;
  for (const char* f : kFamilies) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

std::string join_floats(const std::array<float, 3>& v) {
  return ssd_text::join_decimals({v[0], v[1], v[2]});
}

std::array<float, 3> parse_triple(const std::string& key, const std::string& text) {
  auto v = ssd_text::parse_decimals(key, text);
  if (v.size() != 3)
    throw Error("metadata " + key + ": need 3 values (R, G, B), got '" + text + "'");
  return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2])};
}

}  // namespace

void store_detector_metadata(Detector& d) {
  if (!d.head) throw Error("store_detector_metadata: the detector has no head");
  std::string classes;
  for (size_t i = 0; i < d.classes.size(); ++i) {
    const std::string& c = d.classes[i];
    if (c.empty() || c.find(',') != std::string::npos)
      throw Error("store_detector_metadata: class name '" + c + "' must be non-empty and without ','");
    classes += (i ? "," : "") + c;
  }
  if (static_cast<int64_t>(d.classes.size()) != d.head->num_classes())
    throw Error("store_detector_metadata: " + std::to_string(d.classes.size()) +
                " class names for a head with " + std::to_string(d.head->num_classes()) +
                " classes");
  auto& m = d.graph.metadata;
  m["whittle.classes"] = classes;
  m["whittle.input_size"] = std::to_string(d.preprocess.input_size);
  // float -> double is exact, so the shortest double text reads back to the same float.
  m["whittle.mean"] = join_floats(d.preprocess.mean);
  m["whittle.std"] = join_floats(d.preprocess.std);
  m["whittle.letterbox"] = d.preprocess.letterbox ? "1" : "0";
  for (const auto& [key, value] : d.head->metadata()) m[key] = value;
}

Detector detector_from_graph(Graph graph) {
  using namespace ssd_text;
  const auto& m = graph.metadata;
  auto family = m.find("whittle.family");
  if (family == m.end())
    throw Error("metadata key 'whittle.family' is missing: not a detector (known families: " +
                known_families() + ")");

  Detector d;
  std::shared_ptr<Head> head;
  if (family->second == "ssd") {
    head = make_ssd_head(m);
  } else {
    throw Error("metadata whittle.family: '" + family->second +
                "' is not a detector family (known: " + known_families() + ")");
  }

  d.classes = split(require(m, "whittle.classes"), ',');
  if (static_cast<int64_t>(d.classes.size()) != head->num_classes())
    throw Error("metadata whittle.classes: " + std::to_string(d.classes.size()) +
                " names for a head with " + std::to_string(head->num_classes()) + " classes");
  d.preprocess.input_size = parse_integer("whittle.input_size", require(m, "whittle.input_size"));
  if (auto it = m.find("whittle.mean"); it != m.end()) d.preprocess.mean = parse_triple(it->first, it->second);
  if (auto it = m.find("whittle.std"); it != m.end()) d.preprocess.std = parse_triple(it->first, it->second);
  if (auto it = m.find("whittle.letterbox"); it != m.end()) {
    if (it->second != "0" && it->second != "1")
      throw Error("metadata whittle.letterbox: '" + it->second + "' is not 0 or 1");
    d.preprocess.letterbox = it->second == "1";
  }
  for (float s : d.preprocess.std)
    if (!(s > 0)) throw Error("metadata whittle.std: values must be > 0");

  // The graph must end in the outputs the head reads, with matching shapes.
  if (auto* ssd = dynamic_cast<const SsdHead*>(head.get())) ssd->check_graph(graph);
  for (const std::string& name : head->output_names())
    if (!graph.is_output(name))
      throw Error("(" + family->second + " head) '" + name + "' is not an output of the graph");
  d.head = std::move(head);
  d.graph = std::move(graph);
  return d;
}

}  // namespace whittle
