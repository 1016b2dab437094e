#include "data/loader.h"

#include <ATen/ATen.h>

#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <numeric>

#include "graph/error.h"

namespace whittle {
namespace {

// Thrown inside make_batch when the loader stops or the epoch was reset:
// the batch is abandoned, not reported.
struct Abandoned {};

constexpr uint64_t kShuffleTag = 0x53485546464c45ULL;  // "SHUFFLE": keeps the order stream apart

}  // namespace

// ---- tensors ------------------------------------------------------------------

void image_to_tensor(const cv::Mat& bgr, float* dst) {
  if (bgr.type() != CV_8UC3) throw Error("image_to_tensor: expected a CV_8UC3 BGR image");
  const size_t plane = static_cast<size_t>(bgr.rows) * bgr.cols;
  float* r = dst;
  float* g = dst + plane;
  float* b = dst + 2 * plane;
  for (int y = 0; y < bgr.rows; ++y) {
    const uint8_t* p = bgr.ptr<uint8_t>(y);
    const size_t row = static_cast<size_t>(y) * bgr.cols;
    for (int x = 0; x < bgr.cols; ++x, p += 3) {
      b[row + x] = p[0] / 255.0f;
      g[row + x] = p[1] / 255.0f;
      r[row + x] = p[2] / 255.0f;
    }
  }
}

at::Tensor image_to_tensor(const cv::Mat& bgr) {
  at::Tensor t = at::empty({3, bgr.rows, bgr.cols}, at::kFloat);
  image_to_tensor(bgr, t.data_ptr<float>());
  return t;
}

at::Tensor boxes_to_tensor(const std::vector<BoxF>& boxes, int width, int height) {
  at::Tensor t = at::empty({static_cast<int64_t>(boxes.size()), 4}, at::kFloat);
  float* p = t.data_ptr<float>();
  const float w = static_cast<float>(width), h = static_cast<float>(height);
  for (const BoxF& b : boxes) {
    *p++ = b[0] / w;
    *p++ = b[1] / h;
    *p++ = b[2] / w;
    *p++ = b[3] / h;
  }
  return t;
}

// ---- loader ---------------------------------------------------------------------

DetectionLoader::DetectionLoader(Dataset dataset, LoaderOptions options)
    : dataset_(std::move(dataset)), options_(std::move(options)) {
  if (dataset_.images.empty()) throw Error("DetectionLoader: the data set has no images");
  if (options_.size <= 0) throw Error("DetectionLoader: size must be positive");
  if (options_.batch_size <= 0) throw Error("DetectionLoader: batch_size must be positive");
  if (options_.workers < 0) throw Error("DetectionLoader: workers must be >= 0");
  if (options_.prefetch < 1) throw Error("DetectionLoader: prefetch must be >= 1");
  const size_t n = dataset_.images.size(), b = static_cast<size_t>(options_.batch_size);
  num_batches_ = options_.drop_last ? n / b : (n + b - 1) / b;
  reset(0);
  workers_.reserve(options_.workers);
  try {
    for (int i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {  // no destructor runs for a throwing constructor: join what started
    stop_workers();
    throw;
  }
}

DetectionLoader::~DetectionLoader() { stop_workers(); }

void DetectionLoader::stop_workers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_all();
  ready_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
}

void DetectionLoader::reset(uint64_t epoch) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    epoch_ = epoch;
    order_.resize(dataset_.images.size());
    std::iota(order_.begin(), order_.end(), size_t{0});
    if (options_.shuffle) {
      // Fisher-Yates with Whittle's own draws: the same order on every platform.
      std::mt19937_64 rng(mix_seed(mix_seed(options_.seed, epoch), kShuffleTag));
      for (size_t i = order_.size() - 1; i > 0; --i)
        std::swap(order_[i], order_[uniform_index(rng, static_cast<int>(i + 1))]);
    }
    next_claim_ = 0;
    consumed_ = 0;
    ready_.clear();
  }
  work_cv_.notify_all();
}

std::vector<size_t> DetectionLoader::batch_indices_locked(size_t batch) const {
  const size_t b = static_cast<size_t>(options_.batch_size);
  const size_t begin = batch * b, end = std::min(begin + b, order_.size());
  return std::vector<size_t>(order_.begin() + begin, order_.begin() + end);
}

TransformedImage DetectionLoader::load_sample(size_t index, uint64_t epoch) const {
  const ImageRecord& record = dataset_.images.at(index);
  cv::Mat image;
  try {
    // Annotations are in the stored pixel frame: no EXIF rotation.
    image = cv::imread(record.image_path, cv::IMREAD_COLOR | cv::IMREAD_IGNORE_ORIENTATION);
  } catch (const cv::Exception& e) {
    throw Error(record.image_path + ": cannot decode the image (" + e.what() + ")");
  }
  if (image.empty()) throw Error(record.image_path + ": cannot read or decode the image");
  if (record.width > 0 && record.height > 0 &&
      (image.cols != record.width || image.rows != record.height))
    throw Error(record.image_path + ": decoded size " + std::to_string(image.cols) + "x" +
                std::to_string(image.rows) + " differs from the annotated " +
                std::to_string(record.width) + "x" + std::to_string(record.height));
  AnnotatedImage sample = make_annotated_image(record, std::move(image));
  const int s = options_.size;
  switch (options_.transform) {
    case LoaderTransform::SsdTrain: {
      TransformedImage out;
      ImageGeometry& g = out.geometry;  // the plain-resize mapping (see Batch::geometries)
      g.original_width = sample.image.cols;
      g.original_height = sample.image.rows;
      g.width = g.height = s;
      g.scale_x = static_cast<float>(s) / g.original_width;
      g.scale_y = static_cast<float>(s) / g.original_height;
      // Per-sample stream from (seed, epoch, index): independent of workers and order.
      std::mt19937_64 rng(mix_seed(mix_seed(options_.seed, epoch), index));
      out.sample = augment_ssd(sample, s, rng, options_.augment);
      return out;
    }
    case LoaderTransform::Resize:
      return resize_plain(sample, s);
    case LoaderTransform::Letterbox:
      return letterbox(sample, s, options_.letterbox_pad);
  }
  throw Error("DetectionLoader: unknown transform");
}

Batch DetectionLoader::make_batch(const std::vector<size_t>& indices, uint64_t epoch,
                                  uint64_t generation) const {
  const int64_t s = options_.size, n = static_cast<int64_t>(indices.size());
  Batch batch;
  batch.images = at::empty({n, 3, s, s}, at::kFloat);
  float* images = batch.images.data_ptr<float>();
  for (int64_t i = 0; i < n; ++i) {
    if (stop_ || generation_ != generation) throw Abandoned{};
    const size_t index = indices[i];
    TransformedImage t = load_sample(index, epoch);
    const AnnotatedImage& a = t.sample;
    image_to_tensor(a.image, images + i * 3 * s * s);
    batch.boxes.push_back(boxes_to_tensor(a.boxes, a.image.cols, a.image.rows));
    const int64_t m = static_cast<int64_t>(a.boxes.size());
    at::Tensor labels = at::empty({m}, at::kLong);
    at::Tensor difficult = at::empty({m}, at::kBool);
    int64_t* lp = labels.data_ptr<int64_t>();
    bool* dp = difficult.data_ptr<bool>();
    for (int64_t j = 0; j < m; ++j) {
      lp[j] = a.labels[j];
      dp[j] = a.difficult[j] != 0;
    }
    batch.labels.push_back(labels);
    batch.difficult.push_back(difficult);
    batch.image_ids.push_back(dataset_.images[index].id);
    batch.original_sizes.emplace_back(t.geometry.original_width, t.geometry.original_height);
    batch.geometries.push_back(t.geometry);
    batch.indices.push_back(index);
  }
  return batch;
}

void DetectionLoader::worker_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [&] {
      return stop_ || (next_claim_ < num_batches_ &&
                       next_claim_ < consumed_ + static_cast<size_t>(options_.prefetch));
    });
    if (stop_) return;
    const size_t b = next_claim_++;
    const uint64_t generation = generation_, epoch = epoch_;
    const std::vector<size_t> indices = batch_indices_locked(b);
    lock.unlock();
    Slot slot;
    try {
      slot.batch = make_batch(indices, epoch, generation);
    } catch (const Abandoned&) {
    } catch (...) {
      slot.error = std::current_exception();
    }
    lock.lock();
    if (!stop_ && generation == generation_ && (slot.batch || slot.error)) {
      ready_.emplace(b, std::move(slot));
      ready_cv_.notify_all();
    }
  }
}

std::optional<Batch> DetectionLoader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (consumed_ >= num_batches_) return std::nullopt;
  const size_t b = consumed_;
  if (workers_.empty()) {
    ++consumed_;
    const std::vector<size_t> indices = batch_indices_locked(b);
    const uint64_t generation = generation_, epoch = epoch_;
    lock.unlock();
    return make_batch(indices, epoch, generation);
  }
  ready_cv_.wait(lock, [&] { return ready_.count(b) > 0; });
  auto it = ready_.find(b);
  Slot slot = std::move(it->second);
  ready_.erase(it);
  ++consumed_;
  lock.unlock();
  work_cv_.notify_all();
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.batch);
}

}  // namespace whittle
