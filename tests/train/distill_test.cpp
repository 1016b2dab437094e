// Distillation: the loss on raw head outputs is 0 for identical outputs,
// positive otherwise, and its gradient reaches the student only; through the
// trainer it pulls a student towards its teacher.
#include "train/distill.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/error.h"
#include "runtime/runner.h"
#include "train/fake_detector.h"
#include "train/trainer.h"

namespace whittle {
namespace {

using namespace whittle::testing;

TEST(Distillation, ZeroForIdenticalOutputsPositiveOtherwise) {
  at::manual_seed(3);
  const TensorMap teacher = {{"loc", at::randn({2, 10, 4})}, {"conf", at::randn({2, 10, 5})}};
  TensorMap student = {{"loc", teacher.at("loc").clone()}, {"conf", teacher.at("conf").clone()}};
  EXPECT_EQ(distillation_loss(student, teacher, {"loc", "conf"}).item<double>(), 0.0);

  student["conf"] = student["conf"] + 0.5;
  const double loss = distillation_loss(student, teacher, {"loc", "conf"}).item<double>();
  EXPECT_NEAR(loss, 0.25, 1e-6);  // mean (0.5)^2 over conf, 0 over loc
}

TEST(Distillation, GradientReachesTheStudentOnly) {
  at::manual_seed(4);
  at::Tensor t = at::randn({3, 6}).requires_grad_(true);
  at::Tensor s = at::randn({3, 6}).requires_grad_(true);
  at::Tensor loss = distillation_loss({{"out", s}}, {{"out", t}}, {"out"});
  loss.backward();
  ASSERT_TRUE(s.grad().defined());
  // d/ds mean (s - t)^2 = 2 (s - t) / n
  EXPECT_TRUE(at::allclose(s.grad(), 2 * (s - t).detach() / s.numel(), 1e-5, 1e-6));
  EXPECT_FALSE(t.grad().defined());
}

TEST(Distillation, ErrorsNameTheOutput) {
  const TensorMap a = {{"loc", at::zeros({1, 4})}};
  const TensorMap b = {{"loc", at::zeros({1, 5})}};
  try {
    distillation_loss(a, b, {"loc"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("output 'loc' is [1,4] in the student but [1,5] in the teacher"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(distillation_loss(a, a, {"conf"}), Error);
}

// The mean squared difference of two detectors' raw outputs on fixed images.
double output_gap(const Detector& a, const Detector& b) {
  at::manual_seed(9);
  const at::Tensor x = at::randn({4, 3, kInputSize, kInputSize});
  Runner ra(a.graph), rb(b.graph);
  return at::mse_loss(ra.forward(x)[0], rb.forward(x)[0]).item<double>();
}

class DistillTrainerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = temp_dir("distill");
    data_ = write_dataset(dir_ / "images", 8);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static TrainOptions options() {
    TrainOptions o;
    o.epochs = 15;
    o.batch_size = 4;
    o.lr = 0.01;
    o.optimizer = OptimizerKind::Adam;
    o.weight_decay = 0;
    o.seed = 5;
    o.workers = 0;
    o.threads = 2;
    o.val_every = 0;
    o.augment = false;
    return o;
  }
  static inline fs::path dir_;
  static inline Dataset data_;
};

TEST_F(DistillTrainerTest, PullsTheStudentTowardsTheTeacher) {
  const Detector teacher = regression_detector(1);
  const Graph teacher_before = teacher.graph.clone();

  Detector plain = regression_detector(2);  // another seed: other weights
  Detector distilled = regression_detector(2);
  const double gap_before = output_gap(plain, teacher);
  ASSERT_GT(gap_before, 0.0);

  NullProgress progress;
  TrainOptions o = options();
  const TrainResult r0 = train_detector(plain, data_, nullptr, o, progress);
  EXPECT_EQ(r0.curve.back().loss_parts.count("distill"), 0u);

  o.teacher = &teacher;
  o.distill_weight = 50.0;
  const TrainResult r1 = train_detector(distilled, data_, nullptr, o, progress);
  ASSERT_TRUE(r1.curve.front().loss_parts.count("distill"));
  EXPECT_GT(r1.curve.front().loss_parts.at("distill"), 0.0);
  // The total is the head's loss plus the weighted distillation loss.
  EXPECT_GT(r1.curve.front().loss, 50.0 * r1.curve.front().loss_parts.at("distill"));
  EXPECT_LT(r1.curve.back().loss_parts.at("distill"), 0.5 * r1.curve.front().loss_parts.at("distill"));

  const double gap_plain = output_gap(plain, teacher);
  const double gap_distilled = output_gap(distilled, teacher);
  EXPECT_LT(gap_distilled, 0.5 * gap_plain) << "before " << gap_before << ", plain " << gap_plain;

  // The teacher is read, never trained.
  for (size_t i = 0; i < teacher.graph.nodes.size(); ++i)
    for (const auto& [key, t] : teacher.graph.nodes[i].weights)
      EXPECT_TRUE(at::equal(t, teacher_before.nodes[i].weight(key))) << teacher.graph.nodes[i].name << "." << key;
}

TEST_F(DistillTrainerTest, TeacherMustFitTheStudent) {
  Detector teacher = regression_detector(1);
  teacher.preprocess.input_size = 64;
  Detector student = regression_detector(2);
  TrainOptions o = options();
  o.epochs = 1;
  o.teacher = &teacher;
  NullProgress progress;
  try {
    train_detector(student, data_, nullptr, o, progress);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the teacher takes 64 px images, the student 32"), std::string::npos)
        << e.what();
  }
  o.distill_weight = -1;
  EXPECT_THROW(train_detector(student, data_, nullptr, o, progress), Error);
}

}  // namespace
}  // namespace whittle
