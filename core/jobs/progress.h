#pragma once
// Progress and cancellation for long work (training, calibration, scans,
// evaluation). The worker calls report() as often as it likes (the sink
// throttles) and checks cancelled() at safe points; the GUI and the CLI
// implement the sink. No Qt here.
#include <atomic>
#include <chrono>
#include <string>

#include "graph/error.h"

namespace whittle {

// Thrown by Progress::check_cancelled(); callers catch it to end a job
// cleanly ("cancelled" is a result, not a failure).
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

class Progress {
 public:
  virtual ~Progress() = default;

  // fraction in [0, 1] (negative: unknown); message: "epoch 2/10, loss 3.21".
  void report(double fraction, const std::string& message);
  // Always delivered (not throttled): phase changes, results.
  void log(const std::string& message) { on_log(message); }

  void cancel() { cancelled_.store(true); }
  bool cancelled() const { return cancelled_.load(); }
  void check_cancelled() const {
    if (cancelled()) throw Cancelled();
  }

  // Minimum time between two on_progress calls (the last report of a job, at
  // fraction 1, always goes through).
  void set_interval(std::chrono::milliseconds interval) { interval_ = interval; }

 protected:
  virtual void on_progress(double fraction, const std::string& message) = 0;
  virtual void on_log(const std::string& message) { (void)message; }

 private:
  std::atomic<bool> cancelled_{false};
  std::chrono::milliseconds interval_{100};
  std::chrono::steady_clock::time_point last_{};
};

// One part of a longer job: the part's fractions [0, 1] map to [from, to] of
// the parent's, its messages get a prefix ("calibration: "), and the
// parent's cancellation reaches the part at its next report or check.
class SubProgress : public Progress {
 public:
  SubProgress(Progress& parent, double from, double to, std::string prefix = {});

 protected:
  void on_progress(double fraction, const std::string& message) override;
  void on_log(const std::string& message) override;

 private:
  Progress& parent_;
  double from_, to_;
  std::string prefix_;
};

// A sink that discards everything (but still honours cancel()).
class NullProgress : public Progress {
 protected:
  void on_progress(double, const std::string&) override {}
};

}  // namespace whittle
