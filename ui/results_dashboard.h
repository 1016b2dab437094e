#pragma once
// The results dashboard: the project's models side by side. On top, the
// comparison table (results_table_model.h: every measure with its ratio to
// the original, per-class AP); below, tabs of plots (result_plots.h): mAP
// against file size, latency and MACs with the Pareto front; original vs
// compressed bars per measure; precision–recall curves of one class for two
// chosen models; the sensitivity scan's curves. Every plot exports to PNG,
// SVG and PDF ("Export Plot…" for the one shown, "Export All…" to a folder).
#include <QString>
#include <QVector>
#include <QWidget>

#include "ui/results_table_model.h"

class QComboBox;
class QCustomPlot;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableView;

namespace whittle {
struct Project;
}

namespace whittle::ui {

class ResultsDashboard : public QWidget {
  Q_OBJECT

 public:
  enum class Plot { MapVsSize, MapVsLatency, MapVsMacs, Comparison, PrCurves, Sensitivity };
  static QVector<Plot> allPlots();
  // The file name (no suffix) exportPlots gives a plot: "map_vs_size", ...
  static QString plotFileStem(Plot plot);
  QString plotTitle(Plot plot) const;

  explicit ResultsDashboard(QWidget* parent = nullptr);

  // Reads the project's figures (collectResults: eval reports, model files)
  // and redraws everything. `projectPath` names the project in the header.
  void setProject(const whittle::Project& project, const QString& projectPath);
  void clear();
  // The project's variants (the original not counted).
  int variantCount() const;

  // Writes every plot as DIR/<stem>.png, .svg and .pdf (creating DIR).
  // false, with the first failure in *error, when one could not be written.
  bool exportPlots(const QString& dir, QString* error = nullptr);

  // The two models and the class of the PR-curve tab (rows of the table:
  // 0 = the original).
  void setPrModels(int first, int second);
  void setPrClass(const QString& className);
  // The sensitivity report shown: the index among the models that have one.
  void setSensitivitySource(int index);

  ResultsTableModel* tableModel() const { return model_; }
  const QVector<VariantResults>& results() const { return model_->results(); }
  QCustomPlot* plot(Plot plot) const;
  QTableView* table() const { return table_; }
  QTabWidget* tabs() const { return tabs_; }

 private:
  void redrawPr();
  void redrawSensitivity();
  void exportCurrent();
  void exportAll();

  ResultsTableModel* model_ = nullptr;
  QTableView* table_ = nullptr;
  QLabel* header_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  QVector<QCustomPlot*> plots_;  // indexed by Plot
  QComboBox* prFirst_ = nullptr;
  QComboBox* prSecond_ = nullptr;
  QComboBox* prClass_ = nullptr;
  QComboBox* sensitivitySource_ = nullptr;
  QLabel* sensitivityNote_ = nullptr;
  QPushButton* exportOne_ = nullptr;
  QPushButton* exportAll_ = nullptr;
  int variantCount_ = 0;
};

}  // namespace whittle::ui
