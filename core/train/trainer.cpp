#include "train/trainer.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <set>

#include "data/loader.h"
#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/onnx_export.h"
#include "io/onnx_import.h"
#include "quant/calibration_table.h"
#include "quant/fake_quant.h"
#include "runtime/runner.h"
#include "runtime/threading.h"
#include "train/distill.h"
#include "train/qat.h"

namespace whittle {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else
    std::snprintf(buf, sizeof(buf), "%ld:%02ld", s / 60, s % 60);
  return buf;
}

std::string loss_text(double loss, const std::map<std::string, double>& parts) {
  std::string s = "loss " + format("%.4f", loss);
  if (!parts.empty()) {
    s += " (";
    bool first = true;
    for (const auto& [k, v] : parts) {
      s += (first ? "" : ", ") + k + " " + format("%.4f", v);
      first = false;
    }
    s += ")";
  }
  return s;
}

std::string non_finite_text(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

// Forwards an inner job's progress (validation) to the trainer's sink at a
// fixed fraction, and the sink's cancellation to the inner job.
class StageProgress : public Progress {
 public:
  StageProgress(Progress& parent, double fraction, std::string prefix)
      : parent_(parent), fraction_(fraction), prefix_(std::move(prefix)) {
    set_interval(std::chrono::milliseconds(0));  // the parent throttles
    if (parent_.cancelled()) cancel();
  }

 protected:
  // Called on every inner report (interval 0): the parent's cancellation
  // reaches the inner job before its next batch.
  void on_progress(double, const std::string& message) override {
    parent_.report(fraction_, prefix_ + message);
    if (parent_.cancelled()) cancel();
  }
  void on_log(const std::string& message) override { parent_.log(prefix_ + message); }

 private:
  Progress& parent_;
  double fraction_;
  std::string prefix_;
};

// Gives the graph's tensors back as they were (no gradients, requires_grad
// as before the training Runner set it) however train_detector ends.
class ParameterRestore {
 public:
  explicit ParameterRestore(const std::vector<NamedParameter>& params) : params_(params) {
    for (const auto& p : params_) had_grad_.push_back(p.tensor.requires_grad());
  }
  ~ParameterRestore() {
    for (size_t i = 0; i < params_.size(); ++i) {
      at::Tensor t = params_[i].tensor;
      if (t.grad().defined()) t.mutable_grad() = at::Tensor();
      if (!had_grad_[i]) t.requires_grad_(false);
    }
  }

 private:
  std::vector<NamedParameter> params_;
  std::vector<bool> had_grad_;
};

void validate_options(const TrainOptions& o) {
  if (o.epochs < 1) throw Error("train: epochs must be >= 1");
  if (o.batch_size < 1) throw Error("train: batch size must be >= 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) throw Error("train: lr must be > 0");
  if (o.workers < 0) throw Error("train: workers must be >= 0");
  if (o.val_every < 0) throw Error("train: val_every must be >= 0");
  if (!(o.clip_norm >= 0)) throw Error("train: clip norm must be >= 0");
  if (!(o.distill_weight >= 0) || !std::isfinite(o.distill_weight))
    throw Error("train: distillation weight must be >= 0");
  if (o.resume && o.checkpoint.empty()) throw Error("train: resume needs the checkpoint path");
  if (!o.checkpoint.empty()) {  // fail now, not after the first epoch
    const std::filesystem::path folder = std::filesystem::path(o.checkpoint).parent_path();
    std::error_code ec;
    if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
      throw Error("train: the checkpoint's folder " + folder.string() + " does not exist");
  }
}

void check_data(const Detector& detector, const Dataset& data, const std::string& what) {
  const int64_t n = detector.head->num_classes();
  if (static_cast<int64_t>(data.classes.size()) != n)
    throw Error(what + " data set has " + std::to_string(data.classes.size()) +
                " classes, the model's head has " + std::to_string(n));
  if (!detector.classes.empty() && detector.classes != data.classes) {
    for (size_t i = 0; i < data.classes.size(); ++i)
      if (i >= detector.classes.size() || detector.classes[i] != data.classes[i])
        throw Error(what + " data set's class " + std::to_string(i) + " is '" + data.classes[i] +
                    "', the model's is '" +
                    (i < detector.classes.size() ? detector.classes[i] : std::string("(none)")) + "'");
  }
  for (const auto& image : data.images)
    for (const auto& object : image.objects)
      if (object.label < 0 || object.label >= n)
        throw Error(what + " image '" + image.id + "': object '" + object.name + "' has label " +
                    std::to_string(object.label) + " (the model has " + std::to_string(n) +
                    " classes)");
}

// The teacher runs on the student's batches and must give the head's outputs.
void check_teacher(const Detector& teacher, const Detector& student) {
  if (teacher.graph.inputs.size() != 1)
    throw Error("distillation: the teacher's graph must have exactly one input, it has " +
                std::to_string(teacher.graph.inputs.size()));
  if (teacher.preprocess.input_size != student.preprocess.input_size)
    throw Error("distillation: the teacher takes " + std::to_string(teacher.preprocess.input_size) +
                " px images, the student " + std::to_string(student.preprocess.input_size));
  for (const auto& name : student.head->output_names())
    if (!teacher.graph.is_output(name))
      throw Error("distillation: the teacher's graph has no output '" + name + "' (a different family?)");
}

// A QAT checkpoint carries its spec (kQatSpecKey): resuming needs the same
// spec, and a plain run cannot resume a QAT checkpoint nor the reverse.
void check_resume_qat(const Graph& saved, const std::string& path, const std::optional<QuantSpec>& qat) {
  auto it = saved.metadata.find(kQatSpecKey);
  const bool saved_qat = it != saved.metadata.end();
  if (saved_qat && !qat)
    throw Error("cannot resume from " + path +
                ": it was written by quantization-aware training (metadata " + kQatSpecKey +
                "); resume it with that QuantSpec (TrainOptions::qat, qat_spec_of)");
  if (!saved_qat && qat)
    throw Error("cannot resume quantization-aware training from " + path +
                ": it was not written by quantization-aware training (no metadata " + kQatSpecKey + ")");
  if (qat && it->second != calibration_table_text(*qat))
    throw Error("cannot resume from " + path +
                ": it was trained with another QuantSpec (its metadata " + kQatSpecKey +
                " differs from the spec given)");
}

// Loads the checkpoint's weights into detector.graph and returns its state.
// Everything is checked before a weight is touched.
TrainState resume_from(Detector& detector, const std::string& path, const std::optional<QuantSpec>& qat) {
  const std::string sidecar = train_state_path(path);
  const std::string bytes = read_file(path);
  TrainState state = load_train_state(sidecar);
  if (state.model_size != bytes.size() || state.model_hash != fnv1a64(bytes))
    throw Error("cannot resume: " + path + " and " + sidecar +
                " do not belong together (written by different epochs or runs)");
  const Graph saved = from_onnx_bytes(bytes, path);
  check_resume_qat(saved, path, qat);
  std::set<std::string> seen;
  for (const auto& node : detector.graph.nodes) {
    const int si = saved.find_node(node.name);
    for (const auto& [key, tensor] : node.weights) {
      if (si < 0 || !saved.nodes[si].has_weight(key))
        throw Error("cannot resume from " + path + ": it has no weight '" + node.name + "." + key +
                    "' (a different model?)");
      const at::Tensor& from = saved.nodes[si].weight(key);
      if (!from.sizes().equals(tensor.sizes()) || from.scalar_type() != tensor.scalar_type())
        throw Error("cannot resume from " + path + ": weight '" + node.name + "." + key +
                    "' differs in shape or type (a different model?)");
      seen.insert(node.name + "." + key);
    }
  }
  for (const auto& node : saved.nodes)
    for (const auto& [key, tensor] : node.weights)
      if (!seen.count(node.name + "." + key))
        throw Error("cannot resume from " + path + ": its weight '" + node.name + "." + key +
                    "' is not in the model (a different model?)");
  at::NoGradGuard no_grad;
  for (auto& node : detector.graph.nodes) {
    const Node& from = saved.node(node.name);
    for (auto& [key, tensor] : node.weights) tensor.copy_(from.weight(key));
  }
  return state;
}

}  // namespace

std::vector<NamedParameter> named_parameters(const Graph& graph) {
  std::vector<NamedParameter> params;
  for (const auto& node : graph.nodes)
    for (const auto& [key, tensor] : node.weights)
      if (is_parameter(key)) params.push_back({node.name + "." + key, tensor});
  return params;
}

TrainResult train_detector(Detector& detector, const Dataset& train, const Dataset* val,
                           const TrainOptions& options, Progress& progress) {
  const Clock::time_point start = Clock::now();
  validate_options(options);
  if (!detector.head) throw Error("train: the detector has no head");
  if (detector.graph.inputs.size() != 1)
    throw Error("train: the graph must have exactly one input, it has " +
                std::to_string(detector.graph.inputs.size()));
  check_data(detector, train, "training");
  if (val) check_data(detector, *val, "validation");
  if (options.qat) check_qat_model(detector.graph, *options.qat);
  if (detector.classes.empty()) detector.classes = train.classes;
  set_threads(options.threads);

  TrainResult result;
  TrainState state;
  state.seed = options.seed;
  std::string last_good;     // the last checkpoint on disk
  int last_good_epoch = 0;
  if (options.resume) {
    state = resume_from(detector, options.checkpoint, options.qat);
    last_good = options.checkpoint;
    last_good_epoch = state.epochs_done;
    progress.log("resumed from " + options.checkpoint + " after epoch " +
                 std::to_string(state.epochs_done) + " (global step " +
                 std::to_string(state.global_step) + ")");
    if (state.seed != options.seed)
      progress.log("resume: using the checkpoint's seed " + std::to_string(state.seed) +
                   " (not " + std::to_string(options.seed) + ")");
  }
  auto fill_result = [&] {
    result.curve = state.curve;
    result.epochs_done = state.epochs_done;
    result.global_step = state.global_step;
    result.best_map = state.best_map;
    result.best_epoch = state.best_epoch;
    result.checkpoint = last_good;
    result.seconds = seconds_since(start);
  };
  if (state.epochs_done >= options.epochs) {
    progress.log("already trained for " + std::to_string(state.epochs_done) + " epochs");
    fill_result();
    return result;
  }
  if (!options.checkpoint.empty()) {
    store_detector_metadata(detector);
    if (options.qat)
      detector.graph.metadata[kQatSpecKey] = calibration_table_text(*options.qat);
    else
      detector.graph.metadata.erase(kQatSpecKey);  // e.g. fp32 training of a QAT checkpoint
  }

  LoaderOptions lo;
  lo.transform = options.augment ? LoaderTransform::SsdTrain : LoaderTransform::Resize;
  lo.size = static_cast<int>(detector.preprocess.input_size);
  lo.batch_size = options.batch_size;
  lo.shuffle = true;
  lo.seed = state.seed;
  lo.workers = options.workers;
  lo.prefetch = std::max(options.workers, 1) + 1;
  // Ragged last batches (down to one image) upset BatchNorm: drop them when
  // the data set holds at least one full batch.
  lo.drop_last = train.images.size() >= static_cast<size_t>(options.batch_size);
  lo.augment = options.augmentation;
  DetectionLoader loader(train, lo);
  const int64_t steps_per_epoch = static_cast<int64_t>(loader.batches_per_epoch());

  ScheduleOptions so;
  so.kind = options.schedule;
  so.lr = options.lr;
  so.warmup_steps = options.warmup_steps;
  so.warmup_factor = options.warmup_factor;
  so.min_lr = options.min_lr;
  so.milestones = options.milestones;
  so.gamma = options.gamma;
  so.total_steps = steps_per_epoch * options.epochs;
  so.steps_per_epoch = steps_per_epoch;
  validate_schedule(so);

  OptimizerOptions oo;
  oo.kind = options.optimizer;
  oo.momentum = options.momentum;
  oo.nesterov = options.nesterov;
  oo.weight_decay = options.weight_decay;
  oo.decay_all = options.decay_all;
  oo.beta1 = options.adam_beta1;
  oo.beta2 = options.adam_beta2;
  oo.eps = options.adam_eps;

  const std::vector<NamedParameter> params = named_parameters(detector.graph);
  ParameterRestore restore(params);
  // The forward pass: the fp32 training Runner over the graph's own tensors
  // (it sets requires_grad on them), or under QAT the fake-quant simulation
  // of int8 over the same tensors (shared, not copied; validation runs it
  // too, so it scores the model as it will run in int8).
  std::unique_ptr<GraphExecutor> forward;
  FakeQuantRunner* fake_quant = nullptr;
  if (options.qat) {
    for (const auto& p : params) p.tensor.requires_grad_(true);
    auto runner = std::make_unique<FakeQuantRunner>(QuantizedGraph{detector.graph, *options.qat});
    fake_quant = runner.get();
    forward = std::move(runner);
  } else {
    forward = std::make_unique<Runner>(detector.graph, RunnerOptions{RunMode::Training});
  }
  std::optional<Runner> teacher;  // inference mode: BatchNorm folded, no gradients
  const bool distill = options.teacher && options.distill_weight > 0;
  if (distill) {
    check_teacher(*options.teacher, detector);
    teacher.emplace(options.teacher->graph, RunnerOptions{});
  }
  Optimizer optimizer(params, oo);
  if (options.resume) optimizer.load_state(state.optimizer);

  const std::string input = detector.graph.inputs[0].name;
  const std::vector<std::string> outputs = detector.head->output_names();
  const int64_t total_steps = so.total_steps;
  const int first_epoch = state.epochs_done;
  int64_t steps_this_call = 0;
  double train_seconds = 0;

  for (int epoch = first_epoch; epoch < options.epochs; ++epoch) {
    const std::string epoch_text = "epoch " + std::to_string(epoch + 1) + "/" + std::to_string(options.epochs);
    at::manual_seed(mix_seed(state.seed, static_cast<uint64_t>(epoch)));  // head-side randomness
    // The loader starts at epoch 0 by itself; a reset would discard its prefetch.
    if (loader.epoch() != static_cast<uint64_t>(epoch)) loader.reset(static_cast<uint64_t>(epoch));
    const Clock::time_point epoch_start = Clock::now();
    EpochRecord record;
    record.epoch = epoch + 1;
    double loss_sum = 0;
    std::map<std::string, double> part_sums;
    int64_t step = 0;

    while (true) {
      progress.check_cancelled();
      std::optional<Batch> batch = loader.next();
      if (!batch) break;
      ++step;
      const Clock::time_point step_start = Clock::now();
      const double lr = learning_rate(so, state.global_step);

      const at::Tensor x = normalize_images(batch->images, detector.preprocess);
      TensorMap raw = forward->run({{input, x}});
      const TensorMap head_in = head_inputs(*detector.head, raw, "train");
      std::vector<Target> targets(batch->boxes.size());
      for (size_t i = 0; i < targets.size(); ++i) targets[i] = {batch->boxes[i], batch->labels[i]};
      HeadLoss loss = detector.head->loss(head_in, targets);
      if (distill) {
        const Preprocess& tp = options.teacher->preprocess;
        const bool same = tp.mean == detector.preprocess.mean && tp.std == detector.preprocess.std;
        const TensorMap taught = teacher->run(
            {{options.teacher->graph.inputs[0].name, same ? x : normalize_images(batch->images, tp)}});
        const at::Tensor d = distillation_loss(head_in, taught, outputs);
        loss.parts["distill"] = d.item<double>();
        loss.total = loss.total + options.distill_weight * d;
      }

      const double value = loss.total.item<double>();
      double grad_norm = 0;
      if (std::isfinite(value)) {
        optimizer.zero_grad();
        loss.total.backward();
        grad_norm = clip_grad_norm(params, options.clip_norm);
      }
      if (!std::isfinite(value) || !std::isfinite(grad_norm)) {
        const bool bad_loss = !std::isfinite(value);
        throw Error(std::string(bad_loss ? "non-finite loss (" : "non-finite gradient norm (") +
                    non_finite_text(bad_loss ? value : grad_norm) + ") at epoch " +
                    std::to_string(epoch + 1) + " step " + std::to_string(step) +
                    " (global step " + std::to_string(state.global_step + 1) + "); " +
                    (last_good.empty()
                         ? std::string("no checkpoint was written before it")
                         : "the last good checkpoint " + last_good + " (epoch " +
                               std::to_string(last_good_epoch) + ") is kept"));
      }
      optimizer.step(lr);
      ++state.global_step;
      ++steps_this_call;

      loss_sum += value;
      for (const auto& [k, v] : loss.parts) part_sums[k] += v;
      record.lr = lr;
      train_seconds += seconds_since(step_start);
      if (options.on_step) options.on_step(state.global_step, value);

      const double epoch_elapsed = seconds_since(epoch_start);
      const double its = step / std::max(epoch_elapsed, 1e-9);
      const double eta = train_seconds / steps_this_call * (total_steps - state.global_step);
      std::map<std::string, double> part_means;
      for (const auto& [k, v] : part_sums) part_means[k] = v / step;
      progress.report(static_cast<double>(state.global_step) / total_steps,
                      epoch_text + " step " + std::to_string(step) + "/" +
                          std::to_string(steps_per_epoch) + " " + loss_text(loss_sum / step, part_means) +
                          " lr " + format("%.3g", lr) + " " + format("%.2f", its) +
                          " it/s ETA " + duration_text(eta));
    }

    record.steps = step;
    record.loss = step > 0 ? loss_sum / step : std::numeric_limits<double>::quiet_NaN();
    for (const auto& [k, v] : part_sums) record.loss_parts[k] = v / std::max<int64_t>(step, 1);
    record.seconds = seconds_since(epoch_start);
    std::string line = epoch_text + ": " + loss_text(record.loss, record.loss_parts) + ", lr " +
                       format("%.3g", record.lr) + ", " + std::to_string(step) + " steps in " +
                       format("%.1f", record.seconds) + " s (" +
                       format("%.2f", step / std::max(record.seconds, 1e-9)) + " it/s)";

    const bool validate = val && options.val_every > 0 &&
                          ((epoch + 1) % options.val_every == 0 || epoch + 1 == options.epochs);
    if (validate) {
      StageProgress stage(progress, static_cast<double>(state.global_step) / total_steps,
                          epoch_text + " validation: ");
      EvalOptions eo = options.val;
      eo.workers = options.workers;
      result.last_eval = fake_quant ? evaluate_detector(detector, *fake_quant, *val,
                                                        options.val_metric, eo, stage)
                                    : evaluate_detector(detector, *val, options.val_metric, eo, stage);
      record.val_map = result.last_eval->map.map;
      const bool best = std::isfinite(record.val_map) &&
                        (!std::isfinite(state.best_map) || record.val_map > state.best_map);
      if (best) {
        state.best_map = record.val_map;
        state.best_epoch = epoch + 1;
      }
      line += "; val mAP " + format("%.4f", record.val_map) + " (" +
              ap_metric_name(options.val_metric) + (best ? ", best" : "") + ", " +
              format("%.1f", result.last_eval->ms_per_image) + " ms/image)";
    }
    state.curve.push_back(record);
    state.epochs_done = epoch + 1;

    if (!options.checkpoint.empty()) {
      // Model first, then the state that names its hash: a crash between the
      // two leaves a pair that resume refuses rather than mixes.
      state.optimizer = optimizer.state();
      const std::string bytes = to_onnx_bytes(detector.graph);
      state.model_size = bytes.size();
      state.model_hash = fnv1a64(bytes);
      write_file_atomic(options.checkpoint, bytes);
      save_train_state(state, train_state_path(options.checkpoint));
      state.optimizer = {};
      last_good = options.checkpoint;
      last_good_epoch = epoch + 1;
      line += "; saved " + options.checkpoint;
    }
    progress.log(line);
    if (options.on_epoch) options.on_epoch(record);
  }
  progress.report(1.0, "trained " + std::to_string(options.epochs) + " epochs");
  fill_result();
  return result;
}

}  // namespace whittle
