#pragma once
// Layered (Sugiyama-style) layout of a DAG drawn top to bottom, as a pure
// function of box sizes and edges: no Qt, no torch, so it is unit-tested on
// its own (tests/ui/graph_layout_test.cpp) and reused by GraphView.
//
// Steps:
// 1. Layering: longest path from the sources (layer(v) = 1 + max layer of its
//    predecessors, sources in layer 0), so every edge points strictly
//    downward and a side branch (an SSD head) sits right below the map it
//    reads. Edges that would close a cycle are ignored for layering (a DAG
//    has none).
// 2. Edges spanning several layers get one thin dummy box per crossed layer,
//    so they take part in ordering and bend around boxes.
// 3. Ordering: start in input order, then `sweeps` rounds of barycentre
//    sweeps (down using predecessors, up using successors), stable ties; the
//    ordering with the fewest crossings seen wins.
// 4. Coordinates: layers stacked with `layerGap`; within a layer boxes keep
//    their order with at least `nodeGap` between them, and each round pulls
//    every box towards the mean x of its neighbours in the adjacent layer
//    (least-squares under the order/spacing constraints, solved exactly by
//    pool-adjacent-violators).
// Deterministic: the same input always gives the same output.
#include <utility>
#include <vector>

namespace whittle::ui {

struct LayoutPoint {
  double x = 0;
  double y = 0;
};

struct LayoutInput {
  struct Box {
    double width = 0;
    double height = 0;
  };
  std::vector<Box> boxes;
  std::vector<std::pair<int, int>> edges;  // (from, to) box indices
  double layerGap = 36;   // vertical space between layers
  double nodeGap = 20;    // horizontal space between neighbours in a layer
  double dummyWidth = 8;  // width reserved for an edge passing through a layer
  int sweeps = 4;         // barycentre rounds (each: one down, one up)
};

struct LayoutResult {
  std::vector<int> layer;            // per box
  std::vector<int> order;            // per box: position within its layer (dummies included)
  std::vector<LayoutPoint> center;   // per box
  // Per input edge: the polyline from the bottom centre of `from` through
  // the dummy positions to the top centre of `to` (empty for a self loop or
  // an ignored cycle edge).
  std::vector<std::vector<LayoutPoint>> edgePoints;
  int layerCount = 0;
  int crossings = 0;  // edge crossings between adjacent layers, final order
  double width = 0;   // bounding box, from (0, 0)
  double height = 0;
};

LayoutResult layoutLayeredDag(const LayoutInput& input);

}  // namespace whittle::ui
