#pragma once
// The images (and, for a detector, the loss) that the data-driven criteria
// taylor and apoz (prune/importance.h) score channels on: the first images of
// a VOC data set, preprocessed as evaluation does. The CLI's prune,
// sensitivity and prune-schedule commands and the GUI's importance views
// read them here.
#include <cstddef>
#include <string>

#include "data/dataset.h"
#include "graph/graph.h"
#include "jobs/progress.h"
#include "models/detector.h"
#include "prune/importance.h"

namespace whittle {

struct ImportanceDataOptions {
  std::string root;  // VOC data set folder or VOCdevkit
  std::string set;   // image set (ImageSets/Main/<set>.txt)
  int images = 64;   // the set's first N
  int batch = 8;     // images per batch
  int workers = 2;   // loader threads decoding images
};

// The set's first images, preprocessed as eval does (the detector's
// preprocessing, else a plain resize to the graph's square RGB input), as
// importance batches. With a detector (its classes label the data) the loss
// is its head's training loss against each batch's boxes, as the trainer
// computes it; without one there is no loss (taylor cannot run).
// Reports progress per batch and checks cancellation (throws Cancelled);
// logs one line, "importance data: N images of ROOT (set SET), B batches".
// `images_read` gets the number of images. Throws whittle::Error starting
// "<context>: " (e.g. the command) for a graph without one input or (no
// detector) without a square RGB input, or a set without images.
ImportanceData read_importance_data(const Graph& graph, const Detector* detector,
                                    const ImportanceDataOptions& options, const std::string& context,
                                    Progress& progress, size_t* images_read = nullptr);

// The same from a data set already in memory (e.g. the one the GUI has
// open): its first `options.images` images; options.root and options.set
// only name it in the log line. With a detector, objects are relabelled by
// class name to the detector's classes; a class the detector lacks throws
// whittle::Error naming it.
ImportanceData importance_data_from(const Graph& graph, const Detector* detector, Dataset data,
                                    const ImportanceDataOptions& options, const std::string& context,
                                    Progress& progress);

}  // namespace whittle
