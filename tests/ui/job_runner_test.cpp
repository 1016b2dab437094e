// JobRunner, JobsPanel and TrainingCurves with plain work functions (no
// model): success with progress, log lines and metrics; errors as messages;
// cancellation leaving files intact; the queue; cancelAll/waitAll; the
// panel's rows and Cancel button; live curves.
#include "graph/error.h"
#include "io/atomic_file.h"
#include "jobs/progress.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "ui/job_runner.h"
#include "ui/jobs_panel.h"
#include "ui/training_curves.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

constexpr int kWaitMs = 20000;  // a generous bound for a loaded machine; never a timing assert

// Work that reports until cancelled (yielding so it does not hog a core).
void untilCancelled(whittle::Progress& progress) {
  for (int i = 0;; ++i) {
    progress.report(0.001 * (i % 1000), "working " + std::to_string(i));
    progress.check_cancelled();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

class JobRunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uitest::ensureApplication(); }
};

// Waits (processing events) until the runner says `id` finished.
bool waitFinished(JobRunner& runner, QSignalSpy& finished, int id) {
  auto seen = [&] {
    for (const auto& args : finished)
      if (args.at(0).toInt() == id) return true;
    return false;
  };
  while (!seen())
    if (!finished.wait(kWaitMs)) return seen();
  (void)runner;
  return true;
}

TEST_F(JobRunnerTest, RunsAndSucceedsWithProgressLogAndMetrics) {
  JobRunner runner;
  QSignalSpy started(&runner, &JobRunner::started);
  QSignalSpy progress(&runner, &JobRunner::progress);
  QSignalSpy logs(&runner, &JobRunner::logLine);
  QSignalSpy metrics(&runner, &JobRunner::metric);
  QSignalSpy finished(&runner, &JobRunner::finished);
  std::atomic<bool> ranOnOtherThread{false};
  const std::thread::id gui = std::this_thread::get_id();
  const int id = runner.start(QStringLiteral("demo"), [&](whittle::Progress& p) {
    ranOnOtherThread = std::this_thread::get_id() != gui;
    p.report(0.5, "half way");
    p.log("a log line");
    auto* jp = dynamic_cast<JobProgress*>(&p);
    ASSERT_NE(jp, nullptr);
    jp->metric("loss", 1, 2.5);
    jp->metric("loss", 2, 2.0);
    p.report(1.0, "all done");
    jp->setSummary("result 42");
  });
  EXPECT_GT(id, 0);
  ASSERT_TRUE(waitFinished(runner, finished, id));
  EXPECT_TRUE(ranOnOtherThread.load());
  ASSERT_EQ(started.count(), 1);
  EXPECT_EQ(started.at(0).at(0).toInt(), id);
  EXPECT_EQ(started.at(0).at(1).toString(), QStringLiteral("demo"));
  ASSERT_GE(progress.count(), 1);
  EXPECT_DOUBLE_EQ(progress.last().at(1).toDouble(), 1.0);
  EXPECT_EQ(progress.last().at(2).toString(), QStringLiteral("all done"));
  ASSERT_EQ(logs.count(), 1);
  EXPECT_EQ(logs.at(0).at(1).toString(), QStringLiteral("a log line"));
  ASSERT_EQ(metrics.count(), 2);
  EXPECT_EQ(metrics.at(1).at(1).toString(), QStringLiteral("loss"));
  EXPECT_DOUBLE_EQ(metrics.at(1).at(2).toDouble(), 2.0);
  EXPECT_DOUBLE_EQ(metrics.at(1).at(3).toDouble(), 2.0);
  ASSERT_EQ(finished.count(), 1);
  EXPECT_EQ(finished.at(0).at(1).value<JobStatus>(), JobStatus::Succeeded);
  EXPECT_EQ(finished.at(0).at(2).toString(), QStringLiteral("result 42"));
  EXPECT_EQ(runner.status(id), JobStatus::Succeeded);
  EXPECT_EQ(runner.summary(id), QStringLiteral("result 42"));
  EXPECT_TRUE(runner.error(id).isEmpty());
  EXPECT_EQ(runner.runningCount(), 0);
}

TEST_F(JobRunnerTest, ErrorsFinishFailedWithTheirMessage) {
  JobRunner runner;
  runner.setMaxConcurrent(3);
  QSignalSpy finished(&runner, &JobRunner::finished);
  const int a = runner.start(QStringLiteral("whittle error"), [](whittle::Progress&) {
    throw whittle::Error("(Conv stem) in_channels 3 != producer channels 4");
  });
  const int b = runner.start(QStringLiteral("LibTorch-like error"), [](whittle::Progress&) {
    throw std::runtime_error("shape mismatch\nException raised from foo at bar.cpp:12 (frame #0 ...)");
  });
  const int c = runner.start(QStringLiteral("not an exception"), [](whittle::Progress&) { throw 42; });
  ASSERT_TRUE(runner.waitAll(kWaitMs));
  EXPECT_EQ(finished.count(), 3);
  EXPECT_EQ(runner.status(a), JobStatus::Failed);
  EXPECT_EQ(runner.error(a), QStringLiteral("(Conv stem) in_channels 3 != producer channels 4"));
  EXPECT_EQ(runner.status(b), JobStatus::Failed);
  EXPECT_EQ(runner.error(b), QStringLiteral("shape mismatch"));  // the backtrace stays out
  EXPECT_EQ(runner.status(c), JobStatus::Failed);
  EXPECT_FALSE(runner.error(c).isEmpty());
  for (const auto& args : finished) {
    if (args.at(0).toInt() == a) {
      EXPECT_EQ(args.at(2).toString(), runner.error(a));
    }
  }
}

TEST_F(JobRunnerTest, CancelLeavesTheFileItWouldOverwriteIntact) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const std::string path = QDir(dir.path()).filePath(QStringLiteral("model.onnx")).toStdString();
  const std::string original = "original bytes \x01\x02\x03";
  whittle::write_file_atomic(path, original);

  JobRunner runner;
  QSignalSpy progress(&runner, &JobRunner::progress);
  QSignalSpy finished(&runner, &JobRunner::finished);
  // Writes the file atomically when (if ever) its work is done.
  const int id = runner.start(QStringLiteral("overwrite"), [path](whittle::Progress& p) {
    untilCancelled(p);
    whittle::write_file_atomic(path, "new bytes");
  });
  ASSERT_TRUE(progress.wait(kWaitMs));  // it runs
  EXPECT_EQ(runner.status(id), JobStatus::Running);
  runner.cancel(id);
  ASSERT_TRUE(waitFinished(runner, finished, id));
  EXPECT_EQ(runner.status(id), JobStatus::Cancelled);
  EXPECT_EQ(finished.last().at(1).value<JobStatus>(), JobStatus::Cancelled);
  EXPECT_EQ(whittle::read_file(path), original);
  EXPECT_EQ(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temporary left
}

TEST_F(JobRunnerTest, QueuesBeyondMaxConcurrentAndCancelAllWaitAll) {
  JobRunner runner;
  runner.setMaxConcurrent(2);
  QSignalSpy started(&runner, &JobRunner::started);
  QSignalSpy finished(&runner, &JobRunner::finished);
  QList<int> ids;
  for (int i = 0; i < 4; ++i) ids.append(runner.start(QStringLiteral("job %1").arg(i), untilCancelled));
  EXPECT_EQ(runner.runningCount(), 4);
  EXPECT_EQ(runner.status(ids[0]), JobStatus::Running);
  EXPECT_EQ(runner.status(ids[1]), JobStatus::Running);
  EXPECT_EQ(runner.status(ids[2]), JobStatus::Queued);
  EXPECT_EQ(runner.status(ids[3]), JobStatus::Queued);
  EXPECT_EQ(started.count(), 2);
  EXPECT_FALSE(runner.waitAll(0));  // they run until cancelled

  runner.cancelAll();
  ASSERT_TRUE(runner.waitAll(kWaitMs));
  EXPECT_EQ(runner.runningCount(), 0);
  EXPECT_EQ(started.count(), 2);  // the queued ones never started
  EXPECT_EQ(finished.count(), 4);
  for (int id : ids) EXPECT_EQ(runner.status(id), JobStatus::Cancelled) << id;
  EXPECT_EQ(runner.jobIds(), ids);
}

TEST_F(JobRunnerTest, NextQueuedJobStartsWhenOneEnds) {
  JobRunner runner;  // one at a time
  QSignalSpy finished(&runner, &JobRunner::finished);
  const int a = runner.start(QStringLiteral("a"), [](whittle::Progress& p) { p.log("a"); });
  const int b = runner.start(QStringLiteral("b"), [](whittle::Progress& p) { p.log("b"); });
  ASSERT_TRUE(waitFinished(runner, finished, b));
  EXPECT_EQ(runner.status(a), JobStatus::Succeeded);
  EXPECT_EQ(runner.status(b), JobStatus::Succeeded);
  EXPECT_EQ(finished.at(0).at(0).toInt(), a);
}

TEST_F(JobRunnerTest, DestructorCancelsAndWaits) {
  std::atomic<bool> ended{false};
  {
    JobRunner runner;
    QSignalSpy progress(&runner, &JobRunner::progress);
    runner.start(QStringLiteral("endless"), [&](whittle::Progress& p) {
      try {
        untilCancelled(p);
      } catch (...) {
        ended = true;
        throw;
      }
    });
    ASSERT_TRUE(progress.wait(kWaitMs));
  }
  EXPECT_TRUE(ended.load());
}

TEST_F(JobRunnerTest, DurationText) {
  EXPECT_EQ(durationText(9), QStringLiteral("0:09"));
  EXPECT_EQ(durationText(247), QStringLiteral("4:07"));
  EXPECT_EQ(durationText(3903), QStringLiteral("1:05:03"));
  EXPECT_TRUE(durationText(-1).isEmpty());
}

class JobsPanelTest : public JobRunnerTest {};

TEST_F(JobsPanelTest, ListsJobsAndItsCancelButtonCancels) {
  JobRunner runner;
  runner.setMaxConcurrent(2);
  const int done = runner.start(QStringLiteral("quick"), [](whittle::Progress& p) {
    p.log("line one");
    if (auto* jp = dynamic_cast<JobProgress*>(&p)) jp->setSummary("mAP 0.5");
  });
  JobsPanel panel(&runner);  // made after a job started: lists it too
  QSignalSpy progress(&runner, &JobRunner::progress);
  QSignalSpy finished(&runner, &JobRunner::finished);
  const int endless = runner.start(QStringLiteral("endless"), untilCancelled);
  const int failing = runner.start(QStringLiteral("failing"), [](whittle::Progress&) {
    throw whittle::Error("no such file: data/VOC2007");
  });
  EXPECT_EQ(panel.jobCount(), 3);
  ASSERT_TRUE(waitFinished(runner, finished, done));
  ASSERT_TRUE(waitFinished(runner, finished, failing));
  EXPECT_EQ(panel.statusText(done), panel.tr("Finished"));
  EXPECT_TRUE(panel.logText(done).contains(QStringLiteral("line one")));
  EXPECT_EQ(panel.progressValue(done), 1000);
  EXPECT_EQ(panel.statusText(failing), panel.tr("Failed"));
  auto* failingMessage = panel.row(failing)->findChild<QLabel*>(QStringLiteral("messageLabel"));
  ASSERT_NE(failingMessage, nullptr);
  EXPECT_EQ(failingMessage->text(), QStringLiteral("no such file: data/VOC2007"));

  while (panel.progressValue(endless) <= 0 && progress.wait(kWaitMs)) {
  }
  EXPECT_EQ(panel.statusText(endless), panel.tr("Running"));
  auto* cancel = panel.row(endless)->findChild<QPushButton*>(QStringLiteral("cancelButton"));
  ASSERT_NE(cancel, nullptr);
  EXPECT_TRUE(cancel->isEnabled());
  cancel->click();
  ASSERT_TRUE(waitFinished(runner, finished, endless));
  EXPECT_EQ(runner.status(endless), JobStatus::Cancelled);
  EXPECT_EQ(panel.statusText(endless), panel.tr("Cancelled"));
  EXPECT_FALSE(cancel->isEnabled());
  EXPECT_EQ(panel.jobCount(), 3);  // finished jobs stay listed

  panel.clearFinished();
  EXPECT_EQ(panel.jobCount(), 0);
}

TEST_F(JobsPanelTest, TrainingCurvesFollowOneJobsMetrics) {
  JobRunner runner;
  runner.setMaxConcurrent(2);
  TrainingCurves curves;
  QSignalSpy finished(&runner, &JobRunner::finished);
  auto work = [](whittle::Progress& p) {
    auto* jp = dynamic_cast<JobProgress*>(&p);
    for (int step = 1; step <= 5; ++step) jp->metric("loss", step, 3.0 / step);
    jp->metric("mAP", 1, 0.25);
    jp->metric("other", 1, 1.0);
  };
  const int followed = runner.start(QStringLiteral("followed"), work);
  curves.follow(&runner, followed);
  const int other = runner.start(QStringLiteral("other"), work);
  ASSERT_TRUE(waitFinished(runner, finished, followed));
  ASSERT_TRUE(waitFinished(runner, finished, other));
  EXPECT_EQ(curves.followedJob(), followed);
  EXPECT_EQ(curves.pointCount(QStringLiteral("loss")), 5);
  EXPECT_EQ(curves.pointCount(QStringLiteral("mAP")), 1);
  curves.follow(nullptr, 0);
  EXPECT_EQ(curves.pointCount(QStringLiteral("loss")), 0);
}

}  // namespace
}  // namespace whittle::ui
