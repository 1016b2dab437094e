// The results dashboard on a small real project: the table's values and
// ratios, the plots' graphs and points (Pareto front, original highlighted,
// bars, PR curves, sensitivity), and export to PNG, SVG and PDF.
#include "results_test_project.h"

#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "io/onnx_import.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QSet>
#include <QTabWidget>
#include <QTemporaryDir>
#include <cmath>
#include <qcustomplot.h>

#include "ui/plot_export.h"
#include "ui/result_plots.h"
#include "ui/results_dashboard.h"
#include "ui/results_table_model.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

// More than a handful of colours: something was drawn.
bool nonBlank(const QString& png) {
  const QImage image(png);
  if (image.isNull()) return false;
  QSet<QRgb> colors;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) colors.insert(image.pixel(x, y));
  return colors.size() > 4;
}

class ResultsDashboardTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    uitest::ensureApplication();
    dir_ = new QTemporaryDir;
    project_ = new Project(uitest::make_results_project(dir_->path().toStdString()));
  }
  static void TearDownTestSuite() {
    delete project_;
    delete dir_;
  }
  static QString path(const QString& name) { return dir_->filePath(name); }

  static QTemporaryDir* dir_;
  static Project* project_;
};
QTemporaryDir* ResultsDashboardTest::dir_ = nullptr;
Project* ResultsDashboardTest::project_ = nullptr;

TEST(ParetoFront, HandMadePoints) {
  //            0    1    2    3    4 (= 1)  5    6 (NaN)
  QVector<double> cost{1, 2, 3, 4, 2, 5, NAN};
  QVector<double> quality{0.1, 0.5, 0.4, 0.6, 0.5, 0.6, 0.9};
  EXPECT_EQ(paretoFront(cost, quality), (QVector<int>{0, 1, 3}));
  // A point cheaper and better than all others is the whole front.
  EXPECT_EQ(paretoFront({3, 1, 2}, {0.2, 0.9, 0.5}), (QVector<int>{1}));
  // Equal cost: only the best quality.
  EXPECT_EQ(paretoFront({1, 1, 2}, {0.2, 0.3, 0.4}), (QVector<int>{1, 2}));
  EXPECT_TRUE(paretoFront({}, {}).isEmpty());
}

TEST_F(ResultsDashboardTest, TableValuesAndRatios) {
  const QVector<VariantResults> results = collectResults(*project_);
  ASSERT_EQ(results.size(), 4);
  ResultsTableModel model;
  model.setResults(results);
  EXPECT_EQ(model.rowCount(), 4);
  EXPECT_EQ(model.data(model.index(0, 0)).toString(), QStringLiteral("original"));
  EXPECT_EQ(model.data(model.index(2, 0)).toString(), QStringLiteral("int8"));

  const int map = model.measureColumn(Measure::MapVoc07);
  ASSERT_GE(map, 0);
  EXPECT_DOUBLE_EQ(model.data(model.index(1, map), ResultsTableModel::ValueRole).toDouble(), 0.4);
  EXPECT_NEAR(model.data(model.index(1, map), ResultsTableModel::RatioRole).toDouble(), 0.8, 1e-12);
  EXPECT_EQ(model.cellText(1, map), QStringLiteral("0.4000 (0.80×)"));
  EXPECT_EQ(model.cellText(0, map), QStringLiteral("0.5000"));  // no ratio on the original
  EXPECT_EQ(model.cellText(3, map), QStringLiteral("—"));       // ft: not measured
  EXPECT_FALSE(model.data(model.index(3, map), ResultsTableModel::ValueRole).isValid());

  // Params, MACs and energy from the model files; file size as stored or on disk.
  const Graph original = load_onnx(project_->model);
  const GraphCost cost = compute_cost(original);
  EXPECT_DOUBLE_EQ(results[0].value(Measure::Params), static_cast<double>(cost.params));
  EXPECT_DOUBLE_EQ(results[0].value(Measure::Macs), static_cast<double>(cost.macs));
  EXPECT_DOUBLE_EQ(results[0].value(Measure::FileBytes), static_cast<double>(QFileInfo(QString::fromStdString(project_->model)).size()));
  EXPECT_DOUBLE_EQ(results[2].value(Measure::FileBytes), 12345.0);
  EXPECT_DOUBLE_EQ(results[0].value(Measure::Energy),
                   estimate_energy(original, cost, NumericPrecision::Fp32).total_mj);
  // The quantized variant: int8 precision, its latency in the int8 column, int8 energy.
  EXPECT_EQ(results[2].precision, QStringLiteral("int8"));
  EXPECT_DOUBLE_EQ(results[2].value(Measure::LatencyInt8), 3.0);
  EXPECT_FALSE(results[2].has(Measure::LatencyFp32));
  EXPECT_DOUBLE_EQ(results[2].value(Measure::Energy),
                   estimate_energy(original, cost, NumericPrecision::Int8).total_mj);
  EXPECT_LT(ratioToOriginal(results, 2, Measure::Energy), 1.0);
  EXPECT_NEAR(ratioToOriginal(results, 1, Measure::LatencyFp32), 0.6, 1e-12);
  // int8 time against the original's fp32 time when it has no int8 time.
  EXPECT_NEAR(ratioToOriginal(results, 2, Measure::LatencyInt8), 0.3, 1e-12);
  EXPECT_EQ(model.cellText(2, model.measureColumn(Measure::LatencyInt8)), QStringLiteral("3.00 (0.30×)"));
  EXPECT_EQ(results[1].threads, 2);
  EXPECT_EQ(model.cellText(1, model.measureColumn(Measure::LatencyFp32)), QStringLiteral("6.00 (0.60×)"));
  EXPECT_LT(results[1].value(Measure::Params), results[0].value(Measure::Params));  // width 0.125

  // The area mAP comes from the curves of the VOC07 report.
  const EvalReport eval = load_eval_report(project_->reports.at("eval"));
  EXPECT_NEAR(results[0].value(Measure::MapArea), map_from_curves(eval.classes, "voc12"), 1e-12);

  // Per-class AP columns with ratios; the missing model is explained.
  EXPECT_EQ(resultClassNames(results), (QStringList{"cat", "dog", "car"}));
  const int cat = model.classColumn(QStringLiteral("cat"));
  ASSERT_GE(cat, 0);
  EXPECT_DOUBLE_EQ(model.data(model.index(0, cat), ResultsTableModel::ValueRole).toDouble(), eval.classes[0].ap);
  EXPECT_EQ(model.cellText(3, cat), QStringLiteral("—"));
  EXPECT_FALSE(results[3].problems.isEmpty());
  for (int c = 0; c < model.columnCount(); ++c) EXPECT_FALSE(model.headerText(c).isEmpty()) << c;
}

TEST_F(ResultsDashboardTest, BuildsFromAProjectWithEveryPlot) {
  ResultsDashboard dashboard;
  dashboard.resize(1000, 800);
  dashboard.setProject(*project_, path(QStringLiteral("results.whittle")));
  EXPECT_EQ(dashboard.variantCount(), 3);
  EXPECT_EQ(dashboard.tableModel()->rowCount(), 4);
  EXPECT_EQ(dashboard.tabs()->count(), ResultsDashboard::allPlots().size());

  // mAP vs size: original, p50, int8 (ft has no figures); int8 (smallest,
  // 0.45) and the original (0.5) on the front, p50 dominated by int8.
  QCustomPlot* size = dashboard.plot(ResultsDashboard::Plot::MapVsSize);
  ASSERT_EQ(size->graphCount(), 3);
  EXPECT_EQ(size->graph(0)->dataCount(), 3);
  ASSERT_EQ(size->graph(1)->dataCount(), 2);
  EXPECT_DOUBLE_EQ(size->graph(1)->data()->at(0)->value, 0.45);
  EXPECT_DOUBLE_EQ(size->graph(1)->data()->at(1)->value, 0.5);
  ASSERT_EQ(size->graph(2)->dataCount(), 1);  // the original, highlighted
  EXPECT_DOUBLE_EQ(size->graph(2)->data()->at(0)->value, 0.5);
  EXPECT_EQ(size->itemCount(), 3);  // a label per point

  // mAP vs latency: each at its own precision (int8 3 ms, p50 6, original 10).
  QCustomPlot* latency = dashboard.plot(ResultsDashboard::Plot::MapVsLatency);
  ASSERT_EQ(latency->graph(1)->dataCount(), 2);
  EXPECT_DOUBLE_EQ(latency->graph(1)->data()->at(0)->key, 3.0);
  EXPECT_DOUBLE_EQ(latency->graph(1)->data()->at(1)->key, 10.0);

  QCustomPlot* macs = dashboard.plot(ResultsDashboard::Plot::MapVsMacs);
  EXPECT_EQ(macs->graph(0)->dataCount(), 3);

  // Bars: one set per model, one group per measure the variants share with the original.
  QCustomPlot* bars = dashboard.plot(ResultsDashboard::Plot::Comparison);
  int barSets = 0;
  for (int i = 0; i < bars->plottableCount(); ++i) {
    if (auto* b = qobject_cast<QCPBars*>(bars->plottable(i))) {
      ++barSets;
      if (b->name() == QLatin1String("original")) {
        for (auto it = b->data()->constBegin(); it != b->data()->constEnd(); ++it) EXPECT_DOUBLE_EQ(it->value, 1.0);
      }
    }
  }
  EXPECT_EQ(barSets, 4);
  auto* first = qobject_cast<QCPBars*>(bars->plottable(0));
  ASSERT_NE(first, nullptr);
  EXPECT_GE(first->dataCount(), 6);  // mAP x2, params, MACs, size, fp32 ms, energy

  // PR curves: the original against p50 for "dog".
  dashboard.setPrModels(0, 1);
  dashboard.setPrClass(QStringLiteral("dog"));
  QCustomPlot* pr = dashboard.plot(ResultsDashboard::Plot::PrCurves);
  ASSERT_EQ(pr->graphCount(), 2);
  EXPECT_EQ(pr->graph(0)->dataCount(), 8);
  EXPECT_EQ(pr->graph(1)->dataCount(), 8);
  EXPECT_TRUE(pr->graph(0)->name().startsWith(QStringLiteral("original")));
  EXPECT_TRUE(pr->graph(1)->name().startsWith(QStringLiteral("p50")));

  // Sensitivity: three groups and the baseline.
  QCustomPlot* sensitivity = dashboard.plot(ResultsDashboard::Plot::Sensitivity);
  ASSERT_EQ(sensitivity->graphCount(), 4);
  EXPECT_EQ(sensitivity->graph(0)->dataCount(), 5);
  EXPECT_EQ(sensitivity->graph(0)->name(), QStringLiteral("features.0"));
}

TEST_F(ResultsDashboardTest, ExportsEveryPlotAsPngSvgAndPdf) {
  ResultsDashboard dashboard;
  dashboard.resize(900, 700);
  dashboard.setProject(*project_, path(QStringLiteral("results.whittle")));
  const QString out = path(QStringLiteral("export"));
  QString error;
  ASSERT_TRUE(dashboard.exportPlots(out, &error)) << error.toStdString();
  for (ResultsDashboard::Plot kind : ResultsDashboard::allPlots()) {
    const QString stem = QDir(out).filePath(ResultsDashboard::plotFileStem(kind));
    for (const QString& suffix : plotExportSuffixes()) {
      EXPECT_GT(QFileInfo(stem + QLatin1Char('.') + suffix).size(), 0) << (stem + "." + suffix).toStdString();
    }
    EXPECT_TRUE(nonBlank(stem + QStringLiteral(".png"))) << stem.toStdString();
    QFile svg(stem + QStringLiteral(".svg"));
    ASSERT_TRUE(svg.open(QIODevice::ReadOnly));
    EXPECT_TRUE(svg.readAll().contains("<svg"));
    QFile pdf(stem + QStringLiteral(".pdf"));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdf.read(5).startsWith("%PDF"));
  }
  // An unknown suffix is refused with a reason.
  EXPECT_FALSE(exportPlot(dashboard.plot(ResultsDashboard::Plot::MapVsSize), QDir(out).filePath("x.bmp"), 0, 0, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("bmp")));
}

TEST_F(ResultsDashboardTest, EmptyDashboard) {
  ResultsDashboard dashboard;
  EXPECT_EQ(dashboard.variantCount(), 0);
  EXPECT_EQ(dashboard.tableModel()->rowCount(), 0);
  QString error;
  EXPECT_TRUE(dashboard.exportPlots(path(QStringLiteral("empty")), &error)) << error.toStdString();
}

}  // namespace
}  // namespace whittle::ui
