// The zoo: entries, lookup by name, metadata, option checks, rounding helper.
#include <gtest/gtest.h>

#include "graph/error.h"
#include "graph/shape_inference.h"
#include "models/zoo.h"

namespace whittle {
namespace {

// Small enough that even VGG16 builds in milliseconds.
BackboneOptions tiny() {
  BackboneOptions o;
  o.width = 0.125;
  o.input_size = 64;
  o.num_classes = 21;
  return o;
}

TEST(Zoo, EntriesInOrderWithDescriptions) {
  std::vector<ZooEntry> entries = zoo_entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].name, "vgg16");
  EXPECT_EQ(entries[1].name, "mobilenet_v1");
  EXPECT_EQ(entries[2].name, "mobilenet_v2");
  for (const ZooEntry& e : entries) {
    EXPECT_FALSE(e.description.empty()) << e.name;
    EXPECT_EQ(e.description.find('\n'), std::string::npos) << e.name;
    ASSERT_TRUE(e.build) << e.name;
  }
}

TEST(Zoo, EveryEntryBuildsWithMetadataAndLogits) {
  for (const ZooEntry& e : zoo_entries()) {
    Graph g = build_zoo(e.name, tiny());
    ShapeMap shapes = validate(g);
    ASSERT_EQ(g.inputs.size(), 1u) << e.name;
    EXPECT_EQ(g.inputs[0].name, "input");
    EXPECT_EQ(g.inputs[0].shape, (Shape{1, 3, 64, 64}));
    ASSERT_EQ(g.outputs, std::vector<std::string>{"logits"}) << e.name;
    EXPECT_EQ(shapes.at("logits"), (Shape{1, 21})) << e.name;
    EXPECT_EQ(g.metadata.at("whittle.family"), "classifier");
    EXPECT_EQ(g.metadata.at("whittle.zoo"), e.name);
    EXPECT_EQ(g.metadata.at("whittle.num_classes"), "21");
    EXPECT_EQ(g.metadata.at("whittle.input_size"), "64");
    EXPECT_EQ(g.metadata.at("whittle.width"), "0.125");

    // The entry's own build function gives the same graph.
    Graph direct = e.build(tiny());
    ASSERT_EQ(direct.nodes.size(), g.nodes.size()) << e.name;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      EXPECT_EQ(direct.nodes[i].name, g.nodes[i].name);
      for (const auto& [key, w] : g.nodes[i].weights)
        EXPECT_TRUE(w.equal(direct.nodes[i].weight(key))) << g.nodes[i].name << " " << key;
    }
  }
}

TEST(Zoo, FeaturesOnlyEndsAtTheLastFeatureMap) {
  BackboneOptions o = tiny();
  o.classifier = false;
  const std::map<std::string, std::pair<std::string, Shape>> expected = {
      {"vgg16", {"features.pool5", {1, 64, 2, 2}}},
      {"mobilenet_v1", {"features.13.pw.act", {1, 128, 2, 2}}},
      {"mobilenet_v2", {"features.18.act", {1, 1280, 2, 2}}},
  };
  for (const auto& [name, out] : expected) {
    Graph g = build_zoo(name, o);
    ASSERT_EQ(g.outputs, std::vector<std::string>{out.first}) << name;
    EXPECT_EQ(validate(g).at(out.first), out.second) << name;
    EXPECT_EQ(g.find_node("logits"), -1) << name;
    EXPECT_EQ(g.metadata.at("whittle.family"), "backbone");
  }
}

TEST(Zoo, UnknownNameListsTheKnownOnes) {
  try {
    build_zoo("resnet50", {});
    FAIL() << "no error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("resnet50"), std::string::npos) << m;
    for (const char* name : {"vgg16", "mobilenet_v1", "mobilenet_v2"})
      EXPECT_NE(m.find(name), std::string::npos) << m;
  }
}

TEST(Zoo, BadOptionsAreRejected) {
  BackboneOptions o = tiny();
  o.width = 0;
  EXPECT_THROW(build_zoo("mobilenet_v2", o), Error);
  o = tiny();
  o.input_size = 16;
  EXPECT_THROW(build_zoo("vgg16", o), Error);
  o = tiny();
  o.num_classes = 0;
  EXPECT_THROW(build_zoo("mobilenet_v1", o), Error);
  o.classifier = false;  // no classifier, no class count needed
  EXPECT_NO_THROW(build_zoo("mobilenet_v1", o));
}

TEST(Zoo, SeedChangesWeightsNotShapes) {
  BackboneOptions a = tiny(), b = tiny();
  b.seed = a.seed + 1;
  Graph ga = build_zoo("mobilenet_v2", a), gb = build_zoo("mobilenet_v2", b);
  ASSERT_EQ(ga.nodes.size(), gb.nodes.size());
  const at::Tensor& wa = ga.node("features.0").weight("weight");
  const at::Tensor& wb = gb.node("features.0").weight("weight");
  EXPECT_EQ(wa.sizes(), wb.sizes());
  EXPECT_FALSE(wa.equal(wb));
}

TEST(Zoo, MakeDivisibleMatchesTorchvision) {
  // torchvision _make_divisible(v, 8): nearest multiple of 8, min 8, >= 0.9 v.
  EXPECT_EQ(make_divisible(32), 32);
  EXPECT_EQ(make_divisible(12), 16);    // 16 // 8 * 8
  EXPECT_EQ(make_divisible(11.2), 16);  // 8 < 0.9 * 11.2, so + 8
  EXPECT_EQ(make_divisible(1.0), 8);    // at least the divisor
  EXPECT_EQ(make_divisible(20), 24);
  EXPECT_EQ(make_divisible(1280 * 1.4), 1792);
  EXPECT_EQ(make_divisible(24 * 0.75), 24);  // 18 -> 16 < 16.2, so 24
}

}  // namespace
}  // namespace whittle
