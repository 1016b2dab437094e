// channel_importance: criterion names, dispatch, aggregation over a group's
// members, per-group normalisation and the errors that name what is missing.
#include "prune/importance.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "error_of.h"
#include "graph/error.h"
#include "graph/graph_builder.h"
#include "prune/prune_test_data.h"

namespace whittle {
namespace {

using namespace test;

// A residual pair: a and b (1x1 convs, 2 filters each) -> add -> out.
// Filter l1 norms: a = [1, 4], b = [3, 2]. Groups built by hand: the
// residual group (a, b, add, out) and out's own, not prunable.
struct Residual {
  Graph graph;
  ChannelGroups groups;
};

Residual residual() {
  GraphBuilder builder;
  auto x = builder.input("input", {1, 1, 4, 4});
  auto s = builder.add("add", builder.conv("a", x, 2, 1, {.bias = false}),
                       builder.conv("b", x, 2, 1, {.bias = false}));
  builder.output(builder.conv("out", s, 3, 1));
  Residual r;
  r.graph = builder.build();
  r.graph.node("a").weights["weight"] = at::tensor({1.f, -4.f}).view({2, 1, 1, 1});
  r.graph.node("b").weights["weight"] = at::tensor({-3.f, 2.f}).view({2, 1, 1, 1});
  ChannelGroup g;
  g.id = 0;
  g.name = "a";
  g.channels = 2;
  g.members = {member("a", ChannelRole::Filters, {0, 1}), member("b", ChannelRole::Filters, {0, 1}),
               member("add", ChannelRole::PassThrough, {0, 1}),
               member("out", ChannelRole::ConvInput, {0, 1})};
  ChannelGroup o;
  o.id = 1;
  o.name = "out";
  o.channels = 3;
  o.members = {member("out", ChannelRole::Filters, {0, 1, 2})};
  o.prunable = false;
  o.reason = "(Conv out) output 'out' is a graph output";
  r.groups.groups = {g, o};
  return r;
}

ImportanceOptions options(Criterion c, Aggregation a, Normalization normalization) {
  ImportanceOptions o;
  o.criterion = c;
  o.aggregation = a;
  o.normalization = normalization;
  return o;
}

TEST(Importance, CriterionNamesRoundTrip) {
  for (const char* name : {"l1", "l2", "bn", "fpgm", "taylor", "apoz", "random"})
    EXPECT_EQ(criterion_name(parse_criterion(name)), name);
  EXPECT_TRUE(criterion_needs_data(Criterion::Taylor));
  EXPECT_TRUE(criterion_needs_data(Criterion::Apoz));
  EXPECT_FALSE(criterion_needs_data(Criterion::Fpgm));
  const std::string e = error_of([] { parse_criterion("L1"); });
  EXPECT_NE(e.find("'L1'"), std::string::npos) << e;
  EXPECT_NE(e.find("l1, l2, bn, fpgm, taylor, apoz, random"), std::string::npos) << e;
  for (const char* name : {"sum", "mean", "max"}) EXPECT_EQ(aggregation_name(parse_aggregation(name)), name);
  EXPECT_NE(error_of([] { parse_aggregation("min"); }).find("sum, mean, max"), std::string::npos);
  for (const char* name : {"l2", "mean", "none"})
    EXPECT_EQ(normalization_name(parse_normalization(name)), name);
  EXPECT_NE(error_of([] { parse_normalization("max"); }).find("l2, mean, none"), std::string::npos);
  EXPECT_EQ(ImportanceOptions{}.normalization, Normalization::L2);
}

TEST(Importance, AggregatesTheFiltersOfAResidualGroup) {
  const Residual r = residual();
  auto sum = channel_importance(r.graph, r.groups, options(Criterion::L1, Aggregation::Sum, Normalization::None));
  ASSERT_EQ(sum.size(), 1u) << "non-prunable groups get no scores";
  expect_near(sum.at("a"), {4.f, 6.f});
  expect_near(channel_importance(r.graph, r.groups, options(Criterion::L1, Aggregation::Mean, Normalization::None)).at("a"),
              {2.f, 3.f});
  expect_near(channel_importance(r.graph, r.groups, options(Criterion::L1, Aggregation::Max, Normalization::None)).at("a"),
              {3.f, 4.f});
}

TEST(Importance, NormalisesEachGroupToUnitNormOrUnitMean) {
  const Residual r = residual();
  auto s = channel_importance(r.graph, r.groups, options(Criterion::L1, Aggregation::Sum, Normalization::L2));
  const float n = std::sqrt(16.f + 36.f);
  expect_near(s.at("a"), {4.f / n, 6.f / n});
  expect_near(channel_importance(r.graph, r.groups, options(Criterion::L1, Aggregation::Sum, Normalization::Mean))
                  .at("a"),
              {0.8f, 1.2f});
  expect_near(normalize_scores(at::zeros({3}), Normalization::L2), {0.f, 0.f, 0.f});
  expect_near(normalize_scores(at::zeros({3}), Normalization::Mean), {0.f, 0.f, 0.f});
  expect_near(normalize_scores(at::tensor({3.f, 4.f}), Normalization::L2), {0.6f, 0.8f});
  expect_near(normalize_scores(at::tensor({3.f, 5.f}), Normalization::Mean), {0.75f, 1.25f});
  expect_near(normalize_scores(at::tensor({3.f, 5.f}), Normalization::None), {3.f, 5.f});
}

TEST(Importance, AggregateScoresNeedsMembers) {
  EXPECT_NE(error_of([] { aggregate_scores({}, Aggregation::Sum); }), "(no error)");
  expect_near(aggregate_scores({at::tensor({1.f, 5.f}), at::tensor({3.f, 2.f})}, Aggregation::Max), {3.f, 5.f});
}

TEST(Importance, MemberScoresFollowTheChannelMapAndCheckIt) {
  expect_near(member_scores(at::tensor({10.f, 20.f, 30.f}), member("n", ChannelRole::Filters, {2, 0})),
              {30.f, 10.f});
  const std::string e =
      error_of([] { member_scores(at::zeros({2}), member("conv7", ChannelRole::Filters, {0, 2})); });
  EXPECT_NE(e.find("conv7"), std::string::npos) << e;
}

TEST(Importance, BnWithoutBatchNormNamesTheGroup) {
  const Residual r = residual();
  const std::string e = error_of(
      [&] { channel_importance(r.graph, r.groups, options(Criterion::BnScale, Aggregation::Sum, Normalization::L2)); });
  EXPECT_NE(e.find("group 'a'"), std::string::npos) << e;
}

TEST(Importance, DataDrivenCriteriaNeedData) {
  const Residual r = residual();
  const std::string none = error_of(
      [&] { channel_importance(r.graph, r.groups, options(Criterion::Taylor, Aggregation::Sum, Normalization::L2)); });
  EXPECT_NE(none.find("'taylor'"), std::string::npos) << none;
  ImportanceData data;
  data.batches.push_back({{"input", at::ones({1, 1, 4, 4})}});
  const std::string no_loss = error_of(
      [&] { channel_importance(r.graph, r.groups, options(Criterion::Taylor, Aggregation::Sum, Normalization::L2), &data); });
  EXPECT_NE(no_loss.find("loss"), std::string::npos) << no_loss;
  const std::string apoz = error_of(
      [&] { channel_importance(r.graph, r.groups, options(Criterion::Apoz, Aggregation::Sum, Normalization::L2)); });
  EXPECT_NE(apoz.find("'apoz'"), std::string::npos) << apoz;
  // apoz needs no loss: with images it scores the group (no activation: mean |a|
  // of a and b's outputs, summed): input 1 everywhere -> [1 + 3, 4 + 2].
  auto s = channel_importance(r.graph, r.groups, options(Criterion::Apoz, Aggregation::Sum, Normalization::None), &data);
  expect_near(s.at("a"), {4.f, 6.f});
}

TEST(Importance, RandomDependsOnTheSeedOnly) {
  const Residual r = residual();
  ImportanceOptions o = options(Criterion::Random, Aggregation::Sum, Normalization::None);
  o.seed = 11;
  auto a = channel_importance(r.graph, r.groups, o);
  EXPECT_TRUE(at::equal(a.at("a"), channel_importance(r.graph, r.groups, o).at("a")));
  o.seed = 12;
  EXPECT_FALSE(at::equal(a.at("a"), channel_importance(r.graph, r.groups, o).at("a")));
}

TEST(Importance, ObservedMembersSkipOutputsHiddenBehindTheirBatchNorm) {
  GraphBuilder b;
  auto x = b.input("input", {1, 3, 8, 8});
  auto y = b.conv_bn_act("c", x, 4, 3, {.padding = 1}, Op::ReLU);
  b.output(b.conv("out", y, 2, 1));
  Graph g = b.build();
  ChannelGroup group;
  group.name = "c";
  group.channels = 4;
  group.members = {member("c", ChannelRole::Filters, {0, 1, 2, 3}), member("c.bn", ChannelRole::Norm, {0, 1, 2, 3}),
                   member("c.act", ChannelRole::PassThrough, {0, 1, 2, 3}),
                   member("out", ChannelRole::ConvInput, {0, 1, 2, 3})};
  auto observed = observed_members(g, group);
  ASSERT_EQ(observed.size(), 1u);
  EXPECT_EQ(observed[0]->node, "c.bn");
}

}  // namespace
}  // namespace whittle
