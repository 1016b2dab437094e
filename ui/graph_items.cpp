#include "ui/graph_items.h"

#include <QPainter>
#include <QPainterPath>
#include <QPen>
#include <QStyleOptionGraphicsItem>
#include <utility>

namespace whittle::ui {

namespace {

const QColor kNormalPen(0x55, 0x5b, 0x66);
const QColor kSelectedPen(0x1f, 0x4e, 0x9a);
const QColor kCoupledPen(0xf0, 0x80, 0x00);
const QColor kEdgeColor(0x80, 0x86, 0x90);

}  // namespace

GraphNodeItem::GraphNodeItem(int box, const QRectF& rect, QStringList lines, int stacked, bool input,
                             const QFont& font, const QFont& bold, double lineHeight)
    : QGraphicsRectItem(rect),
      box_(box),
      lines_(std::move(lines)),
      stacked_(stacked),
      input_(input),
      font_(font),
      bold_(bold),
      lineHeight_(lineHeight) {
  setPen(QPen(kNormalPen, 1));
  setZValue(1);
}

void GraphNodeItem::setTextColor(const QColor& color) {
  textColor_ = color;
  update();
}

void GraphNodeItem::setState(bool selected, bool coupled) {
  QPen pen(selected ? kSelectedPen : coupled ? kCoupledPen : kNormalPen, selected ? 3.5 : coupled ? 3.0 : 1.0);
  if (input_) pen.setStyle(Qt::DashLine);
  setPen(pen);
}

QRectF GraphNodeItem::boundingRect() const {
  const double m = pen().widthF() / 2 + 1;
  const double stack = stacked_ > 1 ? 2 * kStackOffset : 0;
  return rect().adjusted(-m, -m - stack, m + stack, m);
}

void GraphNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
  const QRectF r = rect();
  painter->setRenderHint(QPainter::Antialiasing, true);
  if (stacked_ > 1) {
    painter->setPen(QPen(kNormalPen, 1));
    painter->setBrush(brush().color().darker(108));
    for (int i = 2; i >= 1; --i) painter->drawRoundedRect(r.translated(i * kStackOffset, -i * kStackOffset), 6, 6);
  }
  painter->setPen(pen());
  painter->setBrush(brush());
  painter->drawRoundedRect(r, 6, 6);
  const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
  if (lod < 0.3) return;  // unreadable anyway; keeps zoomed-out views fast
  painter->setPen(textColor_);
  double y = r.top() + kPadding;
  for (int i = 0; i < lines_.size(); ++i) {
    painter->setFont(i == 0 ? bold_ : font_);
    painter->drawText(QRectF(r.left() + kPadding, y, r.width() - 2 * kPadding, lineHeight_),
                      Qt::AlignLeft | Qt::AlignVCenter, lines_[i]);
    y += lineHeight_;
  }
}

EdgeItem::EdgeItem(const std::vector<LayoutPoint>& points) {
  QPainterPath path(QPointF(points.front().x, points.front().y));
  for (size_t i = 1; i < points.size(); ++i) {
    const QPointF a(points[i - 1].x, points[i - 1].y);
    const QPointF b(points[i].x, points[i].y);
    const double dy = (b.y() - a.y()) / 2;
    path.cubicTo(QPointF(a.x(), a.y() + dy), QPointF(b.x(), b.y() - dy), b);
  }
  setPath(path);
  tip_ = QPointF(points.back().x, points.back().y);
  setPen(QPen(kEdgeColor, 1.3));
  setZValue(0);
}

QRectF EdgeItem::boundingRect() const {
  return QGraphicsPathItem::boundingRect().united(QRectF(tip_.x() - 6, tip_.y() - 9, 12, 10));
}

void EdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) {
  painter->setRenderHint(QPainter::Antialiasing, true);
  QGraphicsPathItem::paint(painter, option, widget);
  painter->setPen(Qt::NoPen);
  painter->setBrush(kEdgeColor);
  const QPointF head[3] = {tip_, tip_ + QPointF(-4.5, -8), tip_ + QPointF(4.5, -8)};
  painter->drawPolygon(head, 3);
}

}  // namespace whittle::ui
