// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "io/onnx_import.h"
#include "models/zoo.h"

#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>
#include <exception>
#include <utility>

#include "ui/application.h"
#include "ui/layer_table_model.h"
#include "ui/macs_chart.h"

#ifndef WHITTLE_VERSION
#define WHITTLE_VERSION "dev"
#endif

namespace whittle::ui {

namespace {

constexpr int kTopMacsLayers = 20;

// The first local .onnx file among dropped URLs, or "".
QString droppedModelFile(const QMimeData* mime) {
  if (mime == nullptr || !mime->hasUrls()) return {};
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile() &&
        url.toLocalFile().endsWith(QStringLiteral(".onnx"), Qt::CaseInsensitive)) {
      return url.toLocalFile();
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
  createCentralWidget();
  createDocks();
  createMenus();
  totalsLabel_ = new QLabel(this);
  totalsLabel_->setObjectName(QStringLiteral("totalsLabel"));
  statusBar()->addPermanentWidget(totalsLabel_);  // stays beside transient messages
  updateTotals();
  resize(1100, 700);
  restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentralWidget() {
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
  layerTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  layerTable_->setWordWrap(false);
  layerTable_->verticalHeader()->setDefaultSectionSize(
      layerTable_->fontMetrics().height() + 6);
  // Graph order until a header is clicked; a third click returns to it.
  QHeaderView* header = layerTable_->horizontalHeader();
  header->setSortIndicatorClearable(true);
  header->setSortIndicator(-1, Qt::AscendingOrder);
  layerTable_->setSortingEnabled(true);
  header->setStretchLastSection(true);

  auto* central = new QWidget;
  auto* layout = new QVBoxLayout(central);
  layout->setContentsMargins(4, 4, 4, 0);
  layout->addWidget(layerFilter_);
  layout->addWidget(layerTable_, 1);
  setCentralWidget(central);
}

void MainWindow::createDocks() {
  macsChart_ = new MacsChart;
  macsDock_ = new QDockWidget(tr("MACs per layer (top %1)").arg(kTopMacsLayers), this);
  macsDock_->setObjectName(QStringLiteral("macsDock"));  // saveState() needs it
  macsDock_->setWidget(macsChart_);
  addDockWidget(Qt::RightDockWidgetArea, macsDock_);
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open Model…"), this, &MainWindow::chooseModelFile);
  open->setShortcut(QKeySequence::Open);
  QMenu* zoo = file->addMenu(tr("Open &Zoo Network"));
  zoo->setObjectName(QStringLiteral("zooMenu"));
  fillZooMenu(zoo);
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);
  quit->setMenuRole(QAction::QuitRole);

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QAction* toggleChart = macsDock_->toggleViewAction();
  toggleChart->setText(tr("&MACs Chart"));
  view->addAction(toggleChart);

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&About Whittle"), this, &MainWindow::showAbout)
      ->setMenuRole(QAction::AboutRole);
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt)
      ->setMenuRole(QAction::AboutQtRole);
}

void MainWindow::fillZooMenu(QMenu* menu) {
  menu->setToolTipsVisible(true);
  std::vector<ZooEntry> entries;
  try {
    entries = zoo_entries();
  } catch (const std::exception& e) {
    menu->addAction(QString::fromUtf8(e.what()))->setEnabled(false);
    return;
  }
  if (entries.empty()) menu->addAction(tr("(no networks)"))->setEnabled(false);
  for (const ZooEntry& entry : entries) {
    const QString name = QString::fromStdString(entry.name);
    QAction* action = menu->addAction(name, this, [this, name] { openZoo(name); });
    action->setToolTip(QString::fromStdString(entry.description));
    action->setStatusTip(action->toolTip());
  }
}

bool MainWindow::openModelFile(const QString& path) {
  const QString title = QFileInfo(path).fileName();
  try {
    Graph graph = load_onnx(QFileInfo(path).absoluteFilePath().toStdString());
    if (!showGraph(std::move(graph), title)) return false;
  } catch (const std::exception& e) {
    reportError(tr("Could not open %1.").arg(path), QString::fromUtf8(e.what()));
    return false;
  }
  lastDirectory_ = QFileInfo(path).absolutePath();
  return true;
}

void MainWindow::openZoo(const QString& name) {
  try {
    showGraph(build_zoo(name.toStdString(), BackboneOptions{}), name);
  } catch (const std::exception& e) {
    reportError(tr("Could not build zoo network %1.").arg(name), QString::fromUtf8(e.what()));
  }
}

bool MainWindow::showGraph(Graph graph, const QString& title) {
  GraphCost cost;
  try {
    cost = compute_cost(graph);
  } catch (const std::exception& e) {
    reportError(tr("Could not analyse %1.").arg(title), QString::fromUtf8(e.what()));
    return false;
  }
  graph_ = std::make_unique<Graph>(std::move(graph));
  cost_ = std::make_unique<GraphCost>(std::move(cost));
  lastError_.clear();

  layerModel_->setGraph(*graph_, *cost_);
  layerTable_->resizeColumnsToContents();
  macsChart_->setCost(*cost_, kTopMacsLayers);
  setWindowTitle(tr("%1 — Whittle").arg(title));
  updateTotals();
  statusBar()->showMessage(tr("Opened %1").arg(title), 5000);
  return true;
}

void MainWindow::updateTotals() {
  if (!cost_) {
    totalsLabel_->setText(
        tr("No model. Open an ONNX file (Ctrl+O), a zoo network, or drop an .onnx file here."));
    return;
  }
  const QLocale locale;
  totalsLabel_->setText(
      tr("%1 layers · %2 M params · %3 GMACs · %4 MB weights (fp32)")
          .arg(locale.toString(static_cast<qlonglong>(cost_->nodes.size())),
               locale.toString(static_cast<double>(cost_->params) / 1e6, 'f', 2),
               locale.toString(static_cast<double>(cost_->macs) / 1e9, 'f', 2),
               locale.toString(static_cast<double>(cost_->weight_bytes_fp32) / 1e6, 'f', 1)));
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
  if (!droppedModelFile(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  const QString path = droppedModelFile(event->mimeData());
  if (path.isEmpty()) return;
  event->acceptProposedAction();
  openModelFile(path);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveSettings();
  QMainWindow::closeEvent(event);
}

void MainWindow::restoreSettings() {
  QSettings settings;
  restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
  restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
  lastDirectory_ = settings.value(QStringLiteral("mainWindow/lastDirectory")).toString();
}

void MainWindow::saveSettings() const {
  QSettings settings;
  settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("mainWindow/state"), saveState());
  settings.setValue(QStringLiteral("mainWindow/lastDirectory"), lastDirectory_);
}

}  // namespace whittle::ui
