#include "graph/dump.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "graph/graph_builder.h"

namespace whittle {
namespace {

Graph small_graph() {
  GraphBuilder b;
  b.set_metadata("whittle.family", "test");
  auto x = b.input("input", {1, 3, 16, 16});
  auto c = b.conv_bn_act("stem", x, 8, 3, {.stride = 2, .padding = 1}, Op::ReLU6);
  auto p = b.max_pool("pool", c, 3, 2, 1, false);
  auto n = b.l2norm("norm", p);
  auto u = b.upsample("up", n, 2);
  auto cat = b.concat("cat", {u, c});
  b.output(b.leaky_relu("out", cat, 0.1));
  return b.build();
}

TEST(Dump, MatchesGoldenFile) {
  std::string golden_path = std::string(WHITTLE_TEST_DATA_DIR) + "/graph/dump_small.txt";
  std::string text = dump_graph(small_graph());
  std::ifstream in(golden_path);
  if (!in) {
    // First run writes the golden file for review; the test fails so it is noticed.
    std::ofstream(golden_path) << text;
    FAIL() << "wrote missing golden file " << golden_path;
  }
  std::stringstream golden;
  golden << in.rdbuf();
  EXPECT_EQ(text, golden.str());
}

TEST(Dump, ShowsUnknownShapesForInvalidGraphs) {
  Graph g = small_graph();
  g.node("stem").weights["weight"] = g.node("stem").weights["weight"].narrow(1, 0, 2);
  std::string text = dump_graph(g);
  EXPECT_NE(text.find("stem.bn = BatchNorm(stem) eps=1e-05 momentum=0.1 {bias[8] running_mean[8] running_var[8] weight[8]} -> ?") ,
            std::string::npos) << text;
}

}  // namespace
}  // namespace whittle
