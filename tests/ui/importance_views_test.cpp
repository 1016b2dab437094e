// The per-filter importance views: scores computed on the Qt side equal
// core's channel_importance; the filter heatmap has a cell per channel with
// the plan's removed ones marked; the histogram's cut-off is the largest
// removed score; the overview has a row per prunable group and a click emits
// groupActivated; the panel shows two criteria side by side; all render.
#include <ATen/ATen.h>

#include "graph/error.h"
#include "graph/graph.h"
#include "jobs/progress.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/pruning_plan.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QMouseEvent>
#include <QSet>
#include <QTableWidget>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <numeric>

#include "ui/filter_heatmap.h"
#include "ui/importance_histogram.h"
#include "ui/importance_overview.h"
#include "ui/importance_panel.h"
#include "ui/importance_scores.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

// Distinct colours in an image (a blank render has one or two).
int colourCount(const QImage& image) {
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 2)
    for (int x = 0; x < image.width(); x += 2) colours.insert(image.pixel(x, y));
  return static_cast<int>(colours.size());
}

// The `count` lowest-scoring channels of a group, ascending by index.
QVector<qint64> lowest(const QVector<float>& scores, int count) {
  QVector<qint64> order(scores.size());
  std::iota(order.begin(), order.end(), qint64{0});
  std::stable_sort(order.begin(), order.end(), [&](qint64 a, qint64 b) { return scores[a] < scores[b]; });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

class ImportanceViewsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    uitest::ensureApplication();
    graph_ = new Graph(build_zoo("mobilenet_v1", BackboneOptions{}));
    groups_ = new ChannelGroups(channel_groups(*graph_));
  }
  static void TearDownTestSuite() {
    delete groups_;
    delete graph_;
    groups_ = nullptr;
    graph_ = nullptr;
  }

  static QStringList prunableGroups() {
    QStringList names;
    for (const ChannelGroup& g : groups_->groups)
      if (g.prunable) names << QString::fromStdString(g.name);
    return names;
  }
  // A prunable group with many channels (the last one: 1,024 in MobileNetV1).
  static const ChannelGroup& wideGroup() {
    const ChannelGroup* best = nullptr;
    for (const ChannelGroup& g : groups_->groups)
      if (g.prunable && (!best || g.channels > best->channels)) best = &g;
    return *best;
  }

  static Graph* graph_;
  static ChannelGroups* groups_;
};
Graph* ImportanceViewsTest::graph_ = nullptr;
ChannelGroups* ImportanceViewsTest::groups_ = nullptr;

TEST_F(ImportanceViewsTest, ComputeMatchesCoreForEveryPrunableGroup) {
  for (const QString& criterion : {QStringLiteral("l1"), QStringLiteral("bn"), QStringLiteral("fpgm")}) {
    const ImportanceScores scores = computeImportance(*graph_, *groups_, criterion);
    EXPECT_EQ(scores.criterion, criterion);
    EXPECT_EQ(scores.groups, prunableGroups());
    EXPECT_TRUE(scores.unscored.isEmpty());
    ImportanceOptions options;
    options.criterion = parse_criterion(criterion.toStdString());
    options.normalization = Normalization::None;
    const auto core = channel_importance(*graph_, *groups_, options);
    ASSERT_EQ(static_cast<size_t>(scores.byGroup.size()), core.size());
    for (const ChannelGroup& g : groups_->groups) {
      if (!g.prunable) continue;
      const QVector<float> values = scores.scores(QString::fromStdString(g.name));
      ASSERT_EQ(values.size(), g.channels) << g.name;
      const at::Tensor expected = core.at(g.name).to(at::kFloat).contiguous();
      for (int64_t i = 0; i < g.channels; ++i)
        ASSERT_FLOAT_EQ(values[i], expected[i].item<float>()) << criterion.toStdString() << " " << g.name;
    }
  }
}

TEST_F(ImportanceViewsTest, DataCriteriaAndBadNamesThrow) {
  EXPECT_TRUE(importanceCriterionNeedsData(QStringLiteral("taylor")));
  EXPECT_FALSE(importanceCriterionNeedsData(QStringLiteral("l2")));
  EXPECT_THROW(computeImportance(*graph_, *groups_, QStringLiteral("taylor")), Error);
  EXPECT_THROW(computeImportance(*graph_, *groups_, QStringLiteral("apoz")), Error);
  EXPECT_THROW(computeImportance(*graph_, *groups_, QStringLiteral("no_such")), Error);
  EXPECT_EQ(importanceCriterionNames().size(), 6);
  EXPECT_EQ(importanceCriterionTitle(QStringLiteral("bn")), QStringLiteral("BN \u03b3"));

  // VGG16 has no BatchNorm: bn scores none of its groups.
  BackboneOptions small;
  small.width = 0.125;
  small.input_size = 32;
  const Graph vgg = build_zoo("vgg16", small);
  EXPECT_THROW(computeImportance(vgg, channel_groups(vgg), QStringLiteral("bn")), Error);
}

TEST_F(ImportanceViewsTest, DataCriterionRunsOnImagesAndHonoursCancel) {
  BackboneOptions small;
  small.width = 0.25;
  small.input_size = 64;
  const Graph graph = build_zoo("mobilenet_v1", small);
  const ChannelGroups groups = channel_groups(graph);
  at::manual_seed(3);
  ImportanceData data;
  data.batches.push_back({{graph.inputs[0].name, at::randn({2, 3, 64, 64})}});
  NullProgress progress;
  const ImportanceScores scores = computeImportance(graph, groups, QStringLiteral("apoz"), data, progress);
  ImportanceOptions options;
  options.criterion = Criterion::Apoz;
  options.normalization = Normalization::None;
  const auto core = channel_importance(graph, groups, options, &data);
  ASSERT_EQ(static_cast<size_t>(scores.groups.size()), core.size());
  for (const auto& [name, tensor] : core) {
    const QVector<float> values = scores.scores(QString::fromStdString(name));
    ASSERT_EQ(values.size(), tensor.numel());
    for (int64_t i = 0; i < tensor.numel(); ++i) ASSERT_FLOAT_EQ(values[i], tensor[i].item<float>());
  }
  NullProgress cancelled;
  cancelled.cancel();
  EXPECT_THROW(computeImportance(graph, groups, QStringLiteral("apoz"), data, cancelled), Cancelled);
}

TEST_F(ImportanceViewsTest, HeatmapHasCellPerChannelAndMarksRemoved) {
  const ImportanceScores scores = computeImportance(*graph_, *groups_, QStringLiteral("l1"));
  const ChannelGroup& group = wideGroup();
  const QString name = QString::fromStdString(group.name);
  const QVector<float> values = scores.scores(name);

  FilterHeatmap heatmap;
  EXPECT_FALSE(heatmap.objectName().isEmpty());
  EXPECT_GE(heatmap.sizeHint().width(), 200);
  heatmap.resize(480, 320);
  heatmap.setScores(name, values);
  EXPECT_EQ(heatmap.cellCount(), group.channels);
  PruningPlan plan;
  const QVector<qint64> removed = lowest(values, static_cast<int>(group.channels / 4));
  plan.remove[group.name] = std::vector<int64_t>(removed.begin(), removed.end());
  heatmap.setRemoved(removedByGroup(plan).value(name));
  EXPECT_EQ(heatmap.removedCount(), removed.size());
  for (int i = 0; i < heatmap.cellCount(); ++i)
    ASSERT_EQ(heatmap.isRemoved(i), removed.contains(i)) << i;

  // Cells tile the widget and are found again under the mouse.
  EXPECT_GT(heatmap.columns(), 1);
  for (int i : {0, 1, heatmap.cellCount() / 2, heatmap.cellCount() - 1}) {
    const QRect r = heatmap.cellRect(i);
    ASSERT_FALSE(r.isEmpty());
    EXPECT_TRUE(heatmap.rect().contains(r)) << i;
    EXPECT_EQ(heatmap.cellAt(r.center()), i);
  }
  const int strongest =
      static_cast<int>(std::max_element(values.begin(), values.end()) - values.begin());
  EXPECT_EQ(heatmap.cellColour(strongest), importanceColour(1.0));
  const int weak = static_cast<int>(removed.front());
  EXPECT_NE(heatmap.cellColour(weak), importanceColour(values[weak] / values[strongest]));  // dimmed
  EXPECT_TRUE(heatmap.cellToolTip(weak).contains(QString::number(weak)));
  EXPECT_TRUE(heatmap.cellToolTip(weak).contains(QStringLiteral("Removed")));

  const QImage image = heatmap.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_GT(colourCount(image), 20);

  heatmap.clear(QStringLiteral("nothing"));
  EXPECT_EQ(heatmap.cellCount(), 0);
  EXPECT_EQ(heatmap.cellAt(QPoint(10, 10)), -1);
}

TEST_F(ImportanceViewsTest, HistogramCutoffIsLargestRemovedScore) {
  const ImportanceScores scores = computeImportance(*graph_, *groups_, QStringLiteral("l2"));
  const ChannelGroup& group = wideGroup();
  const QString name = QString::fromStdString(group.name);
  const QVector<float> values = scores.scores(name);

  ImportanceHistogram histogram;
  EXPECT_FALSE(histogram.objectName().isEmpty());
  histogram.resize(420, 260);
  histogram.setScores(name, values);
  EXPECT_FALSE(histogram.cutoff().has_value());
  EXPECT_FALSE(histogram.cutoffVisible());
  EXPECT_GE(histogram.binCount(), 5);
  auto total = [](const QVector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); };
  EXPECT_EQ(total(histogram.keptCounts()), static_cast<double>(group.channels));

  const QVector<qint64> removed = lowest(values, static_cast<int>(group.channels / 3));
  histogram.setRemoved(removed);
  float largest = 0;
  for (qint64 i : removed) largest = std::max(largest, values[i]);
  ASSERT_TRUE(histogram.cutoff().has_value());
  EXPECT_DOUBLE_EQ(*histogram.cutoff(), static_cast<double>(largest));
  EXPECT_TRUE(histogram.cutoffVisible());
  EXPECT_EQ(total(histogram.removedCounts()), static_cast<double>(removed.size()));
  EXPECT_EQ(total(histogram.keptCounts()) + total(histogram.removedCounts()),
            static_cast<double>(group.channels));

  const QImage image = histogram.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_GT(colourCount(image), 5);
}

TEST_F(ImportanceViewsTest, OverviewRowsArePrunableGroupsAndClickActivates) {
  const ImportanceScores scores = computeImportance(*graph_, *groups_, QStringLiteral("l1"));
  ImportanceOverview overview;
  EXPECT_EQ(overview.objectName(), QStringLiteral("importanceOverview"));
  overview.setScores(scores);
  const QStringList groups = prunableGroups();
  ASSERT_EQ(overview.rowCount(), groups.size());
  for (int row = 0; row < overview.rowCount(); ++row) {
    EXPECT_EQ(overview.groupAt(row), groups[row]);
    const QVector<double> share = overview.shares(row);
    ASSERT_EQ(share.size(), ImportanceOverview::kColumns);
    EXPECT_NEAR(std::accumulate(share.begin(), share.end(), 0.0), 1.0, 1e-9);
    EXPECT_GT(share.back(), 0.0);  // the largest score is in the top tenth
  }
  EXPECT_EQ(overview.table()->columnCount(), ImportanceOverview::kColumns);
  EXPECT_EQ(overview.groupAt(overview.rowCount()), QString());

  overview.resize(520, 480);
  overview.show();
  QCoreApplication::processEvents();
  QStringList activated;
  QObject::connect(&overview, &ImportanceOverview::groupActivated,
                   [&](const QString& group) { activated << group; });
  const int row = 2;
  QTableWidget* table = overview.table();
  const QPoint at = table->visualRect(table->model()->index(row, 4)).center();
  QMouseEvent press(QEvent::MouseButtonPress, at, table->viewport()->mapToGlobal(at), Qt::LeftButton,
                    Qt::LeftButton, Qt::NoModifier);
  QMouseEvent release(QEvent::MouseButtonRelease, at, table->viewport()->mapToGlobal(at), Qt::LeftButton,
                      Qt::NoButton, Qt::NoModifier);
  QApplication::sendEvent(table->viewport(), &press);
  QApplication::sendEvent(table->viewport(), &release);
  ASSERT_FALSE(activated.isEmpty());
  EXPECT_EQ(activated.back(), groups[row]);

  const QImage image = overview.grab().toImage();
  EXPECT_GT(colourCount(image), 10);
  image.save(QDir::temp().filePath(QStringLiteral("whittle_importance_overview.png")));
  overview.selectGroup(groups[1]);
  EXPECT_EQ(table->currentRow(), 1);
}

TEST_F(ImportanceViewsTest, PanelShowsTwoCriteriaSideBySide) {
  ImportancePanel panel;
  EXPECT_EQ(panel.objectName(), QStringLiteral("importancePanel"));
  EXPECT_GE(panel.sizeHint().width(), 600);
  const ImportanceScores l1 = computeImportance(*graph_, *groups_, QStringLiteral("l1"));
  const ImportanceScores bn = computeImportance(*graph_, *groups_, QStringLiteral("bn"));
  panel.setScores(l1);
  panel.setScores(bn);
  EXPECT_EQ(panel.criteria(), (QStringList{QStringLiteral("l1"), QStringLiteral("bn")}));

  const ChannelGroup& group = wideGroup();
  const QString name = QString::fromStdString(group.name);
  panel.setGroup(name);
  EXPECT_EQ(panel.group(), name);
  panel.setCriteria(QStringLiteral("l1"), QStringLiteral("bn"));
  EXPECT_TRUE(panel.isSideBySide());
  const QVector<qint64> removed = lowest(l1.scores(name), 100);
  panel.setRemoved({{name, removed}});

  for (int side : {0, 1}) {
    EXPECT_EQ(panel.heatmap(side)->cellCount(), group.channels) << side;
    EXPECT_EQ(panel.heatmap(side)->removedCount(), removed.size()) << side;
    EXPECT_TRUE(panel.histogram(side)->cutoff().has_value()) << side;
  }
  // Each side under its own criterion; the cut-off is the plan's under each.
  float l1Cut = 0, bnCut = 0;
  for (qint64 i : removed) {
    l1Cut = std::max(l1Cut, l1.scores(name)[i]);
    bnCut = std::max(bnCut, bn.scores(name)[i]);
  }
  EXPECT_DOUBLE_EQ(*panel.histogram(0)->cutoff(), static_cast<double>(l1Cut));
  EXPECT_DOUBLE_EQ(*panel.histogram(1)->cutoff(), static_cast<double>(bnCut));
  EXPECT_EQ(panel.heatmap(1)->score(0), bn.scores(name)[0]);
  EXPECT_EQ(panel.criterionBox(1)->currentData().toString(), QStringLiteral("bn"));

  panel.resize(1000, 640);
  panel.show();
  QCoreApplication::processEvents();
  EXPECT_TRUE(panel.heatmap(1)->isVisible());
  const QImage image = panel.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_GT(colourCount(image), 40);
  image.save(QDir::temp().filePath(QStringLiteral("whittle_importance_panel.png")));

  // A user's pick without scores asks for them; setCriteria does not.
  QStringList requested;
  QObject::connect(&panel, &ImportancePanel::criterionRequested,
                   [&](const QString& criterion) { requested << criterion; });
  panel.setCriteria(QStringLiteral("l1"), QStringLiteral("fpgm"));
  EXPECT_TRUE(requested.isEmpty());
  EXPECT_EQ(panel.heatmap(1)->cellCount(), 0);  // "No FPGM scores yet"
  QComboBox* box = panel.criterionBox(0);
  const int taylor = box->findData(QStringLiteral("taylor"));
  ASSERT_GE(taylor, 0);
  box->setCurrentIndex(taylor);
  emit box->activated(taylor);
  EXPECT_EQ(requested, QStringList{QStringLiteral("taylor")});
  EXPECT_EQ(panel.leftCriterion(), QStringLiteral("taylor"));

  panel.setCriteria(QStringLiteral("bn"), QString());
  EXPECT_FALSE(panel.isSideBySide());
  QCoreApplication::processEvents();
  EXPECT_FALSE(panel.heatmap(1)->isVisible());
  EXPECT_EQ(panel.heatmap(0)->cellCount(), group.channels);

  panel.clearScores();
  EXPECT_TRUE(panel.criteria().isEmpty());
  EXPECT_EQ(panel.heatmap(0)->cellCount(), 0);
}

// Prints (does not assert) how long L1 takes on SSD300-VGG16 and how long the
// overview takes to fill.
TEST_F(ImportanceViewsTest, TimesSsd300Vgg16L1AndOverview) {
  const Detector detector = build_detector_zoo("ssd300_vgg16");
  const ChannelGroups groups = channel_groups(detector.graph);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const ImportanceScores scores = computeImportance(detector.graph, groups, QStringLiteral("l1"));
  const auto scored = Clock::now();
  ImportanceOverview overview;
  overview.setScores(scores);
  const auto filled = Clock::now();
  auto ms = [](Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "[ timing ] ssd300_vgg16 l1 over " << scores.groups.size() << " groups: " << ms(scored - start)
            << " ms; overview filled in " << ms(filled - scored) << " ms\n";
  EXPECT_EQ(overview.rowCount(), scores.groups.size());
}

}  // namespace
}  // namespace whittle::ui
