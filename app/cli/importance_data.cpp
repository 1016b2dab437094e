#include "cli/importance_data.h"

#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "data/loader.h"
#include "data/voc_reader.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle::cli {

ImportanceData read_importance_data(const Graph& graph, const Detector* detector,
                                    const ImportanceDataOptions& o, const std::string& command,
                                    std::ostream& log, size_t* images_read) {
  if (graph.inputs.size() != 1)
    throw Error(command + ": --data needs a model with one input, this one has " +
                std::to_string(graph.inputs.size()));
  Preprocess preprocess;
  if (detector) {
    preprocess = detector->preprocess;
  } else {
    const Shape& shape = graph.inputs[0].shape;
    if (shape.size() != 4 || shape[1] != 3 || shape[2] != shape[3])
      throw Error(command + ": --data needs a square RGB input [N, 3, S, S], the model's is " +
                  format_shape(shape));
    preprocess.input_size = shape[2];
  }
  VocReadOptions read;
  read.sets = {o.set};
  if (detector) read.classes = detector->classes;
  Dataset data = read_voc(o.root, read);
  if (data.images.empty()) throw Error(command + ": " + o.root + " (set " + o.set + ") has no images");
  if (static_cast<int>(data.images.size()) > o.images) data.images.resize(static_cast<size_t>(o.images));

  LoaderOptions lo;
  lo.transform = preprocess.letterbox ? LoaderTransform::Letterbox : LoaderTransform::Resize;
  lo.size = static_cast<int>(preprocess.input_size);
  lo.batch_size = o.batch;
  lo.workers = 2;
  lo.prefetch = 3;
  DetectionLoader loader(data, lo);

  auto targets = std::make_shared<std::vector<std::vector<Target>>>();
  ImportanceData result;
  const std::string input = graph.inputs[0].name;
  while (std::optional<Batch> batch = loader.next()) {
    result.batches.push_back({{input, normalize_images(batch->images, preprocess)}});
    std::vector<Target> t(batch->boxes.size());
    for (size_t i = 0; i < t.size(); ++i) t[i] = {batch->boxes[i], batch->labels[i]};
    targets->push_back(std::move(t));
  }
  if (images_read) *images_read = data.images.size();
  log << "importance data: " << data.images.size() << " images of " << o.root << " (set " << o.set << "), "
      << result.batches.size() << " batches\n";
  if (detector) {
    const std::shared_ptr<const Head> head = detector->head;
    result.loss = [head, targets, command](const TensorMap& outputs, size_t batch) {
      return head->loss(head_inputs(*head, outputs, command), targets->at(batch)).total;
    };
  }
  return result;
}

}  // namespace whittle::cli
