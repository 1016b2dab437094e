#pragma once
// The jobs panel: one row per background job of a JobRunner, newest at the
// bottom: title, status, progress bar, ETA, the current message, the last log
// lines and a Cancel button. Finished jobs stay listed with their result or
// error until "Clear finished".
#include <QPointer>
#include <QString>
#include <QWidget>
#include <map>

#include "ui/job_runner.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace whittle::ui {

class JobsPanel : public QWidget {
  Q_OBJECT

 public:
  explicit JobsPanel(JobRunner* runner, QWidget* parent = nullptr);

  int jobCount() const { return static_cast<int>(rows_.size()); }
  // The row of a job (object name "job-<id>", its Cancel button
  // "cancelButton"), or nullptr.
  QWidget* row(int id) const;
  // What a row shows (tests, status bar).
  QString statusText(int id) const;
  QString etaText(int id) const;
  QString logText(int id) const;
  int progressValue(int id) const;  // 0..1000; -1: no row

  // Removes the rows of jobs that are no longer queued or running.
  void clearFinished();

  // Log lines kept per row.
  static constexpr int kLogLines = 200;

 private:
  struct Row {
    QWidget* widget = nullptr;
    QLabel* status = nullptr;
    QLabel* eta = nullptr;
    QLabel* message = nullptr;
    QProgressBar* bar = nullptr;
    QPlainTextEdit* log = nullptr;
    QPushButton* cancel = nullptr;
    bool done = false;
  };

  void addRow(int id, const QString& title);
  void onStarted(int id);
  void onProgress(int id, double fraction, const QString& message, double eta);
  void onLogLine(int id, const QString& line);
  void onFinished(int id, JobStatus status, const QString& message);
  Row* find(int id);
  const Row* find(int id) const;

  QPointer<JobRunner> runner_;
  std::map<int, Row> rows_;
  QVBoxLayout* list_ = nullptr;
  QLabel* empty_ = nullptr;
  QPushButton* clear_ = nullptr;
};

}  // namespace whittle::ui
