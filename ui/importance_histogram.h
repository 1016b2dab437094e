#pragma once
// Histogram (QCustomPlot bars) of one group's importance scores under one
// criterion, the channels the plan removes stacked in their own colour, and a
// vertical cut-off line at the plan's threshold: the largest score among the
// removed channels (kept channels left of it were kept despite a low score,
// e.g. when the plan was made under another criterion).
#include <QString>
#include <QVector>
#include <QWidget>
#include <optional>

class QCPBars;
class QCPItemStraightLine;
class QCustomPlot;

namespace whittle::ui {

class ImportanceHistogram : public QWidget {
  Q_OBJECT

 public:
  explicit ImportanceHistogram(QWidget* parent = nullptr);

  // Bins the scores (clears the removed channels and the cut-off).
  void setScores(const QString& group, const QVector<float>& scores);
  // Group channel indices the plan removes; sets the cut-off.
  void setRemoved(const QVector<qint64>& removed);
  void clear();

  // The cut-off: the largest removed score; empty when nothing is removed.
  std::optional<double> cutoff() const { return cutoff_; }
  int binCount() const { return static_cast<int>(kept_.size()); }
  double binWidth() const { return binWidth_; }
  // Channels per bin: kept, removed (bin i covers [i, i + 1) * binWidth(),
  // the last one closed).
  QVector<double> keptCounts() const { return kept_; }
  QVector<double> removedCounts() const { return removed_; }
  bool cutoffVisible() const;
  QCustomPlot* plot() const { return plot_; }

  QSize sizeHint() const override { return {360, 220}; }

 private:
  void rebuild();

  QCustomPlot* plot_ = nullptr;
  QCPBars* keptBars_ = nullptr;
  QCPBars* removedBars_ = nullptr;
  QCPItemStraightLine* cutoffLine_ = nullptr;
  QVector<float> scores_;
  QVector<qint64> removedIndices_;
  QVector<double> kept_, removed_;
  double binWidth_ = 1;
  std::optional<double> cutoff_;
};

}  // namespace whittle::ui
