// RatioEditor: live totals equal surgery + the cost model, the global ratio
// skips locked rows, the MAC target fills like plan_target_macs, saved plans
// are the CLI's plans byte for byte and load back, Apply, latency totals,
// rendering. Offscreen (ui_test_support.h).
// Core (LibTorch) headers before Qt's.
#include <ATen/ATen.h>

#include "graph/cost_model.h"
#include "graph/graph.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/latency_table.h"
#include "prune/planners.h"
#include "prune/prune_test_data.h"
#include "prune/pruning_plan.h"
#include "prune/surgery.h"

#include <gtest/gtest.h>

#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTemporaryDir>
#include <chrono>
#include <iostream>
#include <memory>

#include "ui/ratio_editor.h"
#include "ui/ratio_table_model.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

QByteArray readAll(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return {};
  return f.readAll();
}

class RatioEditorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    uitest::ensureApplication();
    if (!detector_) {
      detector_ = new Detector(build_detector_zoo("ssd300_vgg16"));
      groups_ = new ChannelGroups(channel_groups(detector_->graph));
      scores_ = new GroupScores(channel_importance(detector_->graph, *groups_, ImportanceOptions{}));
    }
  }
  void SetUp() override {
    editor_.setInteractive(false);
    editor_.setModel(graph(), *groups_);
    for (const ChannelGroup& g : groups_->groups)
      if (g.prunable) names_.push_back(QString::fromStdString(g.name));
    ASSERT_GE(names_.size(), 4);
  }

  static const Graph& graph() { return detector_->graph; }

  // Params and MACs of the editor's plan by surgery + the cost model.
  void expectTotalsEqualSurgery() {
    const PruningPlan plan = editor_.plan();
    const GraphCost cost = compute_cost(plan.remove.empty() ? graph() : apply_pruning(graph(), *groups_, plan));
    EXPECT_EQ(editor_.totals().params, static_cast<double>(cost.params));
    EXPECT_EQ(editor_.totals().macs, static_cast<double>(cost.macs));
  }

  static Detector* detector_;
  static ChannelGroups* groups_;
  static GroupScores* scores_;
  RatioEditor editor_;
  QVector<QString> names_;
};
Detector* RatioEditorTest::detector_ = nullptr;
ChannelGroups* RatioEditorTest::groups_ = nullptr;
GroupScores* RatioEditorTest::scores_ = nullptr;

TEST_F(RatioEditorTest, StartsWithTheOriginalTotals) {
  auto* table = editor_.findChild<QTableView*>(QStringLiteral("ratioTable"));
  ASSERT_NE(table, nullptr);
  EXPECT_EQ(table->model()->rowCount(), names_.size());
  const GraphCost cost = compute_cost(graph());
  EXPECT_EQ(editor_.totals().params, static_cast<double>(cost.params));
  EXPECT_EQ(editor_.totals().macs, static_cast<double>(cost.macs));
  EXPECT_EQ(editor_.originalTotals().macs, static_cast<double>(cost.macs));
  EXPECT_EQ(editor_.totals().latencyMs, -1);
  EXPECT_GT(editor_.totals().fp32Bytes, 4.0 * cost.params);
  EXPECT_GT(editor_.totals().int8Bytes, cost.params);
  EXPECT_LT(editor_.totals().int8Bytes, editor_.totals().fp32Bytes / 3);
  EXPECT_TRUE(editor_.plan().remove.empty());
  EXPECT_TRUE(editor_.removedByGroup().isEmpty());
}

TEST_F(RatioEditorTest, EditingARatioUpdatesTotalsToSurgery) {
  QSignalSpy changed(&editor_, &RatioEditor::planChanged);
  ASSERT_TRUE(editor_.setRatio(names_[0], 0.5));
  ASSERT_TRUE(editor_.setRatio(names_[2], 0.3));
  ASSERT_TRUE(editor_.setRatio(names_.back(), 0.75));
  EXPECT_EQ(changed.count(), 3);
  EXPECT_DOUBLE_EQ(editor_.ratio(names_[0]), 0.5);
  EXPECT_FALSE(editor_.setRatio(names_[0], 1.0));
  EXPECT_FALSE(editor_.setRatio(QStringLiteral("no such group"), 0.5));
  EXPECT_LT(editor_.totals().macs, editor_.originalTotals().macs);
  expectTotalsEqualSurgery();

  const auto removed = editor_.removedByGroup();
  const PruningPlan plan = editor_.plan();
  ASSERT_EQ(removed.size(), static_cast<qsizetype>(plan.remove.size()));
  for (const auto& [name, list] : plan.remove)
    EXPECT_EQ(removed.value(QString::fromStdString(name)), QVector<qint64>(list.begin(), list.end())) << name;

  // A change shows in the totals line and in the row.
  auto* label = editor_.findChild<QLabel*>(QStringLiteral("ratioTotalsLabel"));
  ASSERT_NE(label, nullptr);
  EXPECT_TRUE(label->text().contains(QStringLiteral("MACs"))) << label->text().toStdString();
  auto* table = editor_.findChild<QTableView*>(QStringLiteral("ratioTable"));
  const QString kept = table->model()->index(0, RatioTableModel::KeptColumn).data().toString();
  const qint64 channels = groups_->group(names_[0].toStdString()).channels;
  EXPECT_TRUE(kept.startsWith(QLocale().toString(channels - channels / 2))) << kept.toStdString();

  // Many edits, timed (printed, not asserted).
  const int edits = 100;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < edits; ++i) editor_.setRatio(names_[i % names_.size()], 0.01 * ((i * 37) % 90));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ SSD300 ] RatioEditor::setRatio: " << ms / edits << " ms per edit (" << names_.size()
            << " groups)\n";
  expectTotalsEqualSurgery();
}

TEST_F(RatioEditorTest, TheRowsSliderAndSpinBoxEditTheRatio) {
  auto* table = editor_.findChild<QTableView*>(QStringLiteral("ratioTable"));
  QWidget* control = table->indexWidget(table->model()->index(1, RatioTableModel::RatioColumn));
  ASSERT_NE(control, nullptr) << "a persistent editor in the ratio column";
  auto* spin = control->findChild<QDoubleSpinBox*>();
  auto* slider = control->findChild<QSlider*>();
  ASSERT_NE(spin, nullptr);
  ASSERT_NE(slider, nullptr);
  QSignalSpy changed(&editor_, &RatioEditor::planChanged);
  spin->setValue(0.25);
  EXPECT_DOUBLE_EQ(editor_.ratio(names_[1]), 0.25);
  EXPECT_EQ(slider->value(), 250);
  slider->setValue(600);
  EXPECT_DOUBLE_EQ(editor_.ratio(names_[1]), 0.6);
  EXPECT_DOUBLE_EQ(spin->value(), 0.6);
  EXPECT_EQ(changed.count(), 2);
  // And the other way: an edit through the API moves the row's controls.
  editor_.setRatio(names_[1], 0.125);
  EXPECT_DOUBLE_EQ(spin->value(), 0.125);
  EXPECT_EQ(slider->value(), 125);
  expectTotalsEqualSurgery();
}

TEST_F(RatioEditorTest, GlobalRatioSkipsLockedRows) {
  editor_.setRatio(names_[1], 0.1);
  editor_.setLocked(names_[1], true);
  EXPECT_TRUE(editor_.isLocked(names_[1]));
  editor_.setGlobalRatio(0.4);
  for (const QString& name : names_) EXPECT_DOUBLE_EQ(editor_.ratio(name), name == names_[1] ? 0.1 : 0.4);
  expectTotalsEqualSurgery();
  // Through the global spin box too.
  auto* spin = editor_.findChild<QDoubleSpinBox*>(QStringLiteral("globalRatioSpin"));
  ASSERT_NE(spin, nullptr);
  spin->setValue(0.2);
  EXPECT_DOUBLE_EQ(editor_.ratio(names_[0]), 0.2);
  EXPECT_DOUBLE_EQ(editor_.ratio(names_[1]), 0.1);
}

TEST_F(RatioEditorTest, TargetMacsFillsLikeThePlanner) {
  TargetMacsReport report;
  const PruningPlan want = plan_target_macs(graph(), *groups_, *scores_, 0.5, {}, &report);
  editor_.fillToTargetMacs(0.5);
  EXPECT_TRUE(editor_.lastError().isEmpty()) << editor_.lastError().toStdString();
  EXPECT_EQ(editor_.totals().macs, static_cast<double>(report.pruned_macs));
  EXPECT_LE(editor_.totals().macs, static_cast<double>(report.target_macs));
  EXPECT_EQ(editor_.plan().remove, want.remove);
  expectTotalsEqualSurgery();

  // With a locked row: it keeps its ratio, the rest still reach the target.
  editor_.setGlobalRatio(0);
  editor_.setRatio(names_[0], 0.0);
  editor_.setLocked(names_[0], true);
  editor_.fillToTargetMacs(0.5);
  EXPECT_TRUE(editor_.lastError().isEmpty()) << editor_.lastError().toStdString();
  EXPECT_EQ(editor_.ratio(names_[0]), 0.0);
  EXPECT_LE(editor_.totals().macs, static_cast<double>(report.target_macs));
  EXPECT_GT(editor_.totals().macs, 0.9 * static_cast<double>(report.target_macs));
  expectTotalsEqualSurgery();

  // Out of reach: an error, the table unchanged.
  const double before = editor_.totals().macs;
  editor_.fillToTargetMacs(0.0001);
  EXPECT_FALSE(editor_.lastError().isEmpty());
  EXPECT_EQ(editor_.totals().macs, before);
  editor_.fillToTargetLatency(0.5);
  EXPECT_TRUE(editor_.lastError().contains(QStringLiteral("latency table")));
}

TEST_F(RatioEditorTest, SavedPlanIsTheCliPlanAndLoadsBack) {
  std::map<std::string, double> ratios;
  for (int i = 0; i < names_.size(); i += 2) {
    const double r = 0.05 * (i % 17);
    editor_.setRatio(names_[i], r);
    if (r > 0) ratios[names_[i].toStdString()] = r;
  }
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString mine = dir.filePath(QStringLiteral("editor.json"));
  const QString cli = dir.filePath(QStringLiteral("cli.json"));
  QString error;
  ASSERT_TRUE(editor_.savePlan(mine, &error)) << error.toStdString();
  // The CLI's path: a "ratios" table -> plan_layer_ratios -> save_plan.
  save_plan(plan_layer_ratios(*groups_, *scores_, ratios), cli.toStdString());
  EXPECT_EQ(readAll(mine), readAll(cli));
  EXPECT_FALSE(readAll(mine).isEmpty());

  RatioEditor other;
  other.setInteractive(false);
  other.setModel(graph(), *groups_);
  QSignalSpy changed(&other, &RatioEditor::planChanged);
  ASSERT_TRUE(other.loadPlan(mine, &error)) << error.toStdString();
  EXPECT_EQ(changed.count(), 1);
  for (const QString& name : names_) EXPECT_DOUBLE_EQ(other.ratio(name), editor_.ratio(name)) << name.toStdString();
  EXPECT_EQ(other.plan().remove, editor_.plan().remove);
  EXPECT_EQ(other.plan().ratios, editor_.plan().ratios);
  EXPECT_EQ(other.totals().macs, editor_.totals().macs);

  // A plan that lists other channels than l1 would choose keeps its lists.
  PruningPlan odd;
  const ChannelGroup& g = groups_->group(names_[1].toStdString());
  odd.remove[g.name] = {0, 1, 2};
  const QString oddPath = dir.filePath(QStringLiteral("odd.json"));
  save_plan(odd, oddPath.toStdString());
  ASSERT_TRUE(other.loadPlan(oddPath, &error)) << error.toStdString();
  EXPECT_EQ(other.plan().remove, odd.remove);
  EXPECT_EQ(other.removedByGroup().value(names_[1]), (QVector<qint64>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(other.ratio(names_[0]), 0.0);
  const GraphCost cost = compute_cost(apply_pruning(graph(), *groups_, odd));
  EXPECT_EQ(other.totals().macs, static_cast<double>(cost.macs));

  // A broken file: an error, nothing changed.
  const QString bad = dir.filePath(QStringLiteral("bad.json"));
  {
    QFile f(bad);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("{\"format\": \"whittle.plan/1\", \"ratios\": {\"nope\": 0.5}}");
  }
  EXPECT_FALSE(other.loadPlan(bad, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("nope"))) << error.toStdString();
  EXPECT_EQ(other.plan().remove, odd.remove);
}

TEST_F(RatioEditorTest, ScoresChooseTheChannels) {
  const ChannelGroup& g = groups_->group(names_[0].toStdString());
  QVector<float> s;
  for (int64_t c = 0; c < g.channels; ++c) s.push_back(static_cast<float>(g.channels - c));  // last = least
  QSignalSpy changed(&editor_, &RatioEditor::planChanged);
  editor_.setScores(QStringLiteral("bn"), {{names_[0], s}});
  EXPECT_EQ(changed.count(), 1);
  editor_.setRatio(names_[0], 0.25);
  const QVector<qint64> removed = editor_.removedByGroup().value(names_[0]);
  ASSERT_EQ(removed.size(), g.channels / 4);
  EXPECT_EQ(removed.front(), g.channels - g.channels / 4);
  EXPECT_EQ(removed.back(), g.channels - 1);
  auto* table = editor_.findChild<QTableView*>(QStringLiteral("ratioTable"));
  EXPECT_EQ(table->model()->index(0, RatioTableModel::CriterionColumn).data().toString(), QStringLiteral("bn"));
}

TEST_F(RatioEditorTest, ApplyEmitsApplyRequestedAndRowsActivateGroups) {
  QSignalSpy applied(&editor_, &RatioEditor::applyRequested);
  auto* apply = editor_.findChild<QPushButton*>(QStringLiteral("applyButton"));
  ASSERT_NE(apply, nullptr);
  apply->click();
  EXPECT_EQ(applied.count(), 1);

  QString activated;
  QObject::connect(&editor_, &RatioEditor::groupActivated, &editor_, [&](const QString& g) { activated = g; });
  auto* table = editor_.findChild<QTableView*>(QStringLiteral("ratioTable"));
  table->setCurrentIndex(table->model()->index(2, RatioTableModel::NameColumn));
  EXPECT_EQ(activated, names_[2]);
}

TEST_F(RatioEditorTest, RendersNonBlank) {
  editor_.setRatio(names_[0], 0.5);
  editor_.resize(1000, 600);
  const QImage image = editor_.grab().toImage();
  ASSERT_FALSE(image.isNull());
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 7)
    for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
  EXPECT_GT(colours.size(), 3);
}

TEST(RatioEditorLatency, TotalsAndTargetFollowTheTable) {
  uitest::ensureApplication();
  const Graph graph = test::depthwise_graph();
  const ChannelGroups groups = channel_groups(graph);
  const LatencyTableOptions options = test::quick_latency_options();
  LatencyTable table = measure_latency_table(graph, options);
  // Measured times are noise at this size; the editor's arithmetic is what is
  // tested, so every point is replaced by a cost that grows with the widths.
  for (LatencyEntry& entry : table.entries) {
    for (size_t j = 0; j < entry.out_points.size(); ++j) {
      if (entry.depthwise) {
        entry.ms[j] = 0.01 + 1e-3 * static_cast<double>(entry.out_points[j]);
        continue;
      }
      for (size_t i = 0; i < entry.in_points.size(); ++i) {
        entry.ms[i * entry.out_points.size() + j] =
            0.01 + 1e-4 * static_cast<double>(entry.in_points[i] * entry.out_points[j]);
      }
    }
  }
  table.rest_ms = 0.05;
  RatioEditor editor;
  editor.setInteractive(false);
  editor.setModel(graph, groups);
  EXPECT_EQ(editor.totals().latencyMs, -1);
  editor.setLatencyTable(&table);
  EXPECT_NEAR(editor.totals().latencyMs, table.full_width_ms(), 1e-9);
  EXPECT_NEAR(editor.originalTotals().latencyMs, table.full_width_ms(), 1e-9);
  editor.setGlobalRatio(0.5);
  const double want = estimate_latency_ms(table, apply_pruning(graph, groups, editor.plan()));
  EXPECT_NEAR(editor.totals().latencyMs, want, 1e-6 * want);
  // A target halfway between the narrowest plan's estimate and the original.
  editor.setGlobalRatio(0.99);
  const double narrowest = editor.totals().latencyMs;
  editor.setGlobalRatio(0);
  const double fraction = (narrowest / table.full_width_ms() + 1) / 2;
  editor.fillToTargetLatency(fraction);
  EXPECT_TRUE(editor.lastError().isEmpty()) << editor.lastError().toStdString();
  EXPECT_LE(editor.totals().latencyMs, fraction * table.full_width_ms() + 1e-9);
  // The same with a locked row (the editor's own path through the planners' steps).
  const QString first = QString::fromStdString(groups.groups[0].prunable ? groups.groups[0].name : groups.groups[1].name);
  editor.setGlobalRatio(0);
  editor.setLocked(first, true);
  editor.setGlobalRatio(0.99);  // skips the locked row: the narrowest reachable plan
  const double lockedFraction = (editor.totals().latencyMs / table.full_width_ms() + 1) / 2;
  editor.setGlobalRatio(0);
  editor.fillToTargetLatency(lockedFraction);
  EXPECT_TRUE(editor.lastError().isEmpty()) << editor.lastError().toStdString();
  EXPECT_EQ(editor.ratio(first), 0.0);
  EXPECT_LE(editor.totals().latencyMs, lockedFraction * table.full_width_ms() + 1e-9);
  EXPECT_LT(editor.totals().latencyMs, table.full_width_ms());
  // Out of reach with the row locked: an error, the table unchanged.
  editor.setGlobalRatio(0);
  editor.fillToTargetLatency(0.01);
  EXPECT_FALSE(editor.lastError().isEmpty());
  editor.setLatencyTable(nullptr);
  EXPECT_EQ(editor.totals().latencyMs, -1);
}

}  // namespace
}  // namespace whittle::ui
