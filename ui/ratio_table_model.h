#pragma once
// The pruning-ratio table: one row per prunable channel group, in group
// order — name, channels, ratio, resulting (kept) channels, lock, criterion.
// The ratio (EditRole, a double in [0, 1)) and the lock (CheckStateRole) are
// editable; an edit is not applied here but reported (ratioEdited,
// lockEdited) to the RatioEditor, which works out the channels it removes
// and calls setRowRatio/setRowLocked. Changes emit dataChanged for the
// row's cells only, never a reset.
#include <QAbstractTableModel>
#include <QHash>
#include <QLocale>
#include <QString>
#include <QVector>

namespace whittle::ui {

struct RatioRow {
  int group = -1;          // index into ChannelGroups::groups
  QString name;
  qint64 channels = 0;
  double ratio = 0;
  qint64 removed = 0;      // channels the ratio removes (after rounding)
  bool locked = false;
  QString criterion;       // what chose the channels ("l1", ...)
  bool fromFile = false;   // the channels are a loaded plan's own list
};

class RatioTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { NameColumn, ChannelsColumn, RatioColumn, KeptColumn, LockColumn, CriterionColumn, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit RatioTableModel(QObject* parent = nullptr);

  void setRows(QVector<RatioRow> rows);  // resets the model
  void clear();
  const QVector<RatioRow>& rows() const { return rows_; }
  const RatioRow& row(int r) const { return rows_.at(r); }
  int rowOf(const QString& name) const;  // -1 when absent

  // Applied edits: dataChanged for the row's ratio..kept (and criterion) cells.
  void setRowRatio(int r, double ratio, qint64 removed, bool fromFile = false);
  void setRowLocked(int r, bool locked);
  void setRowCriterion(int r, const QString& criterion);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
  Qt::ItemFlags flags(const QModelIndex& index) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

 signals:
  void ratioEdited(int row, double ratio);
  void lockEdited(int row, bool locked);

 private:
  QVector<RatioRow> rows_;
  QHash<QString, int> index_;
  QLocale locale_;
};

}  // namespace whittle::ui
