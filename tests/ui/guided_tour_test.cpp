// The guided tour: its steps (title, sentences, a target the main window
// names), Back/Next with stepChanged, "Don't show again" in QSettings, and
// revealTarget bringing a tabbed or docked widget into view.
#include <gtest/gtest.h>

#include <QCheckBox>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>

#include "ui/guided_tour.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

class GuidedTourTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uitest::ensureApplication();
    before_ = QSettings().value(QStringLiteral("tour/done"));
    QSettings().remove(QStringLiteral("tour/done"));
  }
  void TearDown() override {
    if (before_.isValid())
      QSettings().setValue(QStringLiteral("tour/done"), before_);
    else
      QSettings().remove(QStringLiteral("tour/done"));
  }
  QVariant before_;
};

TEST_F(GuidedTourTest, HasShortStepsEachAboutAPartOfTheMainWindow) {
  GuidedTour tour;
  EXPECT_FALSE(tour.isModal());
  ASSERT_GE(tour.stepCount(), 5);
  EXPECT_LE(tour.stepCount(), 7);
  const QStringList names{QStringLiteral("graphView"),        QStringLiteral("nodeInspector"),
                          QStringLiteral("importancePanel"),  QStringLiteral("ratioEditor"),
                          QStringLiteral("resultsDashboard"), QStringLiteral("jobsPanel")};
  EXPECT_EQ(GuidedTour::targetNames().size(), names.size());
  for (int i = 0; i < tour.stepCount(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(tour.stepTitle(i).isEmpty());
    EXPECT_TRUE(names.contains(tour.stepTarget(i))) << tour.stepTarget(i).toStdString();
    EXPECT_TRUE(GuidedTour::targetNames().contains(tour.stepTarget(i)));
    const int sentences = static_cast<int>(tour.stepText(i).count(QStringLiteral(". "))) + 1;
    EXPECT_GE(sentences, 2) << tour.stepText(i).toStdString();
    EXPECT_LE(sentences, 4) << tour.stepText(i).toStdString();
  }
  EXPECT_TRUE(tour.stepTitle(-1).isEmpty());
  EXPECT_TRUE(tour.stepTarget(tour.stepCount()).isEmpty());
  // The teaching points are all there.
  QString all;
  for (int i = 0; i < tour.stepCount(); ++i) all += tour.stepText(i) + QLatin1Char(' ');
  for (const char* word : {"filter", "L1", "Taylor", "concat", "orange", "MACs", "latency", "fine-tuning", "int8",
                           "fp32", "4×"})
    EXPECT_TRUE(all.contains(QString::fromUtf8(word), Qt::CaseInsensitive)) << word;
}

TEST_F(GuidedTourTest, NextAndBackMoveAndEmitTheTarget) {
  GuidedTour tour;
  QSignalSpy spy(&tour, &GuidedTour::stepChanged);
  auto* next = tour.findChild<QPushButton*>(QStringLiteral("tourNext"));
  auto* back = tour.findChild<QPushButton*>(QStringLiteral("tourBack"));
  auto* title = tour.findChild<QLabel*>(QStringLiteral("tourTitle"));
  ASSERT_NE(next, nullptr);
  ASSERT_NE(back, nullptr);
  ASSERT_NE(title, nullptr);
  EXPECT_EQ(tour.currentStep(), 0);
  EXPECT_FALSE(back->isEnabled());
  EXPECT_EQ(title->text(), tour.stepTitle(0));

  next->click();
  EXPECT_EQ(tour.currentStep(), 1);
  ASSERT_EQ(spy.count(), 1);
  EXPECT_EQ(spy.at(0).at(0).toInt(), 1);
  EXPECT_EQ(spy.at(0).at(1).toString(), tour.stepTarget(1));
  EXPECT_EQ(title->text(), tour.stepTitle(1));
  EXPECT_TRUE(back->isEnabled());

  back->click();
  EXPECT_EQ(tour.currentStep(), 0);
  ASSERT_EQ(spy.count(), 2);
  EXPECT_EQ(spy.at(1).at(0).toInt(), 0);
  EXPECT_EQ(spy.at(1).at(1).toString(), tour.stepTarget(0));

  back->click();  // nothing before the first
  EXPECT_EQ(spy.count(), 2);

  // setStep shows the step even when it is current (the first target at open), clamped.
  tour.setStep(0);
  EXPECT_EQ(spy.count(), 3);
  tour.setStep(99);
  EXPECT_EQ(tour.currentStep(), tour.stepCount() - 1);
  EXPECT_EQ(spy.last().at(1).toString(), tour.stepTarget(tour.stepCount() - 1));

  // Next on the last step closes the tour.
  tour.show();
  ASSERT_TRUE(tour.isVisible());
  next->click();
  EXPECT_FALSE(tour.isVisible());
  EXPECT_EQ(tour.currentStep(), tour.stepCount() - 1);
}

TEST_F(GuidedTourTest, DontShowAgainIsStored) {
  EXPECT_TRUE(GuidedTour::shouldShow());
  {
    GuidedTour tour;
    auto* box = tour.findChild<QCheckBox*>(QStringLiteral("tourDontShow"));
    ASSERT_NE(box, nullptr);
    EXPECT_FALSE(box->isChecked());
    box->click();
    EXPECT_TRUE(QSettings().value(QStringLiteral("tour/done")).toBool());
    EXPECT_FALSE(GuidedTour::shouldShow());
  }
  {
    GuidedTour tour;  // shows what is stored
    auto* box = tour.findChild<QCheckBox*>(QStringLiteral("tourDontShow"));
    ASSERT_NE(box, nullptr);
    EXPECT_TRUE(box->isChecked());
    box->click();
    EXPECT_TRUE(GuidedTour::shouldShow());
  }
}

TEST_F(GuidedTourTest, RevealTargetRaisesItsTabAndDock) {
  QMainWindow window;
  auto* tabs = new QTabWidget;
  auto* graph = new QWidget;
  graph->setObjectName(QStringLiteral("graphView"));
  auto* dashboard = new QWidget;
  dashboard->setObjectName(QStringLiteral("resultsDashboard"));
  tabs->addTab(graph, QStringLiteral("Graph"));
  tabs->addTab(dashboard, QStringLiteral("Results"));
  window.setCentralWidget(tabs);
  auto* ratioDock = new QDockWidget(QStringLiteral("Ratios"), &window);
  auto* ratio = new QWidget;
  ratio->setObjectName(QStringLiteral("ratioEditor"));
  ratioDock->setWidget(ratio);
  window.addDockWidget(Qt::LeftDockWidgetArea, ratioDock);
  window.show();
  ratioDock->hide();

  EXPECT_EQ(GuidedTour::revealTarget(&window, QStringLiteral("resultsDashboard")), dashboard);
  EXPECT_EQ(tabs->currentWidget(), dashboard);
  EXPECT_NE(dashboard->findChild<QWidget*>(QStringLiteral("tourHighlight")), nullptr);
  EXPECT_EQ(GuidedTour::revealTarget(&window, QStringLiteral("graphView")), graph);
  EXPECT_EQ(tabs->currentWidget(), graph);
  EXPECT_EQ(GuidedTour::revealTarget(&window, QStringLiteral("ratioEditor")), ratio);
  EXPECT_TRUE(ratioDock->isVisible());
  EXPECT_EQ(GuidedTour::revealTarget(&window, QStringLiteral("noSuchPart")), nullptr);
}

}  // namespace
}  // namespace whittle::ui
