#pragma once
// One cell per filter (channel) of a group, coloured by its importance under
// one criterion (dark blue = least, yellow = most important, scaled by the
// group's largest score); the filters the current plan removes are dimmed and
// crossed out. Hovering a cell shows its index and score.
//
// Painted by hand rather than with QCustomPlot's QCPColorMap: the cells wrap
// into a near-square grid that fills the widget (a 1,024-filter group stays
// readable), each removed cell needs its own mark, and hit-testing a cell for
// its tooltip is one division; a colour map would bring axes, a data-to-pixel
// mapping and item overlays that the view does not want.
#include <QColor>
#include <QSet>
#include <QString>
#include <QVector>
#include <QWidget>

namespace whittle::ui {

// The views' colour scale for t in [0, 1] (viridis-like: dark blue to yellow).
QColor importanceColour(double t);

class FilterHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit FilterHeatmap(QWidget* parent = nullptr);

  // The scores of one group's channels (group order); clears the removed marks.
  void setScores(const QString& group, const QVector<float>& scores);
  // Group channel indices the plan removes (out-of-range ones are ignored).
  void setRemoved(const QVector<qint64>& removed);
  // An empty view showing `message` (e.g. "no scores yet").
  void clear(const QString& message = {});

  QString group() const { return group_; }
  QString message() const { return message_; }
  int cellCount() const { return static_cast<int>(scores_.size()); }
  float score(int index) const { return scores_.value(index); }
  bool isRemoved(int index) const { return removed_.contains(index); }
  int removedCount() const { return static_cast<int>(removed_.size()); }

  // Grid geometry at the current size: columns, and a cell's rectangle.
  int columns() const { return columns_; }
  QRect cellRect(int index) const;
  // The cell under `pos` (widget coordinates), or -1.
  int cellAt(const QPoint& pos) const;
  QColor cellColour(int index) const;
  QString cellToolTip(int index) const;

  QSize sizeHint() const override { return {360, 240}; }
  QSize minimumSizeHint() const override { return {120, 80}; }

 protected:
  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  bool event(QEvent* event) override;

 private:
  void layoutCells();

  QString group_;
  QString message_;
  QVector<float> scores_;
  QSet<int> removed_;
  float max_ = 0;
  int columns_ = 1, rows_ = 0, cell_ = 0;
  QPoint origin_;
};

}  // namespace whittle::ui
