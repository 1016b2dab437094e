#include "train/qat.h"

#include "graph/error.h"
#include "quant/calibration_table.h"
#include "quant/int8_plan.h"
#include "runtime/fold_batch_norm.h"

namespace whittle {

void check_qat_model(const Graph& folded, const QuantSpec& spec) {
  // What fold_batch_norm would still fold: fold a shallow copy (the pass
  // replaces the conv's tensors in the copy's map, never writes into them)
  // and look for the BatchNorms it removed.
  Graph probe = folded;
  if (fold_batch_norm(probe).changed) {
    for (const Node& n : folded.nodes) {
      if (n.op != Op::BatchNorm2d || probe.find_node(n.name) >= 0) continue;
      const int conv = folded.producer(n.inputs.at(0));
      throw Error("quantization-aware training needs a BatchNorm-folded graph: " + n.label() +
                  " follows " + (conv >= 0 ? folded.nodes[conv].label() : std::string("a conv")) +
                  " and is not folded (train the graph of prepare_for_int8, as calibrated)");
    }
  }
  try {
    plan_int8(QuantizedGraph{folded, spec});
  } catch (const Error& e) {
    throw Error(std::string("quantization-aware training: ") + e.what());
  }
}

std::optional<QuantSpec> qat_spec_of(const Graph& graph) {
  auto it = graph.metadata.find(kQatSpecKey);
  if (it == graph.metadata.end()) return std::nullopt;
  return parse_calibration_table(it->second, std::string("metadata ") + kQatSpecKey);
}

QatResult quantization_aware_finetune(const Detector& folded, const QuantSpec& calibrated,
                                      const Dataset& train, const Dataset* val,
                                      TrainOptions options, Progress& progress) {
  if (!folded.head) throw Error("quantization-aware training: the detector has no head");
  check_qat_model(folded.graph, calibrated);  // before the copy
  Detector detector{folded.graph.clone(), folded.head, folded.classes, folded.preprocess};
  options.qat = calibrated;
  QatResult result;
  result.train = train_detector(detector, train, val, options, progress);
  detector.graph.metadata.erase(kQatSpecKey);
  result.model.graph = std::move(detector.graph);
  result.model.spec = calibrated;
  return result;
}

}  // namespace whittle
