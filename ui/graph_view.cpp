// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "graph/op.h"
#include "prune/channel_groups.h"

#include "ui/graph_view.h"

#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "ui/graph_layout.h"

namespace whittle::ui {

namespace {

constexpr double kBoxWidth = 230;
constexpr double kInputWidth = 170;
constexpr double kPadding = 6;
constexpr double kStackOffset = 5;  // the "cards behind" of a collapsed run
constexpr double kMinZoom = 0.03;
constexpr double kMaxZoom = 6.0;

const QColor kNormalPen(0x55, 0x5b, 0x66);
const QColor kSelectedPen(0x1f, 0x4e, 0x9a);
const QColor kCoupledPen(0xf0, 0x80, 0x00);
const QColor kEdgeColor(0x80, 0x86, 0x90);
const QColor kNeutralFill(0xe4, 0xe4, 0xe4);

QString compactCount(qint64 value) {
  const double v = static_cast<double>(value);
  if (std::abs(v) >= 1e9) return QStringLiteral("%1 G").arg(v / 1e9, 0, 'f', 2);
  if (std::abs(v) >= 1e6) return QStringLiteral("%1 M").arg(v / 1e6, 0, 'f', 2);
  if (std::abs(v) >= 1e3) return QStringLiteral("%1 K").arg(v / 1e3, 0, 'f', 1);
  return QString::number(value);
}

QString shapeText(const Shape& shape) {
  // Batch dropped: "512×38×38".
  QStringList parts;
  for (size_t i = shape.size() > 1 ? 1 : 0; i < shape.size(); ++i)
    parts << QString::number(shape[i]);
  return parts.join(QChar(0x00d7));
}

bool foldable(Op op) { return op == Op::BatchNorm2d || op == Op::Identity || is_activation(op); }

// "Conv 3×3 s2", "DWConv 3×3 s1", "MaxPool 2×2 s2", "BN", "ReLU6".
QString nodeTitle(const Node& node, bool& depthwise) {
  depthwise = false;
  const QChar times(0x00d7);
  switch (node.op) {
    case Op::Conv2d: {
      QString kind = QStringLiteral("Conv");
      QString kernel;
      if (node.has_weight("weight")) {
        const auto sizes = node.weight("weight").sizes();
        if (sizes.size() == 4) {
          const int64_t groups = node.attrs.get_int("groups", 1);
          if (groups > 1) {
            depthwise = groups == sizes[0] && sizes[1] == 1;
            kind = depthwise ? QStringLiteral("DWConv") : QStringLiteral("GConv");
          }
          kernel = QStringLiteral(" %1%2%3").arg(sizes[2]).arg(times).arg(sizes[3]);
        }
      }
      QString text = kind + kernel;
      text += QStringLiteral(" s%1").arg(node.attrs.get_pair("stride", 1).at(0));
      const int64_t dilation = node.attrs.get_pair("dilation", 1).at(0);
      if (dilation != 1) text += QStringLiteral(" d%1").arg(dilation);
      return text;
    }
    case Op::MaxPool2d:
    case Op::AvgPool2d: {
      const int64_t k = node.attrs.get_pair("kernel", 1).at(0);
      const int64_t s = node.attrs.get_pair("stride", 1).at(0);
      return QString::fromStdString(std::string(op_name(node.op))) + QLatin1Char(' ') +
             QString::number(k) + times + QString::number(k) + QStringLiteral(" s") +
             QString::number(s);
    }
    case Op::BatchNorm2d: return QStringLiteral("BN");
    default: return QString::fromStdString(std::string(op_name(node.op)));
  }
}

// The structure of a node, for telling repeated blocks apart: op, every
// attribute, weight shapes and the output shape (not the name).
QString nodeSignature(const Node& node, const QString& shape) {
  QString s = QString::fromStdString(std::string(op_name(node.op)));
  for (const auto& [key, value] : node.attrs.all())
    s += QLatin1Char(' ') + QString::fromStdString(key) + QLatin1Char('=') +
         QString::fromStdString(format_attr(value));
  for (const auto& [key, tensor] : node.weights) {
    s += QLatin1Char(' ') + QString::fromStdString(key) + QLatin1Char(':');
    for (int64_t d : tensor.sizes()) s += QString::number(d) + QLatin1Char(',');
  }
  return s + QStringLiteral(" -> ") + shape;
}

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

// One box: a rounded rectangle with lines of text; a collapsed run draws two
// cards behind it. Its brush is the colour; its pen the selection state.
class GraphNodeItem : public QGraphicsRectItem {
 public:
  enum { Type = UserType + 71 };

  GraphNodeItem(int box, const QRectF& rect, QStringList lines, int stacked, bool input,
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

  int type() const override { return Type; }
  int box() const { return box_; }
  const QStringList& lines() const { return lines_; }
  void setTextColor(const QColor& color) {
    textColor_ = color;
    update();
  }
  void setState(bool selected, bool coupled) {
    QPen pen(selected ? kSelectedPen : coupled ? kCoupledPen : kNormalPen,
             selected ? 3.5 : coupled ? 3.0 : 1.0);
    if (input_) pen.setStyle(Qt::DashLine);
    setPen(pen);
  }

  QRectF boundingRect() const override {
    const double m = pen().widthF() / 2 + 1;
    const double stack = stacked_ > 1 ? 2 * kStackOffset : 0;
    return rect().adjusted(-m, -m - stack, m + stack, m);
  }

  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) override {
    const QRectF r = rect();
    painter->setRenderHint(QPainter::Antialiasing, true);
    if (stacked_ > 1) {
      painter->setPen(QPen(kNormalPen, 1));
      painter->setBrush(brush().color().darker(108));
      for (int i = 2; i >= 1; --i)
        painter->drawRoundedRect(r.translated(i * kStackOffset, -i * kStackOffset), 6, 6);
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

namespace {

// A polyline edge, smoothed into vertical cubic segments, with an arrowhead
// at its end.
class EdgeItem : public QGraphicsPathItem {
 public:
  explicit EdgeItem(const std::vector<LayoutPoint>& points) {
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

  QRectF boundingRect() const override {
    return QGraphicsPathItem::boundingRect().united(QRectF(tip_.x() - 6, tip_.y() - 9, 12, 10));
  }

  void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override {
    painter->setRenderHint(QPainter::Antialiasing, true);
    QGraphicsPathItem::paint(painter, option, widget);
    painter->setPen(Qt::NoPen);
    painter->setBrush(kEdgeColor);
    const QPointF head[3] = {tip_, tip_ + QPointF(-4.5, -8), tip_ + QPointF(4.5, -8)};
    painter->drawPolygon(head, 3);
  }

 private:
  QPointF tip_;
};

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

  std::unordered_map<std::string, int> inputIndex;
  for (size_t k = 0; k < graph.inputs.size(); ++k) {
    inputIndex[graph.inputs[k].name] = static_cast<int>(k);
    inputNames_ << QString::fromStdString(graph.inputs[k].name);
    inputShapes_ << shapeText(graph.inputs[k].shape);
  }
  std::unordered_map<std::string, const NodeCost*> costByName;
  for (const NodeCost& c : cost.nodes) costByName[c.name] = &c;
  std::unordered_map<std::string, int> producer;
  const std::set<std::string> outputs(graph.outputs.begin(), graph.outputs.end());

  nodes_.resize(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    NodeInfo& info = nodes_[i];
    info.name = QString::fromStdString(node.name);
    info.op = static_cast<int>(node.op);
    info.title = nodeTitle(node, info.depthwise);
    auto found = costByName.find(node.name);
    if (found != costByName.end()) {
      info.shape = shapeText(found->second->output_shape);
      info.params = found->second->params;
      info.macs = found->second->macs;
    }
    info.signature = nodeSignature(node, info.shape);
    info.isOutput = outputs.count(node.output) != 0;
    for (const std::string& value : node.inputs) {
      auto p = producer.find(value);
      if (p != producer.end()) {
        info.inputs.push_back(p->second);
        std::vector<int>& consumers = nodes_[p->second].consumers;
        if (std::find(consumers.begin(), consumers.end(), static_cast<int>(i)) == consumers.end())
          consumers.push_back(static_cast<int>(i));
      } else {
        auto in = inputIndex.find(value);
        if (in != inputIndex.end()) info.inputs.push_back(-1 - in->second);
      }
    }
    producer[node.output] = static_cast<int>(i);
    indexByName_.insert(info.name, static_cast<int>(i));
  }

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

  buildUnits();
  findRuns();
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

void GraphView::buildUnits() {
  units_.clear();
  unitOfNode_.assign(nodes_.size(), -1);
  for (size_t v = 0; v < nodes_.size(); ++v) {
    const NodeInfo& info = nodes_[v];
    if (foldPointwise_ && foldable(static_cast<Op>(info.op)) && info.inputs.size() == 1 &&
        info.inputs[0] >= 0) {
      const NodeInfo& producer = nodes_[info.inputs[0]];
      if (producer.consumers.size() == 1 && !producer.isOutput) {
        const int unit = unitOfNode_[info.inputs[0]];
        unitOfNode_[v] = unit;
        units_[unit].nodes.push_back(static_cast<int>(v));
        continue;
      }
    }
    unitOfNode_[v] = static_cast<int>(units_.size());
    units_.push_back(Unit{{static_cast<int>(v)}, {}, {}});
  }
  auto addUnique = [](std::vector<int>& list, int value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
  };
  for (size_t u = 0; u < units_.size(); ++u) {
    for (int v : units_[u].nodes) {
      for (int input : nodes_[v].inputs) {
        if (input < 0) {
          addUnique(units_[u].preds, input);
          continue;
        }
        const int from = unitOfNode_[input];
        if (from == static_cast<int>(u)) continue;
        addUnique(units_[u].preds, from);
        addUnique(units_[from].succs, static_cast<int>(u));
      }
    }
  }
}

void GraphView::findRuns() {
  runs_.clear();
  runOfUnit_.assign(units_.size(), -1);
  const int n = static_cast<int>(units_.size());
  if (n == 0) return;

  // Immediate dominators over a virtual root (-1) that feeds the graph
  // inputs; units are in topological order, so one pass suffices.
  std::vector<int> idom(n, -1);
  std::vector<int> depth(n, 0);
  auto depthOf = [&depth](int u) { return u < 0 ? 0 : depth[u]; };
  auto intersect = [&](int a, int b) {
    while (a != b) {
      if (depthOf(a) > depthOf(b)) a = idom[a];
      else if (depthOf(b) > depthOf(a)) b = idom[b];
      else a = idom[a], b = idom[b];
    }
    return a;
  };
  int deepest = 0;
  for (int u = 0; u < n; ++u) {
    int dom = -2;  // none yet
    for (int p : units_[u].preds) {
      const int from = p < 0 ? -1 : p;
      dom = dom == -2 ? from : intersect(dom, from);
    }
    idom[u] = dom == -2 ? -1 : dom;
    depth[u] = depthOf(idom[u]) + 1;
    if (depth[u] > depth[deepest]) deepest = u;
  }
  std::vector<int> spine;
  for (int u = deepest; u >= 0; u = idom[u]) spine.push_back(u);
  std::reverse(spine.begin(), spine.end());

  // Blocks: what lies between consecutive spine units (the later included).
  std::vector<std::vector<int>> blocks(spine.size());
  std::vector<QString> signature(spine.size());
  std::vector<int> localIndex(n, -1);
  for (size_t i = 0; i < spine.size(); ++i) {
    std::vector<int>& block = blocks[i];
    const int stop = i == 0 ? -1 : spine[i - 1];
    std::vector<int> stack{spine[i]};
    std::vector<char> seen(n, 0);
    seen[spine[i]] = 1;
    while (!stack.empty()) {
      const int u = stack.back();
      stack.pop_back();
      block.push_back(u);
      if (i == 0) continue;  // the first spine unit is a block of its own
      for (int p : units_[u].preds)
        if (p >= 0 && p != stop && !seen[p]) seen[p] = 1, stack.push_back(p);
    }
    std::sort(block.begin(), block.end());
    for (size_t k = 0; k < block.size(); ++k) localIndex[block[k]] = static_cast<int>(k);
    QString& sig = signature[i];
    for (int u : block) {
      for (int v : units_[u].nodes) sig += nodes_[v].signature + QLatin1Char(';');
      sig += QLatin1Char('<');
      for (int p : units_[u].preds) {
        const bool inside = p >= 0 && std::binary_search(block.begin(), block.end(), p);
        sig += QString::number(inside ? localIndex[p] : -1) + QLatin1Char(',');
      }
      sig += QLatin1Char('>');
    }
  }

  // Runs: consecutive blocks repeating one structure whose units, but the
  // last exit, feed nothing outside the run and are no graph outputs.
  auto closed = [&](size_t first, size_t last) {
    std::vector<int> members;
    for (size_t b = first; b <= last; ++b)
      members.insert(members.end(), blocks[b].begin(), blocks[b].end());
    std::sort(members.begin(), members.end());
    for (int u : members) {
      if (u == spine[last]) continue;
      for (int v : units_[u].nodes)
        if (nodes_[v].isOutput) return false;
      for (int s : units_[u].succs)
        if (!std::binary_search(members.begin(), members.end(), s)) return false;
    }
    return true;
  };
  // A run repeats a unit of `period` consecutive blocks (MobileNet's
  // depthwise + pointwise pair is two spine blocks), at least twice; the
  // period covering the most blocks wins, the shorter on a tie.
  constexpr size_t kMaxPeriod = 4;
  for (size_t i = 0; i < blocks.size();) {
    size_t bestPeriod = 0;
    size_t bestRepeats = 0;
    for (size_t period = 1; period <= kMaxPeriod; ++period) {
      size_t repeats = 1;
      while (true) {
        const size_t start = i + repeats * period;
        if (start + period > blocks.size()) break;
        bool same = true;
        for (size_t k = 0; k < period && same; ++k) same = signature[start + k] == signature[i + k];
        if (!same || !closed(i, start + period - 1)) break;
        ++repeats;
      }
      if (repeats >= 2 && repeats * period > bestRepeats * bestPeriod) {
        bestPeriod = period;
        bestRepeats = repeats;
      }
    }
    if (bestRepeats < 2) {
      ++i;
      continue;
    }
    const size_t j = i + bestRepeats * bestPeriod - 1;
    Run run;
    run.blocks = static_cast<int>(bestRepeats);
    for (size_t b = i; b <= j; ++b)
      run.units.insert(run.units.end(), blocks[b].begin(), blocks[b].end());
    std::sort(run.units.begin(), run.units.end());
    for (int u : run.units) runOfUnit_[u] = static_cast<int>(runs_.size());
    runs_.push_back(std::move(run));
    i = j + 1;
  }
}

QStringList GraphView::boxLines(const Box& box) const {
  QStringList lines;
  if (box.input >= 0) {
    lines << tr("Input") << inputNames_.value(box.input) << inputShapes_.value(box.input);
    return lines;
  }
  qint64 params = 0;
  qint64 macs = 0;
  for (int v : box.nodes) params += nodes_[v].params, macs += nodes_[v].macs;
  const QString dot = QStringLiteral(" \u00b7 ");
  if (box.run >= 0) {
    const Run& run = runs_[box.run];
    const int perBlock = static_cast<int>(run.units.size()) / std::max(1, run.blocks);
    QStringList heads;
    for (int k = 0; k < perBlock; ++k) heads << nodes_[units_[run.units[k]].nodes.front()].title;
    lines << tr("%1%2 %3")
                 .arg(QChar(0x00d7))
                 .arg(run.blocks)
                 .arg(heads.join(QStringLiteral(" \u2192 ")));
    lines << tr("%1 \u2026 %2")
                 .arg(nodes_[units_[run.units.front()].nodes.front()].name,
                      nodes_[units_[run.units.back()].nodes.front()].name);
  } else {
    QStringList titles;
    for (int v : box.nodes) titles << nodes_[v].title;
    lines << titles.join(dot) << nodes_[box.nodes.front()].name;
  }
  lines << tr("out %1").arg(nodes_[box.nodes.back()].shape);
  lines << tr("%1 params%2%3 MACs").arg(compactCount(params), dot, compactCount(macs));
  if (!latency_.isEmpty()) {
    double ms = 0;
    bool any = false;
    for (int v : box.nodes) {
      auto it = latency_.constFind(nodes_[v].name);
      if (it != latency_.constEnd()) ms += it.value(), any = true;
    }
    lines << (any ? tr("%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 1) : tr("latency \u2013"));
  }
  return lines;
}

void GraphView::rebuildScene() {
  scene()->clear();
  boxes_.clear();
  boxOfNode_.assign(nodes_.size(), -1);
  boxOfInput_.assign(inputNames_.size(), -1);
  if (nodes_.empty()) return;

  for (int k = 0; k < inputNames_.size(); ++k) {
    boxOfInput_[k] = static_cast<int>(boxes_.size());
    Box box;
    box.input = k;
    boxes_.push_back(box);
  }
  std::vector<int> boxOfRun(runs_.size(), -1);
  for (size_t u = 0; u < units_.size(); ++u) {
    const int r = runOfUnit_[u];
    if (collapseRepeated_ && r >= 0 && runs_[r].collapsed) {
      if (boxOfRun[r] < 0) {
        boxOfRun[r] = static_cast<int>(boxes_.size());
        Box box;
        box.run = r;
        boxes_.push_back(box);
      }
      Box& box = boxes_[boxOfRun[r]];
      box.nodes.insert(box.nodes.end(), units_[u].nodes.begin(), units_[u].nodes.end());
      for (int v : units_[u].nodes) boxOfNode_[v] = boxOfRun[r];
      continue;
    }
    Box box;
    box.unit = static_cast<int>(u);
    box.nodes = units_[u].nodes;
    for (int v : box.nodes) boxOfNode_[v] = static_cast<int>(boxes_.size());
    boxes_.push_back(box);
  }

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
    texts[b] = boxLines(boxes_[b]);
    tips[b] = texts[b].join(QLatin1Char('\n'));
    const double width = boxes_[b].input >= 0 ? kInputWidth : kBoxWidth;
    for (int i = 0; i < texts[b].size(); ++i) {
      const QFontMetricsF& fm = i == 0 ? boldMetrics : metrics;
      texts[b][i] = fm.elidedText(texts[b][i], i == 1 ? Qt::ElideMiddle : Qt::ElideRight,
                                  width - 2 * kPadding);
    }
    layout.boxes.push_back({width, texts[b].size() * lineHeight + 2 * kPadding});
  }
  layout.nodeGap = 24 + kStackOffset * 2;
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
  scene()->setSceneRect(QRectF(-40, -40, placed.width + 80 + kStackOffset * 2, placed.height + 80));
  recolor();
  updateHighlight();
}

double GraphView::boxValue(const Box& box) const {
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

QColor GraphView::opColor(const Box& box) const {
  if (box.input >= 0) return Qt::white;
  const NodeInfo& head = nodes_[box.nodes.front()];
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
  for (const Box& box : boxes_) {
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
  for (Run& run : runs_) run.collapsed = true;
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
  buildUnits();
  findRuns();
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
  for (const Box& box : boxes_)
    if (box.input < 0 && box.item != nullptr) ++count;
  return count;
}

int GraphView::highlightedBoxCount() const {
  int count = 0;
  for (const Box& box : boxes_) {
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
