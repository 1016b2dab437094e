// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/op.h"
#include "prune/channel_groups.h"

#include "ui/graph_collapse.h"
#include "ui/graph_items.h"
#include "ui/graph_view.h"

#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "ui/graph_layout.h"

namespace whittle::ui {

namespace {

constexpr double kBoxWidth = 230;
constexpr double kInputWidth = 170;
constexpr double kMinZoom = 0.03;
constexpr double kMaxZoom = 6.0;

const QColor kNeutralFill(0xe4, 0xe4, 0xe4);

QColor mix(const QColor& a, const QColor& b, double t) {
  return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                          a.greenF() + (b.greenF() - a.greenF()) * t,
                          a.blueF() + (b.blueF() - a.blueF()) * t);
}

// Sequential pale -> orange -> dark red for t in [0, 1].
QColor metricColor(double t) {
  t = std::clamp(t, 0.0, 1.0);
  const QColor low(0xff, 0xf5, 0xeb);
  const QColor mid(0xfd, 0x8d, 0x3c);
  const QColor high(0xa6, 0x36, 0x03);
  return t < 0.5 ? mix(low, mid, t * 2) : mix(mid, high, (t - 0.5) * 2);
}

}  // namespace

GraphView::GraphView(QWidget* parent) : QGraphicsView(parent) {
  setObjectName(QStringLiteral("graphView"));
  auto* scene = new QGraphicsScene(this);
  setScene(scene);
  setDragMode(QGraphicsView::ScrollHandDrag);
  setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  setResizeAnchor(QGraphicsView::AnchorViewCenter);
  setRenderHint(QPainter::Antialiasing, true);
  setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
  setBackgroundBrush(QColor(0xfa, 0xfa, 0xfa));
}

GraphView::~GraphView() = default;

void GraphView::clear() {
  scene()->clear();
  scene()->setSceneRect(QRectF());
  nodes_.clear();
  indexByName_.clear();
  inputNames_.clear();
  inputShapes_.clear();
  groupsOfNode_.clear();
  groupMembers_.clear();
  units_.clear();
  unitOfNode_.clear();
  runs_.clear();
  runOfUnit_.clear();
  boxes_.clear();
  boxOfNode_.clear();
  boxOfInput_.clear();
  metrics_.clear();
  latency_.clear();
  highlighted_.clear();
  selected_ = -1;
  metricMax_ = 0;
  resetTransform();
  viewport()->update();
}

void GraphView::setModel(const whittle::Graph& graph, const whittle::GraphCost& cost,
                         const whittle::ChannelGroups& groups) {
  scene()->clear();
  boxes_.clear();
  nodes_.clear();
  indexByName_.clear();
  inputNames_.clear();
  inputShapes_.clear();
  selected_ = -1;

  describeGraph(graph, cost, nodes_, inputNames_, inputShapes_);
  for (size_t i = 0; i < nodes_.size(); ++i)
    indexByName_.insert(nodes_[i].name, static_cast<int>(i));

  groupsOfNode_.assign(nodes_.size(), {});
  groupMembers_.assign(groups.groups.size(), {});
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    for (const ChannelMember& member : groups.groups[g].members) {
      const int index = indexByName_.value(QString::fromStdString(member.node), -1);
      if (index < 0) continue;
      if (std::find(groupMembers_[g].begin(), groupMembers_[g].end(), index) ==
          groupMembers_[g].end())
        groupMembers_[g].push_back(index);
      std::vector<int>& of = groupsOfNode_[index];
      if (std::find(of.begin(), of.end(), static_cast<int>(g)) == of.end())
        of.push_back(static_cast<int>(g));
    }
  }
  highlighted_.assign(nodes_.size(), 0);

  buildUnits(nodes_, foldPointwise_, units_, unitOfNode_);
  findRuns(nodes_, units_, runs_, runOfUnit_);
  rebuildScene();

  // Start readable: the whole graph when that is not too small, else its top
  // at a legible scale.
  resetTransform();
  const QRectF bounds = scene()->sceneRect();
  if (!bounds.isEmpty()) {
    const double sx = viewport()->width() / bounds.width();
    const double sy = viewport()->height() / bounds.height();
    const double fit = std::min(sx, sy);
    if (fit >= 0.6) {
      const double s = std::min(1.0, fit);
      scale(s, s);
      centerOn(bounds.center());
    } else {
      const double s = std::clamp(sx, 0.6, 1.0);
      scale(s, s);
      centerOn(bounds.center().x(), bounds.top() + viewport()->height() / (2 * s));
    }
  }
}

void GraphView::rebuildScene() {
  scene()->clear();
  assignBoxes(nodes_.size(), static_cast<int>(inputNames_.size()), units_, runs_, runOfUnit_,
              collapseRepeated_, boxes_, boxOfNode_, boxOfInput_);
  if (nodes_.empty()) return;

  LayoutInput layout;
  std::set<std::pair<int, int>> seen;
  for (size_t b = 0; b < boxes_.size(); ++b) {
    for (int v : boxes_[b].nodes) {
      for (int input : nodes_[v].inputs) {
        const int from = input < 0 ? boxOfInput_[-1 - input] : boxOfNode_[input];
        if (from < 0 || from == static_cast<int>(b)) continue;
        if (seen.insert({from, static_cast<int>(b)}).second)
          layout.edges.push_back({from, static_cast<int>(b)});
      }
    }
  }
  QFont font = this->font();
  font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.9));
  QFont bold = font;
  bold.setBold(true);
  const QFontMetricsF metrics(font);
  const QFontMetricsF boldMetrics(bold);
  const double lineHeight = std::ceil(std::max(metrics.height(), boldMetrics.height()) + 1);
  std::vector<QStringList> texts(boxes_.size());
  std::vector<QString> tips(boxes_.size());
  for (size_t b = 0; b < boxes_.size(); ++b) {
    texts[b] =
        boxLines(boxes_[b], nodes_, units_, runs_, inputNames_, inputShapes_, latency_);
    tips[b] = texts[b].join(QLatin1Char('\n'));
    const double width = boxes_[b].input >= 0 ? kInputWidth : kBoxWidth;
    for (int i = 0; i < texts[b].size(); ++i) {
      const QFontMetricsF& fm = i == 0 ? boldMetrics : metrics;
      texts[b][i] = fm.elidedText(texts[b][i], i == 1 ? Qt::ElideMiddle : Qt::ElideRight,
                                  width - 2 * GraphNodeItem::kPadding);
    }
    layout.boxes.push_back({width, texts[b].size() * lineHeight + 2 * GraphNodeItem::kPadding});
  }
  layout.nodeGap = 24 + GraphNodeItem::kStackOffset * 2;
  layout.layerGap = 34;
  const LayoutResult placed = layoutLayeredDag(layout);

  for (size_t e = 0; e < layout.edges.size(); ++e)
    if (placed.edgePoints[e].size() >= 2) scene()->addItem(new EdgeItem(placed.edgePoints[e]));
  for (size_t b = 0; b < boxes_.size(); ++b) {
    const LayoutInput::Box& size = layout.boxes[b];
    const QRectF rect(placed.center[b].x - size.width / 2, placed.center[b].y - size.height / 2,
                      size.width, size.height);
    const int stacked = boxes_[b].run >= 0 ? runs_[boxes_[b].run].blocks : 1;
    auto* item = new GraphNodeItem(static_cast<int>(b), rect, texts[b], stacked,
                                   boxes_[b].input >= 0, font, bold, lineHeight);
    item->setToolTip(tips[b]);  // the lines before eliding
    boxes_[b].item = item;
    scene()->addItem(item);
  }
  scene()->setSceneRect(QRectF(-40, -40, placed.width + 80 + GraphNodeItem::kStackOffset * 2, placed.height + 80));
  recolor();
  updateHighlight();
}

double GraphView::boxValue(const GraphBox& box) const {
  const auto found = metrics_.constFind(static_cast<int>(colorBy_));
  if (found == metrics_.constEnd()) return std::numeric_limits<double>::quiet_NaN();
  const bool sum = colorBy_ == ColorBy::LatencyShare;
  double value = std::numeric_limits<double>::quiet_NaN();
  for (int v : box.nodes) {
    auto it = found->constFind(nodes_[v].name);
    if (it == found->constEnd() || !std::isfinite(it.value())) continue;
    if (std::isnan(value)) value = it.value();
    else value = sum ? value + it.value() : std::max(value, it.value());
  }
  return value;
}

QColor GraphView::opColor(const GraphBox& box) const {
  if (box.input >= 0) return Qt::white;
  const GraphNodeInfo& head = nodes_[box.nodes.front()];
  switch (static_cast<Op>(head.op)) {
    case Op::Conv2d: return head.depthwise ? QColor(0xc7, 0xe9, 0xc0) : QColor(0xc6, 0xdb, 0xef);
    case Op::Linear: return QColor(0xda, 0xda, 0xeb);
    case Op::MaxPool2d:
    case Op::AvgPool2d:
    case Op::GlobalAvgPool: return QColor(0xfd, 0xd0, 0xa2);
    case Op::Add:
    case Op::Mul:
    case Op::Concat: return QColor(0xfe, 0xe3, 0x91);
    case Op::Upsample: return QColor(0xfc, 0xbb, 0xa1);
    case Op::L2Norm: return QColor(0xf2, 0xd7, 0xee);
    case Op::BatchNorm2d: return QColor(0xf0, 0xf0, 0xf0);
    default: return kNeutralFill;
  }
}

void GraphView::recolor() {
  metricMax_ = 0;
  std::vector<double> values(boxes_.size(), std::numeric_limits<double>::quiet_NaN());
  if (colorBy_ != ColorBy::Op) {
    for (size_t b = 0; b < boxes_.size(); ++b) {
      if (boxes_[b].input >= 0) continue;
      values[b] = boxValue(boxes_[b]);
      if (!std::isnan(values[b])) metricMax_ = std::max(metricMax_, values[b]);
    }
  }
  for (size_t b = 0; b < boxes_.size(); ++b) {
    GraphNodeItem* item = boxes_[b].item;
    if (item == nullptr) continue;
    QColor fill;
    QColor text = Qt::black;
    if (colorBy_ == ColorBy::Op || boxes_[b].input >= 0) {
      fill = opColor(boxes_[b]);
    } else if (std::isnan(values[b])) {
      fill = kNeutralFill;
      text = QColor(0x60, 0x60, 0x60);
    } else {
      const double t = metricMax_ > 0 ? std::max(0.0, values[b]) / metricMax_ : 0.0;
      fill = metricColor(t);
      if (t > 0.7) text = Qt::white;
    }
    item->setBrush(fill);
    item->setTextColor(text);
  }
  viewport()->update();
}

void GraphView::updateHighlight() {
  std::fill(highlighted_.begin(), highlighted_.end(), 0);
  if (selected_ >= 0) {
    highlighted_[selected_] = 1;
    for (int g : groupsOfNode_[selected_])
      for (int member : groupMembers_[g]) highlighted_[member] = 1;
  }
  for (const GraphBox& box : boxes_) {
    if (box.item == nullptr) continue;
    bool selected = false;
    bool coupled = false;
    for (int v : box.nodes) {
      selected = selected || v == selected_;
      coupled = coupled || highlighted_[v] != 0;
    }
    box.item->setState(selected, coupled);
  }
}

void GraphView::setMetric(ColorBy kind, const QHash<QString, double>& valueByNode) {
  metrics_[static_cast<int>(kind)] = valueByNode;
  if (kind == colorBy_) recolor();
}

void GraphView::setColorBy(ColorBy kind) {
  colorBy_ = kind;
  recolor();
}

void GraphView::setLatency(const QHash<QString, double>& msByNode) {
  latency_ = msByNode;
  const QPointF centre = mapToScene(viewport()->rect().center());
  rebuildScene();
  centerOn(centre);
}

bool GraphView::revealNode(int node) {
  if (!collapseRepeated_ || node < 0) return false;
  const int r = runOfUnit_[unitOfNode_[node]];
  if (r < 0 || !runs_[r].collapsed) return false;
  runs_[r].collapsed = false;
  rebuildScene();
  return true;
}

void GraphView::setSelectedIndex(int node, bool centre) {
  const bool changed = node != selected_;
  selected_ = node;
  updateHighlight();
  if (centre && node >= 0 && boxOfNode_[node] >= 0 && boxes_[boxOfNode_[node]].item != nullptr)
    centerOn(boxes_[boxOfNode_[node]].item);
  if (changed && node >= 0) emit nodeSelected(nodes_[node].name);
}

bool GraphView::selectNode(const QString& name) {
  const int index = indexByName_.value(name, -1);
  if (index < 0) return false;
  revealNode(index);
  setSelectedIndex(index, true);
  return true;
}

QString GraphView::selectedNode() const {
  return selected_ >= 0 ? nodes_[selected_].name : QString();
}

QStringList GraphView::highlightedNodes() const {
  QStringList names;
  for (size_t v = 0; v < highlighted_.size(); ++v)
    if (highlighted_[v]) names << nodes_[v].name;
  return names;
}

int GraphView::search(const QString& text) {
  const QString needle = text.trimmed();
  if (needle.isEmpty()) return 0;
  int count = 0;
  int first = -1;
  for (size_t v = 0; v < nodes_.size(); ++v) {
    if (nodes_[v].name.contains(needle, Qt::CaseInsensitive)) {
      if (first < 0) first = static_cast<int>(v);
      ++count;
    }
  }
  if (first >= 0) {
    revealNode(first);
    setSelectedIndex(first, true);
  }
  return count;
}

void GraphView::fitAll() {
  const QRectF bounds = scene()->sceneRect();
  if (bounds.isEmpty()) return;
  fitInView(bounds, Qt::KeepAspectRatio);
}

double GraphView::zoom() const { return transform().m11(); }

void GraphView::zoomBy(double factor) {
  if (!(factor > 0)) return;
  const double current = zoom();
  const double target = std::clamp(current * factor, kMinZoom, kMaxZoom);
  const double f = target / current;
  scale(f, f);
}

void GraphView::setCollapseRepeated(bool on) {
  if (on == collapseRepeated_) return;
  collapseRepeated_ = on;
  for (GraphRun& run : runs_) run.collapsed = true;
  rebuildScene();
  if (selected_ >= 0) {
    revealNode(selected_);
    setSelectedIndex(selected_, true);
  }
}

void GraphView::setFoldPointwise(bool on) {
  if (on == foldPointwise_) return;
  foldPointwise_ = on;
  if (nodes_.empty()) return;
  buildUnits(nodes_, foldPointwise_, units_, unitOfNode_);
  findRuns(nodes_, units_, runs_, runOfUnit_);
  rebuildScene();
  if (selected_ >= 0) {
    revealNode(selected_);
    setSelectedIndex(selected_, true);
  }
}

bool GraphView::setRunCollapsed(const QString& name, bool collapsed) {
  const int index = indexByName_.value(name, -1);
  if (index < 0) return false;
  const int r = runOfUnit_[unitOfNode_[index]];
  if (r < 0) return false;
  if (runs_[r].collapsed != collapsed) {
    runs_[r].collapsed = collapsed;
    rebuildScene();
  }
  return true;
}

int GraphView::drawnNodeCount() const {
  int count = 0;
  for (const GraphBox& box : boxes_)
    if (box.input < 0 && box.item != nullptr) ++count;
  return count;
}

int GraphView::highlightedBoxCount() const {
  int count = 0;
  for (const GraphBox& box : boxes_) {
    for (int v : box.nodes) {
      if (highlighted_[v]) {
        ++count;
        break;
      }
    }
  }
  return count;
}

QColor GraphView::nodeFill(const QString& name) const {
  const int index = indexByName_.value(name, -1);
  if (index < 0 || boxOfNode_[index] < 0) return {};
  const GraphNodeItem* item = boxes_[boxOfNode_[index]].item;
  return item != nullptr ? item->brush().color() : QColor();
}

QRectF GraphView::nodeRect(const QString& name) const {
  const int index = indexByName_.value(name, -1);
  if (index < 0 || boxOfNode_[index] < 0) return {};
  const GraphNodeItem* item = boxes_[boxOfNode_[index]].item;
  return item != nullptr ? item->rect() : QRectF();
}

QString GraphView::nodeText(const QString& name) const {
  const int index = indexByName_.value(name, -1);
  if (index < 0 || boxOfNode_[index] < 0) return {};
  const GraphNodeItem* item = boxes_[boxOfNode_[index]].item;
  return item != nullptr ? item->lines().join(QLatin1Char('\n')) : QString();
}

int GraphView::boxAt(const QPoint& viewPos) const {
  for (QGraphicsItem* item : items(viewPos)) {
    if (auto* node = qgraphicsitem_cast<GraphNodeItem*>(item)) return node->box();
  }
  return -1;
}

void GraphView::wheelEvent(QWheelEvent* event) {
  if (event->modifiers() & Qt::ControlModifier) {
    const int delta = event->angleDelta().y();
    if (delta != 0) zoomBy(std::pow(1.0015, delta));
    event->accept();
    return;
  }
  QGraphicsView::wheelEvent(event);
}

void GraphView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton) {
    const int b = boxAt(event->position().toPoint());
    if (b >= 0 && boxes_[b].input < 0) {
      setSelectedIndex(boxes_[b].nodes.front(), false);
      event->accept();
      return;
    }
  }
  QGraphicsView::mousePressEvent(event);  // background: pan
}

void GraphView::mouseDoubleClickEvent(QMouseEvent* event) {
  const int b = boxAt(event->position().toPoint());
  if (b < 0 || boxes_[b].input >= 0) {
    QGraphicsView::mouseDoubleClickEvent(event);
    return;
  }
  const int head = boxes_[b].nodes.front();
  const int r = runOfUnit_[unitOfNode_[head]];
  if (r >= 0 && collapseRepeated_) {
    runs_[r].collapsed = !runs_[r].collapsed;
    rebuildScene();
    if (boxOfNode_[head] >= 0) centerOn(boxes_[boxOfNode_[head]].item);
  }
  event->accept();
}

QString GraphView::metricName(ColorBy kind) const {
  switch (kind) {
    case ColorBy::Op: return tr("op");
    case ColorBy::PruneRatio: return tr("pruning ratio");
    case ColorBy::Importance: return tr("importance");
    case ColorBy::Sensitivity: return tr("sensitivity");
    case ColorBy::LatencyShare: return tr("latency share");
  }
  return {};
}

void GraphView::drawForeground(QPainter* painter, const QRectF& rect) {
  QGraphicsView::drawForeground(painter, rect);
  if (boxes_.empty()) return;
  QString legend = tr("Colour: %1").arg(metricName(colorBy_));
  if (colorBy_ != ColorBy::Op)
    legend += metricMax_ > 0 ? tr("  (0 \u2013 %1)").arg(metricMax_, 0, 'g', 3)
                             : tr("  (no values)");
  painter->save();
  painter->resetTransform();
  const QFontMetrics fm(font());
  const QRect box(8, 8, fm.horizontalAdvance(legend) + 16, fm.height() + 8);
  painter->setPen(QColor(0xb0, 0xb0, 0xb0));
  painter->setBrush(QColor(255, 255, 255, 220));
  painter->drawRect(box);
  painter->setPen(Qt::black);
  painter->drawText(box, Qt::AlignCenter, legend);
  painter->restore();
}

}  // namespace whittle::ui
