// Every measure the views show explains itself: each column header of the
// results table, the layer table, the ratio table and the variants panel has
// a tooltip; the importance criteria and views too.
#include "eval/eval_report.h"

#include <gtest/gtest.h>

#include <QComboBox>
#include <QLabel>
#include <QTreeWidget>
#include <memory>

#include "ui/filter_heatmap.h"
#include "ui/importance_histogram.h"
#include "ui/importance_overview.h"
#include "ui/importance_panel.h"
#include "ui/layer_table_model.h"
#include "ui/ratio_editor.h"
#include "ui/ratio_table_model.h"
#include "ui/results_table_model.h"
#include "ui/variants_panel.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

void expectHeaderToolTips(const QAbstractItemModel& model, const char* what) {
  ASSERT_GT(model.columnCount(), 0) << what;
  for (int c = 0; c < model.columnCount(); ++c) {
    const QString tip = model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString();
    EXPECT_FALSE(tip.trimmed().isEmpty())
        << what << " column " << c << " (" << model.headerData(c, Qt::Horizontal).toString().toStdString() << ")";
  }
}

TEST(HeaderTooltip, EveryResultsTableColumn) {
  uitest::ensureApplication();
  VariantResults original;
  original.name = QStringLiteral("original");
  original.kind = QStringLiteral("original");
  auto eval = std::make_shared<EvalReport>();
  eval->metric = "voc07";
  for (const char* name : {"cat", "dog"}) {
    ClassAp c;
    c.name = name;
    c.ap = 0.5;
    eval->classes.push_back(c);
  }
  original.eval = eval;
  ResultsTableModel model;
  model.setResults({original});
  ASSERT_GE(model.classColumn(QStringLiteral("dog")), 0);  // class AP columns are there too
  expectHeaderToolTips(model, "results table");
  // Each measure says what it is; mAP tells the two VOC ways apart.
  for (Measure m : allMeasures()) EXPECT_FALSE(measureToolTip(m).isEmpty()) << measureKey(m).toStdString();
  EXPECT_TRUE(measureToolTip(Measure::MapVoc07).contains(QStringLiteral("11")));
  EXPECT_TRUE(measureToolTip(Measure::MapArea).contains(QStringLiteral("area")));
  EXPECT_TRUE(measureToolTip(Measure::Energy).contains(QStringLiteral("45 nm")));
  EXPECT_TRUE(model.headerData(model.measureColumn(Measure::Macs), Qt::Horizontal, Qt::ToolTipRole)
                  .toString()
                  .contains(QStringLiteral("Multiply-accumulate")));
  ResultsTableModel empty;  // no results: the measure columns still explain themselves
  expectHeaderToolTips(empty, "empty results table");
}

TEST(HeaderTooltip, EveryLayerTableColumn) {
  uitest::ensureApplication();
  LayerTableModel model;
  EXPECT_EQ(model.columnCount(), LayerTableModel::ColumnCount);
  expectHeaderToolTips(model, "layer table");
}

TEST(HeaderTooltip, EveryRatioTableColumnAndTheTotals) {
  uitest::ensureApplication();
  RatioTableModel model;
  expectHeaderToolTips(model, "ratio table");
  RatioEditor editor;
  for (const char* name : {"ratioTotalsLabel", "targetKind", "targetSpin", "globalRatioSlider", "fillButton"}) {
    auto* widget = editor.findChild<QWidget*>(QString::fromLatin1(name));
    ASSERT_NE(widget, nullptr) << name;
    EXPECT_FALSE(widget->toolTip().isEmpty()) << name;
  }
}

TEST(HeaderTooltip, EveryVariantsPanelColumn) {
  uitest::ensureApplication();
  VariantsPanel panel;
  QTreeWidgetItem* header = panel.headerItem();
  ASSERT_GT(header->columnCount(), 2);
  for (int c = 0; c < header->columnCount(); ++c)
    EXPECT_FALSE(header->toolTip(c).isEmpty()) << "column " << c << " " << header->text(c).toStdString();
}

TEST(HeaderTooltip, ImportanceCriteriaAndViewsExplainThemselves) {
  uitest::ensureApplication();
  ImportancePanel panel;
  for (const char* name : {"leftCriterionBox", "rightCriterionBox"}) {
    auto* box = panel.findChild<QComboBox*>(QString::fromLatin1(name));
    ASSERT_NE(box, nullptr) << name;
    for (int i = 0; i < box->count(); ++i) {
      if (box->itemData(i).toString().isEmpty()) continue;  // (none)
      EXPECT_FALSE(box->itemData(i, Qt::ToolTipRole).toString().isEmpty()) << name << " " << box->itemText(i).toStdString();
    }
  }
  auto* taylor = panel.findChild<QComboBox*>(QStringLiteral("leftCriterionBox"));
  const int index = taylor->findData(QStringLiteral("taylor"));
  ASSERT_GE(index, 0);
  EXPECT_TRUE(taylor->itemData(index, Qt::ToolTipRole).toString().contains(QStringLiteral("gradient")));
  for (const char* name : {"leftFilterHeatmap", "leftImportanceHistogram", "leftImportanceStatus"}) {
    auto* widget = panel.findChild<QWidget*>(QString::fromLatin1(name));
    ASSERT_NE(widget, nullptr) << name;
    EXPECT_FALSE(widget->toolTip().isEmpty()) << name;
  }
  ImportanceOverview overview;
  auto* caption = overview.findChild<QLabel*>(QStringLiteral("importanceOverviewCaption"));
  ASSERT_NE(caption, nullptr);
  EXPECT_FALSE(caption->toolTip().isEmpty());
}

}  // namespace
}  // namespace whittle::ui
