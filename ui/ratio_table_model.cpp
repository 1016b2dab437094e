#include "ui/ratio_table_model.h"

#include <QHash>

namespace whittle::ui {

RatioTableModel::RatioTableModel(QObject* parent) : QAbstractTableModel(parent) {
  locale_.setNumberOptions(QLocale::DefaultNumberOptions);
}

void RatioTableModel::setRows(QVector<RatioRow> rows) {
  beginResetModel();
  rows_ = std::move(rows);
  index_.clear();
  for (int r = 0; r < rows_.size(); ++r) index_.insert(rows_[r].name, r);
  endResetModel();
}

void RatioTableModel::clear() { setRows({}); }

int RatioTableModel::rowOf(const QString& name) const { return index_.value(name, -1); }

void RatioTableModel::setRowRatio(int r, double ratio, qint64 removed, bool fromFile) {
  RatioRow& row = rows_[r];
  const bool criterionChanged = row.fromFile != fromFile;
  row.ratio = ratio;
  row.removed = removed;
  row.fromFile = fromFile;
  emit dataChanged(index(r, RatioColumn), index(r, criterionChanged ? CriterionColumn : KeptColumn));
}

void RatioTableModel::setRowLocked(int r, bool locked) {
  rows_[r].locked = locked;
  emit dataChanged(index(r, NameColumn), index(r, LockColumn));
}

void RatioTableModel::setRowCriterion(int r, const QString& criterion) {
  rows_[r].criterion = criterion;
  emit dataChanged(index(r, CriterionColumn), index(r, CriterionColumn));
}

int RatioTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RatioTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RatioTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const RatioRow& row = rows_[index.row()];
  const qint64 kept = row.channels - row.removed;
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case NameColumn: return row.name;
        case ChannelsColumn: return locale_.toString(row.channels);
        case RatioColumn: return locale_.toString(row.ratio, 'f', 3);
        case KeptColumn:
          return tr("%1 (−%2)").arg(locale_.toString(kept), locale_.toString(row.removed));
        case CriterionColumn: return row.fromFile ? tr("plan file") : row.criterion;
        default: return {};
      }
    case Qt::EditRole:
      if (index.column() == RatioColumn) return row.ratio;
      return data(index, Qt::DisplayRole);
    case SortRole:
      switch (index.column()) {
        case NameColumn: return row.group;
        case ChannelsColumn: return row.channels;
        case RatioColumn: return row.ratio;
        case KeptColumn: return kept;
        case LockColumn: return row.locked;
        case CriterionColumn: return data(index, Qt::DisplayRole);
        default: return {};
      }
    case Qt::CheckStateRole:
      if (index.column() == LockColumn) return row.locked ? Qt::Checked : Qt::Unchecked;
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == ChannelsColumn || index.column() == KeptColumn || index.column() == RatioColumn)
        return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
      return {};
    case Qt::ToolTipRole:
      switch (index.column()) {
        case LockColumn: return tr("Locked rows keep their ratio when the global ratio or a target changes.");
        case CriterionColumn:
          return row.fromFile ? tr("The channels listed in the loaded plan file; edit the ratio to choose them by importance.")
                              : tr("The importance criterion that chooses which channels the ratio removes.");
        default: return row.name;
      }
    default:
      return {};
  }
}

bool RatioTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
  if (!index.isValid() || index.row() >= rows_.size()) return false;
  if (index.column() == RatioColumn && role == Qt::EditRole) {
    bool ok = false;
    const double ratio = value.toDouble(&ok);
    if (!ok || !(ratio >= 0 && ratio < 1)) return false;
    emit ratioEdited(index.row(), ratio);
    return true;
  }
  if (index.column() == LockColumn && role == Qt::CheckStateRole) {
    emit lockEdited(index.row(), value.toInt() == Qt::Checked);
    return true;
  }
  return false;
}

Qt::ItemFlags RatioTableModel::flags(const QModelIndex& index) const {
  if (!index.isValid()) return Qt::NoItemFlags;
  Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
  if (index.column() == RatioColumn) f |= Qt::ItemIsEditable;
  if (index.column() == LockColumn) f |= Qt::ItemIsUserCheckable;
  return f;
}

QVariant RatioTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
    switch (section) {
      case NameColumn: return tr("A group of coupled channels: layers joined by an add, a concat or a depthwise convolution lose the same channels.");
      case ChannelsColumn: return tr("The number of channels (filters) the group has in the original model.");
      case RatioColumn: return tr("The fraction of the group's channels to remove, from 0 (keep all) upwards.");
      case KeptColumn: return tr("The channels left after pruning, with the number removed in brackets.");
      case LockColumn: return tr("Locked rows keep their ratio when the global ratio or a target changes.");
      case CriterionColumn: return tr("The importance criterion that chooses which channels the ratio removes.");
      default: return {};
    }
  }
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return QAbstractTableModel::headerData(section, orientation, role);
  switch (section) {
    case NameColumn: return tr("Group");
    case ChannelsColumn: return tr("Channels");
    case RatioColumn: return tr("Ratio");
    case KeptColumn: return tr("Kept");
    case LockColumn: return tr("Lock");
    case CriterionColumn: return tr("Criterion");
    default: return {};
  }
}

}  // namespace whittle::ui
