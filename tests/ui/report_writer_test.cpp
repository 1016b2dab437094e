// The project report: report.md and report.html with every section (the
// comparison table, per-class AP, the plots, the configuration, the
// machine), and every plot it links written and not blank.
#include "results_test_project.h"

#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>

#include "ui/report_writer.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

QString readText(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly)) return {};
  return QString::fromUtf8(file.readAll());
}

bool nonBlank(const QString& png) {
  const QImage image(png);
  if (image.isNull()) return false;
  QSet<QRgb> colors;
  for (int y = 0; y < image.height(); y += 3)
    for (int x = 0; x < image.width(); x += 3) colors.insert(image.pixel(x, y));
  return colors.size() > 4;
}

class ReportWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uitest::ensureApplication(); }
  void SetUp() override {
    ASSERT_TRUE(dir_.isValid());
    uitest::make_results_project(dir_.path().toStdString());
  }
  QTemporaryDir dir_;
};

TEST_F(ReportWriterTest, WritesEverySectionAndPlot) {
  const QString out = dir_.filePath(QStringLiteral("report"));
  ReportOutput output;
  QString error;
  ReportOptions options;
  options.plotWidth = 640;
  options.plotHeight = 400;
  ASSERT_TRUE(writeReport(dir_.filePath(QStringLiteral("results.whittle")), out, &output, &error, options))
      << error.toStdString();
  EXPECT_EQ(output.markdown, QDir(out).absoluteFilePath(QStringLiteral("report.md")));
  EXPECT_EQ(output.html, QDir(out).absoluteFilePath(QStringLiteral("report.html")));

  const QString md = readText(output.markdown);
  ASSERT_FALSE(md.isEmpty());
  for (const char* section : {"# Whittle report: results.whittle", "## Comparison", "## Per-class AP", "## Plots",
                              "### mAP vs file size", "### mAP vs latency", "### mAP vs MACs",
                              "### Original vs compressed", "### Precision–recall curves", "### Sensitivity",
                              "## Configuration", "## Machine"}) {
    EXPECT_TRUE(md.contains(QString::fromUtf8(section))) << section;
  }
  // The comparison table: a row per model with ratios, absent figures as —.
  EXPECT_TRUE(md.contains(QStringLiteral("| Model | Kind | Precision | mAP (VOC07) |")));
  EXPECT_TRUE(md.contains(QStringLiteral("| p50 | pruned | fp32 | 0.4000 (0.80×) |")));
  EXPECT_TRUE(md.contains(QStringLiteral("| int8 | quantized | int8 | 0.4500 (0.90×) |")));
  EXPECT_TRUE(md.contains(QStringLiteral("| ft | fine-tuned | fp32 | — |")));
  EXPECT_EQ(output.comparisonTable.count(QLatin1Char('\n')), 2 + 4);  // header, rule, 4 models
  // Per-class AP rows.
  for (const char* cls : {"| cat |", "| dog |", "| car |"}) EXPECT_TRUE(md.contains(QString::fromUtf8(cls))) << cls;
  // The configuration: each variant's settings.
  EXPECT_TRUE(md.contains(QStringLiteral("### p50 (pruned)")));
  EXPECT_TRUE(md.contains(QStringLiteral("| criterion | l1 |")));
  EXPECT_TRUE(md.contains(QStringLiteral("| observer | minmax |")));
  EXPECT_TRUE(md.contains(QStringLiteral("Made from: p50")));
  // The machine.
  for (const char* fact : {"CPU: ", "Cores: ", "LibTorch: ", "Qt: ", "Date: "})
    EXPECT_TRUE(md.contains(QString::fromUtf8(fact))) << fact;
  EXPECT_TRUE(md.contains(currentMachine().cpu));
  // The missing model file is noted.
  EXPECT_TRUE(md.contains(QStringLiteral("## Notes")));
  EXPECT_TRUE(md.contains(QStringLiteral("missing.onnx")));

  // Every linked plot exists and shows something: 3 trade-offs, the bars,
  // a PR plot per class (3) and the sensitivity scan.
  const QRegularExpression link(QStringLiteral(R"(!\[[^\]]*\]\(([^)]+\.png)\))"));
  QStringList linked;
  for (auto it = link.globalMatch(md); it.hasNext();) linked << it.next().captured(1);
  EXPECT_EQ(linked.size(), 8) << md.toStdString();
  EXPECT_EQ(output.plots.size(), linked.size());
  for (const QString& png : linked) {
    const QString file = QDir(out).filePath(png);
    EXPECT_TRUE(QFileInfo::exists(file)) << file.toStdString();
    EXPECT_TRUE(nonBlank(file)) << file.toStdString();
    EXPECT_EQ(QImage(file).width(), 640) << file.toStdString();
  }
  for (const char* stem : {"plots/map_vs_size.png", "plots/map_vs_latency.png", "plots/map_vs_macs.png",
                           "plots/original_vs_compressed.png", "plots/sensitivity_original.png"}) {
    EXPECT_TRUE(linked.contains(QString::fromUtf8(stem))) << stem;
  }

  // The HTML holds the same: tables, the same images, the sections.
  const QString html = readText(output.html);
  ASSERT_FALSE(html.isEmpty());
  EXPECT_TRUE(html.startsWith(QStringLiteral("<!DOCTYPE html>")));
  EXPECT_TRUE(html.contains(QStringLiteral("<table>")));
  EXPECT_TRUE(html.contains(QStringLiteral("<h2>Machine</h2>")));
  EXPECT_TRUE(html.contains(QStringLiteral("<h2>Configuration</h2>")));
  for (const QString& png : linked) EXPECT_TRUE(html.contains(QStringLiteral("src=\"%1\"").arg(png))) << png.toStdString();
}

TEST_F(ReportWriterTest, UnreadableProjectIsAnError) {
  QString error;
  EXPECT_FALSE(writeReport(dir_.filePath(QStringLiteral("nothing.whittle")), dir_.filePath(QStringLiteral("r")),
                           nullptr, &error));
  EXPECT_TRUE(error.contains(QStringLiteral("nothing.whittle"))) << error.toStdString();
}

}  // namespace
}  // namespace whittle::ui
