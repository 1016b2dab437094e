#include "jobs/progress.h"

#include <gtest/gtest.h>

#include <vector>

namespace whittle {
namespace {

class RecordingProgress : public Progress {
 public:
  std::vector<double> fractions;
  std::vector<std::string> logs;

 protected:
  void on_progress(double fraction, const std::string&) override { fractions.push_back(fraction); }
  void on_log(const std::string& message) override { logs.push_back(message); }
};

TEST(Progress, ThrottlesButAlwaysDeliversTheEnd) {
  RecordingProgress p;
  p.set_interval(std::chrono::hours(1));
  for (int i = 0; i < 100; ++i) p.report(i / 100.0, "step");
  p.report(1.0, "done");
  ASSERT_EQ(p.fractions.size(), 2u);  // the first report and the last
  EXPECT_EQ(p.fractions.front(), 0.0);
  EXPECT_EQ(p.fractions.back(), 1.0);
  p.log("phase");
  EXPECT_EQ(p.logs, std::vector<std::string>{"phase"});
}

TEST(Progress, CancellationThrowsCancelled) {
  NullProgress p;
  EXPECT_NO_THROW(p.check_cancelled());
  p.cancel();
  EXPECT_TRUE(p.cancelled());
  EXPECT_THROW(p.check_cancelled(), Cancelled);
  try {
    p.check_cancelled();
  } catch (const Error& e) {  // Cancelled is a whittle::Error
    EXPECT_STREQ(e.what(), "cancelled");
  }
}

}  // namespace
}  // namespace whittle
