#include "prune/importance.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "graph/error.h"
#include "prune/criteria/apoz.h"
#include "prune/criteria/bn_scale.h"
#include "prune/criteria/fpgm.h"
#include "prune/criteria/l1_norm.h"
#include "prune/criteria/l2_norm.h"
#include "prune/criteria/random.h"
#include "prune/criteria/taylor.h"

namespace whittle {
namespace {

struct CriterionName {
  Criterion criterion;
  const char* name;
};
constexpr CriterionName kCriteria[] = {
    {Criterion::L1, "l1"},         {Criterion::L2, "l2"},     {Criterion::BnScale, "bn"},
    {Criterion::Fpgm, "fpgm"},     {Criterion::Taylor, "taylor"}, {Criterion::Apoz, "apoz"},
    {Criterion::Random, "random"},
};

struct AggregationName {
  Aggregation aggregation;
  const char* name;
};
constexpr AggregationName kAggregations[] = {
    {Aggregation::Sum, "sum"}, {Aggregation::Mean, "mean"}, {Aggregation::Max, "max"}};

// Member scores of one group under a weight-only criterion.
std::vector<at::Tensor> score_members(const Graph& graph, const ChannelGroup& group,
                                      const ImportanceOptions& options) {
  switch (options.criterion) {
    case Criterion::L1: return l1_norm_scores(graph, group);
    case Criterion::L2: return l2_norm_scores(graph, group);
    case Criterion::BnScale: return bn_scale_scores(graph, group);
    case Criterion::Fpgm: return fpgm_scores(graph, group);
    case Criterion::Random: return random_scores(group, options.seed);
    case Criterion::Taylor:
    case Criterion::Apoz: break;
  }
  throw Error("criterion '" + criterion_name(options.criterion) + "' scores all groups at once");
}

}  // namespace

Criterion parse_criterion(const std::string& text) {
  std::string known;
  for (const auto& c : kCriteria) {
    if (text == c.name) return c.criterion;
    known += (known.empty() ? "" : ", ") + std::string(c.name);
  }
  throw Error("unknown pruning criterion '" + text + "'; known: " + known);
}

std::string criterion_name(Criterion criterion) {
  for (const auto& c : kCriteria)
    if (c.criterion == criterion) return c.name;
  return "?";
}

bool criterion_needs_data(Criterion criterion) {
  return criterion == Criterion::Taylor || criterion == Criterion::Apoz;
}

Aggregation parse_aggregation(const std::string& text) {
  std::string known;
  for (const auto& a : kAggregations) {
    if (text == a.name) return a.aggregation;
    known += (known.empty() ? "" : ", ") + std::string(a.name);
  }
  throw Error("unknown score aggregation '" + text + "'; known: " + known);
}

std::string aggregation_name(Aggregation aggregation) {
  for (const auto& a : kAggregations)
    if (a.aggregation == aggregation) return a.name;
  return "?";
}

Normalization parse_normalization(const std::string& text) {
  if (text == "mean") return Normalization::Mean;
  if (text == "l2") return Normalization::L2;
  if (text == "none") return Normalization::None;
  throw Error("unknown score normalisation '" + text + "'; known: l2, mean, none");
}

std::string normalization_name(Normalization normalization) {
  switch (normalization) {
    case Normalization::Mean: return "mean";
    case Normalization::L2: return "l2";
    case Normalization::None: return "none";
  }
  return "?";
}

at::Tensor member_scores(const at::Tensor& node_scores, const ChannelMember& member) {
  const int64_t size = node_scores.size(0);
  for (int64_t c : member.channels)
    if (c < 0 || c >= size)
      throw Error("member '" + member.node + "' (" + channel_role_name(member.role) +
                  ") has channel " + std::to_string(c) + ", but the node has " +
                  std::to_string(size));
  const at::Tensor index = at::tensor(member.channels, at::kLong);
  return node_scores.index_select(0, index).to(at::kFloat).contiguous();
}

at::Tensor aggregate_scores(const std::vector<at::Tensor>& members, Aggregation aggregation) {
  if (members.empty()) throw Error("no member scores to aggregate");
  const at::Tensor stacked = at::stack(members).to(at::kFloat);  // [members, channels]
  switch (aggregation) {
    case Aggregation::Sum: return stacked.sum(0);
    case Aggregation::Mean: return stacked.mean(0);
    case Aggregation::Max: return std::get<0>(stacked.max(0));
  }
  return stacked.sum(0);
}

at::Tensor normalize_scores(const at::Tensor& scores, Normalization normalization) {
  if (normalization == Normalization::None) return scores;
  const at::Tensor s = scores.to(at::kDouble);
  // Scores are >= 0, so the mean is 0 only for all-zero scores.
  const double scale = normalization == Normalization::L2 ? s.norm().item<double>() : s.mean().item<double>();
  return scale > 0 ? (s / scale).to(at::kFloat) : scores;
}

std::vector<const ChannelMember*> observed_members(const Graph& graph, const ChannelGroup& group) {
  auto is_norm_member = [&](int node) {
    return std::any_of(group.members.begin(), group.members.end(), [&](const ChannelMember& m) {
      return m.role == ChannelRole::Norm && m.node == graph.nodes[node].name;
    });
  };
  std::vector<const ChannelMember*> observed;
  for (const auto& member : group.members) {
    if (member.role == ChannelRole::Norm) {
      observed.push_back(&member);
    } else if (member.role == ChannelRole::Filters || member.role == ChannelRole::Depthwise) {
      const std::vector<int> readers = graph.consumers(graph.node(member.node).output);
      const bool into_norm = readers.size() == 1 && is_norm_member(readers[0]) &&
                             !graph.is_output(graph.node(member.node).output);
      if (!into_norm) observed.push_back(&member);
    }
  }
  return observed;
}

std::map<std::string, at::Tensor> channel_importance(const Graph& graph, const ChannelGroups& groups,
                                                     const ImportanceOptions& options,
                                                     const ImportanceData* data) {
  const std::string name = criterion_name(options.criterion);
  std::map<std::string, std::vector<at::Tensor>> members;
  if (criterion_needs_data(options.criterion)) {
    if (!data || data->batches.empty())
      throw Error("criterion '" + name + "' needs images (batches of network inputs)");
    if (options.criterion == Criterion::Taylor && !data->loss)
      throw Error("criterion 'taylor' needs a loss of the network outputs");
    members = options.criterion == Criterion::Taylor ? taylor_scores(graph, groups, *data)
                                                     : apoz_scores(graph, groups, *data);
  } else {
    for (const auto& group : groups.groups)
      if (group.prunable) members[group.name] = score_members(graph, group, options);
  }

  std::map<std::string, at::Tensor> scores;
  for (const auto& group : groups.groups) {
    if (!group.prunable) continue;
    const std::vector<at::Tensor>& list = members[group.name];
    if (list.empty())
      throw Error("criterion '" + name + "' cannot score group '" + group.name +
                  "': it has no member the criterion reads");
    for (const auto& m : list)
      if (m.dim() != 1 || m.size(0) != group.channels)
        throw Error("criterion '" + name + "' gave group '" + group.name + "' " +
                    std::to_string(m.numel()) + " scores for " + std::to_string(group.channels) +
                    " channels");
    at::Tensor s = aggregate_scores(list, options.aggregation);
    scores[group.name] = normalize_scores(s, options.normalization);
  }
  return scores;
}

}  // namespace whittle
