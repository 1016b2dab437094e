#pragma once
// The graph view's scene items: a layer's box (GraphNodeItem: a rounded
// rectangle with lines of text, two cards behind it for a collapsed run) and
// an edge (EdgeItem: a smoothed polyline with an arrowhead).
#include <QFont>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QStringList>
#include <vector>

#include "ui/graph_layout.h"

namespace whittle::ui {

// Its brush is the colour; its pen the selection state.
class GraphNodeItem : public QGraphicsRectItem {
 public:
  enum { Type = UserType + 71 };
  static constexpr double kPadding = 6;      // around the text
  static constexpr double kStackOffset = 5;  // the "cards behind" of a collapsed run

  // `stacked` > 1: a collapsed run of that many boxes; `input`: a graph input
  // (dashed outline).
  GraphNodeItem(int box, const QRectF& rect, QStringList lines, int stacked, bool input, const QFont& font,
                const QFont& bold, double lineHeight);

  int type() const override { return Type; }
  int box() const { return box_; }
  const QStringList& lines() const { return lines_; }
  void setTextColor(const QColor& color);
  void setState(bool selected, bool coupled);

  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) override;

 private:
  int box_;
  QStringList lines_;
  int stacked_;
  bool input_;
  QFont font_;
  QFont bold_;
  double lineHeight_;
  QColor textColor_ = Qt::black;
};

// A polyline edge, smoothed into vertical cubic segments, with an arrowhead
// at its end.
class EdgeItem : public QGraphicsPathItem {
 public:
  explicit EdgeItem(const std::vector<LayoutPoint>& points);
  QRectF boundingRect() const override;
  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

 private:
  QPointF tip_;
};

}  // namespace whittle::ui
