#pragma once
// Whittle's main window, the workbench: in the middle, tabs with the model's
// layers as a graph, the project's results (variants compared, plots) and
// the detections of two variants side by side;
// docks around it for the inspector, per-filter importance, the
// pruning-ratio editor, the project's variants, background jobs with live
// training curves, the layer table and the MACs chart; the model's totals in
// the status bar.
//
// A project (.whittle, io/project_file.h) ties the original model, a data
// set and every variant made from it; "Apply" in the ratio editor runs
// surgery and adds a pruned variant, jobs add fine-tuned and quantized ones
// and metrics. Every failure comes back to the user as a message box with
// the core's message (or, with setInteractive(false), only through
// lastError()); a failed open leaves the model already shown untouched.
//
// The implementation is split by concern: main_window.cpp (model, views,
// docks, menus, settings), main_window_project.cpp (projects, recent files,
// data set, Apply), main_window_jobs.cpp (background jobs).
#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace whittle {
class Graph;
struct GraphCost;
struct ChannelGroups;
struct Project;
}  // namespace whittle

namespace whittle::ui {

class GraphView;
class GuidedTour;
class ImportanceOverview;
class ImportancePanel;
class JobRunner;
class JobsPanel;
class LayerTableModel;
class MacsChart;
class NodeInspector;
class RatioEditor;
class DetectionCompare;
class ResultsDashboard;
class TrainingCurves;
class VariantsPanel;
struct ImportanceScores;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  // Imports an ONNX model and shows it. False (and the error reported) when
  // the file cannot be read or is not a valid model.
  bool openModelFile(const QString& path);
  // Builds the named zoo network with default options and shows it.
  void openZoo(const QString& name);
  // Shows `graph`, which the caller loaded; `title` names it in the window
  // title, `path` is its file ("" : not saved, e.g. a zoo network). False
  // when its costs or channel groups cannot be computed (invalid graph).
  bool showGraph(whittle::Graph graph, const QString& title, const QString& path = {});

  // The model shown, or nullptr; its file ("" when it has none).
  const whittle::Graph* graph() const { return graph_.get(); }
  QString modelPath() const { return modelPath_; }

  // --- projects (main_window_project.cpp) ---
  // A new project at `path` (.whittle) for the model shown (a model without
  // a file is first saved next to the project) and the data set chosen.
  bool newProject(const QString& path);
  bool openProject(const QString& path);
  bool saveProject();  // to projectPath(); false without a project
  const whittle::Project* project() const { return project_.get(); }
  QString projectPath() const { return projectPath_; }
  QStringList recentProjects() const;
  // The VOC data set (folder with ImageSets/, or a VOCdevkit) jobs use.
  bool setDataSet(const QString& path);
  QString dataSet() const { return dataSet_; }
  // Surgery with the ratio editor's plan: writes the pruned model and its
  // plan next to the project, adds a "pruned" variant, saves the project.
  // Returns the variant's name, "" on failure (reported).
  QString applyPlan();
  // Opens a variant's model ("" : the project's original model).
  bool openVariant(const QString& name);
  QString currentVariant() const { return currentVariant_; }

  // --- jobs (main_window_jobs.cpp) ---
  JobRunner* jobRunner() const { return jobs_; }
  // Start a job on the model shown; the job id, or -1 (reported) when the
  // job cannot start (no project, no data set, no model file).
  int startFineTune(int epochs, double learningRate);
  int startEvaluate();
  int startQuantize(int calibrationImages);
  int startSensitivity(int images);
  int startBenchmark(int runs);
  // Measures (or loads from the cache) the per-layer latency table of the
  // model shown: latency in the graph and inspector, latency totals and
  // target in the ratio editor.
  int startLatencyTable();
  // Scores filters with a data-driven criterion (taylor, apoz) on the data
  // set's training images; the heatmaps show it when done.
  int startImportance(const QString& criterion);

  // The guided tour for newcomers (Help menu; whittle opens it with a
  // project the first time).
  void showGuidedTour();

  // Views, for tests and the benchmark.
  GraphView* graphView() const { return graphView_; }
  RatioEditor* ratioEditor() const { return ratioEditor_; }
  ImportancePanel* importancePanel() const { return importancePanel_; }
  ResultsDashboard* resultsDashboard() const { return dashboard_; }
  DetectionCompare* detectionCompare() const { return detections_; }
  QTabWidget* centralTabs() const { return centralTabs_; }

  // false: errors go to lastError() only, no message box or question (tests,
  // scripts); closing with running jobs then cancels them without asking.
  void setInteractive(bool interactive) { interactive_ = interactive; }
  bool isInteractive() const { return interactive_; }
  // The last error reported, "" when none since the last successful open.
  QString lastError() const { return lastError_; }

 protected:
  void closeEvent(QCloseEvent* event) override;
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;

 private:
  // main_window.cpp
  void createCentralWidget();
  QDockWidget* addDock(QWidget* widget, const QString& title, const QString& name,
                       Qt::DockWidgetArea area);
  void createDocks();
  void createMenus();
  void fillZooMenu(QMenu* menu);
  void chooseModelFile();
  void showAbout();
  void reportError(const QString& what, const QString& detail);
  void updateTotals();
  void restoreSettings();
  void saveSettings() const;
  void selectNode(const QString& name);
  void selectGroup(const QString& group);
  void showScores(const ImportanceScores& scores);
  void computeCriterion(const QString& criterion);
  void onPlanChanged();

  // main_window_project.cpp
  void createProjectMenu(QMenu* file);
  void chooseNewProject();
  void chooseProject();
  void chooseDataSet();
  void rememberRecent(const QString& path);
  void fillRecentMenu();
  void refreshVariants();
  // Adds a variant made from `parent` ("" : the original) and saves the
  // project; false (reported, nothing added) when saving fails.
  bool addVariant(const QString& name, const QString& kind, const QString& parent,
                  const QString& file, const QString& plan,
                  const QHash<QString, QString>& settings, const QHash<QString, double>& metrics);
  QString uniqueVariantName(const QString& stem) const;
  QString projectFilePath(const QString& fileName) const;
  bool requireProject(const QString& action);

  // main_window_jobs.cpp
  void createJobsMenu();
  bool requireJobInputs(const QString& action);
  void askFineTune();
  bool confirmCloseWithJobs();
  // Metrics (and report files, kind -> file) measured on `variant` ("" : the
  // original model), saved with the project.
  void recordMetrics(const QString& variant, const QHash<QString, double>& metrics,
                     const QHash<QString, QString>& reports = {});

  std::unique_ptr<whittle::Graph> graph_;
  std::unique_ptr<whittle::GraphCost> cost_;
  std::unique_ptr<whittle::ChannelGroups> groups_;
  QString modelPath_;
  QString modelTitle_;
  std::unique_ptr<whittle::Project> project_;
  QString projectPath_;
  QString dataSet_;
  QString detectionsData_;  // the data set the detections tab browses
  QString currentVariant_;
  QString planCriterion_ = QStringLiteral("l1");  // the ratio editor's scores
  QHash<int, std::function<void()>> jobDone_;     // job id -> what its success adds
  bool interactive_ = true;
  QString lastError_;
  QString lastDirectory_;

  QTabWidget* centralTabs_ = nullptr;  // the graph, the results, the detections
  GraphView* graphView_ = nullptr;
  ResultsDashboard* dashboard_ = nullptr;
  DetectionCompare* detections_ = nullptr;
  NodeInspector* inspector_ = nullptr;
  LayerTableModel* layerModel_ = nullptr;
  QSortFilterProxyModel* layerProxy_ = nullptr;
  QTableView* layerTable_ = nullptr;
  QLineEdit* layerFilter_ = nullptr;
  QLineEdit* graphSearch_ = nullptr;
  MacsChart* macsChart_ = nullptr;
  ImportancePanel* importancePanel_ = nullptr;
  ImportanceOverview* importanceOverview_ = nullptr;
  RatioEditor* ratioEditor_ = nullptr;
  VariantsPanel* variantsPanel_ = nullptr;
  JobRunner* jobs_ = nullptr;
  JobsPanel* jobsPanel_ = nullptr;
  TrainingCurves* trainingCurves_ = nullptr;
  QList<QDockWidget*> docks_;
  QPointer<GuidedTour> tour_;
  QByteArray defaultLayout_;  // saveState() before the user's layout is restored
  QMenu* recentMenu_ = nullptr;
  QMenu* viewMenu_ = nullptr;
  QLabel* totalsLabel_ = nullptr;
  QLabel* projectLabel_ = nullptr;
};

}  // namespace whittle::ui
