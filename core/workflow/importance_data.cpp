#include "workflow/importance_data.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "data/loader.h"
#include "data/voc_reader.h"
#include "eval/evaluate_detector.h"
#include "graph/error.h"
#include "graph/shape_inference.h"
#include "workflow/detector_file.h"

namespace whittle {
namespace {

// The preprocessing the batches get; throws for a graph the data cannot feed.
Preprocess preprocess_for(const Graph& graph, const Detector* detector, const std::string& context) {
  if (graph.inputs.size() != 1)
    throw Error(context + ": --data needs a model with one input, this one has " +
                std::to_string(graph.inputs.size()));
  Preprocess preprocess;
  if (detector) {
    preprocess = detector->preprocess;
  } else {
    const Shape& shape = graph.inputs[0].shape;
    if (shape.size() != 4 || shape[1] != 3 || shape[2] != shape[3])
      throw Error(context + ": --data needs a square RGB input [N, 3, S, S], the model's is " +
                  format_shape(shape));
    preprocess.input_size = shape[2];
  }
  return preprocess;
}

// Labels of `data` as indices into the detector's `classes`, by name.
void relabel(Dataset& data, const std::vector<std::string>& classes, const std::string& context) {
  if (data.classes == classes || relabel_dataset(data, classes)) return;
  for (const ImageRecord& image : data.images)
    for (const Object& object : image.objects)
      if (std::find(classes.begin(), classes.end(), object.name) == classes.end())
        throw Error(context + ": the data's class '" + object.name + "' (image " + image.id +
                    ") is not one of the detector's classes");
  throw Error(context + ": the data's classes do not match the detector's");
}

ImportanceData batches_of(const Graph& graph, const Detector* detector, const Preprocess& preprocess,
                          Dataset data, const ImportanceDataOptions& o, const std::string& context,
                          Progress& progress) {
  if (data.images.empty())
    throw Error(context + ": " + o.root + (o.set.empty() ? "" : " (set " + o.set + ")") + " has no images");
  if (o.images < 1) throw Error(context + ": the number of importance images must be >= 1");
  if (static_cast<int>(data.images.size()) > o.images) data.images.resize(static_cast<size_t>(o.images));
  if (detector && !detector->classes.empty()) relabel(data, detector->classes, context);
  const size_t images = data.images.size();

  LoaderOptions lo;
  lo.transform = preprocess.letterbox ? LoaderTransform::Letterbox : LoaderTransform::Resize;
  lo.size = static_cast<int>(preprocess.input_size);
  lo.batch_size = o.batch;
  lo.workers = o.workers;
  lo.prefetch = std::max(3, o.workers);
  DetectionLoader loader(std::move(data), lo);
  const size_t total = loader.batches_per_epoch();

  auto targets = std::make_shared<std::vector<std::vector<Target>>>();
  ImportanceData result;
  const std::string input = graph.inputs[0].name;
  progress.report(0.0, "reading images");
  while (std::optional<Batch> batch = loader.next()) {
    progress.check_cancelled();
    result.batches.push_back({{input, normalize_images(batch->images, preprocess)}});
    std::vector<Target> t(batch->boxes.size());
    for (size_t i = 0; i < t.size(); ++i) t[i] = {batch->boxes[i], batch->labels[i]};
    targets->push_back(std::move(t));
    const size_t done = result.batches.size();
    progress.report(total ? static_cast<double>(done) / static_cast<double>(total) : -1.0,
                    "batch " + std::to_string(done) + "/" + std::to_string(total));
  }
  std::string source = o.root.empty() ? "" : " of " + o.root;
  if (!o.set.empty()) source += " (set " + o.set + ")";
  progress.log("importance data: " + std::to_string(images) + " images" + source + ", " +
               std::to_string(result.batches.size()) + " batches");
  if (detector) {
    const std::shared_ptr<const Head> head = detector->head;
    result.loss = [head, targets, context](const TensorMap& outputs, size_t batch) {
      return head->loss(head_inputs(*head, outputs, context), targets->at(batch)).total;
    };
  }
  return result;
}

}  // namespace

ImportanceData read_importance_data(const Graph& graph, const Detector* detector,
                                    const ImportanceDataOptions& o, const std::string& context,
                                    Progress& progress, size_t* images_read) {
  const Preprocess preprocess = preprocess_for(graph, detector, context);
  VocReadOptions read;
  read.sets = {o.set};
  if (detector) read.classes = detector->classes;
  Dataset data = read_voc(o.root, read);
  const size_t images = std::min(data.images.size(), static_cast<size_t>(std::max(o.images, 0)));
  ImportanceData result = batches_of(graph, detector, preprocess, std::move(data), o, context, progress);
  if (images_read) *images_read = images;
  return result;
}

ImportanceData importance_data_from(const Graph& graph, const Detector* detector, Dataset data,
                                    const ImportanceDataOptions& o, const std::string& context,
                                    Progress& progress) {
  const Preprocess preprocess = preprocess_for(graph, detector, context);
  return batches_of(graph, detector, preprocess, std::move(data), o, context, progress);
}

}  // namespace whittle
