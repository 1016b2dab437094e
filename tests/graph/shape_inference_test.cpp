#include "graph/shape_inference.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/graph_builder.h"

namespace whittle {
namespace {

std::string error_of(const Graph& g) {
  try {
    validate(g);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ShapeInference, ConvStridePaddingDilation) {
  GraphBuilder b;
  auto x = b.input("input", {2, 3, 33, 31});
  auto c = b.conv("c", x, 8, 3, {.stride = 2, .padding = 1});
  auto d = b.conv("d", c, 8, 3, {.padding = 2, .dilation = 2, .groups = 8});
  auto e = b.conv("e", d, 5, 1, {.bias = false});
  b.output(e);
  Graph g = b.build();
  ShapeMap s = infer_shapes(g);
  EXPECT_EQ(s["c"], (Shape{2, 8, 17, 16}));  // floor((33+2-3)/2)+1, floor((31+2-3)/2)+1
  EXPECT_EQ(s["d"], (Shape{2, 8, 17, 16}));
  EXPECT_EQ(s["e"], (Shape{2, 5, 17, 16}));
  // Another resolution through the override.
  EXPECT_EQ(infer_shapes(g, {{"input", {1, 3, 8, 8}}})["e"], (Shape{1, 5, 4, 4}));
}

TEST(ShapeInference, PoolCeilModeFollowsPyTorch) {
  GraphBuilder b;
  auto x = b.input("input", {1, 2, 75, 75});
  auto floor_pool = b.max_pool("floor", x, 2, 2);
  auto ceil_pool = b.max_pool("ceil", x, 2, 2, 0, true);
  // SSD pool5: 3x3, stride 1, pad 1 keeps 19x19
  auto same = b.max_pool("same", x, 3, 1, 1);
  // PyTorch drops a last window that starts in the padding: 5 -> ceil((5+2-3)/2)+1 = 3, not 4
  auto in5 = b.input("in5", {1, 1, 5, 5});
  auto edge = b.avg_pool("edge", in5, 3, 2, 1, true);
  for (auto v : {floor_pool, ceil_pool, same, edge}) b.output(v);
  ShapeMap s = infer_shapes(b.build());
  EXPECT_EQ(s["floor"], (Shape{1, 2, 37, 37}));
  EXPECT_EQ(s["ceil"], (Shape{1, 2, 38, 38}));
  EXPECT_EQ(s["same"], (Shape{1, 2, 75, 75}));
  EXPECT_EQ(s["edge"], (Shape{1, 1, 3, 3}));
}

TEST(ShapeInference, ConcatUpsampleFlattenLinear) {
  GraphBuilder b;
  auto x = b.input("input", {1, 4, 5, 5});
  auto u = b.upsample("up", x, 2);
  auto v = b.upsample_to("up_to", x, 10, 10);
  auto c = b.concat("cat", {u, v, u});
  auto g = b.global_avg_pool("gap", c);
  auto f = b.flatten("flat", g);
  auto l = b.linear("fc", f, 7);
  b.output(l);
  ShapeMap s = infer_shapes(b.build());
  EXPECT_EQ(s["cat"], (Shape{1, 12, 10, 10}));
  EXPECT_EQ(s["flat"], (Shape{1, 12}));
  EXPECT_EQ(s["fc"], (Shape{1, 7}));
}

TEST(Validation, ConvInChannelsNamesNodeOpAndRule) {
  GraphBuilder b;
  auto x = b.input("input", {1, 32, 8, 8});
  b.output(b.conv("backbone.conv2", x, 16, 3, {.padding = 1}));
  Graph g = b.build();
  g.node("backbone.conv2").weights["weight"] = at::zeros({16, 64, 3, 3});
  EXPECT_EQ(error_of(g), "(Conv backbone.conv2) in_channels 64 != producer channels 32");
}

TEST(Validation, StructuralRules) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto r = b.relu("r", x);
  b.output(b.sigmoid("s", r));
  Graph good = b.build();
  EXPECT_EQ(error_of(good), "");

  Graph unordered = good;
  std::swap(unordered.nodes[0], unordered.nodes[1]);
  EXPECT_NE(error_of(unordered).find("(Sigmoid s) input 'r' is not produced before the node"),
            std::string::npos);

  Graph twice = good;
  twice.nodes[1].output = "r";
  EXPECT_NE(error_of(twice).find("(Sigmoid s) output 'r' is produced twice"), std::string::npos);

  Graph no_output = good;
  no_output.outputs = {"missing"};
  EXPECT_EQ(error_of(no_output), "graph output 'missing' is not produced by any node");

  Graph no_weight = good;
  no_weight.nodes.push_back({"fc", Op::Linear, {"s"}, "fc"});
  EXPECT_EQ(error_of(no_weight), "(Linear fc) has no weight 'weight'");
}

TEST(Validation, ShapeRules) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.input("other", {1, 4, 8, 8});
  auto p = b.max_pool("p", x, 2, 2);
  b.output(p);
  b.output(y);
  Graph g = b.build();

  Graph add = g;
  add.nodes.push_back({"sum", Op::Add, {"input", "other"}, "sum"});
  EXPECT_EQ(error_of(add), "(Add sum) input shapes [1,3,8,8] and [1,4,8,8] differ");

  Graph cat = g;
  cat.nodes.push_back({"cat", Op::Concat, {"input", "p"}, "cat"});
  EXPECT_NE(error_of(cat).find("(Concat cat) input 1 shape [1,3,4,4] does not match"),
            std::string::npos);

  Graph tiny = g;
  tiny.nodes.push_back({"big", Op::MaxPool2d, {"p"}, "big"});
  tiny.nodes.back().attrs.set("kernel", std::vector<int64_t>{9, 9});
  EXPECT_NE(error_of(tiny).find("(MaxPool big) output height < 1"), std::string::npos);

  Graph fc = g;
  fc.nodes.push_back({"flat", Op::Flatten, {"p"}, "flat"});
  fc.nodes.push_back({"fc", Op::Linear, {"flat"}, "fc"});
  fc.nodes.back().weights["weight"] = at::zeros({10, 47});
  EXPECT_EQ(error_of(fc), "(Linear fc) in_features 47 != producer features 48");

  Graph bn = g;
  bn.nodes.push_back({"bn", Op::BatchNorm2d, {"input"}, "bn"});
  for (auto k : {"weight", "bias", "running_mean", "running_var"})
    bn.nodes.back().weights[k] = at::ones({4});
  EXPECT_EQ(error_of(bn), "(BatchNorm bn) weight 'weight' has shape [4], expected [3]");
}

TEST(Validation, SqueezeExcitationMulBroadcasts) {
  GraphBuilder b;
  auto x = b.input("input", {1, 8, 6, 6});
  auto g = b.global_avg_pool("gap", x);
  auto s = b.sigmoid("gate", b.conv("fc", g, 8, 1));
  b.output(b.mul("scaled", x, s));
  EXPECT_EQ(infer_shapes(b.build())["scaled"], (Shape{1, 8, 6, 6}));
}

}  // namespace
}  // namespace whittle
