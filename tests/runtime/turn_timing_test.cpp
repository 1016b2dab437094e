#include "runtime/turn_timing.h"

#include <gtest/gtest.h>

#include <string>

#include "error_of.h"

namespace whittle {
namespace {

TEST(TurnTiming, CallsTakeTurnsWithUntimedStarts) {
  std::string order;
  TurnTiming t;
  t.runs = 3;
  t.block = 2;
  t.warm = 1;
  const auto ms = median_ms_in_turns({[&] { order += 'a'; }, [&] { order += 'b'; }}, t);
  // Round 0: a's turn (1 warm + 2 timed), b's; round 1 starts with b, 1 timed call left each.
  EXPECT_EQ(order, "aaabbbbbaa");
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_GE(ms[0], 0.0);
  EXPECT_GE(ms[1], 0.0);
}

TEST(TurnTiming, RunsEachCallTheTimedNumberOfTimes) {
  int calls = 0;
  TurnTiming t;
  t.runs = 5;
  t.block = 5;
  t.warm = 0;
  const auto ms = median_ms_in_turns({[&] { ++calls; }}, t);
  EXPECT_EQ(calls, 5);
  ASSERT_EQ(ms.size(), 1u);
}

TEST(TurnTiming, BadSettingsAreErrors) {
  TurnTiming t;
  t.block = 0;
  EXPECT_NE(test::error_of([&] { median_ms_in_turns({[] {}}, t); }).find("block"), std::string::npos);
}

}  // namespace
}  // namespace whittle
