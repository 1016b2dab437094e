#pragma once
// The layer table: one row per graph node, in graph order, with its cost
// (cost_model.h). Numbers display with thousands separators; SortRole gives
// the raw values so a QSortFilterProxyModel sorts them as numbers.
#include <QAbstractTableModel>
#include <QLocale>
#include <QString>
#include <QVector>

namespace whittle {
class Graph;
struct GraphCost;
}  // namespace whittle

namespace whittle::ui {

class LayerTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    NameColumn,
    OpColumn,
    ShapeColumn,
    ParamsColumn,
    MacsColumn,
    WeightBytesColumn,  // fp32
    ColumnCount
  };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit LayerTableModel(QObject* parent = nullptr);

  // Rows from `cost`, which compute_cost(graph) returned: one per node of
  // `graph`, same order. The graph supplies each node's inputs (tooltips).
  void setGraph(const whittle::Graph& graph, const whittle::GraphCost& cost);
  void clear();

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation,
                      int role = Qt::DisplayRole) const override;

  // "1,234,567" in the UI locale (group separators even in the C locale).
  QString formatCount(qint64 value) const;

 private:
  struct Row {
    QString name;
    QString op;
    QString shape;
    QString inputs;
    qint64 params = 0;
    qint64 macs = 0;
    qint64 weightBytes = 0;
  };

  QVector<Row> rows_;
  QLocale locale_;
};

}  // namespace whittle::ui
