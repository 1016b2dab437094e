// Core headers first: Qt's `slots` macro must not reach them.
#include "graph/error.h"
#include "jobs/progress.h"
#include "runtime/threading.h"

#include "ui/job_runner.h"

#include <QMetaObject>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <thread>

namespace whittle::ui {

namespace {

using Clock = std::chrono::steady_clock;

// Log lines kept for the GUI between two polls; more are dropped (oldest
// first) and counted, so a chatty worker cannot flood the GUI thread.
constexpr size_t kMaxPendingLogs = 500;
constexpr int kPollMs = 100;

}  // namespace

// ---- JobProgress ----------------------------------------------------------

JobProgress::JobProgress() {
  // Every report just replaces the latest state under a mutex; the runner's
  // poll is the throttle, so the last report before a long silence is shown.
  set_interval(std::chrono::milliseconds(0));
}

void JobProgress::metric(const std::string& series, double x, double y) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.metrics.push_back({series, x, y});
}

void JobProgress::setSummary(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  summary_ = text;
}

std::string JobProgress::summary() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return summary_;
}

JobProgress::Pending JobProgress::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  Pending out = std::move(pending_);
  pending_ = Pending{};
  pending_.fraction = out.fraction;  // the state stays, only "new" resets
  pending_.message = out.message;
  return out;
}

void JobProgress::on_progress(double fraction, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.hasProgress = true;
  pending_.fraction = fraction;
  pending_.message = message;
}

void JobProgress::on_log(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  pending_.logs.push_back(message);
  if (pending_.logs.size() > kMaxPendingLogs) {
    pending_.logs.erase(pending_.logs.begin());
    ++pending_.droppedLogs;
  }
}

// ---- JobRunner ------------------------------------------------------------

namespace {

// What the worker thread and the GUI thread share about one job.
struct Shared {
  JobProgress progress;
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  JobStatus outcome = JobStatus::Running;
  std::string message;
};

}  // namespace

struct JobRunner::Job {
  int id = 0;
  QString title;
  std::function<void(whittle::Progress&)> work;
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  std::thread thread;
  JobStatus status = JobStatus::Queued;
  QString error, summary;
  Clock::time_point startedAt;
  double fraction = -1;
  QString message;

  bool workerDone() const {
    std::lock_guard<std::mutex> lock(shared->mutex);
    return shared->done;
  }
};

JobRunner::JobRunner(QObject* parent) : QObject(parent) {
  qRegisterMetaType<whittle::ui::JobStatus>("whittle::ui::JobStatus");
  timer_.setInterval(kPollMs);
  connect(&timer_, &QTimer::timeout, this, &JobRunner::poll);
}

JobRunner::~JobRunner() {
  blockSignals(true);
  timer_.stop();
  for (auto& [id, job] : jobs_)
    if (job->status == JobStatus::Running) job->shared->progress.cancel();
  for (auto& [id, job] : jobs_)
    if (job->thread.joinable()) job->thread.join();
}

JobRunner::Job* JobRunner::find(int id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : it->second.get();
}

int JobRunner::start(const QString& title, std::function<void(whittle::Progress&)> work) {
  auto job = std::make_unique<Job>();
  job->id = nextId_++;
  job->title = title;
  job->work = std::move(work);
  const int id = job->id;
  jobs_.emplace(id, std::move(job));
  emit added(id, title);
  launchQueued();
  return id;
}

void JobRunner::setMaxConcurrent(int jobs) {
  maxConcurrent_ = std::max(1, jobs);
  launchQueued();
}

int JobRunner::threadsPerJob() const {
  if (threadsPerJob_ > 0) return threadsPerJob_;
  return std::max(1, (whittle::hardware_threads() - 1) / maxConcurrent_);
}

void JobRunner::launchQueued() {
  int running = 0;
  for (const auto& [id, job] : jobs_)
    if (job->status == JobStatus::Running) ++running;
  for (auto& [id, job] : jobs_) {
    if (running >= maxConcurrent_) break;
    if (job->status != JobStatus::Queued) continue;
    launch(*job);
    ++running;
  }
}

void JobRunner::launch(Job& job) {
  job.status = JobStatus::Running;
  job.startedAt = Clock::now();
  const int id = job.id;
  const int threads = threadsPerJob();
  std::shared_ptr<Shared> shared = job.shared;
  job.thread = std::thread([this, id, threads, shared, work = std::move(job.work)]() mutable {
    JobStatus outcome = JobStatus::Succeeded;
    std::string message;
    try {
      // LibTorch's intra-op threads are per calling thread (OpenMP): set them here.
      whittle::set_threads(threads);
      work(shared->progress);
    } catch (const whittle::Cancelled&) {
      outcome = JobStatus::Cancelled;
    } catch (const std::exception& e) {
      outcome = JobStatus::Failed;
      message = whittle::first_line(e);  // LibTorch's errors go on with a backtrace
      if (message.empty()) message = "unknown error";
    } catch (...) {
      outcome = JobStatus::Failed;
      message = "unknown error";
    }
    work = nullptr;  // the model snapshot and data go on this thread
    {
      std::lock_guard<std::mutex> lock(shared->mutex);
      shared->done = true;
      shared->outcome = outcome;
      shared->message = message;
    }
    shared->cv.notify_all();
    // The runner outlives its workers (its destructor joins them), and an
    // event posted to it is dropped when it goes.
    QMetaObject::invokeMethod(this, [this, id] { finalize(id); }, Qt::QueuedConnection);
  });
  if (!timer_.isActive()) timer_.start();
  emit started(id, job.title);
}

void JobRunner::poll() {
  std::vector<int> running;
  for (const auto& [id, job] : jobs_)
    if (job->status == JobStatus::Running) running.push_back(id);
  for (int id : running) {
    Job* job = find(id);
    if (job == nullptr || job->status != JobStatus::Running) continue;
    if (job->workerDone())
      finalize(id);
    else
      flush(*job);
  }
  if (runningCount() == 0) timer_.stop();
}

void JobRunner::flush(Job& job) {
  JobProgress::Pending p = job.shared->progress.take();
  const int id = job.id;
  if (p.hasProgress) {
    job.fraction = p.fraction;
    job.message = QString::fromStdString(p.message);
    double eta = -1;
    const double elapsed = std::chrono::duration<double>(Clock::now() - job.startedAt).count();
    if (p.fraction >= 1)
      eta = 0;
    else if (p.fraction > 0 && elapsed > 1.0)
      eta = elapsed * (1 - p.fraction) / p.fraction;
    emit progress(id, p.fraction, job.message, eta);
  }
  if (p.droppedLogs > 0) emit logLine(id, tr("… %n log line(s) skipped", nullptr, static_cast<int>(p.droppedLogs)));
  for (const std::string& line : p.logs) emit logLine(id, QString::fromStdString(line));
  for (const JobProgress::Point& m : p.metrics) emit metric(id, QString::fromStdString(m.series), m.x, m.y);
}

void JobRunner::finalize(int id) {
  Job* job = find(id);
  if (job == nullptr || job->status != JobStatus::Running || !job->workerDone()) return;
  if (job->thread.joinable()) job->thread.join();
  flush(*job);
  JobStatus outcome;
  std::string message;
  {
    std::lock_guard<std::mutex> lock(job->shared->mutex);
    outcome = job->shared->outcome;
    message = job->shared->message;
  }
  job->status = outcome;
  switch (outcome) {
    case JobStatus::Succeeded: {
      const std::string summary = job->shared->progress.summary();
      job->summary = summary.empty() ? tr("Done") : QString::fromStdString(summary);
      break;
    }
    case JobStatus::Cancelled:
      job->summary = tr("Cancelled");
      break;
    default:
      job->error = QString::fromStdString(message);
      job->summary = job->error;
      break;
  }
  const QString summary = job->summary;
  emit finished(id, outcome, summary);
  launchQueued();
  if (runningCount() == 0) timer_.stop();
}

void JobRunner::cancel(int id) {
  Job* job = find(id);
  if (job == nullptr) return;
  if (job->status == JobStatus::Queued) {
    job->status = JobStatus::Cancelled;
    job->summary = tr("Cancelled");
    job->work = nullptr;
    emit finished(id, JobStatus::Cancelled, job->summary);
  } else if (job->status == JobStatus::Running && !job->shared->progress.cancelled()) {
    job->shared->progress.cancel();
    emit progress(id, job->fraction, tr("Cancelling…"), -1);
  }
}

void JobRunner::cancelAll() {
  std::vector<int> ids;
  for (const auto& [id, job] : jobs_) ids.push_back(id);
  // Queued ones first, so that none starts when a running one ends.
  for (int id : ids)
    if (Job* job = find(id); job && job->status == JobStatus::Queued) cancel(id);
  for (int id : ids) cancel(id);
}

bool JobRunner::waitFor(Job& job, int remainingMs) {
  std::unique_lock<std::mutex> lock(job.shared->mutex);
  if (remainingMs < 0) {
    job.shared->cv.wait(lock, [&] { return job.shared->done; });
    return true;
  }
  return job.shared->cv.wait_for(lock, std::chrono::milliseconds(remainingMs), [&] { return job.shared->done; });
}

bool JobRunner::waitAll(int timeoutMs) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(std::max(timeoutMs, 0));
  while (true) {
    std::vector<int> running;
    bool queued = false;
    for (const auto& [id, job] : jobs_) {
      if (job->status == JobStatus::Running) running.push_back(id);
      if (job->status == JobStatus::Queued) queued = true;
    }
    if (running.empty()) {
      if (!queued) return true;
      launchQueued();
      continue;
    }
    for (int id : running) {
      Job* job = find(id);
      if (job == nullptr || job->status != JobStatus::Running) continue;
      int remaining = -1;
      if (timeoutMs >= 0)
        remaining = static_cast<int>(std::max<int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count()));
      if (!waitFor(*job, remaining)) return false;
      finalize(id);
    }
  }
}

int JobRunner::runningCount() const {
  int n = 0;
  for (const auto& [id, job] : jobs_)
    if (job->status == JobStatus::Running || job->status == JobStatus::Queued) ++n;
  return n;
}

JobStatus JobRunner::status(int id) const {
  const Job* job = find(id);
  return job ? job->status : JobStatus::Failed;
}

QString JobRunner::error(int id) const {
  const Job* job = find(id);
  return job ? job->error : QString();
}

QString JobRunner::title(int id) const {
  const Job* job = find(id);
  return job ? job->title : QString();
}

QString JobRunner::summary(int id) const {
  const Job* job = find(id);
  return job ? job->summary : QString();
}

QList<int> JobRunner::jobIds() const {
  QList<int> ids;
  for (const auto& [id, job] : jobs_) ids.append(id);
  return ids;
}

QString durationText(double seconds) {
  if (!(seconds >= 0)) return {};
  const auto total = static_cast<long long>(seconds + 0.5);
  const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return QStringLiteral("%1:%2:%3").arg(h).arg(m, 2, 10, QLatin1Char('0')).arg(s, 2, 10, QLatin1Char('0'));
  return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

}  // namespace whittle::ui
