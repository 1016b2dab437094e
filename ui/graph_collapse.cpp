// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "graph/op.h"

#include "ui/graph_collapse.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace whittle::ui {

namespace {

// tr() in GraphView's translation context: the box texts keep their entries.
class GraphViewText {
  Q_DECLARE_TR_FUNCTIONS(whittle::ui::GraphView)
};

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

}  // namespace

void describeGraph(const Graph& graph, const GraphCost& cost, std::vector<GraphNodeInfo>& nodes,
                   QStringList& inputNames, QStringList& inputShapes) {
  nodes.clear();
  inputNames.clear();
  inputShapes.clear();
  std::unordered_map<std::string, int> inputIndex;
  for (size_t k = 0; k < graph.inputs.size(); ++k) {
    inputIndex[graph.inputs[k].name] = static_cast<int>(k);
    inputNames << QString::fromStdString(graph.inputs[k].name);
    inputShapes << shapeText(graph.inputs[k].shape);
  }
  std::unordered_map<std::string, const NodeCost*> costByName;
  for (const NodeCost& c : cost.nodes) costByName[c.name] = &c;
  std::unordered_map<std::string, int> producer;
  const std::set<std::string> outputs(graph.outputs.begin(), graph.outputs.end());

  nodes.resize(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    GraphNodeInfo& info = nodes[i];
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
        std::vector<int>& consumers = nodes[p->second].consumers;
        if (std::find(consumers.begin(), consumers.end(), static_cast<int>(i)) == consumers.end())
          consumers.push_back(static_cast<int>(i));
      } else {
        auto in = inputIndex.find(value);
        if (in != inputIndex.end()) info.inputs.push_back(-1 - in->second);
      }
    }
    producer[node.output] = static_cast<int>(i);
  }
}

void buildUnits(const std::vector<GraphNodeInfo>& nodes, bool foldPointwise,
                std::vector<GraphUnit>& units, std::vector<int>& unitOfNode) {
  units.clear();
  unitOfNode.assign(nodes.size(), -1);
  for (size_t v = 0; v < nodes.size(); ++v) {
    const GraphNodeInfo& info = nodes[v];
    if (foldPointwise && foldable(static_cast<Op>(info.op)) && info.inputs.size() == 1 &&
        info.inputs[0] >= 0) {
      const GraphNodeInfo& producer = nodes[info.inputs[0]];
      if (producer.consumers.size() == 1 && !producer.isOutput) {
        const int unit = unitOfNode[info.inputs[0]];
        unitOfNode[v] = unit;
        units[unit].nodes.push_back(static_cast<int>(v));
        continue;
      }
    }
    unitOfNode[v] = static_cast<int>(units.size());
    units.push_back(GraphUnit{{static_cast<int>(v)}, {}, {}});
  }
  auto addUnique = [](std::vector<int>& list, int value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
  };
  for (size_t u = 0; u < units.size(); ++u) {
    for (int v : units[u].nodes) {
      for (int input : nodes[v].inputs) {
        if (input < 0) {
          addUnique(units[u].preds, input);
          continue;
        }
        const int from = unitOfNode[input];
        if (from == static_cast<int>(u)) continue;
        addUnique(units[u].preds, from);
        addUnique(units[from].succs, static_cast<int>(u));
      }
    }
  }
}

void findRuns(const std::vector<GraphNodeInfo>& nodes, const std::vector<GraphUnit>& units,
              std::vector<GraphRun>& runs, std::vector<int>& runOfUnit) {
  runs.clear();
  runOfUnit.assign(units.size(), -1);
  const int n = static_cast<int>(units.size());
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
    for (int p : units[u].preds) {
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
      for (int p : units[u].preds)
        if (p >= 0 && p != stop && !seen[p]) seen[p] = 1, stack.push_back(p);
    }
    std::sort(block.begin(), block.end());
    for (size_t k = 0; k < block.size(); ++k) localIndex[block[k]] = static_cast<int>(k);
    QString& sig = signature[i];
    for (int u : block) {
      for (int v : units[u].nodes) sig += nodes[v].signature + QLatin1Char(';');
      sig += QLatin1Char('<');
      for (int p : units[u].preds) {
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
      for (int v : units[u].nodes)
        if (nodes[v].isOutput) return false;
      for (int s : units[u].succs)
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
    GraphRun run;
    run.blocks = static_cast<int>(bestRepeats);
    for (size_t b = i; b <= j; ++b)
      run.units.insert(run.units.end(), blocks[b].begin(), blocks[b].end());
    std::sort(run.units.begin(), run.units.end());
    for (int u : run.units) runOfUnit[u] = static_cast<int>(runs.size());
    runs.push_back(std::move(run));
    i = j + 1;
  }
}

void assignBoxes(size_t nodeCount, int inputCount, const std::vector<GraphUnit>& units,
                 const std::vector<GraphRun>& runs, const std::vector<int>& runOfUnit,
                 bool collapseRepeated, std::vector<GraphBox>& boxes, std::vector<int>& boxOfNode,
                 std::vector<int>& boxOfInput) {
  boxes.clear();
  boxOfNode.assign(nodeCount, -1);
  boxOfInput.assign(inputCount, -1);
  if (nodeCount == 0) return;

  for (int k = 0; k < inputCount; ++k) {
    boxOfInput[k] = static_cast<int>(boxes.size());
    GraphBox box;
    box.input = k;
    boxes.push_back(box);
  }
  std::vector<int> boxOfRun(runs.size(), -1);
  for (size_t u = 0; u < units.size(); ++u) {
    const int r = runOfUnit[u];
    if (collapseRepeated && r >= 0 && runs[r].collapsed) {
      if (boxOfRun[r] < 0) {
        boxOfRun[r] = static_cast<int>(boxes.size());
        GraphBox box;
        box.run = r;
        boxes.push_back(box);
      }
      GraphBox& box = boxes[boxOfRun[r]];
      box.nodes.insert(box.nodes.end(), units[u].nodes.begin(), units[u].nodes.end());
      for (int v : units[u].nodes) boxOfNode[v] = boxOfRun[r];
      continue;
    }
    GraphBox box;
    box.unit = static_cast<int>(u);
    box.nodes = units[u].nodes;
    for (int v : box.nodes) boxOfNode[v] = static_cast<int>(boxes.size());
    boxes.push_back(box);
  }
}

QStringList boxLines(const GraphBox& box, const std::vector<GraphNodeInfo>& nodes,
                     const std::vector<GraphUnit>& units, const std::vector<GraphRun>& runs,
                     const QStringList& inputNames, const QStringList& inputShapes,
                     const QHash<QString, double>& latency) {
  QStringList lines;
  if (box.input >= 0) {
    lines << GraphViewText::tr("Input") << inputNames.value(box.input)
          << inputShapes.value(box.input);
    return lines;
  }
  qint64 params = 0;
  qint64 macs = 0;
  for (int v : box.nodes) params += nodes[v].params, macs += nodes[v].macs;
  const QString dot = QStringLiteral(" \u00b7 ");
  if (box.run >= 0) {
    const GraphRun& run = runs[box.run];
    const int perBlock = static_cast<int>(run.units.size()) / std::max(1, run.blocks);
    QStringList heads;
    for (int k = 0; k < perBlock; ++k) heads << nodes[units[run.units[k]].nodes.front()].title;
    lines << GraphViewText::tr("%1%2 %3")
                 .arg(QChar(0x00d7))
                 .arg(run.blocks)
                 .arg(heads.join(QStringLiteral(" \u2192 ")));
    lines << GraphViewText::tr("%1 \u2026 %2")
                 .arg(nodes[units[run.units.front()].nodes.front()].name,
                      nodes[units[run.units.back()].nodes.front()].name);
  } else {
    QStringList titles;
    for (int v : box.nodes) titles << nodes[v].title;
    lines << titles.join(dot) << nodes[box.nodes.front()].name;
  }
  lines << GraphViewText::tr("out %1").arg(nodes[box.nodes.back()].shape);
  lines << GraphViewText::tr("%1 params%2%3 MACs")
               .arg(compactCount(params), dot, compactCount(macs));
  if (!latency.isEmpty()) {
    double ms = 0;
    bool any = false;
    for (int v : box.nodes) {
      auto it = latency.constFind(nodes[v].name);
      if (it != latency.constEnd()) ms += it.value(), any = true;
    }
    lines << (any ? GraphViewText::tr("%1 ms").arg(ms, 0, 'f', ms < 10 ? 2 : 1)
                  : GraphViewText::tr("latency \u2013"));
  }
  return lines;
}

}  // namespace whittle::ui
