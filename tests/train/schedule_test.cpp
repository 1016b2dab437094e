// Learning-rate schedules at hand-computed steps.
#include "train/schedule.h"

#include <gtest/gtest.h>

#include <cmath>

#include "graph/error.h"

namespace whittle {
namespace {

TEST(Schedule, ConstantWithLinearWarmup) {
  ScheduleOptions o;
  o.lr = 0.1;
  o.warmup_steps = 10;
  o.warmup_factor = 0.1;
  EXPECT_DOUBLE_EQ(learning_rate(o, 0), 0.01);
  EXPECT_DOUBLE_EQ(learning_rate(o, 5), 0.1 * (0.1 + 0.9 * 0.5));
  EXPECT_DOUBLE_EQ(learning_rate(o, 9), 0.1 * (0.1 + 0.9 * 0.9));
  EXPECT_DOUBLE_EQ(learning_rate(o, 10), 0.1);
  EXPECT_DOUBLE_EQ(learning_rate(o, 1000), 0.1);
  o.warmup_steps = 0;
  EXPECT_DOUBLE_EQ(learning_rate(o, 0), 0.1);
}

TEST(Schedule, CosineStartsAfterWarmupAndEndsAtMinLr) {
  ScheduleOptions o;
  o.kind = ScheduleKind::Cosine;
  o.lr = 0.1;
  o.min_lr = 0.001;
  o.warmup_steps = 10;
  o.warmup_factor = 0.5;
  o.total_steps = 110;
  EXPECT_DOUBLE_EQ(learning_rate(o, 0), 0.05);
  EXPECT_DOUBLE_EQ(learning_rate(o, 5), 0.1 * 0.75);
  EXPECT_DOUBLE_EQ(learning_rate(o, 10), 0.1);
  EXPECT_NEAR(learning_rate(o, 35), 0.001 + 0.099 * 0.5 * (1 + std::cos(M_PI * 0.25)), 1e-15);
  EXPECT_NEAR(learning_rate(o, 60), 0.001 + 0.099 * 0.5, 1e-15);
  EXPECT_NEAR(learning_rate(o, 110), 0.001, 1e-15);
  EXPECT_NEAR(learning_rate(o, 500), 0.001, 1e-15);
  validate_schedule(o);
  o.total_steps = 0;
  EXPECT_THROW(validate_schedule(o), Error);
}

TEST(Schedule, MultistepInEpochs) {
  ScheduleOptions o;
  o.kind = ScheduleKind::MultiStep;
  o.lr = 0.1;
  o.milestones = {2, 4};
  o.gamma = 0.1;
  o.steps_per_epoch = 10;
  o.warmup_steps = 4;
  o.warmup_factor = 0.5;
  EXPECT_DOUBLE_EQ(learning_rate(o, 0), 0.05);
  EXPECT_DOUBLE_EQ(learning_rate(o, 2), 0.1 * 0.75);
  EXPECT_DOUBLE_EQ(learning_rate(o, 19), 0.1);
  EXPECT_NEAR(learning_rate(o, 20), 0.01, 1e-15);   // epoch 2 (0-based): first milestone
  EXPECT_NEAR(learning_rate(o, 39), 0.01, 1e-15);
  EXPECT_NEAR(learning_rate(o, 40), 0.001, 1e-15);
  EXPECT_NEAR(learning_rate(o, 999), 0.001, 1e-15);
  validate_schedule(o);
  o.milestones = {4, 2};
  EXPECT_THROW(validate_schedule(o), Error);
}

TEST(Schedule, ParseNames) {
  EXPECT_EQ(parse_schedule_kind("cosine"), ScheduleKind::Cosine);
  EXPECT_EQ(schedule_kind_name(ScheduleKind::MultiStep), "multistep");
  EXPECT_THROW(parse_schedule_kind("poly"), Error);
}

}  // namespace
}  // namespace whittle
