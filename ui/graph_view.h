#pragma once
// GraphView: the model graph of the workbench, top to bottom (layered DAG
// layout from graph_layout.h), drawn with QGraphicsView: zoom (Ctrl+wheel,
// zoomBy), pan (drag), fit, search by layer name, colour by a metric, and the
// channel-coupled layers of the selected one highlighted together.
//
// Every box shows its op (with kernel/stride/groups), the layer name, the
// output shape (C×H×W), params and MACs, and, once setLatency() was called,
// its latency. A click selects a box (nodeSelected is emitted with the
// graph node's name); a double click expands or re-collapses a repeated run.
//
// Collapse, so SSD300-VGG16 and the SSD-MobileNets stay readable:
// 1. Folding (setFoldPointwise, default on): a BatchNorm, activation or
//    Identity node whose only input comes from a node with no other consumer
//    (and that is no graph output) is drawn inside its producer's box:
//    "Conv 3×3 s1 · BN · ReLU". Folded nodes keep their names: selecting,
//    searching, colouring and group highlighting work on them.
// 2. Repeated runs (setCollapseRepeated, default on): the spine of the graph
//    is the dominator chain of its deepest box (every path from the input
//    passes through each spine box). The boxes between two consecutive spine
//    boxes form a block (a plain layer, or e.g. an inverted residual with its
//    skip and Add). Two or more consecutive blocks with the same structure
//    (ops, kernels, strides, groups, output shapes, internal edges) whose
//    inner boxes are used only inside the run form one box "×N" with the
//    summed params/MACs. A double click (or selecting/searching a layer in
//    it) expands it; a double click on one of its boxes collapses it again.
// With both off every graph node is one box.
//
// Colours: by op (fixed palette), or by a metric given per node name
// (setMetric): a box takes the largest value of its nodes (latency share:
// the sum), normalised by the largest box value, from pale to dark red;
// boxes without values are grey.
#include <QColor>
#include <QGraphicsView>
#include <QHash>
#include <QString>
#include <QStringList>
#include <vector>

#include "ui/graph_collapse.h"

namespace whittle {
class Graph;
struct GraphCost;
struct ChannelGroups;
}  // namespace whittle

namespace whittle::ui {

class GraphNodeItem;

class GraphView : public QGraphicsView {
  Q_OBJECT

 public:
  enum class ColorBy { Op, PruneRatio, Importance, Sensitivity, LatencyShare };

  explicit GraphView(QWidget* parent = nullptr);
  ~GraphView() override;

  // Builds the scene for `graph` (costs from core's compute_cost, groups from
  // core's channel_groups, both for this graph). Replaces what was shown;
  // metrics and latency (keyed by node name) and the colour mode are kept.
  // Nothing of `graph` is referenced afterwards.
  void setModel(const whittle::Graph& graph, const whittle::GraphCost& cost,
                const whittle::ChannelGroups& groups);
  void clear();

  // Per-node values for a colour mode (node name -> value; nodes absent are
  // drawn neutral). Values are normalised by the view for colouring (0..max).
  void setMetric(ColorBy kind, const QHash<QString, double>& valueByNode);
  void setColorBy(ColorBy kind);
  ColorBy colorBy() const { return colorBy_; }
  // Shown in the node text once set (a box shows the sum of its nodes).
  void setLatency(const QHash<QString, double>& msByNode);

  // Selects the node (expanding a collapsed run holding it), centres it and
  // emits nodeSelected when the selection changed; false if unknown.
  bool selectNode(const QString& name);
  QString selectedNode() const;
  // The selected node's channel-group partners (every node of every group
  // the node is a member of), selected node included; graph order.
  QStringList highlightedNodes() const;
  // Case-insensitive substring of node names: selects the first match (in
  // graph order, expanding a collapsed run if needed), returns the count.
  int search(const QString& text);

  void fitAll();
  void zoomBy(double factor);  // wheel with Ctrl zooms; drag pans (ScrollHandDrag)
  double zoom() const;         // current scale factor

  void setCollapseRepeated(bool on);  // default on
  bool collapseRepeated() const { return collapseRepeated_; }
  void setFoldPointwise(bool on);     // default on
  bool foldPointwise() const { return foldPointwise_; }
  // Expands (false) or collapses (true) the repeated run holding `name`;
  // false when the node is in no run.
  bool setRunCollapsed(const QString& name, bool collapsed);

  int drawnNodeCount() const;  // node boxes in the scene now (graph inputs not counted)
  int nodeCount() const { return static_cast<int>(nodes_.size()); }
  // Boxes drawn highlighted (selected or coupled) now.
  int highlightedBoxCount() const;
  // The fill of the box drawing `name` (invalid colour when unknown).
  QColor nodeFill(const QString& name) const;
  // The scene rectangle of the box drawing `name` (empty when unknown).
  QRectF nodeRect(const QString& name) const;
  // The text of the box drawing `name`, lines joined by '\n' ("" when unknown).
  QString nodeText(const QString& name) const;

 signals:
  void nodeSelected(const QString& name);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void drawForeground(QPainter* painter, const QRectF& rect) override;

 private:
  void rebuildScene();
  void recolor();
  void updateHighlight();
  void setSelectedIndex(int node, bool centre);
  bool revealNode(int node);  // expands its run; true if the scene was rebuilt
  int boxAt(const QPoint& viewPos) const;
  double boxValue(const GraphBox& box) const;
  QColor opColor(const GraphBox& box) const;
  QString metricName(ColorBy kind) const;

  std::vector<GraphNodeInfo> nodes_;
  QHash<QString, int> indexByName_;
  QStringList inputNames_;
  QStringList inputShapes_;
  std::vector<std::vector<int>> groupsOfNode_;    // group indices per node
  std::vector<std::vector<int>> groupMembers_;    // node indices per group
  std::vector<GraphUnit> units_;
  std::vector<int> unitOfNode_;
  std::vector<GraphRun> runs_;
  std::vector<int> runOfUnit_;
  std::vector<GraphBox> boxes_;
  std::vector<int> boxOfNode_;
  std::vector<int> boxOfInput_;

  QHash<int, QHash<QString, double>> metrics_;  // ColorBy -> values
  QHash<QString, double> latency_;
  ColorBy colorBy_ = ColorBy::Op;
  bool collapseRepeated_ = true;
  bool foldPointwise_ = true;
  int selected_ = -1;
  std::vector<char> highlighted_;  // per node
  double metricMax_ = 0;
};

}  // namespace whittle::ui
