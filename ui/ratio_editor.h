#pragma once
// The pruning-ratio editor: a table of the model's prunable channel groups
// (name, channels, ratio as slider + spin box, kept channels, lock,
// criterion), a global ratio, a target (MACs or latency, a fraction of the
// original) that fills the ratios from the core planners, live totals
// (params, MACs, estimated latency, estimated file size fp32 and int8,
// prune/width_cost.h: no surgery, only the nodes a group touches are
// recounted per change), plan files in the CLI's format, and Apply.
//
// The plan is what the CLI makes from the same ratio table:
// plan_layer_ratios(groups, scores, {group: ratio for every ratio > 0},
// round_to) — the ratio removes each group's least important channels under
// the row's criterion. A loaded plan that lists channels keeps those lists
// (criterion "plan file") for the rows the user has not edited since.
#include <QHash>
#include <QString>
#include <QVector>
#include <QWidget>
#include <memory>

#include "prune/pruning_plan.h"

class QAbstractButton;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSlider;
class QTableView;

namespace whittle {
class Graph;
struct ChannelGroups;
struct LatencyTable;
}  // namespace whittle

namespace whittle::ui {

class RatioTableModel;

struct PlanTotals {
  double params = 0, macs = 0, latencyMs = -1 /* -1: no table */, fp32Bytes = 0, int8Bytes = 0;
};

class RatioEditor : public QWidget {
  Q_OBJECT

 public:
  explicit RatioEditor(QWidget* parent = nullptr);
  ~RatioEditor() override;

  // The model to plan for (copied; its tensors are shared, not duplicated)
  // and its channel groups. Scores start as l1 (data-free), computed here.
  void setModel(const whittle::Graph& graph, const whittle::ChannelGroups& groups);
  // Scores for the groups in `byGroup` (one float per group channel, higher
  // = more important) under `criterion`; other groups keep theirs.
  void setScores(const QString& criterion, const QHash<QString, QVector<float>>& byGroup);
  // Optional (copied; nullptr removes it): enables the latency total and
  // target. A table that does not fit the model is refused (lastError()).
  void setLatencyTable(const whittle::LatencyTable* table);
  void clear();

  bool setRatio(const QString& group, double ratio);  // as a user edit: updates totals, emits planChanged
  double ratio(const QString& group) const;           // 0 for an unknown group
  void setGlobalRatio(double ratio);                  // every unlocked group
  void setLocked(const QString& group, bool locked);
  bool isLocked(const QString& group) const;
  void fillToTargetMacs(double fraction);     // planner; fills the unlocked rows' ratios
  void fillToTargetLatency(double fraction);  // needs a table
  // Kept channels rounded to a multiple (the CLI's --round; default 1).
  void setRoundTo(int multiple);
  int roundTo() const { return roundTo_; }

  whittle::PruningPlan plan() const;  // ratios -> plan via the core planner (same as the CLI)
  PlanTotals totals() const;
  PlanTotals originalTotals() const;
  bool savePlan(const QString& path, QString* error = nullptr) const;  // atomic, CLI format
  bool loadPlan(const QString& path, QString* error = nullptr);
  QHash<QString, QVector<qint64>> removedByGroup() const;  // for the heatmaps

  // The last failure (planner, plan file, latency table); "" after a success.
  QString lastError() const { return lastError_; }
  // The totals line as shown.
  QString totalsText() const;
  // File dialogs for Load/Save (off in tests: the buttons then do nothing).
  void setInteractive(bool interactive) { interactive_ = interactive; }

 signals:
  void planChanged();
  void applyRequested();                      // the Apply button
  void groupActivated(const QString& group);  // row selected

 private:
  struct State;
  void buildUi();
  void resetRows();
  void applyRowRatio(int row, double ratio);
  void setRowCount(int row, double ratio, qint64 removed, bool fromFile);
  void fillFromCounts(const std::vector<qint64>& counts);
  void fillToTarget(bool latency, double fraction);
  void updateTotals();
  void updateEnabled();
  void reportError(const QString& message);
  void chooseLoadFile();
  void chooseSaveFile();

  std::unique_ptr<State> state_;
  RatioTableModel* model_ = nullptr;
  QTableView* table_ = nullptr;
  QSlider* globalSlider_ = nullptr;
  QDoubleSpinBox* globalSpin_ = nullptr;
  QComboBox* targetKind_ = nullptr;
  QDoubleSpinBox* targetSpin_ = nullptr;
  QPushButton* fillButton_ = nullptr;
  QLabel* totalsLabel_ = nullptr;
  QLabel* errorLabel_ = nullptr;
  QPushButton* loadButton_ = nullptr;
  QPushButton* saveButton_ = nullptr;
  QPushButton* applyButton_ = nullptr;
  QString lastError_;
  int roundTo_ = 1;
  bool interactive_ = true;
};

}  // namespace whittle::ui
