// train_detector on a tiny fake detector: the loss falls, checkpoint + resume
// equals straight training bit for bit, a NaN stops with a message naming the
// step and keeps the last checkpoint, cancellation is prompt and harmless.
#include "train/trainer.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "train/fake_detector.h"

namespace whittle {
namespace {

using namespace whittle::testing;

class TrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("trainer");
    data_ = write_dataset(dir_ / "images", 8);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static TrainOptions options(int epochs) {
    TrainOptions o;
    o.epochs = epochs;
    o.batch_size = 3;  // 8 images -> 2 full batches per epoch (last one dropped)
    o.lr = 0.05;
    o.optimizer = OptimizerKind::Sgd;
    o.momentum = 0.9;
    o.weight_decay = 1e-4;
    o.seed = 11;
    o.workers = 1;
    o.threads = 2;
    o.val_every = 0;
    return o;
  }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }

  static inline fs::path dir_;
  static inline Dataset data_;
};

void expect_same_weights(const Graph& a, const Graph& b) {
  ASSERT_EQ(a.nodes.size(), b.nodes.size());
  for (size_t i = 0; i < a.nodes.size(); ++i)
    for (const auto& [key, t] : a.nodes[i].weights)
      EXPECT_TRUE(at::equal(t, b.nodes[i].weight(key))) << a.nodes[i].name << "." << key;
}

TEST_F(TrainerTest, LossFallsAndCurveIsRecorded) {
  Detector d = regression_detector(5);
  TrainOptions o = options(40);
  o.augment = false;
  o.optimizer = OptimizerKind::Adam;
  o.lr = 0.01;
  o.schedule = ScheduleKind::Cosine;
  o.warmup_steps = 3;
  o.clip_norm = 10.0;
  o.val_every = 4;
  RecordingProgress progress;
  TrainResult r = train_detector(d, data_, &data_, o, progress);

  ASSERT_EQ(r.curve.size(), 40u);
  EXPECT_EQ(r.epochs_done, 40);
  EXPECT_EQ(r.global_step, 80);
  EXPECT_LT(r.curve.back().loss, 0.2 * r.curve.front().loss)
      << "first " << r.curve.front().loss << " last " << r.curve.back().loss;
  EXPECT_EQ(r.curve[0].steps, 2);
  EXPECT_TRUE(r.curve[0].loss_parts.count("box"));
  EXPECT_LT(r.curve.back().lr, r.curve[5].lr);  // cosine decays
  for (int e = 0; e < 40; ++e)
    EXPECT_EQ(std::isfinite(r.curve[e].val_map), (e + 1) % 4 == 0) << e;
  ASSERT_TRUE(r.last_eval.has_value());
  EXPECT_EQ(r.last_eval->images, 8);
  EXPECT_GE(r.best_epoch, 4);
  EXPECT_TRUE(r.checkpoint.empty());

  ASSERT_EQ(progress.logs.size(), 40u);
  EXPECT_EQ(progress.logs[3].rfind("epoch 4/40: loss ", 0), 0u) << progress.logs[3];
  EXPECT_NE(progress.logs[3].find("val mAP"), std::string::npos) << progress.logs[3];
  bool saw_step = false;
  for (const auto& m : progress.reports)
    if (m.find("epoch 2/40 step 1/2 loss") == 0 && m.find("it/s ETA") != std::string::npos) saw_step = true;
  EXPECT_TRUE(saw_step);
  // The graph is handed back without gradients.
  for (const auto& p : named_parameters(d.graph)) {
    EXPECT_FALSE(p.tensor.requires_grad()) << p.name;
    EXPECT_FALSE(p.tensor.grad().defined()) << p.name;
  }
}

TEST_F(TrainerTest, ResumeEqualsStraightTraining) {
  for (OptimizerKind kind : {OptimizerKind::Sgd, OptimizerKind::AdamW}) {
    SCOPED_TRACE(optimizer_kind_name(kind));
    TrainOptions o = options(2);
    o.optimizer = kind;
    o.lr = kind == OptimizerKind::Sgd ? 0.05 : 0.01;
    o.schedule = ScheduleKind::MultiStep;
    o.milestones = {1};
    o.warmup_steps = 3;  // spans the epoch boundary
    o.val_every = 1;
    NullProgress quiet;

    Detector straight = regression_detector(5);
    o.checkpoint = path("straight.onnx");
    TrainResult a = train_detector(straight, data_, &data_, o, quiet);

    Detector first = regression_detector(5);
    o.checkpoint = path("split.onnx");
    o.epochs = 1;
    train_detector(first, data_, &data_, o, quiet);
    EXPECT_EQ(load_train_state(path("split.onnx.train")).epochs_done, 1);

    Detector resumed = regression_detector(99);  // other init: weights must come from the file
    o.epochs = 2;
    o.resume = true;
    TrainResult b = train_detector(resumed, data_, &data_, o, quiet);

    expect_same_weights(straight.graph, resumed.graph);
    EXPECT_EQ(read_file(path("straight.onnx")), read_file(path("split.onnx")));
    ASSERT_EQ(b.curve.size(), 2u);
    EXPECT_EQ(a.curve[1].loss, b.curve[1].loss);
    EXPECT_EQ(a.curve[0].loss, b.curve[0].loss);
    EXPECT_EQ(a.curve[1].val_map, b.curve[1].val_map);
    EXPECT_EQ(b.global_step, a.global_step);
    EXPECT_EQ(a.best_map, b.best_map);
    const TrainState sa = load_train_state(path("straight.onnx.train"));
    const TrainState sb = load_train_state(path("split.onnx.train"));
    ASSERT_EQ(sa.optimizer.buffers.size(), sb.optimizer.buffers.size());
    for (const auto& [k, t] : sa.optimizer.buffers)
      EXPECT_TRUE(at::equal(t, sb.optimizer.buffers.at(k))) << k;

    // Resuming a finished run does nothing.
    TrainResult c = train_detector(resumed, data_, &data_, o, quiet);
    EXPECT_EQ(c.epochs_done, 2);
    EXPECT_EQ(c.global_step, b.global_step);
  }
}

TEST_F(TrainerTest, ResumeRefusesMismatchedFiles) {
  TrainOptions o = options(1);
  o.checkpoint = path("pair.onnx");
  NullProgress quiet;
  Detector d = regression_detector(5);
  train_detector(d, data_, nullptr, o, quiet);
  const std::string model = read_file(path("pair.onnx"));

  // A sidecar of another model (e.g. a crash between the two writes).
  TrainState st = load_train_state(path("pair.onnx.train"));
  st.model_hash ^= 1;
  save_train_state(st, path("pair.onnx.train"));
  o.resume = true;
  o.epochs = 2;
  Detector e = regression_detector(5);
  try {
    train_detector(e, data_, nullptr, o, quiet);
    FAIL() << "expected an error";
  } catch (const Error& err) {
    EXPECT_NE(std::string(err.what()).find("do not belong together"), std::string::npos) << err.what();
  }
  EXPECT_EQ(read_file(path("pair.onnx")), model);

  o.checkpoint = path("missing.onnx");
  EXPECT_THROW(train_detector(e, data_, nullptr, o, quiet), Error);
}

TEST_F(TrainerTest, NanLossStopsAndKeepsTheLastCheckpoint) {
  auto head = std::make_shared<RegressionHead>();
  head->nan_at_call = 4 + 3;  // batch 2: 4 steps per epoch; call 7 is epoch 2, step 3
  Detector d = regression_detector(5, head);
  TrainOptions o = options(3);
  o.batch_size = 2;
  o.checkpoint = path("nan.onnx");
  std::string model_after_1, state_after_1;
  RecordingProgress progress;
  progress.on_log_line = [&](const std::string& line) {
    if (line.rfind("epoch 1/3:", 0) == 0) {
      model_after_1 = read_file(path("nan.onnx"));
      state_after_1 = read_file(path("nan.onnx.train"));
    }
  };
  try {
    train_detector(d, data_, nullptr, o, progress);
    FAIL() << "expected a non-finite loss error";
  } catch (const Cancelled&) {
    FAIL() << "not a cancellation";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "non-finite loss (nan) at epoch 2 step 3 (global step 7); the last good checkpoint " +
                  path("nan.onnx") + " (epoch 1) is kept");
  }
  ASSERT_FALSE(model_after_1.empty());
  EXPECT_EQ(read_file(path("nan.onnx")), model_after_1);
  EXPECT_EQ(read_file(path("nan.onnx.train")), state_after_1);
  EXPECT_EQ(head->calls.load(), 7);
}

TEST_F(TrainerTest, NanInFirstEpochSaysNoCheckpoint) {
  auto head = std::make_shared<RegressionHead>();
  head->nan_at_call = 2;
  Detector d = regression_detector(5, head);
  NullProgress quiet;
  try {
    train_detector(d, data_, nullptr, options(2), quiet);
    FAIL() << "expected a non-finite loss error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "non-finite loss (nan) at epoch 1 step 2 (global step 2); no checkpoint was "
              "written before it");
  }
}

TEST_F(TrainerTest, CancelMidEpochIsPromptAndKeepsTheCheckpoint) {
  auto head = std::make_shared<RegressionHead>();
  RecordingProgress progress;
  int calls_at_cancel = 0;
  head->on_loss = [&](int call) {
    if (call == 3) {  // epoch 2, step 1
      progress.cancel();
      calls_at_cancel = call;
    }
  };
  Detector d = regression_detector(5, head);
  TrainOptions o = options(3);
  o.checkpoint = path("cancel.onnx");
  EXPECT_THROW(train_detector(d, data_, nullptr, o, progress), Cancelled);
  EXPECT_EQ(head->calls.load(), calls_at_cancel);  // no further step
  const TrainState st = load_train_state(path("cancel.onnx.train"));
  EXPECT_EQ(st.epochs_done, 1);
  EXPECT_EQ(st.global_step, 2);
  const std::string model = read_file(path("cancel.onnx"));
  EXPECT_EQ(st.model_hash, fnv1a64(model));

  // Cancelled before starting: nothing happens at all.
  RecordingProgress early;
  early.cancel();
  Detector e = regression_detector(5);
  o.checkpoint = path("cancel_early.onnx");
  EXPECT_THROW(train_detector(e, data_, nullptr, o, early), Cancelled);
  EXPECT_FALSE(fs::exists(path("cancel_early.onnx")));
}

TEST_F(TrainerTest, CancelDuringValidation) {
  RecordingProgress progress;
  int batches_after_cancel = -1;
  progress.on_report = [&](const std::string& m) {
    if (m.find("validation: evaluating") == std::string::npos) return;
    if (progress.cancelled()) ++batches_after_cancel;
    if (m.find("evaluating 2/8") != std::string::npos) {
      progress.cancel();
      batches_after_cancel = 0;
    }
  };
  Detector d = regression_detector(5);
  TrainOptions o = options(2);
  o.val_every = 1;
  o.val.batch_size = 1;
  o.workers = 0;
  o.checkpoint = path("cancel_val.onnx");
  EXPECT_THROW(train_detector(d, data_, &data_, o, progress), Cancelled);
  EXPECT_EQ(batches_after_cancel, 0);
  EXPECT_FALSE(fs::exists(path("cancel_val.onnx")));  // epoch 1 never finished
  bool saw = false;
  for (const auto& m : progress.reports)
    if (m == "epoch 1/2 validation: evaluating 1/8 images") saw = true;
  EXPECT_TRUE(saw);
}

TEST_F(TrainerTest, StepAndEpochHooksFeedLiveCurves) {
  Detector d = regression_detector(5);
  TrainOptions o = options(2);  // 2 steps per epoch
  o.val_every = 2;
  std::vector<std::pair<int64_t, double>> steps;
  std::vector<EpochRecord> epochs;
  o.on_step = [&](int64_t step, double loss) { steps.emplace_back(step, loss); };
  o.on_epoch = [&](const EpochRecord& r) { epochs.push_back(r); };
  NullProgress quiet;
  const TrainResult r = train_detector(d, data_, &data_, o, quiet);
  ASSERT_EQ(steps.size(), 4u);
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].first, static_cast<int64_t>(i + 1));
    EXPECT_TRUE(std::isfinite(steps[i].second));
  }
  ASSERT_EQ(epochs.size(), 2u);
  EXPECT_EQ(epochs[0].epoch, 1);
  EXPECT_TRUE(std::isnan(epochs[0].val_map));  // validated every 2 epochs
  EXPECT_EQ(epochs[1].epoch, 2);
  EXPECT_DOUBLE_EQ(epochs[1].val_map, r.curve[1].val_map);
  EXPECT_TRUE(std::isfinite(epochs[1].val_map));
  EXPECT_DOUBLE_EQ((steps[2].second + steps[3].second) / 2, r.curve[1].loss);

  // A hook that throws ends training as an error does.
  Detector e = regression_detector(5);
  o.on_step = [](int64_t step, double) {
    if (step == 2) throw Error("stop here");
  };
  EXPECT_THROW(train_detector(e, data_, nullptr, o, quiet), Error);
}

TEST_F(TrainerTest, BadInputsThrow) {
  NullProgress quiet;
  Detector d = regression_detector(5);
  TrainOptions o = options(1);
  o.epochs = 0;
  EXPECT_THROW(train_detector(d, data_, nullptr, o, quiet), Error);
  o = options(1);
  o.resume = true;  // without a checkpoint path
  EXPECT_THROW(train_detector(d, data_, nullptr, o, quiet), Error);
  o = options(1);
  o.checkpoint = path("no_such_folder/model.onnx");
  EXPECT_THROW(train_detector(d, data_, nullptr, o, quiet), Error);
  Dataset other = data_;
  other.classes = {"a", "x", "c"};
  try {
    train_detector(d, other, nullptr, options(1), quiet);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("class 1 is 'x'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace whittle
