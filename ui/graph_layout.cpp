#include "ui/graph_layout.h"

#include <algorithm>
#include <limits>
#include <map>
#include <queue>
#include <set>

namespace whittle::ui {

namespace {

// Vertices of the layered graph: the boxes, then one dummy per layer crossed
// by a long edge. Every layered edge joins layer L to layer L + 1.
struct Layered {
  int vertexCount = 0;
  std::vector<int> layer;                  // per vertex
  std::vector<std::vector<int>> up;        // neighbours in layer - 1
  std::vector<std::vector<int>> down;      // neighbours in layer + 1
  std::vector<std::vector<int>> layers;    // vertex ids per layer, in order
  std::vector<std::vector<int>> chains;    // per input edge: from, dummies..., to (or empty)
};

// Kahn's algorithm taking the lowest index first; vertices left on a cycle
// follow in index order. Returns each box's position in that order.
std::vector<int> topologicalPositions(int n, const std::vector<std::vector<int>>& succ,
                                      const std::vector<int>& inDegree) {
  std::vector<int> degree = inDegree;
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int v = 0; v < n; ++v)
    if (degree[v] == 0) ready.push(v);
  std::vector<int> position(n, -1);
  int next = 0;
  while (!ready.empty()) {
    const int v = ready.top();
    ready.pop();
    position[v] = next++;
    for (int w : succ[v])
      if (--degree[w] == 0) ready.push(w);
  }
  for (int v = 0; v < n; ++v)
    if (position[v] < 0) position[v] = next++;
  return position;
}

Layered buildLayered(const LayoutInput& input) {
  const int n = static_cast<int>(input.boxes.size());
  Layered g;
  // Unique, valid, non-loop edges.
  std::set<std::pair<int, int>> unique;
  for (const auto& [from, to] : input.edges) {
    if (from < 0 || to < 0 || from >= n || to >= n || from == to) continue;
    unique.insert({from, to});
  }
  std::vector<std::vector<int>> succ(n);
  std::vector<int> inDegree(n, 0);
  for (const auto& [from, to] : unique) {
    succ[from].push_back(to);
    ++inDegree[to];
  }
  const std::vector<int> position = topologicalPositions(n, succ, inDegree);
  std::vector<int> byPosition(n);
  for (int v = 0; v < n; ++v) byPosition[position[v]] = v;

  // Longest path from the sources, ignoring edges against the order.
  std::vector<std::vector<int>> pred(n);
  for (const auto& [from, to] : unique)
    if (position[from] < position[to]) pred[to].push_back(from);
  g.layer.assign(n, 0);
  for (int v : byPosition)
    for (int p : pred[v]) g.layer[v] = std::max(g.layer[v], g.layer[p] + 1);
  int layerCount = 0;
  for (int v = 0; v < n; ++v) layerCount = std::max(layerCount, g.layer[v] + 1);

  g.vertexCount = n;
  g.up.assign(n, {});
  g.down.assign(n, {});
  auto link = [&g](int a, int b) {
    g.down[a].push_back(b);
    g.up[b].push_back(a);
  };
  // Each input edge's chain; duplicates share the first one's dummies.
  std::map<std::pair<int, int>, std::vector<int>> chainOf;
  g.chains.resize(input.edges.size());
  for (size_t e = 0; e < input.edges.size(); ++e) {
    const auto [from, to] = input.edges[e];
    if (unique.count({from, to}) == 0 || position[from] >= position[to]) continue;
    auto found = chainOf.find({from, to});
    if (found != chainOf.end()) {
      g.chains[e] = found->second;
      continue;
    }
    std::vector<int> chain{from};
    int previous = from;
    for (int l = g.layer[from] + 1; l < g.layer[to]; ++l) {
      const int dummy = g.vertexCount++;
      g.layer.push_back(l);
      g.up.emplace_back();
      g.down.emplace_back();
      link(previous, dummy);
      chain.push_back(dummy);
      previous = dummy;
    }
    link(previous, to);
    chain.push_back(to);
    chainOf[{from, to}] = chain;
    g.chains[e] = chain;
  }
  g.layers.assign(layerCount, {});
  for (int v = 0; v < g.vertexCount; ++v) g.layers[g.layer[v]].push_back(v);
  return g;
}

int countCrossings(const Layered& g, const std::vector<int>& pos) {
  int total = 0;
  for (size_t l = 0; l + 1 < g.layers.size(); ++l) {
    std::vector<std::pair<int, int>> ends;
    for (int v : g.layers[l])
      for (int w : g.down[v]) ends.push_back({pos[v], pos[w]});
    std::sort(ends.begin(), ends.end());
    for (size_t i = 0; i < ends.size(); ++i)
      for (size_t j = i + 1; j < ends.size(); ++j)
        if (ends[i].first < ends[j].first && ends[i].second > ends[j].second) ++total;
  }
  return total;
}

void refreshPositions(const Layered& g, std::vector<int>& pos) {
  for (const auto& layer : g.layers)
    for (size_t i = 0; i < layer.size(); ++i) pos[layer[i]] = static_cast<int>(i);
}

// Reorders one layer by the mean position of each vertex's neighbours in the
// reference layer; vertices without neighbours keep their position.
void sortByBarycentre(std::vector<int>& layer, const std::vector<std::vector<int>>& neighbours,
                      std::vector<int>& pos) {
  std::vector<std::pair<double, int>> keyed;
  keyed.reserve(layer.size());
  for (int v : layer) {
    double key = pos[v];
    if (!neighbours[v].empty()) {
      double sum = 0;
      for (int w : neighbours[v]) sum += pos[w];
      key = sum / static_cast<double>(neighbours[v].size());
    }
    keyed.push_back({key, v});
  }
  std::stable_sort(keyed.begin(), keyed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < keyed.size(); ++i) {
    layer[i] = keyed[i].second;
    pos[layer[i]] = static_cast<int>(i);
  }
}

void orderLayers(Layered& g, int sweeps) {
  std::vector<int> pos(g.vertexCount, 0);
  refreshPositions(g, pos);
  // The initial order (input order) spreads badly for dummies: one down sweep
  // first, so every layer follows the one above.
  for (size_t l = 1; l < g.layers.size(); ++l) sortByBarycentre(g.layers[l], g.up, pos);
  std::vector<std::vector<int>> best = g.layers;
  int bestCrossings = countCrossings(g, pos);
  for (int round = 0; round < sweeps && bestCrossings > 0; ++round) {
    for (int l = static_cast<int>(g.layers.size()) - 2; l >= 0; --l)
      sortByBarycentre(g.layers[l], g.down, pos);
    for (size_t l = 1; l < g.layers.size(); ++l) sortByBarycentre(g.layers[l], g.up, pos);
    const int crossings = countCrossings(g, pos);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = g.layers;
    }
  }
  g.layers = best;
}

// Least-squares positions for one layer: x[i] as close as possible to
// desired[i] with x[i + 1] - x[i] >= (w[i] + w[i + 1]) / 2 + gap.
// Pool-adjacent-violators on the offset-free targets.
void placeLayer(const std::vector<int>& layer, const std::vector<double>& desired,
                const std::vector<double>& width, double gap, std::vector<double>& x) {
  const size_t k = layer.size();
  std::vector<double> offset(k, 0.0);
  for (size_t i = 1; i < k; ++i)
    offset[i] = offset[i - 1] + (width[layer[i - 1]] + width[layer[i]]) / 2 + gap;
  struct Block {
    double sum;
    int count;
    double value() const { return sum / count; }
  };
  std::vector<Block> blocks;
  for (size_t i = 0; i < k; ++i) {
    blocks.push_back({desired[i] - offset[i], 1});
    while (blocks.size() >= 2 &&
           blocks[blocks.size() - 1].value() < blocks[blocks.size() - 2].value()) {
      Block top = blocks.back();
      blocks.pop_back();
      blocks.back().sum += top.sum;
      blocks.back().count += top.count;
    }
  }
  size_t i = 0;
  for (const Block& block : blocks)
    for (int c = 0; c < block.count; ++c, ++i) x[layer[i]] = block.value() + offset[i];
}

void pullTowards(const Layered& g, const std::vector<std::vector<int>>& neighbours,
                 const std::vector<std::vector<int>>* second, int l,
                 const std::vector<double>& width, double gap, std::vector<double>& x) {
  const std::vector<int>& layer = g.layers[l];
  std::vector<double> desired(layer.size());
  for (size_t i = 0; i < layer.size(); ++i) {
    const int v = layer[i];
    double sum = 0;
    int count = 0;
    for (int w : neighbours[v]) sum += x[w], ++count;
    if (second != nullptr)
      for (int w : (*second)[v]) sum += x[w], ++count;
    desired[i] = count > 0 ? sum / count : x[v];
  }
  placeLayer(layer, desired, width, gap, x);
}

}  // namespace

LayoutResult layoutLayeredDag(const LayoutInput& input) {
  const int n = static_cast<int>(input.boxes.size());
  LayoutResult result;
  result.layer.assign(n, 0);
  result.order.assign(n, 0);
  result.center.assign(n, {});
  result.edgePoints.assign(input.edges.size(), {});
  if (n == 0) return result;

  Layered g = buildLayered(input);
  orderLayers(g, input.sweeps);
  std::vector<int> pos(g.vertexCount, 0);
  refreshPositions(g, pos);
  result.crossings = countCrossings(g, pos);
  result.layerCount = static_cast<int>(g.layers.size());

  std::vector<double> width(g.vertexCount, input.dummyWidth);
  for (int v = 0; v < n; ++v) width[v] = input.boxes[v].width;

  // x: packed left to right, then pulled towards the neighbours, alternating
  // down and up, and a last round using both sides.
  std::vector<double> x(g.vertexCount, 0.0);
  for (const auto& layer : g.layers) {
    double left = 0;
    for (int v : layer) {
      x[v] = left + width[v] / 2;
      left += width[v] + input.nodeGap;
    }
  }
  const int layers = static_cast<int>(g.layers.size());
  const int rounds = std::max(2, input.sweeps);
  for (int round = 0; round < rounds; ++round) {
    for (int l = 1; l < layers; ++l) pullTowards(g, g.up, nullptr, l, width, input.nodeGap, x);
    for (int l = layers - 2; l >= 0; --l)
      pullTowards(g, g.down, nullptr, l, width, input.nodeGap, x);
  }
  for (int l = 0; l < layers; ++l) pullTowards(g, g.up, &g.down, l, width, input.nodeGap, x);

  double minLeft = std::numeric_limits<double>::max();
  double maxRight = std::numeric_limits<double>::lowest();
  for (int v = 0; v < g.vertexCount; ++v) {
    minLeft = std::min(minLeft, x[v] - width[v] / 2);
    maxRight = std::max(maxRight, x[v] + width[v] / 2);
  }
  for (double& value : x) value -= minLeft;

  // y: layers stacked, each as tall as its tallest box, boxes centred in it.
  std::vector<double> top(layers, 0.0);
  std::vector<double> height(layers, 0.0);
  for (int v = 0; v < n; ++v)
    height[g.layer[v]] = std::max(height[g.layer[v]], input.boxes[v].height);
  double y = 0;
  for (int l = 0; l < layers; ++l) {
    top[l] = y;
    y += height[l] + input.layerGap;
  }
  result.width = maxRight - minLeft;
  result.height = y - input.layerGap;

  for (int v = 0; v < n; ++v) {
    result.layer[v] = g.layer[v];
    result.order[v] = pos[v];
    result.center[v] = {x[v], top[g.layer[v]] + height[g.layer[v]] / 2};
  }
  for (size_t e = 0; e < g.chains.size(); ++e) {
    const std::vector<int>& chain = g.chains[e];
    if (chain.size() < 2) continue;
    std::vector<LayoutPoint>& points = result.edgePoints[e];
    const int from = chain.front();
    const int to = chain.back();
    points.push_back({x[from], result.center[from].y + input.boxes[from].height / 2});
    for (size_t i = 1; i + 1 < chain.size(); ++i) {
      const int d = chain[i];
      points.push_back({x[d], top[g.layer[d]]});
      points.push_back({x[d], top[g.layer[d]] + height[g.layer[d]]});
    }
    points.push_back({x[to], result.center[to].y - input.boxes[to].height / 2});
  }
  return result;
}

}  // namespace whittle::ui
