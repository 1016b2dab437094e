#include "prune/channel_groups.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <numeric>

#include "graph/error.h"
#include "graph/graph_builder.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/prune_test_data.h"

namespace whittle {
namespace {

std::vector<int64_t> iota(int64_t n, int64_t start = 0) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  std::iota(v.begin(), v.end(), start);
  return v;
}

const ChannelMember* member(const ChannelGroup& g, const std::string& node, ChannelRole role) {
  for (const auto& m : g.members)
    if (m.node == node && m.role == role) return &m;
  return nullptr;
}

// "node:role" of every member, for readable failures.
std::string describe(const ChannelGroup& g) {
  std::string s = g.name + " (" + std::to_string(g.channels) + (g.prunable ? "" : ", " + g.reason) + "):";
  for (const auto& m : g.members) s += " " + m.node + ":" + channel_role_name(m.role);
  return s;
}

std::string describe(const ChannelGroups& groups) {
  std::string s;
  for (const auto& g : groups.groups) s += describe(g) + "\n";
  return s;
}

TEST(ChannelGroups, PlainChainGroupsEachConvWithItsConsumers) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 16, 16});
  auto y = b.relu("relu1", b.batch_norm("bn1", b.conv("conv1", x, 8, 3, {.padding = 1})));
  y = b.relu("relu2", b.conv("conv2", y, 16, 3, {.padding = 1}));
  y = b.linear("fc", b.flatten("flat", b.global_avg_pool("gap", y)), 10);
  b.output(y);
  ChannelGroups groups = channel_groups(b.build());
  ASSERT_EQ(groups.groups.size(), 3u) << describe(groups);

  const ChannelGroup& g1 = groups.group("conv1");
  EXPECT_TRUE(g1.prunable) << g1.reason;
  EXPECT_EQ(g1.channels, 8);
  ASSERT_EQ(g1.members.size(), 4u) << describe(g1);
  EXPECT_EQ(g1.members[0].node, "conv1");
  EXPECT_EQ(g1.members[0].role, ChannelRole::Filters);
  EXPECT_EQ(g1.members[1].node, "bn1");
  EXPECT_EQ(g1.members[1].role, ChannelRole::Norm);
  EXPECT_EQ(g1.members[2].role, ChannelRole::PassThrough);
  EXPECT_EQ(g1.members[3].node, "conv2");
  EXPECT_EQ(g1.members[3].role, ChannelRole::ConvInput);
  for (const auto& m : g1.members) EXPECT_EQ(m.channels, iota(8)) << m.node;
  EXPECT_EQ(g1.filter_nodes(), std::vector<std::string>{"conv1"});

  const ChannelGroup& g2 = groups.group("conv2");
  EXPECT_TRUE(g2.prunable) << g2.reason;
  EXPECT_EQ(g2.channels, 16);
  const ChannelMember* fc = member(g2, "fc", ChannelRole::LinearInput);
  ASSERT_NE(fc, nullptr) << describe(g2);
  EXPECT_EQ(fc->block, 1);
  EXPECT_NE(member(g2, "gap", ChannelRole::PassThrough), nullptr);
  EXPECT_NE(member(g2, "flat", ChannelRole::PassThrough), nullptr);

  // The image's channels: consumed by conv1, never prunable.
  const ChannelGroup& in = groups.groups[1];
  EXPECT_EQ(in.channels, 3);
  EXPECT_FALSE(in.prunable);
  EXPECT_NE(in.reason.find("'input'"), std::string::npos) << in.reason;
  EXPECT_EQ(in.name, "conv1#2");
  for (size_t i = 0; i < groups.groups.size(); ++i) EXPECT_EQ(groups.groups[i].id, static_cast<int>(i));
}

TEST(ChannelGroups, ResidualAddTiesChannels) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 16, 16});
  auto s = b.conv_bn_act("stem", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto a = b.conv_bn_act("a", s, 8, 3, {.padding = 1}, Op::Identity);
  auto c = b.conv_bn_act("b", s, 8, 1, {}, Op::Identity);
  auto y = b.relu("relu", b.add("add", a, c));
  b.output(b.conv("out", y, 4, 1));
  ChannelGroups groups = channel_groups(b.build());

  const ChannelGroup& g = groups.group("a");
  EXPECT_TRUE(g.prunable) << g.reason;
  EXPECT_EQ(g.channels, 8);
  EXPECT_EQ(g.filter_nodes(), (std::vector<std::string>{"a", "b"})) << describe(g);
  EXPECT_NE(member(g, "a.bn", ChannelRole::Norm), nullptr);
  EXPECT_NE(member(g, "b.bn", ChannelRole::Norm), nullptr);
  EXPECT_NE(member(g, "add", ChannelRole::PassThrough), nullptr);
  EXPECT_NE(member(g, "out", ChannelRole::ConvInput), nullptr);
  EXPECT_EQ(groups.find("b"), -1) << "b's filters belong to a's group";
  // stem feeds both convs: one group with two ConvInput members.
  const ChannelGroup& stem = groups.group("stem");
  EXPECT_NE(member(stem, "a", ChannelRole::ConvInput), nullptr);
  EXPECT_NE(member(stem, "b", ChannelRole::ConvInput), nullptr);
  EXPECT_EQ(groups.groups_of("a"), (std::vector<int>{groups.find("stem"), groups.find("a")}));
}

TEST(ChannelGroups, ConcatOffsetsConsumerInputChannels) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto a = b.relu("a.relu", b.conv("a", x, 4, 1));
  auto c = b.relu("c.relu", b.conv("c", x, 6, 1));
  auto cat = b.concat("cat", {a, c});
  b.output(b.conv("out", cat, 5, 1));
  ChannelGroups groups = channel_groups(b.build());

  const ChannelGroup& ga = groups.group("a");
  const ChannelGroup& gc = groups.group("c");
  EXPECT_TRUE(ga.prunable && gc.prunable);
  ASSERT_NE(member(ga, "out", ChannelRole::ConvInput), nullptr) << describe(ga);
  EXPECT_EQ(member(ga, "out", ChannelRole::ConvInput)->channels, iota(4));
  EXPECT_EQ(member(gc, "out", ChannelRole::ConvInput)->channels, iota(6, 4));
  EXPECT_EQ(member(gc, "cat", ChannelRole::PassThrough)->channels, iota(6, 4));
  EXPECT_EQ(member(gc, "c", ChannelRole::Filters)->channels, iota(6));
  EXPECT_LT(groups.find("a"), groups.find("c"));
}

TEST(ChannelGroups, DepthwiseConvJoinsItsInputGroup) {
  ChannelGroups groups = channel_groups(test::depthwise_graph());

  const ChannelGroup& g = groups.group("pw1");
  EXPECT_TRUE(g.prunable) << g.reason;
  EXPECT_EQ(g.channels, 16);
  EXPECT_EQ(g.filter_nodes(), std::vector<std::string>{"pw1"});
  std::vector<std::string> nodes;
  for (const auto& m : g.members) nodes.push_back(m.node + ":" + channel_role_name(m.role));
  EXPECT_EQ(nodes, (std::vector<std::string>{"pw1:filters", "pw1.bn:norm", "pw1.act:pass_through",
                                             "dw:depthwise", "dw.bn:norm", "dw.act:pass_through",
                                             "pw2:conv_input"}));
  EXPECT_EQ(groups.find("dw"), -1);
  EXPECT_TRUE(groups.group("pw2").prunable);
}

TEST(ChannelGroups, FlattenLinearColumnsComeInBlocks) {
  ChannelGroups groups = channel_groups(test::flatten_linear_graph());

  const ChannelGroup& g = groups.group("conv");
  EXPECT_TRUE(g.prunable) << g.reason;
  const ChannelMember* fc = member(g, "fc1", ChannelRole::LinearInput);
  ASSERT_NE(fc, nullptr) << describe(g);
  EXPECT_EQ(fc->block, 16);  // 4 x 4 after the pool
  EXPECT_EQ(fc->channels, iota(6));
  EXPECT_EQ(groups.groups_of("fc2"), std::vector<int>{});  // Linear outputs are not channels
}

TEST(ChannelGroups, FlattenIntoAnythingButLinearIsNotPrunable) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.flatten("flat", b.relu("relu", b.conv("conv", x, 6, 3, {.padding = 1})));
  b.output(b.linear("fc", b.relu("flat.relu", y), 5));
  ChannelGroups groups = channel_groups(b.build());
  const ChannelGroup& g = groups.group("conv");
  EXPECT_FALSE(g.prunable);
  EXPECT_NE(g.reason.find("(ReLU flat.relu)"), std::string::npos) << g.reason;
}

TEST(ChannelGroups, SqueezeExcitationMulTiesGate) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.conv_bn_act("conv", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto s = b.relu("se.reduce.relu", b.conv("se.reduce", b.global_avg_pool("se.pool", y), 2, 1));
  s = b.sigmoid("se.gate", b.conv("se.expand", s, 8, 1));
  b.output(b.conv("out", b.mul("se.mul", y, s), 4, 1));
  ChannelGroups groups = channel_groups(b.build());

  const ChannelGroup& g = groups.group("conv");
  EXPECT_TRUE(g.prunable) << g.reason;
  EXPECT_EQ(g.filter_nodes(), (std::vector<std::string>{"conv", "se.expand"})) << describe(g);
  EXPECT_NE(member(g, "se.reduce", ChannelRole::ConvInput), nullptr);
  EXPECT_NE(member(g, "se.mul", ChannelRole::PassThrough), nullptr);
  EXPECT_NE(member(g, "out", ChannelRole::ConvInput), nullptr);
  const ChannelGroup& r = groups.group("se.reduce");
  EXPECT_EQ(r.channels, 2);
  EXPECT_NE(member(r, "se.expand", ChannelRole::ConvInput), nullptr);
}

TEST(ChannelGroups, GraphOutputsAndInputsAreNotPrunable) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.relu("relu", b.conv("conv", x, 8, 3));
  auto z = b.conv("head", y, 6, 1);
  b.output(z);
  b.output(b.conv("side", b.conv("mid", y, 4, 1), 2, 1));
  ChannelGroups groups = channel_groups(b.build());

  EXPECT_TRUE(groups.group("conv").prunable);
  EXPECT_TRUE(groups.group("mid").prunable);
  for (const char* name : {"head", "side"}) {
    const ChannelGroup& g = groups.group(name);
    EXPECT_FALSE(g.prunable) << name;
    EXPECT_NE(g.reason.find(std::string("(Conv ") + name + ")"), std::string::npos) << g.reason;
    EXPECT_NE(g.reason.find("graph output"), std::string::npos) << g.reason;
  }
  const ChannelGroup& in = groups.groups.at(groups.groups_of("conv").at(1));
  EXPECT_EQ(in.channels, 3);
  EXPECT_FALSE(in.prunable);
  EXPECT_EQ(in.reason, "value 'input' is a graph input");
}

TEST(ChannelGroups, GroupedConvIsNotPrunable) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.relu("relu", b.conv("conv", x, 8, 3));
  y = b.conv("grouped", y, 8, 3, {.groups = 2});
  b.output(b.conv("out", b.relu("relu2", y), 4, 1));
  ChannelGroups groups = channel_groups(b.build());
  for (const char* name : {"conv", "grouped"}) {
    const ChannelGroup& g = groups.group(name);
    EXPECT_FALSE(g.prunable) << name;
    EXPECT_NE(g.reason.find("(Conv grouped) is a grouped conv (groups 2"), std::string::npos) << g.reason;
  }
}

TEST(ChannelGroups, ConcatOfOneValueTwiceIsNotPrunable) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.conv("conv", x, 4, 1);
  b.output(b.conv("out", b.concat("cat", {y, y}), 2, 1));
  ChannelGroups groups = channel_groups(b.build());
  const ChannelGroup& g = groups.group("conv");
  EXPECT_FALSE(g.prunable);
  EXPECT_NE(g.reason.find("(Concat cat)"), std::string::npos) << g.reason;
}

TEST(ChannelGroups, SsdliteHeadsFixedBackbonePrunable) {
  Detector d = build_detector_zoo("ssdlite_mobilenet_v2", 20, 0.5, 192);
  ChannelGroups groups = channel_groups(d.graph);
  int prunable = 0, heads = 0;
  for (const auto& g : groups.groups) {
    prunable += g.prunable;
    for (const auto& node : g.filter_nodes()) {
      const bool head_output = d.graph.is_output(node);
      if (head_output) {
        ++heads;
        EXPECT_FALSE(g.prunable) << describe(g);
        EXPECT_NE(g.reason.find(node), std::string::npos) << g.reason;
      }
    }
  }
  EXPECT_EQ(heads, static_cast<int>(d.graph.outputs.size()));
  EXPECT_GT(prunable, 20) << describe(groups);
  EXPECT_TRUE(groups.group("features.0").prunable);
  // The heads' depthwise convs share their source's group.
  bool dw_in_prunable = false;
  for (const auto& g : groups.groups)
    if (member(g, "head.cls.0.dw", ChannelRole::Depthwise)) dw_in_prunable = g.prunable;
  EXPECT_TRUE(dw_in_prunable) << describe(groups);
}

TEST(ChannelGroups, Ssd300Vgg16HeadsFixedBackbonePrunable) {
  Detector d = build_detector_zoo("ssd300_vgg16");
  ChannelGroups groups = channel_groups(d.graph);
  for (const char* name : {"head.cls.0", "head.reg.5"}) {
    const ChannelGroup& g = groups.group(name);
    EXPECT_FALSE(g.prunable);
    EXPECT_NE(g.reason.find(name), std::string::npos) << g.reason;
  }
  for (const char* name : {"features.conv1_1", "features.conv4_3", "fc.fc7", "extras.conv8_1"})
    EXPECT_TRUE(groups.group(name).prunable) << name << ": " << groups.group(name).reason;
  const ChannelGroup& c43 = groups.group("features.conv4_3");
  EXPECT_NE(member(c43, "features.conv4_3.l2norm", ChannelRole::Norm), nullptr) << describe(c43);
  EXPECT_NE(member(c43, "head.cls.0", ChannelRole::ConvInput), nullptr) << describe(c43);
}

TEST(ChannelGroups, OrderAndNamesAreDeterministic) {
  Graph g = build_zoo("mobilenet_v2", {.num_classes = 10, .width = 0.5, .input_size = 64});
  ChannelGroups a = channel_groups(g), b = channel_groups(g);
  EXPECT_EQ(describe(a), describe(b));
  // Residual stages are single groups of every project conv feeding the sum.
  const ChannelGroup& stage = a.group("features.4.project");
  EXPECT_EQ(stage.filter_nodes(),
            (std::vector<std::string>{"features.4.project", "features.5.project", "features.6.project"}));
  for (size_t i = 1; i < a.groups.size(); ++i) {
    const Graph& graph = g;
    EXPECT_LE(graph.find_node(a.groups[i - 1].members[0].node), graph.find_node(a.groups[i].members[0].node));
  }
}

TEST(ChannelGroups, LookupErrorsNameTheGroup) {
  Graph g = build_zoo("mobilenet_v1", {.num_classes = 10, .width = 0.25, .input_size = 64});
  ChannelGroups groups = channel_groups(g);
  EXPECT_EQ(groups.find("nope"), -1);
  try {
    groups.group("nope");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nope'"), std::string::npos) << e.what();
  }
  EXPECT_STREQ(channel_role_name(ChannelRole::LinearInput), "linear_input");
}

TEST(ChannelGroups, InvalidGraphThrowsNamingTheNode) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  b.output(b.conv("conv", x, 4, 1));
  Graph g = b.build();
  g.nodes[0].weights["weight"] = at::zeros({4, 5, 1, 1});
  try {
    channel_groups(g);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("(Conv conv)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace whittle
