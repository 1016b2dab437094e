#pragma once
// Batched, prefetching loader for detection data sets, and the conversions
// from OpenCV images and boxes to tensors.
//
// Worker threads decode (cv::imread), transform and collate whole batches;
// batches come out in order, and each sample's randomness is seeded from
// (seed, epoch, index of the image in the data set), so the same options and
// epoch give identical batches whatever the number of workers.
//
// OpenCV threading: cv::setNumThreads is process-wide, so the loader does not
// call it. The transforms used here (imread, resize, cvtColor on one image)
// run on OpenCV's TBB pool for large images; with several loader workers on a
// small machine a program may prefer cv::setNumThreads(1) in main()
// (bench_loader measures both).
#include <ATen/core/Tensor.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "data/augment.h"
#include "data/dataset.h"
#include "data/letterbox.h"

namespace whittle {

// ---- tensors ------------------------------------------------------------------

// CV_8UC3 BGR H x W -> float32 RGB [3, H, W] in [0, 1] (no mean/std: that is
// the model's job).
at::Tensor image_to_tensor(const cv::Mat& bgr);
// The same, written into dst (float32, contiguous, 3 * H * W values).
void image_to_tensor(const cv::Mat& bgr, float* dst);
// Boxes in pixels of a width x height image -> float32 [N, 4] in [0, 1].
at::Tensor boxes_to_tensor(const std::vector<BoxF>& boxes, int width, int height);

// ---- loader ---------------------------------------------------------------------

enum class LoaderTransform {
  SsdTrain,   // augment_ssd (photometric, expand, IoU crop, flip, resize)
  Resize,     // resize_plain (SSD evaluation)
  Letterbox,  // letterbox (YOLO)
};

struct LoaderOptions {
  LoaderTransform transform = LoaderTransform::Resize;
  int size = 300;         // output images are size x size
  int batch_size = 8;
  bool shuffle = false;   // reshuffled per epoch from (seed, epoch)
  uint64_t seed = 0;
  int workers = 2;        // 0: batches are made in next(), on the caller's thread
  int prefetch = 4;       // batches made ahead of the consumer (>= 1); give >= workers
  bool drop_last = false; // drop the last, smaller batch
  SsdAugmentOptions augment;  // for SsdTrain
  uint8_t letterbox_pad = 114;
};

struct Batch {
  at::Tensor images;                     // [B, 3, S, S] float32 RGB in [0, 1]
  std::vector<at::Tensor> boxes;         // [Ni, 4] float32, x1 y1 x2 y2 normalised to [0, 1]
  std::vector<at::Tensor> labels;        // [Ni] int64
  std::vector<at::Tensor> difficult;     // [Ni] bool
  std::vector<std::string> image_ids;
  std::vector<std::pair<int, int>> original_sizes;  // (w, h) of the decoded image
  // Output -> original mapping per image (Resize, Letterbox). For SsdTrain
  // this is the plain-resize mapping and does not undo the random crop.
  std::vector<ImageGeometry> geometries;
  std::vector<size_t> indices;           // positions in Dataset::images
};

class DetectionLoader {
 public:
  // Starts epoch 0. Throws whittle::Error on bad options or an empty data set.
  DetectionLoader(Dataset dataset, LoaderOptions options);
  // Stops the workers; a batch in progress is abandoned between samples.
  ~DetectionLoader();
  DetectionLoader(const DetectionLoader&) = delete;
  DetectionLoader& operator=(const DetectionLoader&) = delete;

  // next() and reset() are for one consumer thread.
  // The next batch of the epoch in order, or nullopt when the epoch is done.
  // An image that fails to decode throws whittle::Error naming the file;
  // the following call continues with the next batch.
  std::optional<Batch> next();
  // Starts `epoch` from its first batch (order from (seed, epoch) when
  // shuffling); batches made ahead for the old epoch are discarded.
  void reset(uint64_t epoch);

  size_t batches_per_epoch() const { return num_batches_; }
  size_t size() const { return dataset_.images.size(); }
  uint64_t epoch() const { return epoch_; }
  const Dataset& dataset() const { return dataset_; }
  const LoaderOptions& options() const { return options_; }

  // One sample exactly as the loader makes it (decode + transform), for
  // tools and tests: image `index` of the data set in `epoch`.
  TransformedImage load_sample(size_t index, uint64_t epoch) const;

 private:
  struct Slot {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };

  std::vector<size_t> batch_indices_locked(size_t batch) const;
  Batch make_batch(const std::vector<size_t>& indices, uint64_t epoch, uint64_t generation) const;
  void worker_loop();
  void stop_workers();

  Dataset dataset_;
  LoaderOptions options_;
  size_t num_batches_ = 0;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;   // workers wait for room / a new epoch / stop
  std::condition_variable ready_cv_;  // next() waits for its batch
  uint64_t epoch_ = 0;
  std::vector<size_t> order_;         // this epoch's permutation of the data set
  size_t next_claim_ = 0;             // next batch a worker may take
  size_t consumed_ = 0;               // batches handed out by next()
  std::map<size_t, Slot> ready_;      // finished batches not yet handed out
  std::atomic<uint64_t> generation_{0};  // bumped by reset(): stale work is dropped
  std::atomic<bool> stop_{false};
  std::vector<std::thread> workers_;
};

}  // namespace whittle
