#include "ui/filter_heatmap.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <array>
#include <cmath>

namespace whittle::ui {
namespace {

constexpr int kMargin = 4;
constexpr int kGap = 1;  // between cells, when they are large enough

}  // namespace

QColor importanceColour(double t) {
  // Stops of matplotlib's viridis at 0, 0.25, 0.5, 0.75, 1.
  static const std::array<QColor, 5> stops = {QColor(0x44, 0x01, 0x54), QColor(0x3b, 0x52, 0x8b),
                                              QColor(0x21, 0x91, 0x8c), QColor(0x5e, 0xc9, 0x62),
                                              QColor(0xfd, 0xe7, 0x25)};
  if (!(t >= 0)) t = 0;  // NaN too
  t = std::min(t, 1.0) * (stops.size() - 1);
  const int i = std::min(static_cast<int>(t), static_cast<int>(stops.size()) - 2);
  const double f = t - i;
  const QColor& a = stops[static_cast<size_t>(i)];
  const QColor& b = stops[static_cast<size_t>(i) + 1];
  return QColor::fromRgbF(static_cast<float>(a.redF() + f * (b.redF() - a.redF())),
                          static_cast<float>(a.greenF() + f * (b.greenF() - a.greenF())),
                          static_cast<float>(a.blueF() + f * (b.blueF() - a.blueF())));
}

FilterHeatmap::FilterHeatmap(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("filterHeatmap"));
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
  clear();
}

void FilterHeatmap::clear(const QString& message) {
  group_.clear();
  scores_.clear();
  removed_.clear();
  max_ = 0;
  message_ = message.isEmpty() ? tr("No layer selected") : message;
  layoutCells();
  update();
}

void FilterHeatmap::setScores(const QString& group, const QVector<float>& scores) {
  group_ = group;
  scores_ = scores;
  removed_.clear();
  max_ = 0;
  for (float s : scores_)
    if (std::isfinite(s)) max_ = std::max(max_, s);
  message_ = scores_.isEmpty() ? tr("No channels") : QString();
  layoutCells();
  update();
}

void FilterHeatmap::setRemoved(const QVector<qint64>& removed) {
  removed_.clear();
  for (qint64 i : removed)
    if (i >= 0 && i < scores_.size()) removed_.insert(static_cast<int>(i));
  update();
}

void FilterHeatmap::layoutCells() {
  const int n = cellCount();
  const int width = std::max(0, this->width() - 2 * kMargin);
  const int height = std::max(0, this->height() - 2 * kMargin);
  columns_ = 1;
  rows_ = n;
  cell_ = 0;
  if (n == 0 || width == 0 || height == 0) return;
  // The column count that gives the largest square cells.
  for (int c = 1; c <= n; ++c) {
    const int r = (n + c - 1) / c;
    const int size = std::min(width / c, height / r);
    if (size > cell_ || (size == cell_ && c < columns_)) {
      cell_ = size;
      columns_ = c;
      rows_ = r;
    }
    if (width / c == 0) break;
  }
  cell_ = std::max(cell_, 1);
  // Centre the grid.
  origin_ = QPoint(kMargin + (width - columns_ * cell_) / 2, kMargin + (height - rows_ * cell_) / 2);
}

QRect FilterHeatmap::cellRect(int index) const {
  if (index < 0 || index >= cellCount() || cell_ <= 0) return {};
  return QRect(origin_.x() + (index % columns_) * cell_, origin_.y() + (index / columns_) * cell_, cell_, cell_);
}

int FilterHeatmap::cellAt(const QPoint& pos) const {
  if (cell_ <= 0 || cellCount() == 0) return -1;
  const QPoint p = pos - origin_;
  if (p.x() < 0 || p.y() < 0) return -1;
  const int column = p.x() / cell_;
  const int row = p.y() / cell_;
  if (column >= columns_ || row >= rows_) return -1;
  const int index = row * columns_ + column;
  return index < cellCount() ? index : -1;
}

QColor FilterHeatmap::cellColour(int index) const {
  if (index < 0 || index >= cellCount()) return {};
  const double t = max_ > 0 ? scores_[index] / max_ : 0.0;
  QColor colour = importanceColour(t);
  if (isRemoved(index)) colour = colour.darker(250);
  return colour;
}

QString FilterHeatmap::cellToolTip(int index) const {
  if (index < 0 || index >= cellCount()) return {};
  QString text = tr("Filter %1: %2").arg(index).arg(static_cast<double>(scores_[index]), 0, 'g', 4);
  if (max_ > 0) text += tr(" (%1% of the largest)").arg(100.0 * scores_[index] / max_, 0, 'f', 1);
  if (isRemoved(index)) text += QLatin1Char('\n') + tr("Removed by the plan");
  return text;
}

void FilterHeatmap::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  layoutCells();
}

bool FilterHeatmap::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int index = cellAt(help->pos());
    if (index >= 0) {
      QToolTip::showText(help->globalPos(), cellToolTip(index), this, cellRect(index));
      return true;
    }
    if (toolTip().isEmpty()) QToolTip::hideText();
    return QWidget::event(event);  // between the cells: the widget's own tooltip, if any
  }
  return QWidget::event(event);
}

void FilterHeatmap::paintEvent(QPaintEvent* /*event*/) {
  QPainter painter(this);
  painter.fillRect(rect(), palette().base());
  if (cellCount() == 0 || cell_ <= 0) {
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, message_);
    return;
  }
  const int gap = cell_ >= 6 ? kGap : 0;
  const QColor cross(0xe0, 0x30, 0x30);
  for (int i = 0; i < cellCount(); ++i) {
    const QRect r = cellRect(i).adjusted(0, 0, -gap, -gap);
    painter.fillRect(r, cellColour(i));
    if (isRemoved(i)) {
      painter.setPen(QPen(cross, cell_ >= 10 ? 2 : 1));
      if (cell_ >= 4) {
        painter.drawLine(r.topLeft(), r.bottomRight());
        painter.drawLine(r.topRight(), r.bottomLeft());
      } else {
        painter.fillRect(r, cross);
      }
    }
  }
}

}  // namespace whittle::ui
