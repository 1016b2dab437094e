// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "io/project_file.h"
#include "prune/sensitivity.h"

#include "ui/results_dashboard.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>
#include <exception>
#include <qcustomplot.h>

#include "ui/plot_export.h"
#include "ui/result_plots.h"

namespace whittle::ui {

namespace {
constexpr int kExportWidth = 960;
constexpr int kExportHeight = 600;
}  // namespace

QVector<ResultsDashboard::Plot> ResultsDashboard::allPlots() {
  return {Plot::MapVsSize, Plot::MapVsLatency, Plot::MapVsMacs, Plot::Comparison, Plot::PrCurves, Plot::Sensitivity};
}

QString ResultsDashboard::plotFileStem(Plot plot) {
  switch (plot) {
    case Plot::MapVsSize: return QStringLiteral("map_vs_size");
    case Plot::MapVsLatency: return QStringLiteral("map_vs_latency");
    case Plot::MapVsMacs: return QStringLiteral("map_vs_macs");
    case Plot::Comparison: return QStringLiteral("original_vs_compressed");
    case Plot::PrCurves: return QStringLiteral("pr_curves");
    case Plot::Sensitivity: return QStringLiteral("sensitivity");
  }
  return {};
}

QString ResultsDashboard::plotTitle(Plot plot) const {
  switch (plot) {
    case Plot::MapVsSize: return tr("mAP vs Size");
    case Plot::MapVsLatency: return tr("mAP vs Latency");
    case Plot::MapVsMacs: return tr("mAP vs MACs");
    case Plot::Comparison: return tr("Original vs Compressed");
    case Plot::PrCurves: return tr("Precision–Recall");
    case Plot::Sensitivity: return tr("Sensitivity");
  }
  return {};
}

ResultsDashboard::ResultsDashboard(QWidget* parent) : QWidget(parent), model_(new ResultsTableModel(this)) {
  setObjectName(QStringLiteral("resultsDashboard"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* top = new QHBoxLayout;
  header_ = new QLabel(this);
  header_->setObjectName(QStringLiteral("resultsHeader"));
  header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  exportOne_ = new QPushButton(tr("Export Plot…"), this);
  exportOne_->setObjectName(QStringLiteral("exportPlotButton"));
  exportOne_->setToolTip(tr("Save the plot shown as PNG, SVG or PDF."));
  exportAll_ = new QPushButton(tr("Export All…"), this);
  exportAll_->setObjectName(QStringLiteral("exportAllButton"));
  exportAll_->setToolTip(tr("Save every plot as PNG, SVG and PDF into a folder."));
  top->addWidget(header_, 1);
  top->addWidget(exportOne_);
  top->addWidget(exportAll_);
  layout->addLayout(top);

  auto* splitter = new QSplitter(Qt::Vertical, this);
  table_ = new QTableView(splitter);
  table_->setObjectName(QStringLiteral("resultsTable"));
  table_->setModel(model_);
  table_->setAlternatingRowColors(true);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  table_->verticalHeader()->setVisible(false);
  table_->setToolTip(tr("Each measure with its ratio to the original in brackets; — : not measured yet."));

  tabs_ = new QTabWidget(splitter);
  tabs_->setObjectName(QStringLiteral("resultsTabs"));
  for (Plot kind : allPlots()) {
    auto* page = new QWidget(tabs_);
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    if (kind == Plot::PrCurves) {
      auto* row = new QHBoxLayout;
      prFirst_ = new QComboBox(page);
      prFirst_->setObjectName(QStringLiteral("prFirst"));
      prSecond_ = new QComboBox(page);
      prSecond_->setObjectName(QStringLiteral("prSecond"));
      prClass_ = new QComboBox(page);
      prClass_->setObjectName(QStringLiteral("prClass"));
      row->addWidget(new QLabel(tr("Models:"), page));
      row->addWidget(prFirst_);
      row->addWidget(new QLabel(tr("vs"), page));
      row->addWidget(prSecond_);
      row->addSpacing(12);
      row->addWidget(new QLabel(tr("Class:"), page));
      row->addWidget(prClass_);
      row->addStretch(1);
      pageLayout->addLayout(row);
    } else if (kind == Plot::Sensitivity) {
      auto* row = new QHBoxLayout;
      sensitivitySource_ = new QComboBox(page);
      sensitivitySource_->setObjectName(QStringLiteral("sensitivitySource"));
      sensitivityNote_ = new QLabel(page);
      row->addWidget(new QLabel(tr("Scan of:"), page));
      row->addWidget(sensitivitySource_);
      row->addWidget(sensitivityNote_, 1);
      pageLayout->addLayout(row);
    }
    auto* plot = new QCustomPlot(page);
    plot->setObjectName(plotFileStem(kind));
    plot->setMinimumSize(360, 240);  // QCustomPlot's own size hint is tiny
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    pageLayout->addWidget(plot, 1);
    plots_ << plot;
    tabs_->addTab(page, plotTitle(kind));
  }
  tabs_->setTabToolTip(0, tr("Accuracy against storage: the Pareto front joins the models no other model beats on both."));
  tabs_->setTabToolTip(1, tr("Accuracy against time per image, each model at its own precision."));
  tabs_->setTabToolTip(2, tr("Accuracy against multiply-accumulates per image."));
  tabs_->setTabToolTip(3, tr("Every measure as a ratio to the original model (original = 1)."));
  tabs_->setTabToolTip(4, tr("Precision against recall of one class, two models overlaid."));
  tabs_->setTabToolTip(5, tr("How much mAP each layer group loses when it alone is pruned."));
  splitter->addWidget(table_);
  splitter->addWidget(tabs_);
  splitter->setStretchFactor(0, 1);
  splitter->setStretchFactor(1, 2);
  layout->addWidget(splitter, 1);

  const auto redraw = [this] { redrawPr(); };
  connect(prFirst_, qOverload<int>(&QComboBox::currentIndexChanged), this, redraw);
  connect(prSecond_, qOverload<int>(&QComboBox::currentIndexChanged), this, redraw);
  connect(prClass_, qOverload<int>(&QComboBox::currentIndexChanged), this, redraw);
  connect(sensitivitySource_, qOverload<int>(&QComboBox::currentIndexChanged), this,
          [this] { redrawSensitivity(); });
  connect(exportOne_, &QPushButton::clicked, this, &ResultsDashboard::exportCurrent);
  connect(exportAll_, &QPushButton::clicked, this, &ResultsDashboard::exportAll);
  clear();
}

QCustomPlot* ResultsDashboard::plot(Plot plot) const { return plots_.value(static_cast<int>(plot), nullptr); }

int ResultsDashboard::variantCount() const { return variantCount_; }

void ResultsDashboard::clear() {
  setProject(Project{}, QString());
  header_->setText(tr("No project open."));
}

void ResultsDashboard::setProject(const Project& project, const QString& projectPath) {
  variantCount_ = static_cast<int>(project.variants.size());
  const QVector<VariantResults> results =
      project.model.empty() && project.variants.empty() ? QVector<VariantResults>{} : collectResults(project);
  model_->setResults(results);
  header_->setText(projectPath.isEmpty()
                       ? tr("%n variant(s) of the original model.", nullptr, variantCount_)
                       : tr("%1: %n variant(s) of the original model.", nullptr, variantCount_)
                             .arg(QFileInfo(projectPath).fileName()));

  plotTradeoff(plot(Plot::MapVsSize), results, TradeoffCost::FileSize);
  plotTradeoff(plot(Plot::MapVsLatency), results, TradeoffCost::Latency);
  plotTradeoff(plot(Plot::MapVsMacs), results, TradeoffCost::Macs);
  plotComparisonBars(plot(Plot::Comparison), results);

  // PR pickers: the original against the last model with an eval report.
  const QSignalBlocker b1(prFirst_), b2(prSecond_), b3(prClass_), b4(sensitivitySource_);
  prFirst_->clear();
  prSecond_->clear();
  int lastWithEval = 0;
  for (int row = 0; row < results.size(); ++row) {
    prFirst_->addItem(results[row].name, row);
    prSecond_->addItem(results[row].name, row);
    if (row > 0 && results[row].eval) lastWithEval = row;
  }
  prFirst_->setCurrentIndex(results.isEmpty() ? -1 : 0);
  prSecond_->setCurrentIndex(results.isEmpty() ? -1 : (lastWithEval > 0 ? lastWithEval : static_cast<int>(results.size()) - 1));
  prClass_->clear();
  prClass_->addItems(resultClassNames(results));

  sensitivitySource_->clear();
  for (int row = 0; row < results.size(); ++row) {
    if (!results[row].sensitivityFile.isEmpty()) sensitivitySource_->addItem(results[row].name, row);
  }
  redrawPr();
  redrawSensitivity();
}

void ResultsDashboard::setPrModels(int first, int second) {
  prFirst_->setCurrentIndex(first);
  prSecond_->setCurrentIndex(second);
  redrawPr();
}

void ResultsDashboard::setPrClass(const QString& className) {
  prClass_->setCurrentIndex(prClass_->findText(className));
  redrawPr();
}

void ResultsDashboard::setSensitivitySource(int index) {
  sensitivitySource_->setCurrentIndex(index);
  redrawSensitivity();
}

void ResultsDashboard::redrawPr() {
  QCustomPlot* p = plot(Plot::PrCurves);
  const QVector<VariantResults>& rows = results();
  const int a = prFirst_->currentData().isValid() ? prFirst_->currentData().toInt() : -1;
  const int b = prSecond_->currentData().isValid() ? prSecond_->currentData().toInt() : -1;
  if (a < 0 || b < 0 || a >= rows.size() || b >= rows.size() || prClass_->currentIndex() < 0) {
    plotPrCurves(p, VariantResults{}, VariantResults{}, QString());
    p->clearGraphs();
    p->clearItems();
    plotMessage(p, tr("Evaluate models to see their precision–recall curves."));
    return;
  }
  plotPrCurves(p, rows[a], rows[b], prClass_->currentText());
}

void ResultsDashboard::redrawSensitivity() {
  QCustomPlot* p = plot(Plot::Sensitivity);
  const QVector<VariantResults>& rows = results();
  const QVariant row = sensitivitySource_->currentData();
  if (!row.isValid() || row.toInt() >= rows.size()) {
    plotSensitivity(p, SensitivityResult{});
    p->clearGraphs();
    p->clearItems();
    plotMessage(p, tr("No sensitivity scan in the project (Jobs → Sensitivity Analysis)."));
    sensitivityNote_->clear();
    return;
  }
  const QString file = rows[row.toInt()].sensitivityFile;
  try {
    const SensitivityResult scan = load_sensitivity(file.toStdString());
    plotSensitivity(p, scan);
    sensitivityNote_->setText(tr("%1 criterion, %n image(s), baseline mAP %2", nullptr, scan.images)
                                  .arg(QString::fromStdString(scan.criterion))
                                  .arg(QLocale().toString(scan.baseline, 'f', 4)));
  } catch (const std::exception& e) {
    plotSensitivity(p, SensitivityResult{});
    p->clearGraphs();
    p->clearItems();
    plotMessage(p, tr("Cannot read %1.").arg(QFileInfo(file).fileName()));
    sensitivityNote_->setText(QString::fromUtf8(e.what()));
  }
}

bool ResultsDashboard::exportPlots(const QString& dir, QString* error) {
  if (!QDir().mkpath(dir)) {
    if (error) *error = tr("Cannot create the folder %1.").arg(dir);
    return false;
  }
  bool ok = true;
  for (Plot kind : allPlots()) {
    for (const QString& suffix : plotExportSuffixes()) {
      const QString path = QDir(dir).filePath(plotFileStem(kind) + QLatin1Char('.') + suffix);
      QString why;
      if (!exportPlot(plot(kind), path, kExportWidth, kExportHeight, &why) && ok) {
        ok = false;
        if (error) *error = why;
      }
    }
  }
  return ok;
}

void ResultsDashboard::exportCurrent() {
  const int index = tabs_->currentIndex();
  if (index < 0 || index >= plots_.size()) return;
  const Plot kind = allPlots()[index];
  const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), plotFileStem(kind) + QStringLiteral(".png"),
                                                    plotExportFilter());
  if (path.isEmpty()) return;
  QString why;
  if (!exportPlot(plots_[index], path, kExportWidth, kExportHeight, &why))
    QMessageBox::warning(this, tr("Export Plot"), why);
}

void ResultsDashboard::exportAll() {
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Export All Plots To"));
  if (dir.isEmpty()) return;
  QString why;
  if (!exportPlots(dir, &why)) QMessageBox::warning(this, tr("Export All"), why);
}

}  // namespace whittle::ui
