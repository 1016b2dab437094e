// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "graph/op.h"
#include "graph/shape_inference.h"

#include "ui/layer_table_model.h"

#include <QStringList>

namespace whittle::ui {

namespace {

QString toQString(const std::string& text) { return QString::fromStdString(text); }

bool isNumeric(int column) {
  return column == LayerTableModel::ParamsColumn || column == LayerTableModel::MacsColumn ||
         column == LayerTableModel::WeightBytesColumn;
}

}  // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {
  // The C locale omits group separators by default; the table always wants them.
  locale_.setNumberOptions(QLocale::DefaultNumberOptions);
}

void LayerTableModel::setGraph(const whittle::Graph& graph, const whittle::GraphCost& cost) {
  beginResetModel();
  rows_.clear();
  rows_.reserve(static_cast<int>(cost.nodes.size()));
  for (size_t i = 0; i < cost.nodes.size(); ++i) {
    const NodeCost& node = cost.nodes[i];
    Row row;
    row.name = toQString(node.name);
    row.op = toQString(std::string(op_name(node.op)));
    row.shape = toQString(format_shape(node.output_shape));
    if (i < graph.nodes.size() && graph.nodes[i].name == node.name) {
      QStringList inputs;
      for (const std::string& input : graph.nodes[i].inputs) inputs << toQString(input);
      row.inputs = inputs.join(QStringLiteral(", "));
    }
    row.params = node.params;
    row.macs = node.macs;
    row.weightBytes = node.weight_bytes_fp32;
    rows_.push_back(row);
  }
  endResetModel();
}

void LayerTableModel::clear() {
  beginResetModel();
  rows_.clear();
  endResetModel();
}

int LayerTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : ColumnCount;
}

QString LayerTableModel::formatCount(qint64 value) const { return locale_.toString(value); }

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const Row& row = rows_[index.row()];
  const int column = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (column) {
        case NameColumn: return row.name;
        case OpColumn: return row.op;
        case ShapeColumn: return row.shape;
        case ParamsColumn: return formatCount(row.params);
        case MacsColumn: return formatCount(row.macs);
        case WeightBytesColumn: return formatCount(row.weightBytes);
        default: return {};
      }
    case SortRole:
      switch (column) {
        case ParamsColumn: return row.params;
        case MacsColumn: return row.macs;
        case WeightBytesColumn: return row.weightBytes;
        case ShapeColumn: return row.shape;
        default: return data(index, Qt::DisplayRole);
      }
    case Qt::TextAlignmentRole:
      return isNumeric(column) ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                               : QVariant(int(Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::ToolTipRole:
      if (row.inputs.isEmpty()) return row.name;
      return tr("%1 (%2)\ninputs: %3").arg(row.name, row.op, row.inputs);
    default:
      return {};
  }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Vertical) {
    // The node's position in graph order; the proxy keeps it with its row.
    if (role == Qt::DisplayRole) return section + 1;
    return {};
  }
  if (role == Qt::TextAlignmentRole) {
    return isNumeric(section) ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                              : QVariant(int(Qt::AlignLeft | Qt::AlignVCenter));
  }
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case NameColumn: return tr("The layer's name in the model.");
      case OpColumn: return tr("The operation the layer performs, such as Conv, Add or Concat.");
      case ShapeColumn: return tr("The shape of the layer's output: batch, channels, height and width.");
      case ParamsColumn: return tr("Number of weights and biases the layer holds.");
      case MacsColumn: return tr("Multiply-accumulate operations the layer performs for one image.");
      case WeightBytesColumn: return tr("Bytes the layer's weights take as 32-bit floats (4 bytes per parameter).");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case NameColumn: return tr("Name");
    case OpColumn: return tr("Op");
    case ShapeColumn: return tr("Output shape");
    case ParamsColumn: return tr("Params");
    case MacsColumn: return tr("MACs");
    case WeightBytesColumn: return tr("Weights (fp32 bytes)");
    default: return {};
  }
}

}  // namespace whittle::ui
