// MainWindow: zoo and ONNX opening, the layer table, filtering, errors and
// offscreen rendering. ctest runs this with QT_QPA_PLATFORM=offscreen.
#include "graph/graph.h"
#include "io/onnx_export.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QDir>
#include <QDropEvent>
#include <QMimeData>
#include <QTranslator>
#include <QUrl>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <cstdlib>

#include "ui/main_window.h"
#include "ui_test_support.h"
#include "ui/macs_chart.h"

namespace whittle::ui {
namespace {

class MainWindowTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uitest::ensureApplication(); }

  void SetUp() override { window_.setInteractive(false); }

  QTableView* table() { return window_.findChild<QTableView*>(QStringLiteral("layerTable")); }
  QString totals() {
    return window_.findChild<QLabel*>(QStringLiteral("totalsLabel"))->text();
  }

  MainWindow window_;
};

TEST_F(MainWindowTest, StartsEmptyWithZooMenu) {
  EXPECT_EQ(window_.graph(), nullptr);
  EXPECT_EQ(table()->model()->rowCount(), 0);
  auto* zoo = window_.findChild<QMenu*>(QStringLiteral("zooMenu"));
  ASSERT_NE(zoo, nullptr);
  // Detectors, a separator, backbones.
  EXPECT_EQ(zoo->actions().size(),
            static_cast<qsizetype>(detector_zoo_entries().size() + 1 + zoo_entries().size()));
  EXPECT_EQ(zoo->actions().front()->text(), QString::fromStdString(detector_zoo_entries().front().name));
}

TEST_F(MainWindowTest, OpenZooFillsTableAndTotals) {
  window_.openZoo(QStringLiteral("mobilenet_v1"));
  ASSERT_NE(window_.graph(), nullptr) << window_.lastError().toStdString();
  EXPECT_TRUE(window_.lastError().isEmpty());
  EXPECT_EQ(table()->model()->rowCount(), static_cast<int>(window_.graph()->nodes.size()));
  // MobileNetV1: 4.23 M params.
  EXPECT_TRUE(totals().contains(QStringLiteral("4.23 M params"))) << totals().toStdString();
  EXPECT_TRUE(totals().contains(
      QStringLiteral("%1 layers").arg(window_.graph()->nodes.size())))
      << totals().toStdString();
  EXPECT_EQ(window_.findChild<MacsChart*>()->barNames().size(), 20);
}

TEST_F(MainWindowTest, NumbersHaveSeparatorsAndSortNumerically) {
  window_.openZoo(QStringLiteral("mobilenet_v1"));
  QAbstractItemModel* model = table()->model();
  table()->sortByColumn(4, Qt::DescendingOrder);  // MACs
  const QString top = model->index(0, 4).data().toString();
  EXPECT_TRUE(top.contains(QLatin1Char(','))) << top.toStdString();
  const qlonglong first = model->index(0, 4).data(Qt::UserRole + 1).toLongLong();
  const qlonglong second = model->index(1, 4).data(Qt::UserRole + 1).toLongLong();
  EXPECT_GE(first, second);
  EXPECT_GT(first, 1'000'000);
}

TEST_F(MainWindowTest, FilterReducesRows) {
  window_.openZoo(QStringLiteral("mobilenet_v1"));
  const int all = table()->model()->rowCount();
  window_.findChild<QLineEdit*>(QStringLiteral("layerFilter"))->setText(QStringLiteral(".dw"));
  const int filtered = table()->model()->rowCount();
  EXPECT_GT(filtered, 0);
  EXPECT_LT(filtered, all);
  for (int row = 0; row < filtered; ++row) {
    EXPECT_TRUE(table()->model()->index(row, 0).data().toString().contains(QStringLiteral(".dw")));
  }
  window_.findChild<QLineEdit*>(QStringLiteral("layerFilter"))->clear();
  EXPECT_EQ(table()->model()->rowCount(), all);
}

TEST_F(MainWindowTest, BadFileKeepsPreviousModel) {
  window_.openZoo(QStringLiteral("mobilenet_v1"));
  const Graph* before = window_.graph();
  ASSERT_NE(before, nullptr);
  const size_t nodes = before->nodes.size();

  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  const QString path = dir.filePath(QStringLiteral("garbage.onnx"));
  QFile file(path);
  ASSERT_TRUE(file.open(QIODevice::WriteOnly));
  file.write("this is not an ONNX model \x01\x02\x03\xff", 30);
  file.close();

  EXPECT_FALSE(window_.openModelFile(path));
  EXPECT_FALSE(window_.lastError().isEmpty());
  EXPECT_TRUE(window_.lastError().contains(QStringLiteral("garbage.onnx")))
      << window_.lastError().toStdString();
  EXPECT_EQ(window_.graph(), before);
  EXPECT_EQ(window_.graph()->nodes.size(), nodes);
  EXPECT_EQ(table()->model()->rowCount(), static_cast<int>(nodes));

  EXPECT_FALSE(window_.openModelFile(dir.filePath(QStringLiteral("missing.onnx"))));
  EXPECT_EQ(window_.graph(), before);
}

TEST_F(MainWindowTest, OpensOnnxFileAndDroppedFile) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  BackboneOptions options;
  options.width = 0.25;
  options.input_size = 64;
  const Graph saved = build_zoo("mobilenet_v1", options);
  const QString path = dir.filePath(QStringLiteral("small.onnx"));
  save_onnx(saved, path.toStdString());

  ASSERT_TRUE(window_.openModelFile(path)) << window_.lastError().toStdString();
  EXPECT_EQ(window_.graph()->nodes.size(), saved.nodes.size());
  EXPECT_TRUE(window_.windowTitle().startsWith(QStringLiteral("small.onnx")));

  window_.openZoo(QStringLiteral("mobilenet_v2"));
  ASSERT_NE(window_.graph()->nodes.size(), saved.nodes.size());
  QMimeData mime;
  mime.setUrls({QUrl::fromLocalFile(path)});
  // Qt routes a Drop to the widget that accepted the DragEnter.
  QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window_, &enter);
  EXPECT_TRUE(enter.isAccepted());
  QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window_, &drop);
  EXPECT_EQ(window_.graph()->nodes.size(), saved.nodes.size()) << window_.lastError().toStdString();

  QMimeData text;  // not a model: refused
  text.setUrls({QUrl::fromLocalFile(dir.filePath(QStringLiteral("notes.txt")))});
  QDragEnterEvent refused(QPoint(10, 10), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(&window_, &refused);
  EXPECT_FALSE(refused.isAccepted());
}

TEST_F(MainWindowTest, GermanTranslationIsEmbedded) {
  QTranslator german;
  ASSERT_TRUE(german.load(QStringLiteral(":/i18n/whittle_de.qm")));
  EXPECT_EQ(german.translate("whittle::ui::MainWindow", "&File"), QStringLiteral("&Datei"));
}

TEST_F(MainWindowTest, UnknownZooNameReportsError) {
  window_.openZoo(QStringLiteral("no_such_net"));
  EXPECT_EQ(window_.graph(), nullptr);
  EXPECT_TRUE(window_.lastError().contains(QStringLiteral("no_such_net")))
      << window_.lastError().toStdString();
}

TEST_F(MainWindowTest, RendersOffscreen) {
  window_.resize(1200, 760);
  window_.show();
  window_.openZoo(QStringLiteral("mobilenet_v2"));
  QCoreApplication::processEvents();
  const QImage image = window_.grab().toImage();
  ASSERT_FALSE(image.isNull());
  EXPECT_GE(image.width(), 1000);
  const QString path = QDir::temp().filePath(QStringLiteral("whittle_window.png"));
  EXPECT_TRUE(image.save(path)) << path.toStdString();
}

}  // namespace
}  // namespace whittle::ui
