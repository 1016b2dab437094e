#pragma once
// Training state that ONNX cannot hold, saved beside the model: `<model>.train`.
// The model itself (weights and BatchNorm statistics) is the ONNX file; the
// sidecar holds the optimizer state, the epoch and global step, the seed,
// the best validation mAP and the learning curve, plus the size and FNV-1a
// hash of the ONNX bytes it belongs to, so a model and a sidecar written by
// different epochs (a crash between the two atomic writes) are caught.
//
// File layout: "WHTTRN01", u64 little-endian header length, a JSON header,
// then the raw float32 tensor bytes the header points into.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "io/fnv1a.h"  // fnv1a64, the model hash
#include "train/optimizer.h"

namespace whittle {

// One epoch of the learning curve.
struct EpochRecord {
  int epoch = 0;                       // 1-based
  int64_t steps = 0;                   // optimizer steps in the epoch
  double loss = 0;                     // mean training loss over the epoch
  std::map<std::string, double> loss_parts;  // means of the head's parts
  double lr = 0;                       // rate of the epoch's last step
  double val_map = std::numeric_limits<double>::quiet_NaN();  // NaN: not validated
  double seconds = 0;                  // training time (validation excluded)
};

struct TrainState {
  int epochs_done = 0;       // completed epochs; training resumes at this 0-based epoch
  int64_t global_step = 0;   // optimizer steps taken
  uint64_t seed = 0;
  double best_map = std::numeric_limits<double>::quiet_NaN();
  int best_epoch = 0;        // 1-based; 0: none
  std::vector<EpochRecord> curve;
  OptimizerState optimizer;
  uint64_t model_size = 0;   // bytes of the ONNX file this state belongs to
  uint64_t model_hash = 0;   // fnv1a64 of those bytes
};

// "<model_path>.train"
std::string train_state_path(const std::string& model_path);

std::string train_state_to_bytes(const TrainState& state);
// `origin` names the source in errors ("run.onnx.train: truncated ...").
TrainState train_state_from_bytes(const std::string& bytes, const std::string& origin);

// Atomic write (io/atomic_file.h); errors name the file.
void save_train_state(const TrainState& state, const std::string& path);
TrainState load_train_state(const std::string& path);

}  // namespace whittle
