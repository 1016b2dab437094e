#pragma once
// The inspector: everything about the selected layer in one place — op,
// attributes, input and output shapes, parameters, MACs, measured latency,
// weights, and the channel groups it belongs to (with their partners, so the
// user sees why pruning this conv also trims that one, or why it cannot be
// pruned). Read-only; fed by the main window.
#include <QHash>
#include <QString>
#include <QTextBrowser>

namespace whittle {
class Graph;
struct GraphCost;
struct ChannelGroups;
}  // namespace whittle

namespace whittle::ui {

class NodeInspector : public QTextBrowser {
  Q_OBJECT

 public:
  explicit NodeInspector(QWidget* parent = nullptr);

  // The model the names refer to; the pointers must stay valid until the
  // next setModel() or clear(). Shows the placeholder.
  void setModel(const whittle::Graph* graph, const whittle::GraphCost* cost,
                const whittle::ChannelGroups* groups);
  void clear();
  // Measured per-layer latency (ms), shown once set.
  void setLatency(const QHash<QString, double>& msByNode);
  // Shows `node`; false (placeholder shown) when the model has no such node.
  bool showNode(const QString& node);
  QString node() const { return node_; }

 signals:
  // A partner layer's link was clicked.
  void nodeActivated(const QString& name);

 private:
  void showPlaceholder();

  const whittle::Graph* graph_ = nullptr;
  const whittle::GraphCost* cost_ = nullptr;
  const whittle::ChannelGroups* groups_ = nullptr;
  QHash<QString, double> latency_;
  QString node_;
};

}  // namespace whittle::ui
