#include "graph/graph.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/graph_builder.h"

namespace whittle {
namespace {

Graph residual_graph() {
  GraphBuilder b;
  auto x = b.input("input", {1, 4, 8, 8});
  auto c1 = b.conv("conv1", x, 4, 3, {.padding = 1});
  auto r = b.relu("relu1", c1);
  auto s = b.add("sum", r, x);
  b.output(s);
  return b.build();
}

TEST(Graph, ProducersAndConsumers) {
  Graph g = residual_graph();
  EXPECT_EQ(g.producer("conv1"), 0);
  EXPECT_EQ(g.producer("input"), -1);
  EXPECT_EQ(g.consumers("input"), (std::vector<int>{0, 2}));
  EXPECT_TRUE(g.is_input("input"));
  EXPECT_TRUE(g.is_output("sum"));
  EXPECT_FALSE(g.is_output("relu1"));
}

TEST(Graph, ValuesListInputsThenNodeOutputs) {
  auto values = residual_graph().values();
  ASSERT_EQ(values.size(), 4u);
  EXPECT_EQ(values[0].name, "input");
  EXPECT_EQ(values[0].consumers, (std::vector<int>{0, 2}));
  EXPECT_EQ(values[3].name, "sum");
  EXPECT_TRUE(values[3].is_graph_output);
  EXPECT_EQ(values[1].producer, 0);
}

TEST(Graph, NodeLookupErrorsNameTheNode) {
  Graph g = residual_graph();
  EXPECT_EQ(g.node("relu1").op, Op::ReLU);
  try {
    g.node("nope");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
  try {
    g.node("conv1").weight("gamma");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "(Conv conv1) has no weight 'gamma'");
  }
}

TEST(Graph, CloneOwnsItsWeights) {
  Graph g = residual_graph();
  Graph c = g.clone();
  c.node("conv1").weights["weight"].add_(1.0);
  EXPECT_FALSE(at::equal(c.node("conv1").weight("weight"), g.node("conv1").weight("weight")));
  Graph shallow = g;  // plain copies share tensors
  shallow.node("conv1").weights["weight"].add_(1.0);
  EXPECT_TRUE(at::equal(shallow.node("conv1").weight("weight"), g.node("conv1").weight("weight")));
}

TEST(Graph, OpNamesRoundTrip) {
  for (Op op : all_ops()) EXPECT_EQ(op_from_name(op_name(op)), op);
  EXPECT_EQ(all_ops().size(), 19u);
  EXPECT_FALSE(op_from_name("Softmax").has_value());
}

TEST(Graph, BuilderIsDeterministicForASeed) {
  Graph a = residual_graph();
  Graph b = residual_graph();
  EXPECT_TRUE(at::equal(a.node("conv1").weight("weight"), b.node("conv1").weight("weight")));
  GraphBuilder other(7);
  auto x = other.input("input", {1, 4, 8, 8});
  other.output(other.conv("conv1", x, 4, 3, {.padding = 1}));
  EXPECT_FALSE(at::equal(a.node("conv1").weight("weight"),
                         other.build().node("conv1").weight("weight")));
}

}  // namespace
}  // namespace whittle
