// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "io/onnx_import.h"
#include "io/project_file.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/channel_groups.h"

#include "ui/main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>
#include <exception>
#include <utility>

#include "ui/application.h"
#include "ui/detection_compare.h"
#include "ui/graph_view.h"
#include "ui/guided_tour.h"
#include "ui/importance_overview.h"
#include "ui/importance_panel.h"
#include "ui/importance_scores.h"
#include "ui/job_runner.h"
#include "ui/jobs_panel.h"
#include "ui/layer_table_model.h"
#include "ui/macs_chart.h"
#include "ui/node_inspector.h"
#include "ui/ratio_editor.h"
#include "ui/results_dashboard.h"
#include "ui/settings_dialog.h"
#include "ui/training_curves.h"
#include "ui/variants_panel.h"

#ifndef WHITTLE_VERSION
#define WHITTLE_VERSION "dev"
#endif

namespace whittle::ui {

namespace {

constexpr int kTopMacsLayers = 20;

// The first local .onnx or .whittle file among dropped URLs, or "".
QString droppedFile(const QMimeData* mime) {
  if (mime == nullptr || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls()) {
    const QString path = url.toLocalFile();
    if (url.isLocalFile() && (path.endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive) ||
                              path.endsWith(QStringLiteral(".whittle"), Qt::CaseInsensitive))) {
      return path;
    }
  }
  return {};
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setObjectName(QStringLiteral("mainWindow"));
  setWindowTitle(QStringLiteral("Whittle"));
  setWindowIcon(appIcon());
  setAcceptDrops(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
  jobs_ = new JobRunner(this);
  createCentralWidget();
  createDocks();
  createMenus();
  totalsLabel_ = new QLabel(this);
  totalsLabel_->setObjectName(QStringLiteral("totalsLabel"));
  projectLabel_ = new QLabel(this);
  projectLabel_->setObjectName(QStringLiteral("projectLabel"));
  statusBar()->addPermanentWidget(projectLabel_);
  statusBar()->addPermanentWidget(totalsLabel_);  // stays beside transient messages
  updateTotals();
  resize(1400, 860);
  defaultLayout_ = saveState();
  restoreSettings();
}

MainWindow::~MainWindow() {
  jobs_->cancelAll();
  jobs_->waitAll();
}

void MainWindow::createCentralWidget() {
  graphView_ = new GraphView;
  graphView_->setObjectName(QStringLiteral("graphView"));
  connect(graphView_, &GraphView::nodeSelected, this, &MainWindow::selectNode);

  graphSearch_ = new QLineEdit;
  graphSearch_->setObjectName(QStringLiteral("graphSearch"));
  graphSearch_->setPlaceholderText(tr("Find layer… (Ctrl+F)"));
  graphSearch_->setClearButtonEnabled(true);
  connect(graphSearch_, &QLineEdit::returnPressed, this, [this] {
    const int matches = graphView_->search(graphSearch_->text());
    statusBar()->showMessage(tr("%n layer(s) match", nullptr, matches), 3000);
  });

  auto* graphPage = new QWidget;
  auto* layout = new QVBoxLayout(graphPage);
  layout->setContentsMargins(2, 2, 2, 0);
  layout->addWidget(graphSearch_);
  layout->addWidget(graphView_, 1);

  dashboard_ = new ResultsDashboard;
  dashboard_->setObjectName(QStringLiteral("resultsDashboard"));

  centralTabs_ = new QTabWidget;
  centralTabs_->setObjectName(QStringLiteral("centralTabs"));
  centralTabs_->setDocumentMode(true);
  centralTabs_->addTab(graphPage, tr("Model &Graph"));
  centralTabs_->addTab(dashboard_, tr("&Results"));
  detections_ = new DetectionCompare(jobs_);
  detections_->setObjectName(QStringLiteral("detectionCompare"));
  centralTabs_->addTab(detections_, tr("&Detections"));
  setCentralWidget(centralTabs_);
}

QDockWidget* MainWindow::addDock(QWidget* widget, const QString& title, const QString& name,
                                 Qt::DockWidgetArea area) {
  auto* dock = new QDockWidget(title, this);
  dock->setObjectName(name);  // saveState() needs it
  dock->setWidget(widget);
  addDockWidget(area, dock);
  docks_ << dock;
  return dock;
}

void MainWindow::createDocks() {
  // Layers: the table with its filter.
  layerModel_ = new LayerTableModel(this);
  layerProxy_ = new QSortFilterProxyModel(this);
  layerProxy_->setSourceModel(layerModel_);
  layerProxy_->setSortRole(LayerTableModel::SortRole);
  layerProxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
  layerProxy_->setFilterKeyColumn(-1);  // name, op, shape, ...
  layerFilter_ = new QLineEdit;
  layerFilter_->setObjectName(QStringLiteral("layerFilter"));
  layerFilter_->setPlaceholderText(tr("Filter layers…"));
  layerFilter_->setClearButtonEnabled(true);
  connect(layerFilter_, &QLineEdit::textChanged, layerProxy_,
          &QSortFilterProxyModel::setFilterFixedString);
  layerTable_ = new QTableView;
  layerTable_->setObjectName(QStringLiteral("layerTable"));
  layerTable_->setModel(layerProxy_);
  layerTable_->setAlternatingRowColors(true);
  layerTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
  layerTable_->setSelectionMode(QAbstractItemView::SingleSelection);
  layerTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layerTable_->setWordWrap(false);
  layerTable_->verticalHeader()->setDefaultSectionSize(layerTable_->fontMetrics().height() + 6);
  // Graph order until a header is clicked; a third click returns to it.
  QHeaderView* header = layerTable_->horizontalHeader();
  header->setSortIndicatorClearable(true);
  header->setSortIndicator(-1, Qt::AscendingOrder);
  layerTable_->setSortingEnabled(true);
  header->setStretchLastSection(true);
  connect(layerTable_, &QTableView::activated, this, [this](const QModelIndex& index) {
    selectNode(layerProxy_->index(index.row(), LayerTableModel::NameColumn).data().toString());
  });
  auto* layers = new QWidget;
  auto* layersLayout = new QVBoxLayout(layers);
  layersLayout->setContentsMargins(2, 2, 2, 2);
  layersLayout->addWidget(layerFilter_);
  layersLayout->addWidget(layerTable_, 1);

  inspector_ = new NodeInspector;
  connect(inspector_, &NodeInspector::nodeActivated, this, &MainWindow::selectNode);

  ratioEditor_ = new RatioEditor;
  ratioEditor_->setObjectName(QStringLiteral("ratioEditor"));
  connect(ratioEditor_, &RatioEditor::planChanged, this, &MainWindow::onPlanChanged);
  connect(ratioEditor_, &RatioEditor::groupActivated, this, &MainWindow::selectGroup);
  connect(ratioEditor_, &RatioEditor::applyRequested, this, [this] { applyPlan(); });

  variantsPanel_ = new VariantsPanel;
  connect(variantsPanel_, &VariantsPanel::variantActivated, this,
          [this](const QString& name) { openVariant(name); });

  importancePanel_ = new ImportancePanel;
  importancePanel_->setObjectName(QStringLiteral("importancePanel"));
  connect(importancePanel_, &ImportancePanel::criterionRequested, this,
          &MainWindow::computeCriterion);
  importanceOverview_ = new ImportanceOverview;
  importanceOverview_->setObjectName(QStringLiteral("importanceOverview"));
  connect(importanceOverview_, &ImportanceOverview::groupActivated, this, &MainWindow::selectGroup);
  auto* importanceTabs = new QTabWidget;
  importanceTabs->addTab(importancePanel_, tr("Filters"));
  importanceTabs->addTab(importanceOverview_, tr("Overview"));

  macsChart_ = new MacsChart;
  jobsPanel_ = new JobsPanel(jobs_);
  jobsPanel_->setObjectName(QStringLiteral("jobsPanel"));
  trainingCurves_ = new TrainingCurves;
  trainingCurves_->setObjectName(QStringLiteral("trainingCurves"));

  // Left: what to prune; right: what a layer is and how much it matters;
  // bottom: the table and the work in progress.
  QDockWidget* ratios = addDock(ratioEditor_, tr("Pruning Ratios"), QStringLiteral("ratioDock"),
                                Qt::LeftDockWidgetArea);
  QDockWidget* variants = addDock(variantsPanel_, tr("Variants"), QStringLiteral("variantsDock"),
                                  Qt::LeftDockWidgetArea);
  tabifyDockWidget(ratios, variants);
  ratios->raise();
  QDockWidget* inspector = addDock(inspector_, tr("Inspector"), QStringLiteral("inspectorDock"),
                                   Qt::RightDockWidgetArea);
  QDockWidget* importance = addDock(importanceTabs, tr("Filter Importance"),
                                    QStringLiteral("importanceDock"), Qt::RightDockWidgetArea);
  QDockWidget* macs = addDock(macsChart_, tr("MACs per Layer (top %1)").arg(kTopMacsLayers),
                              QStringLiteral("macsDock"), Qt::RightDockWidgetArea);
  splitDockWidget(inspector, importance, Qt::Vertical);
  tabifyDockWidget(inspector, macs);
  inspector->raise();
  QDockWidget* layersDock = addDock(layers, tr("Layers"), QStringLiteral("layersDock"),
                                    Qt::BottomDockWidgetArea);
  QDockWidget* jobsDock = addDock(jobsPanel_, tr("Jobs"), QStringLiteral("jobsDock"),
                                  Qt::BottomDockWidgetArea);
  QDockWidget* curves = addDock(trainingCurves_, tr("Training Curves"),
                                QStringLiteral("curvesDock"), Qt::BottomDockWidgetArea);
  tabifyDockWidget(layersDock, jobsDock);
  tabifyDockWidget(jobsDock, curves);
  layersDock->raise();
  resizeDocks({ratios, inspector}, {380, 420}, Qt::Horizontal);
  resizeDocks({layersDock}, {220}, Qt::Vertical);
  connect(jobs_, &JobRunner::started, jobsDock, [jobsDock] { jobsDock->raise(); });
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model…"), this, &MainWindow::chooseModelFile);
  open->setShortcut(QKeySequence::Open);
  QMenu* zoo = file->addMenu(tr("Open &Zoo Network"));
  zoo->setObjectName(QStringLiteral("zooMenu"));
  fillZooMenu(zoo);
  file->addSeparator();
  createProjectMenu(file);
  file->addSeparator();
  QAction* prefs = file->addAction(tr("&Preferences…"), this, [this] { SettingsDialog::edit(this); });
  prefs->setMenuRole(QAction::PreferencesRole);
  prefs->setShortcut(QKeySequence::Preferences);
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  viewMenu_ = menuBar()->addMenu(tr("&View"));
  QAction* fit = viewMenu_->addAction(tr("&Fit Graph"), graphView_, &GraphView::fitAll);
  fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
  viewMenu_->addAction(tr("Zoom &In"), graphView_, [this] { graphView_->zoomBy(1.25); })
      ->setShortcut(QKeySequence::ZoomIn);
  viewMenu_->addAction(tr("Zoom &Out"), graphView_, [this] { graphView_->zoomBy(0.8); })
      ->setShortcut(QKeySequence::ZoomOut);
  QAction* find = viewMenu_->addAction(tr("Find &Layer"), this, [this] {
    graphSearch_->setFocus();
    graphSearch_->selectAll();
  });
  find->setShortcut(QKeySequence::Find);
  QAction* collapse = viewMenu_->addAction(tr("&Collapse Repeated Blocks"));
  collapse->setCheckable(true);
  collapse->setChecked(true);
  connect(collapse, &QAction::toggled, graphView_, &GraphView::setCollapseRepeated);
  QMenu* colour = viewMenu_->addMenu(tr("Colour Layers &By"));
  const std::pair<QString, GraphView::ColorBy> modes[] = {
      {tr("Op"), GraphView::ColorBy::Op},
      {tr("Pruning Ratio"), GraphView::ColorBy::PruneRatio},
      {tr("Importance"), GraphView::ColorBy::Importance},
      {tr("Sensitivity"), GraphView::ColorBy::Sensitivity},
      {tr("Latency Share"), GraphView::ColorBy::LatencyShare}};
  auto* colourGroup = new QActionGroup(colour);
  for (const auto& [text, mode] : modes) {
    QAction* action = colour->addAction(text, this, [this, mode = mode] { graphView_->setColorBy(mode); });
    action->setCheckable(true);
    action->setChecked(mode == GraphView::ColorBy::Op);
    colourGroup->addAction(action);
  }
  viewMenu_->addSeparator();
  for (QDockWidget* dock : docks_) viewMenu_->addAction(dock->toggleViewAction());
  viewMenu_->addAction(tr("&Reset Layout"), this, [this] { restoreState(defaultLayout_); });

  createJobsMenu();

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("Guided &Tour"), this, &MainWindow::showGuidedTour);
  help->addAction(tr("&About Whittle"), this, &MainWindow::showAbout)
      ->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)
      ->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::fillZooMenu(QMenu* menu) {
  menu->setToolTipsVisible(true);
  // Detectors first (what Whittle is for), then the classification backbones.
  std::vector<std::pair<std::string, std::string>> detectors, backbones;
  try {
    for (const DetectorZooEntry& entry : detector_zoo_entries()) detectors.emplace_back(entry.name, entry.description);
    for (const ZooEntry& entry : zoo_entries()) backbones.emplace_back(entry.name, entry.description);
  } catch (const std::exception& e) {
    menu->addAction(QString::fromUtf8(e.what()))->setEnabled(false);
    return;
  }
  auto add = [this, menu](const std::vector<std::pair<std::string, std::string>>& entries) {
    for (const auto& [entryName, description] : entries) {
      const QString name = QString::fromStdString(entryName);
      QAction* action = menu->addAction(name, this, [this, name] { openZoo(name); });
      action->setToolTip(QString::fromStdString(description));
      action->setStatusTip(action->toolTip());
    }
  };
  add(detectors);
  if (!detectors.empty() && !backbones.empty()) menu->addSeparator();
  add(backbones);
  if (detectors.empty() && backbones.empty()) menu->addAction(tr("(no networks)"))->setEnabled(false);
}

bool MainWindow::openModelFile(const QString& path) {
  const QFileInfo info(path);
  try {
    Graph graph = load_onnx(info.absoluteFilePath().toStdString());
    if (!showGraph(std::move(graph), info.fileName(), info.absoluteFilePath())) return false;
  } catch (const std::exception& e) {
    reportError(tr("Could not open %1.").arg(path), QString::fromUtf8(e.what()));
    return false;
  }
  lastDirectory_ = info.absolutePath();
  return true;
}

void MainWindow::openZoo(const QString& name) {
  const std::string key = name.toStdString();
  try {
    bool detector = false;
    for (const DetectorZooEntry& entry : detector_zoo_entries()) detector |= entry.name == key;
    showGraph(detector ? build_detector_zoo(key).graph : build_zoo(key, BackboneOptions{}), name);
  } catch (const std::exception& e) {
    reportError(tr("Could not build zoo network %1.").arg(name), QString::fromUtf8(e.what()));
  }
}

bool MainWindow::showGraph(Graph graph, const QString& title, const QString& path) {
  GraphCost cost;
  ChannelGroups groups;
  try {
    cost = compute_cost(graph);
    groups = channel_groups(graph);
  } catch (const std::exception& e) {
    reportError(tr("Could not analyse %1.").arg(title), QString::fromUtf8(e.what()));
    return false;
  }
  // The views keep pointers into these: detach them before replacing.
  inspector_->clear();
  graph_ = std::make_unique<Graph>(std::move(graph));
  cost_ = std::make_unique<GraphCost>(std::move(cost));
  groups_ = std::make_unique<ChannelGroups>(std::move(groups));
  modelPath_ = path;
  modelTitle_ = title;
  lastError_.clear();

  graphView_->setModel(*graph_, *cost_, *groups_);
  inspector_->setModel(graph_.get(), cost_.get(), groups_.get());
  layerModel_->setGraph(*graph_, *cost_);
  layerTable_->resizeColumnsToContents();
  macsChart_->setCost(*cost_, kTopMacsLayers);
  ratioEditor_->setModel(*graph_, *groups_);
  importancePanel_->clearScores();
  try {  // L1 needs no data: every model opens with it.
    showScores(computeImportance(*graph_, *groups_, QStringLiteral("l1")));
  } catch (const std::exception& e) {
    statusBar()->showMessage(tr("No L1 importance: %1").arg(QString::fromUtf8(e.what())), 10000);
  }
  setWindowTitle(tr("%1 — Whittle").arg(title));
  updateTotals();
  statusBar()->showMessage(tr("Opened %1").arg(title), 5000);
  return true;
}

void MainWindow::showScores(const ImportanceScores& scores) {
  importancePanel_->setScores(scores);
  if (scores.criterion == QStringLiteral("l1") || importanceOverview_->rowCount() == 0) {
    importanceOverview_->setScores(scores);
  }
  ratioEditor_->setScores(scores.criterion, scores.byGroup);
  planCriterion_ = scores.criterion;
  QHash<QString, double> byNode;  // a conv's importance: its group's mean score
  for (auto it = scores.byGroup.constBegin(); it != scores.byGroup.constEnd(); ++it) {
    double sum = 0;
    for (float value : it.value()) sum += value;
    byNode.insert(it.key(), it.value().isEmpty() ? 0.0 : sum / it.value().size());
  }
  graphView_->setMetric(GraphView::ColorBy::Importance, byNode);
}

void MainWindow::computeCriterion(const QString& criterion) {
  if (!graph_) return;
  if (importanceCriterionNeedsData(criterion)) {  // images through the model: a job
    startImportance(criterion);
    return;
  }
  try {
    showScores(computeImportance(*graph_, *groups_, criterion));
  } catch (const std::exception& e) {
    reportError(tr("Could not score filters with %1.").arg(criterion), QString::fromUtf8(e.what()));
  }
}

void MainWindow::onPlanChanged() {
  if (!graph_) return;
  importancePanel_->setRemoved(ratioEditor_->removedByGroup());
  QHash<QString, double> ratioByNode;
  for (const ChannelGroup& group : groups_->groups) {
    if (!group.prunable) continue;
    const double ratio = ratioEditor_->ratio(QString::fromStdString(group.name));
    for (const std::string& node : group.filter_nodes()) {
      ratioByNode.insert(QString::fromStdString(node), ratio);
    }
  }
  graphView_->setMetric(GraphView::ColorBy::PruneRatio, ratioByNode);
  updateTotals();
}

void MainWindow::selectNode(const QString& name) {
  if (!graph_ || name.isEmpty()) return;
  if (graphView_->selectedNode() != name) graphView_->selectNode(name);
  inspector_->showNode(name);
  // The group whose filters this node holds, for the heatmaps.
  for (const ChannelGroup& group : groups_->groups) {
    for (const ChannelMember& member : group.members) {
      if (member.node == name.toStdString() && group.prunable &&
          (member.role == ChannelRole::Filters || member.role == ChannelRole::Depthwise)) {
        importancePanel_->setGroup(QString::fromStdString(group.name));
      }
    }
  }
  // The layer table follows (graph order is the source row).
  const int row = graph_->find_node(name.toStdString());
  if (row >= 0) {
    const QModelIndex index = layerProxy_->mapFromSource(layerModel_->index(row, 0));
    if (index.isValid()) {
      layerTable_->selectionModel()->setCurrentIndex(
          index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
      layerTable_->scrollTo(index);
    }
  }
}

void MainWindow::selectGroup(const QString& group) {
  importancePanel_->setGroup(group);
  selectNode(group);  // a group is named after its first filters node
}

void MainWindow::updateTotals() {
  if (!cost_) {
    totalsLabel_->setText(tr("No model. Open an ONNX file (Ctrl+O), a zoo network, a project, "
                             "or drop a file here."));
    return;
  }
  const QLocale locale;
  QString text = tr("%1 layers · %2 M params · %3 GMACs · %4 MB weights (fp32)")
                     .arg(locale.toString(static_cast<qlonglong>(cost_->nodes.size())),
                          locale.toString(static_cast<double>(cost_->params) / 1e6, 'f', 2),
                          locale.toString(static_cast<double>(cost_->macs) / 1e9, 'f', 2),
                          locale.toString(static_cast<double>(cost_->weight_bytes_fp32) / 1e6, 'f', 1));
  const PlanTotals planned = ratioEditor_->totals();
  if (planned.macs > 0 && planned.macs < static_cast<double>(cost_->macs)) {
    text += tr(" → plan: %1 M params · %2 GMACs")
                .arg(locale.toString(planned.params / 1e6, 'f', 2),
                     locale.toString(planned.macs / 1e9, 'f', 2));
  }
  totalsLabel_->setText(text);
}

void MainWindow::reportError(const QString& what, const QString& detail) {
  lastError_ = detail.isEmpty() ? what : what + QLatin1Char(' ') + detail;
  statusBar()->showMessage(what, 10000);
  if (!interactive_) return;
  QMessageBox box(QMessageBox::Critical, tr("Whittle"), what, QMessageBox::Ok, this);
  box.setInformativeText(detail);
  box.exec();
}

void MainWindow::chooseModelFile() {
  const QString path = QFileDialog::getOpenFileName(
      this, tr("Open Model"), lastDirectory_, tr("ONNX models (*.onnx);;All files (*)"));
  if (!path.isEmpty()) openModelFile(path);
}

void MainWindow::showGuidedTour() {
  if (!tour_) {
    tour_ = new GuidedTour(this);
    connect(tour_, &GuidedTour::stepChanged, this,
            [this](int, const QString& target) { GuidedTour::revealTarget(this, target); });
  }
  tour_->setStep(0);  // reveals the first step's part of the window
  tour_->show();
  tour_->raise();
  tour_->activateWindow();
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, tr("About Whittle"),
      tr("<h3>Whittle %1</h3>"
         "<p>Makes object detectors smaller and faster: structured filter pruning, "
         "fine-tuning and 8-bit quantization, with what was gained and lost side by "
         "side.</p>")
          .arg(QStringLiteral(WHITTLE_VERSION)));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (!droppedFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = droppedFile(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  if (path.endsWith(QStringLiteral(".whittle"), Qt::CaseInsensitive)) {
    openProject(path);
  } else {
    openModelFile(path);
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!confirmCloseWithJobs()) {
    event->ignore();
    return;
  }
  saveSettings();
  QMainWindow::closeEvent(event);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
  lastDirectory_ = settings.value(QStringLiteral("mainWindow/lastDirectory")).toString();
  fillRecentMenu();
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  settings.setValue(QStringLiteral("mainWindow/lastDirectory"), lastDirectory_);
}

}  // namespace whittle::ui
