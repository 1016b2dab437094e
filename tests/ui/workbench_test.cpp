// The workbench as a whole: the main window with a real model loaded, its
// views kept in step (graph selection → inspector, heatmaps, group
// highlight; ratio edits → totals), projects (new, Apply → variant, save,
// reopen, recent), jobs started and cancelled with the project intact, and
// the screenshot kept in docs/.
#include "data/synth.h"
#include "eval/eval_report.h"
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "io/atomic_file.h"
#include "io/onnx_export.h"
#include "io/project_file.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/pruning_plan.h"
#include "prune/surgery.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBrowser>

#include "ui/detection_compare.h"
#include "ui/graph_view.h"
#include "ui/guided_tour.h"
#include "ui/importance_panel.h"
#include "ui/job_runner.h"
#include "ui/main_window.h"
#include "ui/ratio_editor.h"
#include "ui/results_dashboard.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

class WorkbenchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uitest::ensureApplication(); }

  void SetUp() override {
    QSettings().remove(QStringLiteral("project/recent"));
    window_ = std::make_unique<MainWindow>();
    window_->setInteractive(false);
    ASSERT_TRUE(dir_.isValid());
  }

  // A small SSD-MobileNet saved as ONNX in the temporary folder.
  QString smallDetector() {
    const QString path = dir_.filePath(QStringLiteral("ssd.onnx"));
    save_onnx(build_detector_zoo("ssd_mobilenet_v1", 20, 0.25, 96).graph, path.toStdString());
    return path;
  }

  // A tiny synthetic VOC set whose class names are VOC's (the zoo detector's).
  QString smallDataSet() {
    SynthOptions synth;
    synth.out = dir_.filePath(QStringLiteral("data")).toStdString();
    synth.images = 24;
    synth.classes = 20;
    synth.size = 96;
    return QString::fromStdString(synthesize_voc(synth).root);
  }

  // A project with the small detector and data set.
  void openSmallProject() {
    ASSERT_TRUE(window_->openModelFile(smallDetector())) << window_->lastError().toStdString();
    ASSERT_TRUE(window_->newProject(dir_.filePath(QStringLiteral("p.whittle"))))
        << window_->lastError().toStdString();
    ASSERT_TRUE(window_->setDataSet(smallDataSet()));
  }

  std::unique_ptr<MainWindow> window_;
  QTemporaryDir dir_;
};

TEST_F(WorkbenchTest, SelectingAConvHighlightsItsGroupAndFillsTheInspector) {
  window_->openZoo(QStringLiteral("ssdlite_mobilenet_v2"));
  ASSERT_NE(window_->graph(), nullptr) << window_->lastError().toStdString();
  const ChannelGroups groups = channel_groups(*window_->graph());
  // A group that touches more than one conv (an inverted residual's Add).
  const ChannelGroup* coupled = nullptr;
  for (const ChannelGroup& group : groups.groups) {
    if (group.prunable && group.filter_nodes().size() > 1) {
      coupled = &group;
      break;
    }
  }
  ASSERT_NE(coupled, nullptr);
  const QString first = QString::fromStdString(coupled->filter_nodes().front());
  ASSERT_TRUE(window_->graphView()->selectNode(first));
  const QStringList highlighted = window_->graphView()->highlightedNodes();
  for (const std::string& node : coupled->filter_nodes()) {
    EXPECT_TRUE(highlighted.contains(QString::fromStdString(node))) << node;
  }
  auto* inspector = window_->findChild<QTextBrowser*>(QStringLiteral("nodeInspector"));
  ASSERT_NE(inspector, nullptr);
  EXPECT_TRUE(inspector->toPlainText().contains(first));
  EXPECT_TRUE(inspector->toPlainText().contains(
      QString::fromStdString(coupled->filter_nodes().back())));
  EXPECT_EQ(window_->importancePanel()->group(), QString::fromStdString(coupled->name));
}

TEST_F(WorkbenchTest, RatioEditsUpdateTotalsToTheCoresFigures) {
  ASSERT_TRUE(window_->openModelFile(smallDetector())) << window_->lastError().toStdString();
  RatioEditor* editor = window_->ratioEditor();
  QSignalSpy changed(editor, &RatioEditor::planChanged);
  editor->setGlobalRatio(0.5);
  EXPECT_GE(changed.count(), 1);
  const PruningPlan plan = editor->plan();
  ASSERT_FALSE(plan.remove.empty());
  const Graph pruned = apply_pruning(*window_->graph(), channel_groups(*window_->graph()), plan);
  const GraphCost cost = compute_cost(pruned);
  EXPECT_EQ(static_cast<int64_t>(editor->totals().macs), cost.macs);
  EXPECT_EQ(static_cast<int64_t>(editor->totals().params), cost.params);
  const QString totals = window_->findChild<QLabel*>(QStringLiteral("totalsLabel"))->text();
  EXPECT_TRUE(totals.contains(QStringLiteral("plan"))) << totals.toStdString();
}

TEST_F(WorkbenchTest, ApplyAddsAPrunedVariantAndTheProjectRoundTrips) {
  ASSERT_TRUE(window_->openModelFile(smallDetector())) << window_->lastError().toStdString();
  EXPECT_TRUE(window_->applyPlan().isEmpty());  // no project yet: refused, reported
  EXPECT_TRUE(window_->lastError().contains(QStringLiteral("project"))) << window_->lastError().toStdString();

  const QString projectPath = dir_.filePath(QStringLiteral("study.whittle"));
  ASSERT_TRUE(window_->newProject(projectPath)) << window_->lastError().toStdString();
  EXPECT_EQ(window_->recentProjects().value(0), projectPath);
  window_->ratioEditor()->setGlobalRatio(0.3);
  const QString variant = window_->applyPlan();
  ASSERT_FALSE(variant.isEmpty()) << window_->lastError().toStdString();

  const Project saved = load_project(projectPath.toStdString());
  ASSERT_EQ(saved.variants.size(), 1u);
  EXPECT_EQ(window_->resultsDashboard()->variantCount(), 1);  // the results tab follows
  EXPECT_EQ(QString::fromStdString(saved.variants[0].name), variant);
  EXPECT_EQ(saved.variants[0].kind, "pruned");
  EXPECT_TRUE(QFile::exists(QString::fromStdString(saved.variants[0].file)));
  const PruningPlan plan = load_plan(saved.variants[0].plan);
  EXPECT_EQ(plan.remove, window_->ratioEditor()->plan().remove);
  const Graph original = *window_->graph();
  EXPECT_LT(saved.variants[0].metrics.at("macs"), compute_cost(original).macs);

  ASSERT_TRUE(window_->openVariant(variant)) << window_->lastError().toStdString();
  EXPECT_EQ(compute_cost(*window_->graph()).macs,
            static_cast<int64_t>(saved.variants[0].metrics.at("macs")));
  ASSERT_TRUE(window_->saveProject());

  MainWindow reopened;
  reopened.setInteractive(false);
  ASSERT_TRUE(reopened.openProject(projectPath)) << reopened.lastError().toStdString();
  EXPECT_EQ(reopened.currentVariant(), variant);  // the view state comes back
  EXPECT_EQ(reopened.graph()->nodes.size(), window_->graph()->nodes.size());
}

TEST_F(WorkbenchTest, ABadProjectFileLeavesTheModelShown) {
  window_->openZoo(QStringLiteral("mobilenet_v1"));
  const Graph* before = window_->graph();
  const QString path = dir_.filePath(QStringLiteral("broken.whittle"));
  write_file_atomic(path.toStdString(), "{\"format\": \"whittle.project/1\", \"variants\": [{}]}");
  EXPECT_FALSE(window_->openProject(path));
  EXPECT_TRUE(window_->lastError().contains(QStringLiteral("broken.whittle")))
      << window_->lastError().toStdString();
  EXPECT_EQ(window_->graph(), before);
  EXPECT_EQ(window_->project(), nullptr);
}

TEST_F(WorkbenchTest, AJobCancelledLeavesTheProjectIntact) {
  ASSERT_TRUE(window_->openModelFile(smallDetector())) << window_->lastError().toStdString();
  const QString projectPath = dir_.filePath(QStringLiteral("jobs.whittle"));
  ASSERT_TRUE(window_->newProject(projectPath)) << window_->lastError().toStdString();
  EXPECT_EQ(window_->startFineTune(1, 1e-3), -1);  // no data set: refused, reported
  EXPECT_TRUE(window_->lastError().contains(QStringLiteral("data set"))) << window_->lastError().toStdString();
  const std::string projectBefore = read_file(projectPath.toStdString());
  const std::string modelBefore = read_file(window_->modelPath().toStdString());

ASSERT_TRUE(window_->setDataSet(smallDataSet()));
  const std::string projectWithData = read_file(projectPath.toStdString());
  JobRunner* jobs = window_->jobRunner();
  QSignalSpy finished(jobs, &JobRunner::finished);
  const int id = window_->startFineTune(50, 1e-3);
  ASSERT_GE(id, 0) << window_->lastError().toStdString();
  jobs->cancel(id);
  ASSERT_TRUE(finished.count() > 0 || finished.wait(60000));
  EXPECT_NE(jobs->status(id), JobStatus::Succeeded);
  EXPECT_EQ(read_file(projectPath.toStdString()), projectWithData);
  EXPECT_EQ(read_file(window_->modelPath().toStdString()), modelBefore);
  EXPECT_EQ(load_project(projectPath.toStdString()).variants.size(), 0u);
  (void)projectBefore;
}

TEST_F(WorkbenchTest, AFineTuneThatFinishesAddsAVariantWithItsMetrics) {
  openSmallProject();
  JobRunner* jobs = window_->jobRunner();
  QSignalSpy finished(jobs, &JobRunner::finished);
  const int id = window_->startFineTune(1, 1e-3);
  ASSERT_GT(id, 0) << window_->lastError().toStdString();
  ASSERT_TRUE(finished.wait(120000));
  ASSERT_EQ(jobs->status(id), JobStatus::Succeeded) << jobs->error(id).toStdString();
  const Project saved = load_project(window_->projectPath().toStdString());
  ASSERT_EQ(saved.variants.size(), 1u);
  EXPECT_EQ(saved.variants[0].kind, "finetuned");
  // The detections tab compares the original with the new variant on the test images.
  DetectionCompare* detections = window_->detectionCompare();
  EXPECT_GT(detections->imageCount(), 0);
  EXPECT_EQ(detections->rightName(), QString::fromStdString(saved.variants[0].name));
  EXPECT_TRUE(detections->showImage(0)) << detections->lastError().toStdString();
  EXPECT_EQ(saved.variants[0].parent, "");
  EXPECT_TRUE(QFile::exists(QString::fromStdString(saved.variants[0].file)));
  EXPECT_EQ(saved.variants[0].settings.at("epochs"), "1");
  EXPECT_EQ(saved.variants[0].metrics.at("macs"), static_cast<double>(compute_cost(*window_->graph()).macs));
  EXPECT_GT(saved.variants[0].metrics.count("map"), 0u);
}

TEST_F(WorkbenchTest, AnEvaluationRecordsTheMapAndItsReportForTheDashboard) {
  openSmallProject();
  JobRunner* jobs = window_->jobRunner();
  QSignalSpy finished(jobs, &JobRunner::finished);
  const int id = window_->startEvaluate();
  ASSERT_GT(id, 0) << window_->lastError().toStdString();
  ASSERT_TRUE(finished.wait(120000));
  ASSERT_EQ(jobs->status(id), JobStatus::Succeeded) << jobs->error(id).toStdString();
  const Project saved = load_project(window_->projectPath().toStdString());
  ASSERT_EQ(saved.metrics.count("map"), 1u);  // the original model's
  ASSERT_EQ(saved.reports.count("eval"), 1u);
  const EvalReport report = load_eval_report(saved.reports.at("eval"));
  EXPECT_DOUBLE_EQ(report.map, saved.metrics.at("map"));
  EXPECT_EQ(report.classes.size(), 20u);
}

TEST_F(WorkbenchTest, DataCriteriaScoreInAJobAndReachTheHeatmaps) {
  openSmallProject();
  EXPECT_FALSE(window_->importancePanel()->criteria().contains(QStringLiteral("taylor")));
  JobRunner* jobs = window_->jobRunner();
  QSignalSpy finished(jobs, &JobRunner::finished);
  const int id = window_->startImportance(QStringLiteral("taylor"));
  ASSERT_GT(id, 0) << window_->lastError().toStdString();
  ASSERT_TRUE(finished.wait(120000));
  ASSERT_EQ(jobs->status(id), JobStatus::Succeeded) << jobs->error(id).toStdString();
  EXPECT_TRUE(window_->importancePanel()->criteria().contains(QStringLiteral("taylor")));
}

TEST_F(WorkbenchTest, ClosingWithAJobRunningCancelsItAndKeepsTheProject) {
  openSmallProject();
  const std::string project = read_file(window_->projectPath().toStdString());
  const int id = window_->startFineTune(100, 1e-3);
  ASSERT_GT(id, 0) << window_->lastError().toStdString();
  EXPECT_TRUE(window_->close());  // not interactive: cancels without asking, waits
  EXPECT_EQ(window_->jobRunner()->runningCount(), 0);
  EXPECT_EQ(read_file(window_->projectPath().toStdString()), project);
}

TEST_F(WorkbenchTest, TheGuidedTourRevealsEachPartItTalksAbout) {
  window_->show();
  window_->openZoo(QStringLiteral("ssd_mobilenet_v1"));
  window_->showGuidedTour();
  auto* tour = window_->findChild<GuidedTour*>(QStringLiteral("guidedTour"));
  ASSERT_NE(tour, nullptr);
  EXPECT_TRUE(tour->isVisible());
  for (int step = 0; step < tour->stepCount(); ++step) {
    tour->setStep(step);
    // Every step's part of the window exists and is shown (its tab or dock raised).
    auto* target = window_->findChild<QWidget*>(tour->stepTarget(step));
    ASSERT_NE(target, nullptr) << tour->stepTarget(step).toStdString();
    EXPECT_TRUE(target->isVisible()) << tour->stepTarget(step).toStdString();
  }
}

// The README's screenshot: the workbench with SSD-MobileNet, a layer
// selected and a plan set. Written to docs/screenshots/ when
// WHITTLE_UPDATE_SCREENSHOTS is set, else to the temporary folder.
TEST_F(WorkbenchTest, ScreenshotIsNotBlank) {
  window_->resize(1600, 1000);
  window_->show();
  window_->openZoo(QStringLiteral("ssd_mobilenet_v1"));
  ASSERT_NE(window_->graph(), nullptr);
  window_->ratioEditor()->setGlobalRatio(0.4);
  const ChannelGroups groups = channel_groups(*window_->graph());
  for (const ChannelGroup& group : groups.groups) {
    if (group.prunable && group.channels >= 256) {
      window_->graphView()->selectNode(QString::fromStdString(group.name));
      break;
    }
  }
  QCoreApplication::processEvents();
  const QImage image = window_->grab().toImage().convertToFormat(QImage::Format_RGB32);
  ASSERT_FALSE(image.isNull());
  // Not blank: many distinct colours.
  QSet<QRgb> colours;
  for (int y = 0; y < image.height(); y += 7) {
    for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
  }
  EXPECT_GT(colours.size(), 20);
  const char* update = std::getenv("WHITTLE_UPDATE_SCREENSHOTS");
  const QString folder = update != nullptr ? QString::fromUtf8(update) : dir_.path();
  EXPECT_TRUE(image.save(QDir(folder).filePath(QStringLiteral("workbench.png"))));
}

}  // namespace
}  // namespace whittle::ui
