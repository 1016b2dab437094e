#pragma once
// What GraphView draws as boxes, worked out apart from the drawing (no
// QGraphics, no torch here): the graph's nodes digested, the folding of
// BN/activations into their producer's unit, the repeated runs of the spine,
// the boxes for the current collapse state and their text. The rules are
// described in ui/graph_view.h ("Collapse").
//
// Node, unit and box lists hold indices into each other; an input index
// -1 - k stands for graph input k.
#include <QHash>
#include <QString>
#include <QStringList>
#include <cstddef>
#include <vector>

namespace whittle {
class Graph;
struct GraphCost;
}  // namespace whittle

namespace whittle::ui {

class GraphNodeItem;

struct GraphNodeInfo {
  QString name;
  QString title;  // "Conv 3×3 s2", "BN", "Add"
  QString shape;  // "512×38×38"
  int op = 0;     // whittle::Op as int
  bool depthwise = false;
  qint64 params = 0;
  qint64 macs = 0;
  std::vector<int> inputs;  // producer node index; -1 - k for graph input k
  std::vector<int> consumers;
  bool isOutput = false;
  QString signature;  // structure, for comparing blocks
};
struct GraphUnit {
  std::vector<int> nodes;  // head first, then the folded nodes
  std::vector<int> preds;  // unit indices; -1 - k for graph input k
  std::vector<int> succs;  // unit indices
};
struct GraphRun {
  std::vector<int> units;  // in order
  int blocks = 0;
  bool collapsed = true;
};
struct GraphBox {
  std::vector<int> nodes;  // graph nodes drawn by this box (empty: graph input)
  int unit = -1;
  int run = -1;            // collapsed run drawn by this box, or -1
  int input = -1;          // graph input index, or -1
  GraphNodeItem* item = nullptr;  // set by GraphView once drawn
};

// One GraphNodeInfo per graph node, in graph order (costs by node name), and
// the graph inputs' names and shapes.
void describeGraph(const whittle::Graph& graph, const whittle::GraphCost& cost,
                   std::vector<GraphNodeInfo>& nodes, QStringList& inputNames,
                   QStringList& inputShapes);
// Units in node order: every node heads its own, but with foldPointwise a
// BatchNorm/activation/Identity joins the unit of its sole-consumer producer.
void buildUnits(const std::vector<GraphNodeInfo>& nodes, bool foldPointwise,
                std::vector<GraphUnit>& units, std::vector<int>& unitOfNode);
// Repeated runs of structurally identical spine blocks (all collapsed);
// runOfUnit is -1 for a unit in no run.
void findRuns(const std::vector<GraphNodeInfo>& nodes, const std::vector<GraphUnit>& units,
              std::vector<GraphRun>& runs, std::vector<int>& runOfUnit);
// The boxes to draw: the graph inputs first, then one per unit, but one for
// all units of a run that is collapsed (when collapseRepeated). Empty when
// there are no nodes.
void assignBoxes(size_t nodeCount, int inputCount, const std::vector<GraphUnit>& units,
                 const std::vector<GraphRun>& runs, const std::vector<int>& runOfUnit,
                 bool collapseRepeated, std::vector<GraphBox>& boxes, std::vector<int>& boxOfNode,
                 std::vector<int>& boxOfInput);
// The text lines of a box, title first (translated in GraphView's context);
// a latency line once `latency` is not empty.
QStringList boxLines(const GraphBox& box, const std::vector<GraphNodeInfo>& nodes,
                     const std::vector<GraphUnit>& units, const std::vector<GraphRun>& runs,
                     const QStringList& inputNames, const QStringList& inputShapes,
                     const QHash<QString, double>& latency);

}  // namespace whittle::ui
