// GraphView: the model graph on the SSD zoo detectors (offscreen): build,
// collapse, search, channel-group highlight, colour by metric, rendering.
// Core (LibTorch) headers before Qt's.
#include "graph/cost_model.h"
#include "graph/graph.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"

#include <gtest/gtest.h>

#include <QColor>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <cstdio>
#include <map>
#include <memory>

#include "ui/graph_view.h"
#include "ui_test_support.h"

namespace whittle::ui {
namespace {

struct Model {
  Graph graph;
  GraphCost cost;
  ChannelGroups groups;
};

// Each detector built once per test process (SSD300-VGG16 takes a while).
const Model& model(const std::string& name) {
  static std::map<std::string, std::unique_ptr<Model>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<Model>();
    slot->graph = build_detector_zoo(name).graph;
    slot->cost = compute_cost(slot->graph);
    slot->groups = channel_groups(slot->graph);
  }
  return *slot;
}

QString q(const std::string& s) { return QString::fromStdString(s); }

// A node drawn inside a collapsed "×N" box, or "".
QString collapsedNode(const GraphView& view, const Graph& graph) {
  for (const Node& node : graph.nodes)
    if (view.nodeText(q(node.name)).startsWith(QChar(0x00d7))) return q(node.name);
  return {};
}

class GraphViewTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { uitest::ensureApplication(); }

  void show(const std::string& name) {
    const Model& m = model(name);
    view_.setModel(m.graph, m.cost, m.groups);
  }

  GraphView view_;
};

TEST_F(GraphViewTest, BuildsSsd300Vgg16) {
  const Model& m = model("ssd300_vgg16");
  view_.resize(1000, 800);
  QElapsedTimer timer;
  timer.start();
  view_.setModel(m.graph, m.cost, m.groups);
  const qint64 ms = timer.elapsed();
  std::printf("[   TIME   ] GraphView::setModel(ssd300_vgg16, %zu nodes, %d boxes): %lld ms\n",
              m.graph.nodes.size(), view_.drawnNodeCount(), static_cast<long long>(ms));
  EXPECT_EQ(view_.nodeCount(), static_cast<int>(m.graph.nodes.size()));
  EXPECT_GT(view_.drawnNodeCount(), 10);
  EXPECT_LT(view_.drawnNodeCount(), static_cast<int>(m.graph.nodes.size()));
  // Every node is drawn somewhere, with its op and costs in the text.
  for (const Node& node : m.graph.nodes)
    EXPECT_FALSE(view_.nodeText(q(node.name)).isEmpty()) << node.name;
  const QString conv = view_.nodeText(QStringLiteral("head.cls.0"));
  EXPECT_TRUE(conv.contains(QStringLiteral("Conv 3\u00d73 s1"))) << conv.toStdString();
  EXPECT_TRUE(conv.contains(QStringLiteral("MACs"))) << conv.toStdString();
  EXPECT_TRUE(conv.contains(QStringLiteral("params"))) << conv.toStdString();
  EXPECT_TRUE(conv.contains(QStringLiteral("\u00d738\u00d738"))) << conv.toStdString();
  // ReLUs fold into their convs: "Conv 3×3 s1 · ReLU".
  const QString fc7 = view_.nodeText(QStringLiteral("fc.fc7"));
  EXPECT_TRUE(fc7.startsWith(QStringLiteral("Conv 1\u00d71 s1 \u00b7 ReLU"))) << fc7.toStdString();
  EXPECT_EQ(view_.nodeText(QStringLiteral("fc.fc7.relu")), fc7);
  const QString pool = view_.nodeText(QStringLiteral("fc.pool5"));
  EXPECT_TRUE(pool.startsWith(QStringLiteral("MaxPool 3\u00d73 s1"))) << pool.toStdString();
  EXPECT_FALSE(collapsedNode(view_, m.graph).isEmpty());  // VGG's repeated 3x3 convs
}

TEST_F(GraphViewTest, BuildsSsdliteMobilenetV2) {
  const Model& m = model("ssdlite_mobilenet_v2");
  QElapsedTimer timer;
  timer.start();
  view_.setModel(m.graph, m.cost, m.groups);
  const qint64 ms = timer.elapsed();
  std::printf("[   TIME   ] GraphView::setModel(ssdlite_mobilenet_v2, %zu nodes, %d boxes): %lld ms\n",
              m.graph.nodes.size(), view_.drawnNodeCount(), static_cast<long long>(ms));
  EXPECT_GT(view_.drawnNodeCount(), 10);
  EXPECT_LT(view_.drawnNodeCount(), static_cast<int>(m.graph.nodes.size()) / 2);
  const QString repeated = collapsedNode(view_, m.graph);
  ASSERT_FALSE(repeated.isEmpty());
  EXPECT_TRUE(view_.nodeText(repeated).contains(QStringLiteral("DWConv 3\u00d73")))
      << view_.nodeText(repeated).toStdString();
}

TEST_F(GraphViewTest, BuildsSsdMobilenetV1) {
  show("ssd_mobilenet_v1");
  const Model& m = model("ssd_mobilenet_v1");
  EXPECT_GT(view_.drawnNodeCount(), 10);
  // Conv + BN + ReLU in one box, the five 512-channel blocks in one.
  EXPECT_LT(view_.drawnNodeCount(), static_cast<int>(m.graph.nodes.size()) / 2);
  const QString repeated = collapsedNode(view_, m.graph);
  ASSERT_FALSE(repeated.isEmpty());
  EXPECT_TRUE(view_.nodeText(repeated).contains(QStringLiteral("DWConv 3\u00d73")))
      << view_.nodeText(repeated).toStdString();
}

TEST_F(GraphViewTest, CollapseDrawsFewerBoxes) {
  for (const char* name : {"ssd300_vgg16", "ssd_mobilenet_v1", "ssdlite_mobilenet_v2"}) {
    SCOPED_TRACE(name);
    show(name);
    const int nodes = view_.nodeCount();
    const int collapsed = view_.drawnNodeCount();
    view_.setCollapseRepeated(false);
    const int folded = view_.drawnNodeCount();
    EXPECT_TRUE(collapsedNode(view_, model(name).graph).isEmpty());
    view_.setFoldPointwise(false);
    EXPECT_EQ(view_.drawnNodeCount(), nodes);
    EXPECT_LT(collapsed, folded);
    EXPECT_LT(folded, nodes);
    view_.setFoldPointwise(true);
    view_.setCollapseRepeated(true);
    EXPECT_EQ(view_.drawnNodeCount(), collapsed);
  }
}

TEST_F(GraphViewTest, DoubleCollapseToggleExpandsOneRun) {
  show("ssd_mobilenet_v1");
  const QString inside = collapsedNode(view_, model("ssd_mobilenet_v1").graph);
  ASSERT_FALSE(inside.isEmpty());
  const int before = view_.drawnNodeCount();
  EXPECT_TRUE(view_.setRunCollapsed(inside, false));
  EXPECT_GT(view_.drawnNodeCount(), before);
  EXPECT_FALSE(view_.nodeText(inside).startsWith(QChar(0x00d7)));
  EXPECT_TRUE(view_.setRunCollapsed(inside, true));
  EXPECT_EQ(view_.drawnNodeCount(), before);
  EXPECT_FALSE(view_.setRunCollapsed(QStringLiteral("head.cls.0"), false));  // in no run
}

TEST_F(GraphViewTest, ClickSelectsAndDoubleClickExpands) {
  view_.resize(900, 700);
  view_.show();
  show("ssd_mobilenet_v1");
  const QString inside = collapsedNode(view_, model("ssd_mobilenet_v1").graph);
  ASSERT_FALSE(inside.isEmpty());
  QSignalSpy emitted(&view_, &GraphView::nodeSelected);
  const QRectF box = view_.nodeRect(inside);
  ASSERT_FALSE(box.isEmpty());
  view_.centerOn(box.center());
  const QPointF at = view_.mapFromScene(box.center());
  const QPointF global = view_.viewport()->mapToGlobal(at);
  QMouseEvent press(QEvent::MouseButtonPress, at, global, Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
  QCoreApplication::sendEvent(view_.viewport(), &press);
  QMouseEvent release(QEvent::MouseButtonRelease, at, global, Qt::LeftButton, Qt::NoButton,
                      Qt::NoModifier);
  QCoreApplication::sendEvent(view_.viewport(), &release);
  ASSERT_EQ(emitted.count(), 1);
  const QString clicked = emitted.front().front().toString();
  EXPECT_EQ(clicked, view_.selectedNode());
  EXPECT_EQ(view_.nodeRect(clicked), box);  // the first layer of the run

  const int before = view_.drawnNodeCount();
  QMouseEvent twice(QEvent::MouseButtonDblClick, at, global, Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
  QCoreApplication::sendEvent(view_.viewport(), &twice);
  EXPECT_GT(view_.drawnNodeCount(), before);
  EXPECT_FALSE(view_.nodeText(inside).startsWith(QChar(0x00d7)));

  // A press on the background selects nothing new (it starts a pan).
  const QPointF corner(2, 2);
  QMouseEvent empty(QEvent::MouseButtonPress, corner, view_.viewport()->mapToGlobal(corner),
                    Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
  QCoreApplication::sendEvent(view_.viewport(), &empty);
  EXPECT_EQ(emitted.count(), 1);
}

TEST_F(GraphViewTest, SearchFindsAndExpandsCollapsedNode) {
  show("ssd_mobilenet_v1");
  const Graph& graph = model("ssd_mobilenet_v1").graph;
  const QString inside = collapsedNode(view_, graph);
  ASSERT_FALSE(inside.isEmpty());
  QSignalSpy emitted(&view_, &GraphView::nodeSelected);  // emitted synchronously
  const int before = view_.drawnNodeCount();
  const int count = view_.search(inside.toUpper());
  EXPECT_GE(count, 1);
  int expected = 0;
  for (const Node& node : graph.nodes)
    if (q(node.name).contains(inside, Qt::CaseInsensitive)) ++expected;
  EXPECT_EQ(count, expected);
  EXPECT_EQ(view_.selectedNode(), inside);  // the first match in graph order is the node itself
  ASSERT_EQ(emitted.count(), 1);
  EXPECT_EQ(emitted.front().front().toString(), inside);
  EXPECT_GT(view_.drawnNodeCount(), before);  // its run was expanded
  EXPECT_FALSE(view_.nodeText(inside).startsWith(QChar(0x00d7)));

  EXPECT_EQ(view_.search(QStringLiteral("no_such_layer")), 0);
  EXPECT_EQ(view_.selectedNode(), inside);
  int heads = 0;
  QString firstHead;
  for (const Node& node : graph.nodes) {
    if (!q(node.name).contains(QStringLiteral("head."))) continue;
    if (heads++ == 0) firstHead = q(node.name);
  }
  EXPECT_EQ(view_.search(QStringLiteral("HEAD.")), heads);
  EXPECT_EQ(view_.selectedNode(), firstHead);
}

TEST_F(GraphViewTest, SelectNodeEmitsOnChangeOnly) {
  show("ssd300_vgg16");
  QSignalSpy emitted(&view_, &GraphView::nodeSelected);
  EXPECT_FALSE(view_.selectNode(QStringLiteral("no.such.node")));
  EXPECT_EQ(emitted.count(), 0);
  EXPECT_TRUE(view_.selectedNode().isEmpty());
  EXPECT_TRUE(view_.highlightedNodes().isEmpty());
  EXPECT_TRUE(view_.selectNode(QStringLiteral("fc.fc7")));
  EXPECT_EQ(emitted.count(), 1);
  EXPECT_TRUE(view_.selectNode(QStringLiteral("fc.fc7")));
  EXPECT_EQ(emitted.count(), 1);
  EXPECT_EQ(view_.selectedNode(), QStringLiteral("fc.fc7"));
  // fc7's filters reach its ReLU and the convs reading it (extras, heads).
  const QStringList lit = view_.highlightedNodes();
  EXPECT_TRUE(lit.contains(QStringLiteral("fc.fc7")));
  EXPECT_TRUE(lit.contains(QStringLiteral("fc.fc7.relu")));
  EXPECT_TRUE(lit.contains(QStringLiteral("head.cls.1")));
  EXPECT_TRUE(lit.contains(QStringLiteral("fc.fc6")));  // fc7 consumes fc6's channels
  EXPECT_GE(view_.highlightedBoxCount(), 3);
}

// In SSDLite-MobileNetV2 an inverted residual's Add ties the project convs
// that feed it: selecting one lights up the other, also through its folded BN.
TEST_F(GraphViewTest, SelectingConvHighlightsResidualGroup) {
  show("ssdlite_mobilenet_v2");
  const Model& m = model("ssdlite_mobilenet_v2");
  const ChannelGroup* coupled = nullptr;
  for (const ChannelGroup& group : m.groups.groups) {
    bool hasAdd = false;
    for (const ChannelMember& member : group.members)
      hasAdd = hasAdd || m.graph.node(member.node).op == Op::Add;
    if (hasAdd && group.filter_nodes().size() >= 2) {
      coupled = &group;
      break;
    }
  }
  ASSERT_NE(coupled, nullptr);
  const std::vector<std::string> convs = coupled->filter_nodes();
  std::string norm;
  for (const ChannelMember& member : coupled->members)
    if (member.role == ChannelRole::Norm && member.node.rfind(convs.back(), 0) == 0)
      norm = member.node;
  ASSERT_FALSE(norm.empty());

  for (const std::string& pick : {convs.back(), norm}) {
    SCOPED_TRACE(pick);
    ASSERT_TRUE(view_.selectNode(q(pick)));
    EXPECT_EQ(view_.selectedNode(), q(pick));
    const QStringList lit = view_.highlightedNodes();
    for (const ChannelMember& member : coupled->members)
      EXPECT_TRUE(lit.contains(q(member.node))) << member.node;
    for (const std::string& conv : convs) EXPECT_TRUE(lit.contains(q(conv))) << conv;
    // The coupled convs are in different boxes: more than one box lit.
    EXPECT_GE(view_.highlightedBoxCount(), static_cast<int>(convs.size()));
  }
}

TEST_F(GraphViewTest, ColorByMetricChangesBrushes) {
  show("ssd_mobilenet_v1");
  const Graph& graph = model("ssd_mobilenet_v1").graph;
  std::vector<QString> convs;
  for (const Node& node : graph.nodes)
    if (node.op == Op::Conv2d && !view_.nodeText(q(node.name)).startsWith(QChar(0x00d7)))
      convs.push_back(q(node.name));
  ASSERT_GE(convs.size(), 3u);
  const QString a = convs[0], b = convs[1], none = convs[2];
  const QColor opA = view_.nodeFill(a);
  ASSERT_TRUE(opA.isValid());
  EXPECT_EQ(view_.colorBy(), GraphView::ColorBy::Op);

  QHash<QString, double> ratios{{a, 0.1}, {b, 0.5}};
  view_.setMetric(GraphView::ColorBy::PruneRatio, ratios);
  EXPECT_EQ(view_.nodeFill(a), opA);  // not the colour mode yet
  view_.setColorBy(GraphView::ColorBy::PruneRatio);
  EXPECT_EQ(view_.colorBy(), GraphView::ColorBy::PruneRatio);
  EXPECT_NE(view_.nodeFill(a), view_.nodeFill(b));
  EXPECT_NE(view_.nodeFill(a), opA);
  // The largest value is the darkest; a box without a value is neutral.
  EXPECT_LT(view_.nodeFill(b).lightness(), view_.nodeFill(a).lightness());
  EXPECT_NE(view_.nodeFill(none), view_.nodeFill(a));
  EXPECT_NE(view_.nodeFill(none), view_.nodeFill(b));

  // Another metric replaces the colours; back to op restores them.
  view_.setMetric(GraphView::ColorBy::Sensitivity, {{none, 3.0}});
  view_.setColorBy(GraphView::ColorBy::Sensitivity);
  EXPECT_EQ(view_.nodeFill(a), view_.nodeFill(b));
  EXPECT_NE(view_.nodeFill(none), view_.nodeFill(a));
  view_.setColorBy(GraphView::ColorBy::Op);
  EXPECT_EQ(view_.nodeFill(a), opA);
}

TEST_F(GraphViewTest, LatencyShownOnceSet) {
  show("ssd300_vgg16");
  EXPECT_FALSE(view_.nodeText(QStringLiteral("fc.fc6")).contains(QStringLiteral(" ms")));
  view_.setLatency({{QStringLiteral("fc.fc6"), 12.5}, {QStringLiteral("fc.fc6.relu"), 0.5}});
  const QString text = view_.nodeText(QStringLiteral("fc.fc6"));
  EXPECT_TRUE(text.contains(QStringLiteral("13.0 ms"))) << text.toStdString();  // conv + its ReLU
  EXPECT_GT(view_.drawnNodeCount(), 0);
}

TEST_F(GraphViewTest, ZoomAndFit) {
  view_.resize(800, 600);
  view_.show();  // the viewport takes its size when shown
  show("ssd_mobilenet_v1");
  const double start = view_.zoom();
  view_.zoomBy(2.0);
  EXPECT_NEAR(view_.zoom(), start * 2.0, 1e-9);
  view_.zoomBy(1e6);
  EXPECT_LE(view_.zoom(), 6.0 + 1e-9);
  view_.fitAll();
  const QRectF visible = view_.mapToScene(view_.viewport()->rect()).boundingRect();
  const QRectF scene = view_.sceneRect();
  EXPECT_LE(visible.left(), scene.left() + 2);
  EXPECT_GE(visible.right(), scene.right() - 2);
  EXPECT_LE(visible.top(), scene.top() + 2);
  EXPECT_GE(visible.bottom(), scene.bottom() - 2);
}

TEST_F(GraphViewTest, RendersNotBlank) {
  view_.resize(900, 700);
  show("ssdlite_mobilenet_v2");
  view_.selectNode(QStringLiteral("head.cls.0"));
  QImage image(900, 700, QImage::Format_ARGB32);
  image.fill(Qt::white);
  {
    QPainter painter(&image);
    view_.render(&painter);
  }
  QSet<QRgb> colours;
  int coloured = 0;
  for (int y = 0; y < image.height(); y += 3) {
    for (int x = 0; x < image.width(); x += 3) {
      const QRgb rgb = image.pixel(x, y);
      colours.insert(rgb);
      if (qRed(rgb) < 235 || qGreen(rgb) < 235 || qBlue(rgb) < 235) ++coloured;
    }
  }
  EXPECT_GT(colours.size(), 8);
  EXPECT_GT(coloured, 500);
  const QString path = QDir::temp().filePath(QStringLiteral("whittle_graph_view.png"));
  EXPECT_TRUE(image.save(path)) << path.toStdString();
}

TEST_F(GraphViewTest, ClearEmptiesTheScene) {
  show("ssd_mobilenet_v1");
  ASSERT_TRUE(view_.selectNode(QStringLiteral("head.reg.0")));
  view_.clear();
  EXPECT_EQ(view_.drawnNodeCount(), 0);
  EXPECT_EQ(view_.nodeCount(), 0);
  EXPECT_TRUE(view_.selectedNode().isEmpty());
  EXPECT_EQ(view_.search(QStringLiteral("head")), 0);
  EXPECT_FALSE(view_.selectNode(QStringLiteral("head.reg.0")));
}

}  // namespace
}  // namespace whittle::ui
