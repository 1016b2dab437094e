// load_matching_weights: copies what matches by name and shape, reports the rest.
#include "train/init_weights.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "graph/graph_builder.h"

namespace whittle {
namespace {

// A "backbone" shared by both graphs, then different endings.
Graph make_graph(uint64_t seed, int64_t head_channels, bool extra) {
  GraphBuilder b(seed);
  auto x = b.input("input", {1, 3, 16, 16});
  auto s = b.conv_bn_act("backbone.conv1", x, 8, 3, {.padding = 1}, Op::ReLU);
  auto h = b.conv("head.cls", s, head_channels, 1);
  if (extra) h = b.conv("head.extra", h, 4, 1);
  b.output(h);
  return b.build();
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(LoadMatchingWeights, CopiesMatchesAndReportsTheRest) {
  Graph src = make_graph(1, 6, /*extra=*/false);
  Graph dst = make_graph(2, 5, /*extra=*/true);
  at::Tensor dst_conv = dst.node("backbone.conv1").weight("weight");  // identity must survive
  ASSERT_FALSE(at::equal(dst_conv, src.node("backbone.conv1").weight("weight")));

  WeightLoadReport r = load_matching_weights(dst, src);

  EXPECT_TRUE(contains(r.loaded, "backbone.conv1.weight"));
  EXPECT_TRUE(contains(r.loaded, "backbone.conv1.bn.running_var"));
  EXPECT_EQ(r.loaded.size(), 5u);  // conv weight (no bias: conv_bn_act) + BN's four
  ASSERT_EQ(r.shape_mismatch.size(), 2u);
  EXPECT_EQ(r.shape_mismatch[0], "head.cls.bias: [6] in source, [5] here");
  EXPECT_EQ(r.shape_mismatch[1], "head.cls.weight: [6,8,1,1] in source, [5,8,1,1] here");
  EXPECT_EQ(r.missing, (std::vector<std::string>{"head.extra.bias", "head.extra.weight"}));
  EXPECT_TRUE(r.unused.empty());
  EXPECT_EQ(r.summary(),
            "loaded 5 of 9 weights; 2 shape mismatches (head.cls.bias: [6] in source, [5] here, "
            "head.cls.weight: [6,8,1,1] in source, [5,8,1,1] here); 2 not in the source "
            "(head.extra.bias, head.extra.weight)");

  EXPECT_TRUE(at::equal(dst.node("backbone.conv1").weight("weight"),
                        src.node("backbone.conv1").weight("weight")));
  EXPECT_TRUE(dst.node("backbone.conv1").weight("weight").is_same(dst_conv));  // copied in place
  // No storage shared with the source.
  src.node("backbone.conv1").weights["weight"].add_(1.0);
  EXPECT_FALSE(at::equal(dst_conv, src.node("backbone.conv1").weight("weight")));

  WeightLoadReport back = load_matching_weights(src, dst);
  EXPECT_EQ(back.unused, (std::vector<std::string>{"head.extra.bias", "head.extra.weight"}));
}

}  // namespace
}  // namespace whittle
