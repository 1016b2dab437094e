#pragma once
// The per-filter importance views of one group, for two criteria side by
// side: for each, a criterion combo box, the filter heatmap (the plan's
// removed filters marked) and the histogram with the plan's cut-off. The
// panel holds the scores it is given per criterion; picking a criterion with
// no scores yet in a combo box asks for them (criterionRequested), the
// main window computes them (a job for taylor/apoz) and calls setScores.
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <QWidget>

#include "ui/importance_scores.h"

class QComboBox;
class QLabel;

namespace whittle::ui {

class FilterHeatmap;
class ImportanceHistogram;

class ImportancePanel : public QWidget {
  Q_OBJECT

 public:
  explicit ImportancePanel(QWidget* parent = nullptr);

  // Adds or replaces one criterion's scores (keyed by scores.criterion); a
  // view showing that criterion refreshes. With no group chosen yet, the
  // first scored group is shown.
  void setScores(const ImportanceScores& scores);
  void clearScores();
  // The criteria with scores, in menu order.
  QStringList criteria() const;
  bool hasScores(const QString& criterion) const { return scores_.contains(criterion); }
  // The criteria shown; right "" shows only the left view. Does not emit
  // criterionRequested: a view of a criterion without scores says so.
  void setCriteria(const QString& left, const QString& right);
  QString leftCriterion() const { return left_; }
  QString rightCriterion() const { return right_; }
  bool isSideBySide() const { return !right_.isEmpty(); }

  void setGroup(const QString& group);
  QString group() const { return group_; }
  // The current plan: group -> removed group-channel indices.
  void setRemoved(const QHash<QString, QVector<qint64>>& removedByGroup);

  FilterHeatmap* heatmap(int side) const { return side == 0 ? leftHeatmap_ : rightHeatmap_; }
  ImportanceHistogram* histogram(int side) const { return side == 0 ? leftHistogram_ : rightHistogram_; }
  QComboBox* criterionBox(int side) const { return side == 0 ? leftBox_ : rightBox_; }

  QSize sizeHint() const override { return {820, 560}; }

 signals:
  // The user picked a criterion that has no scores yet.
  void criterionRequested(const QString& criterion);

 private:
  void refresh();
  void refreshSide(int side);
  void onPicked(int side);

  QLabel* groupLabel_ = nullptr;
  QComboBox* leftBox_ = nullptr;
  QComboBox* rightBox_ = nullptr;
  QWidget* rightColumn_ = nullptr;
  QLabel* leftStatus_ = nullptr;
  QLabel* rightStatus_ = nullptr;
  FilterHeatmap* leftHeatmap_ = nullptr;
  FilterHeatmap* rightHeatmap_ = nullptr;
  ImportanceHistogram* leftHistogram_ = nullptr;
  ImportanceHistogram* rightHistogram_ = nullptr;

  QHash<QString, ImportanceScores> scores_;
  QHash<QString, QVector<qint64>> removed_;
  QString left_ = QStringLiteral("l1");
  QString right_;
  QString group_;
};

}  // namespace whittle::ui
