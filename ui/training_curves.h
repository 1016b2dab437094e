#pragma once
// Live training curves (QCustomPlot): the loss of every optimizer step
// (bottom axis: step, left axis) and the validation mAP of every epoch (top
// axis: epoch, right axis, points), fed by a JobRunner's metric signal for
// one job, or by addPoint.
#include <QPointer>
#include <QString>
#include <QWidget>

class QCPGraph;
class QCustomPlot;

namespace whittle::ui {

class JobRunner;

class TrainingCurves : public QWidget {
  Q_OBJECT

 public:
  explicit TrainingCurves(QWidget* parent = nullptr);

  // Clears the plot and follows `jobId` of `runner` (its "loss" and "mAP"
  // metrics); a previous job is no longer followed. nullptr: follow none.
  void follow(JobRunner* runner, int jobId);
  int followedJob() const { return jobId_; }

  void clear();
  // "loss" (x: global step) or "mAP" (x: epoch); other series are ignored.
  void addPoint(const QString& series, double x, double y);
  int pointCount(const QString& series) const;

  QCustomPlot* plot() const { return plot_; }

 private:
  void onMetric(int id, const QString& series, double x, double y);

  QCustomPlot* plot_ = nullptr;
  QCPGraph* loss_ = nullptr;
  QCPGraph* map_ = nullptr;
  QPointer<JobRunner> runner_;
  QMetaObject::Connection connection_;
  int jobId_ = 0;
};

}  // namespace whittle::ui
