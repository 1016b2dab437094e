#pragma once
// Background jobs: long work (fine-tune, sensitivity scans, quantization,
// evaluation, benchmarks) runs on worker threads while the GUI thread stays
// free. The work gets a whittle::Progress (a JobProgress) and never touches
// Qt; the runner collects what it reported on the GUI thread every 100 ms and
// forwards it as signals, so a job costs the GUI at most ten progress updates
// a second however often it reports, and its log lines and metric points
// arrive in batches.
//
// A job ends Succeeded when its work returns, Cancelled when it throws
// whittle::Cancelled (Progress::check_cancelled after cancel()), Failed with
// the exception's first line when it throws anything else: errors come back
// as messages, never a crash.
#include <QObject>
#include <QString>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "jobs/progress.h"  // Qt- and torch-free

namespace whittle::ui {

enum class JobStatus { Queued, Running, Succeeded, Cancelled, Failed };

// The Progress a job's work receives. Thread-safe towards the runner: the
// worker reports, logs and adds metric points; the runner takes them on the
// GUI thread. Work that wants live curves casts its Progress& to this type
// (dynamic_cast; other sinks simply have no curves).
class JobProgress : public whittle::Progress {
 public:
  struct Point {
    std::string series;
    double x = 0, y = 0;
  };
  struct Pending {
    bool hasProgress = false;
    double fraction = -1;
    std::string message;
    std::vector<std::string> logs;
    std::vector<Point> metrics;
    size_t droppedLogs = 0;  // lines dropped because the worker logged faster than the GUI took them
  };

  JobProgress();

  // One point of a live curve ("loss" per step, "mAP" per epoch).
  void metric(const std::string& series, double x, double y);
  // The one-line result shown when the job succeeds ("mAP 0.4321 on 200 images").
  void setSummary(const std::string& text);
  std::string summary() const;

  // Everything reported since the last take (the runner's).
  Pending take();

 protected:
  void on_progress(double fraction, const std::string& message) override;
  void on_log(const std::string& message) override;

 private:
  mutable std::mutex mutex_;
  Pending pending_;
  std::string summary_;
};

class JobRunner : public QObject {
  Q_OBJECT

 public:
  explicit JobRunner(QObject* parent = nullptr);
  // Cancels every job and waits for the workers (no signal is emitted).
  ~JobRunner() override;

  // Queues `work` and starts it on a worker thread at once when fewer than
  // maxConcurrent() jobs run (else when one ends). Emits added(), then
  // started() when it starts (both possibly before start() returns).
  // The Progress it gets (a JobProgress) forwards to the signals below,
  // queued to the GUI thread and throttled. Returns the job id (> 0).
  int start(const QString& title, std::function<void(whittle::Progress&)> work);
  // Asks a running job to stop at its next cancellation check; a queued job
  // ends Cancelled at once. Unknown or finished ids are ignored.
  void cancel(int id);
  void cancelAll();
  // Blocks the calling (GUI) thread until no job runs or is queued, or
  // `timeoutMs` passed (-1: no limit); does NOT process events. Jobs whose
  // workers ended meanwhile are finished before it returns (their last
  // progress, log lines, metrics and finished() are emitted from inside this
  // call). True when none runs any more. Cancel first for a prompt return.
  bool waitAll(int timeoutMs = -1);

  int runningCount() const;  // Running and Queued jobs
  JobStatus status(int id) const;  // an unknown id: Failed
  QString error(int id) const;    // the failure message ("" unless Failed)
  QString title(int id) const;
  QString summary(int id) const;  // the message finished() gave ("" before)
  QList<int> jobIds() const;      // in start order

  // At most this many jobs run at once (default 1: on a laptop, two trainings
  // side by side are each slower than one after the other).
  void setMaxConcurrent(int jobs);
  int maxConcurrent() const { return maxConcurrent_; }
  // LibTorch intra-op threads each worker sets (at::set_num_threads through
  // whittle::set_threads) before its work; 0 (default): the hardware threads
  // less one for the GUI, shared among maxConcurrent() jobs, at least 1.
  void setThreadsPerJob(int threads) { threadsPerJob_ = threads; }
  int threadsPerJob() const;

 signals:
  void added(int id, const QString& title);  // queued (listed by the jobs panel)
  void started(int id, const QString& title);
  void progress(int id, double fraction, const QString& message, double etaSeconds);  // eta < 0: unknown
  void logLine(int id, const QString& line);
  void metric(int id, const QString& series, double x, double y);  // "loss" per step, "mAP" per epoch
  void finished(int id, whittle::ui::JobStatus status, const QString& message);

 private:
  struct Job;
  Job* find(int id) const;
  void launch(Job& job);
  void launchQueued();
  void poll();                 // the 100 ms timer: forward what workers reported
  void flush(Job& job);        // one job's pending reports as signals
  void finalize(int id);       // the worker ended: join, flush, finished()
  bool waitFor(Job& job, int remainingMs);

  std::map<int, std::unique_ptr<Job>> jobs_;
  int nextId_ = 1;
  int maxConcurrent_ = 1;
  int threadsPerJob_ = 0;
  QTimer timer_;
};

// "1:05:03", "4:07", "0:09"; "" for a negative (unknown) time.
QString durationText(double seconds);

}  // namespace whittle::ui

Q_DECLARE_METATYPE(whittle::ui::JobStatus)
