// The training-state sidecar: round trip, NaN mAPs, clear errors.
#include "train/checkpoint.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"

namespace whittle {
namespace {

TrainState sample_state() {
  TrainState s;
  s.epochs_done = 2;
  s.global_step = 14;
  s.seed = 1234567890123ull;
  s.best_map = 0.625;
  s.best_epoch = 2;
  s.model_size = 999;
  s.model_hash = 0xfedcba9876543210ull;
  EpochRecord e1;
  e1.epoch = 1;
  e1.steps = 7;
  e1.loss = 0.1 + 0.2;  // not exactly representable in short decimal
  e1.loss_parts = {{"loc", 1.0 / 3.0}, {"conf", 2.5}};
  e1.lr = 1e-3;
  e1.seconds = 1.5;  // val_map stays NaN
  EpochRecord e2 = e1;
  e2.epoch = 2;
  e2.val_map = 0.625;
  s.curve = {e1, e2};
  s.optimizer.kind = "adam";
  s.optimizer.buffers["conv.weight/exp_avg"] = at::randn({2, 3, 1, 1});
  s.optimizer.buffers["conv.weight/exp_avg_sq"] = at::rand({2, 3, 1, 1});
  s.optimizer.buffers["empty/exp_avg"] = at::zeros({0});
  s.optimizer.steps["conv.weight"] = 14;
  return s;
}

TEST(TrainState, RoundTripsExactly) {
  const TrainState s = sample_state();
  const TrainState r = train_state_from_bytes(train_state_to_bytes(s), "mem");
  EXPECT_EQ(r.epochs_done, 2);
  EXPECT_EQ(r.global_step, 14);
  EXPECT_EQ(r.seed, s.seed);
  EXPECT_EQ(r.best_map, 0.625);
  EXPECT_EQ(r.best_epoch, 2);
  EXPECT_EQ(r.model_size, 999u);
  EXPECT_EQ(r.model_hash, s.model_hash);
  ASSERT_EQ(r.curve.size(), 2u);
  EXPECT_EQ(r.curve[0].loss, s.curve[0].loss);  // bit-exact doubles
  EXPECT_EQ(r.curve[0].loss_parts.at("loc"), 1.0 / 3.0);
  EXPECT_TRUE(std::isnan(r.curve[0].val_map));
  EXPECT_EQ(r.curve[1].val_map, 0.625);
  EXPECT_EQ(r.optimizer.kind, "adam");
  EXPECT_EQ(r.optimizer.steps.at("conv.weight"), 14);
  ASSERT_EQ(r.optimizer.buffers.size(), 3u);
  for (const auto& [k, t] : s.optimizer.buffers) EXPECT_TRUE(at::equal(r.optimizer.buffers.at(k), t)) << k;
}

TEST(TrainState, NeverValidatedKeepsNaNBest) {
  TrainState s;
  s.optimizer.kind = "sgd";
  const TrainState r = train_state_from_bytes(train_state_to_bytes(s), "mem");
  EXPECT_TRUE(std::isnan(r.best_map));
  EXPECT_TRUE(r.curve.empty());
}

TEST(TrainState, BadFilesGiveErrorsNamingTheFile) {
  const std::string bytes = train_state_to_bytes(sample_state());
  auto expect_error = [](const std::string& b, const std::string& part) {
    try {
      train_state_from_bytes(b, "run.onnx.train");
      FAIL() << "expected an error containing " << part;
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("run.onnx.train"), std::string::npos) << what;
      EXPECT_NE(what.find(part), std::string::npos) << what;
    }
  };
  expect_error(bytes.substr(0, bytes.size() - 5), "truncated");
  expect_error(bytes.substr(0, 30), "truncated");
  expect_error("not a state file at all", "bad magic");
  expect_error("", "bad magic");
  EXPECT_THROW(load_train_state("/nonexistent/whittle/x.onnx.train"), Error);
  EXPECT_EQ(train_state_path("a/b.onnx"), "a/b.onnx.train");
}

}  // namespace
}  // namespace whittle
