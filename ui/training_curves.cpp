#include "ui/training_curves.h"

#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

#include "ui/job_runner.h"

namespace whittle::ui {

TrainingCurves::TrainingCurves(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_);
  plot_->setMinimumSize(320, 200);  // QCustomPlot's own size hint is tiny

  plot_->xAxis->setLabel(tr("step"));
  plot_->yAxis->setLabel(tr("training loss"));
  plot_->xAxis2->setLabel(tr("epoch"));
  plot_->yAxis2->setLabel(tr("validation mAP"));
  plot_->xAxis2->setVisible(true);
  plot_->yAxis2->setVisible(true);
  plot_->yAxis2->setRange(0, 1);

  loss_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
  loss_->setName(tr("loss (per step)"));
  loss_->setPen(QPen(QColor(31, 119, 180), 1.5));

  map_ = plot_->addGraph(plot_->xAxis2, plot_->yAxis2);
  map_->setName(tr("mAP (per epoch)"));
  map_->setPen(QPen(QColor(214, 39, 40), 2));
  map_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 7));

  plot_->legend->setVisible(true);
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
}

void TrainingCurves::follow(JobRunner* runner, int jobId) {
  if (connection_) disconnect(connection_);
  clear();
  runner_ = runner;
  jobId_ = runner ? jobId : 0;
  if (runner) connection_ = connect(runner, &JobRunner::metric, this, &TrainingCurves::onMetric);
}

void TrainingCurves::onMetric(int id, const QString& series, double x, double y) {
  if (id == jobId_) addPoint(series, x, y);
}

void TrainingCurves::clear() {
  loss_->data()->clear();
  map_->data()->clear();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingCurves::addPoint(const QString& series, double x, double y) {
  QCPGraph* graph = series == QLatin1String("loss") ? loss_ : series == QLatin1String("mAP") ? map_ : nullptr;
  if (graph == nullptr || !std::isfinite(x) || !std::isfinite(y)) return;
  graph->addData(x, y);
  bool found = false;
  if (loss_->dataCount() > 0) {
    loss_->rescaleKeyAxis();
    const QCPRange range = loss_->getValueRange(found);
    if (found) plot_->yAxis->setRange(std::min(0.0, range.lower), range.upper * 1.05 + 1e-9);
  }
  if (map_->dataCount() > 0) {
    const QCPRange keys = map_->getKeyRange(found);
    if (found) plot_->xAxis2->setRange(std::min(0.5, keys.lower - 0.5), keys.upper + 0.5);
  }
  // Queued: a batch of points (one poll of the runner) costs one replot.
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

int TrainingCurves::pointCount(const QString& series) const {
  if (series == QLatin1String("loss")) return loss_->dataCount();
  if (series == QLatin1String("mAP")) return map_->dataCount();
  return 0;
}

}  // namespace whittle::ui
