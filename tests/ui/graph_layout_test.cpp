// The layered DAG layout (ui/graph_layout.h): pure geometry, no widgets.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <set>

#include "ui/graph_layout.h"

namespace whittle::ui {
namespace {

// A DAG shaped like a detector: a spine of `spine` boxes, a skip edge every
// few boxes (residual), and a side branch of two boxes from every fifth
// spine box (heads); box widths vary. Deterministic.
LayoutInput detectorLike(int spine) {
  LayoutInput in;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> width(60, 220);
  for (int i = 0; i < spine; ++i) {
    in.boxes.push_back({width(rng), 40 + 10.0 * (i % 3)});
    if (i > 0) in.edges.push_back({i - 1, i});
    if (i >= 3 && i % 3 == 0) in.edges.push_back({i - 3, i});
  }
  for (int i = 4; i < spine; i += 5) {
    const int a = static_cast<int>(in.boxes.size());
    in.boxes.push_back({120, 50});
    in.boxes.push_back({120, 50});
    in.edges.push_back({i, a});
    in.edges.push_back({a, a + 1});
    in.edges.push_back({i, a + 1});  // spans two layers: needs a dummy
  }
  return in;
}

void expectNoOverlap(const LayoutInput& in, const LayoutResult& out) {
  const size_t n = in.boxes.size();
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      const double dx = std::abs(out.center[a].x - out.center[b].x);
      const double dy = std::abs(out.center[a].y - out.center[b].y);
      const bool apartX = dx >= (in.boxes[a].width + in.boxes[b].width) / 2 - 1e-6;
      const bool apartY = dy >= (in.boxes[a].height + in.boxes[b].height) / 2 - 1e-6;
      EXPECT_TRUE(apartX || apartY) << "boxes " << a << " and " << b << " overlap";
    }
  }
  for (size_t v = 0; v < n; ++v) {
    EXPECT_GE(out.center[v].x - in.boxes[v].width / 2, -1e-6);
    EXPECT_LE(out.center[v].x + in.boxes[v].width / 2, out.width + 1e-6);
  }
}

void expectEdgesDownward(const LayoutInput& in, const LayoutResult& out) {
  for (size_t e = 0; e < in.edges.size(); ++e) {
    const auto [from, to] = in.edges[e];
    EXPECT_LT(out.layer[from], out.layer[to]) << "edge " << from << "->" << to;
    EXPECT_LT(out.center[from].y, out.center[to].y);
    const auto& points = out.edgePoints[e];
    ASSERT_GE(points.size(), 2u);
    EXPECT_DOUBLE_EQ(points.front().y, out.center[from].y + in.boxes[from].height / 2);
    EXPECT_DOUBLE_EQ(points.back().y, out.center[to].y - in.boxes[to].height / 2);
    EXPECT_DOUBLE_EQ(points.front().x, out.center[from].x);
    EXPECT_DOUBLE_EQ(points.back().x, out.center[to].x);
    for (size_t i = 1; i < points.size(); ++i) EXPECT_LE(points[i - 1].y, points[i].y);
  }
}

TEST(GraphLayout, EmptyInput) {
  const LayoutResult out = layoutLayeredDag({});
  EXPECT_EQ(out.layerCount, 0);
  EXPECT_TRUE(out.center.empty());
}

TEST(GraphLayout, ChainIsOneStraightColumn) {
  LayoutInput in;
  in.boxes = {{100, 40}, {60, 30}, {140, 50}};
  in.edges = {{0, 1}, {1, 2}};
  const LayoutResult out = layoutLayeredDag(in);
  EXPECT_EQ(out.layer, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(out.layerCount, 3);
  EXPECT_DOUBLE_EQ(out.center[0].x, out.center[1].x);
  EXPECT_DOUBLE_EQ(out.center[1].x, out.center[2].x);
  EXPECT_EQ(out.crossings, 0);
  expectNoOverlap(in, out);
  expectEdgesDownward(in, out);
}

TEST(GraphLayout, LongestPathLayering) {
  // 0 -> 1 -> 2 -> 3 and 0 -> 3: 3 is below 2, the long edge bends through
  // one dummy per crossed layer (two points each).
  LayoutInput in;
  in.boxes.assign(4, {80, 40});
  in.edges = {{0, 1}, {1, 2}, {2, 3}, {0, 3}};
  const LayoutResult out = layoutLayeredDag(in);
  EXPECT_EQ(out.layer, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(out.edgePoints[3].size(), 2u + 2u * 2u);
  // The dummies keep the long edge beside the chain, not through its boxes.
  for (size_t i = 1; i + 1 < out.edgePoints[3].size(); ++i)
    EXPECT_GE(std::abs(out.edgePoints[3][i].x - out.center[1].x), 40.0);
  expectEdgesDownward(in, out);
}

TEST(GraphLayout, BarycentreRemovesAnAvoidableCrossing) {
  // Input order crosses: 0 -> 3, 1 -> 2.
  LayoutInput in;
  in.boxes.assign(4, {80, 40});
  in.edges = {{0, 3}, {1, 2}};
  const LayoutResult out = layoutLayeredDag(in);
  EXPECT_EQ(out.crossings, 0);
  EXPECT_EQ(out.center[0].x < out.center[1].x, out.center[3].x < out.center[2].x);
  expectNoOverlap(in, out);
}

TEST(GraphLayout, DetectorLikeGraphHasNoOverlapsAndEdgesGoDown) {
  const LayoutInput in = detectorLike(120);
  const LayoutResult out = layoutLayeredDag(in);
  EXPECT_GE(out.layerCount, 120);
  expectNoOverlap(in, out);
  expectEdgesDownward(in, out);
  EXPECT_GT(out.height, 0);
}

TEST(GraphLayout, SameInputSameLayout) {
  const LayoutInput in = detectorLike(80);
  const LayoutResult a = layoutLayeredDag(in);
  const LayoutResult b = layoutLayeredDag(in);
  EXPECT_EQ(a.layer, b.layer);
  EXPECT_EQ(a.order, b.order);
  ASSERT_EQ(a.center.size(), b.center.size());
  for (size_t i = 0; i < a.center.size(); ++i) {
    EXPECT_EQ(a.center[i].x, b.center[i].x);
    EXPECT_EQ(a.center[i].y, b.center[i].y);
  }
  EXPECT_EQ(a.crossings, b.crossings);
}

TEST(GraphLayout, FanOutSiblingsShareALayer) {
  // One producer, three consumers, one join: a diamond of width three.
  LayoutInput in;
  in.boxes.assign(5, {100, 40});
  in.edges = {{0, 1}, {0, 2}, {0, 3}, {1, 4}, {2, 4}, {3, 4}};
  const LayoutResult out = layoutLayeredDag(in);
  EXPECT_EQ(out.layer, (std::vector<int>{0, 1, 1, 1, 2}));
  EXPECT_EQ(out.crossings, 0);
  // The producer sits over the middle of its consumers.
  EXPECT_NEAR(out.center[0].x, out.center[2].x, 1e-6);
  EXPECT_NEAR(out.center[4].x, out.center[0].x, 1e-6);
  expectNoOverlap(in, out);
}

TEST(GraphLayout, BadEdgesAndCyclesDoNotHang) {
  LayoutInput in;
  in.boxes.assign(3, {50, 20});
  in.edges = {{0, 1}, {1, 0}, {2, 2}, {0, 7}, {-1, 1}, {0, 1}};
  const LayoutResult out = layoutLayeredDag(in);
  ASSERT_EQ(out.edgePoints.size(), in.edges.size());
  EXPECT_FALSE(out.edgePoints[0].empty());
  EXPECT_TRUE(out.edgePoints[1].empty());  // closes the cycle: ignored
  EXPECT_TRUE(out.edgePoints[2].empty());  // self loop
  EXPECT_TRUE(out.edgePoints[3].empty());  // out of range
  EXPECT_EQ(out.edgePoints[5].size(), out.edgePoints[0].size());  // duplicate
  expectNoOverlap(in, out);
}

}  // namespace
}  // namespace whittle::ui
