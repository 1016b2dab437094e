#pragma once
// Where the slack is, at a glance: one row per scored (prunable) group, ten
// columns for the tenths of the group's normalised importance (each score
// divided by the group's largest): 0-10 %, 10-20 %, ..., 90-100 %. A cell is
// coloured by the share of the group's filters whose score falls in that
// tenth, so a group with its mass on the left has many weak filters to lose.
// Clicking (or activating) a row emits groupActivated(name).
#include <QString>
#include <QVector>
#include <QWidget>

class QLabel;
class QTableWidget;

namespace whittle::ui {

struct ImportanceScores;

class ImportanceOverview : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kColumns = 10;

  explicit ImportanceOverview(QWidget* parent = nullptr);

  void setScores(const ImportanceScores& scores);
  void clear();

  QString criterion() const { return criterion_; }
  int rowCount() const { return static_cast<int>(groups_.size()); }
  // The group of a row, or "" out of range.
  QString groupAt(int row) const { return groups_.value(row); }
  int rowOf(const QString& group) const { return static_cast<int>(groups_.indexOf(group)); }
  // Shares (0..1, summing to 1) of a row's filters per tenth.
  QVector<double> shares(int row) const { return shares_.value(row); }
  // Selects the group's row (no signal).
  void selectGroup(const QString& group);
  QTableWidget* table() const { return table_; }

  QSize sizeHint() const override { return {420, 360}; }

 signals:
  void groupActivated(const QString& group);

 private:
  void onCellClicked(int row);

  QLabel* caption_ = nullptr;
  QTableWidget* table_ = nullptr;
  QString criterion_;
  QStringList groups_;
  QVector<QVector<double>> shares_;
};

}  // namespace whittle::ui
