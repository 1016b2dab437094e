#include "ui/importance_histogram.h"

#include <QSet>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <qcustomplot.h>

namespace whittle::ui {

ImportanceHistogram::ImportanceHistogram(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  setObjectName(QStringLiteral("importanceHistogram"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_, 1);
  plot_->setObjectName(QStringLiteral("importanceHistogramPlot"));
  plot_->setMinimumSize(240, 160);  // QCustomPlot's own size hint is tiny

  keptBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  keptBars_->setName(tr("kept"));
  keptBars_->setPen(QPen(QColor(0x21, 0x91, 0x8c).darker(130)));
  keptBars_->setBrush(QColor(0x21, 0x91, 0x8c));
  removedBars_ = new QCPBars(plot_->xAxis, plot_->yAxis);
  removedBars_->setName(tr("removed"));
  removedBars_->setPen(QPen(QColor(0xe0, 0x30, 0x30).darker(130)));
  removedBars_->setBrush(QColor(0xe0, 0x30, 0x30));
  removedBars_->moveAbove(keptBars_);

  cutoffLine_ = new QCPItemStraightLine(plot_);
  cutoffLine_->setPen(QPen(QColor(0x20, 0x20, 0x20), 1.5, Qt::DashLine));
  cutoffLine_->setVisible(false);

  plot_->xAxis->setLabel(tr("Importance"));
  plot_->yAxis->setLabel(tr("Filters"));
  plot_->legend->setVisible(true);
  plot_->legend->setFont(QFont(font().family(), 8));
  plot_->legend->setBrush(QColor(255, 255, 255, 200));
  plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  clear();
}

void ImportanceHistogram::clear() {
  scores_.clear();
  removedIndices_.clear();
  rebuild();
}

void ImportanceHistogram::setScores(const QString& /*group*/, const QVector<float>& scores) {
  scores_ = scores;
  removedIndices_.clear();
  rebuild();
}

void ImportanceHistogram::setRemoved(const QVector<qint64>& removed) {
  removedIndices_ = removed;
  rebuild();
}

bool ImportanceHistogram::cutoffVisible() const { return cutoffLine_->visible(); }

void ImportanceHistogram::rebuild() {
  const int n = static_cast<int>(scores_.size());
  double low = 0, high = 0;
  bool any = false;
  for (float s : scores_)
    if (std::isfinite(s)) {
      low = any ? std::min(low, static_cast<double>(s)) : s;
      high = any ? std::max(high, static_cast<double>(s)) : s;
      any = true;
    }
  // sqrt(n) bins, 5 to 40, over [smallest, largest] (scores of one layer are
  // often bunched far from 0); equal scores get one bin around them.
  const int bins = n == 0 ? 0 : std::clamp(static_cast<int>(std::lround(std::sqrt(n))), 5, 40);
  if (!(high > low)) {
    const double half = std::max(std::abs(low) * 0.05, 0.5);
    low -= half;
    high += half;
  }
  binWidth_ = bins > 0 ? (high - low) / bins : 1.0;
  kept_ = QVector<double>(bins, 0.0);
  removed_ = QVector<double>(bins, 0.0);

  QSet<qint64> removedSet;
  for (qint64 i : removedIndices_)
    if (i >= 0 && i < n) removedSet.insert(i);
  cutoff_.reset();
  for (int i = 0; i < n; ++i) {
    const float s = scores_[i];
    if (!std::isfinite(s)) continue;
    const int bin = std::clamp(static_cast<int>((s - low) / binWidth_), 0, bins - 1);
    if (removedSet.contains(i)) {
      removed_[bin] += 1;
      cutoff_ = std::max(cutoff_.value_or(static_cast<double>(s)), static_cast<double>(s));
    } else {
      kept_[bin] += 1;
    }
  }

  QVector<double> keys(bins);
  double most = 1;
  for (int b = 0; b < bins; ++b) {
    keys[b] = low + (b + 0.5) * binWidth_;
    most = std::max(most, kept_[b] + removed_[b]);
  }
  keptBars_->setWidth(binWidth_ * 0.9);
  removedBars_->setWidth(binWidth_ * 0.9);
  keptBars_->setData(keys, kept_, true);
  removedBars_->setData(keys, removed_, true);
  removedBars_->setVisible(!removedSet.isEmpty());
  removedBars_->removeFromLegend();
  if (!removedSet.isEmpty()) removedBars_->addToLegend();

  if (cutoff_) {
    cutoffLine_->point1->setCoords(*cutoff_, 0);
    cutoffLine_->point2->setCoords(*cutoff_, 1);
    cutoffLine_->setVisible(true);
  } else {
    cutoffLine_->setVisible(false);
  }
  const double right = bins > 0 ? low + bins * binWidth_ : 1.0;
  const double pad = (right - low) * 0.03;
  plot_->xAxis->setRange(low - pad, right + pad);
  plot_->yAxis->setRange(0, most * 1.35);  // headroom for the legend
  plot_->replot();
}

}  // namespace whittle::ui
