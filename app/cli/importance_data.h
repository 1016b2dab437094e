#pragma once
// The images (and, for a detector, the loss) that the data-driven criteria
// taylor and apoz (prune/importance.h) score channels on, read from a VOC
// data set for prune, sensitivity and prune-schedule.
#include <cstddef>
#include <iosfwd>
#include <string>

#include "graph/graph.h"
#include "models/detector.h"
#include "prune/importance.h"

namespace whittle::cli {

struct ImportanceDataOptions {
  std::string root;  // VOC data set folder or VOCdevkit
  std::string set;   // image set (ImageSets/Main/<set>.txt)
  int images = 64;   // the set's first N
  int batch = 8;     // images per batch
};

// The set's first images, preprocessed as eval does (the detector's
// preprocessing, else a plain resize to the graph's square RGB input), as
// importance batches. With a detector (its classes label the data) the loss
// is its head's training loss against each batch's boxes, as the trainer
// computes it; without one there is no loss (taylor cannot run). Logs one
// line to `log`; `images_read` gets the number of images. Throws
// whittle::Error starting "<command>: " for a graph without one input or (no
// detector) without a square RGB input, or a set without images.
ImportanceData read_importance_data(const Graph& graph, const Detector* detector,
                                    const ImportanceDataOptions& options, const std::string& command,
                                    std::ostream& log, size_t* images_read = nullptr);

}  // namespace whittle::cli
