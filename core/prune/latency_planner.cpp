#include "prune/latency_planner.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "graph/error.h"
#include "prune/surgery.h"

namespace whittle {
namespace {

// The ranking and plan assembly of planners.cpp's plan_target_macs (kept
// private there), repeated here so that the two planners rank alike.

std::string number_text(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

std::vector<double> group_scores(const GroupScores& scores, const ChannelGroup& group) {
  auto it = scores.find(group.name);
  if (it == scores.end()) throw Error("no importance scores for group '" + group.name + "'");
  const at::Tensor s = it->second.to(at::kDouble).contiguous();
  if (s.dim() != 1 || s.size(0) != group.channels)
    throw Error("group '" + group.name + "' has " + std::to_string(group.channels) + " channels but " +
                std::to_string(s.numel()) + " scores");
  return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
}

struct Ranked {
  double score;
  int group;
  int64_t channel;
};

std::vector<Ranked> global_ranking(const ChannelGroups& groups, const GroupScores& scores) {
  std::vector<Ranked> ranked;
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable) continue;
    const std::vector<double> s = group_scores(scores, group);
    for (int64_t c = 0; c < group.channels; ++c) ranked.push_back({s[c], static_cast<int>(g), c});
  }
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.score, a.group, a.channel) < std::tie(b.score, b.group, b.channel);
  });
  return ranked;
}

PruningPlan plan_from_counts(const ChannelGroups& groups, const GroupScores& scores,
                             const std::vector<int64_t>& counts) {
  PruningPlan plan;
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable || counts[g] <= 0) continue;
    plan.remove[group.name] = least_important(scores.at(group.name), counts[g]);
    plan.ratios[group.name] = static_cast<double>(counts[g]) / static_cast<double>(group.channels);
  }
  return plan;
}

}  // namespace

PruningPlan plan_target_latency(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                const LatencyTable& table, double fraction, const PlannerOptions& options,
                                TargetLatencyReport* report) {
  if (!(fraction > 0 && fraction <= 1))
    throw Error("target latency fraction " + number_text(fraction) + " must be > 0 and <= 1");
  round_kept_channels(1, 1, options.round_to);  // checks the multiple
  const double original = estimate_latency_ms(table, graph);
  const double target = fraction * original;
  const std::vector<Ranked> ranked = global_ranking(groups, scores);
  LatencyModel model(table, graph, groups);
  // The model and the graph estimate add the same terms; allow for the
  // rounding of the model's running sums.
  const double slack = 1e-9 * std::max(1.0, original);

  double aim = target;
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::vector<int64_t> picked(groups.groups.size(), 0);   // by rank
    std::vector<int64_t> removed(groups.groups.size(), 0);  // after rounding
    double ms = model.reset(removed);
    for (const Ranked& r : ranked) {
      if (ms <= aim) break;
      const int64_t channels = groups.groups[r.group].channels;
      if (picked[r.group] + 1 >= channels) continue;
      const int64_t now = channels - round_kept_channels(channels - ++picked[r.group], channels, options.round_to);
      if (now == removed[r.group]) continue;
      removed[r.group] = now;
      ms = model.update(removed, r.group);
    }
    if (ms > aim)
      throw Error("target latency " + number_text(fraction) + " x " + number_text(original) +
                  " ms cannot be reached: with every prunable group at its minimum width the estimate is "
                  "still " + number_text(ms) + " ms (convs that cannot be pruned and fixed costs set a floor)");

    PruningPlan plan = plan_from_counts(groups, scores, removed);
    const double pruned =
        plan.remove.empty() ? original : estimate_latency_ms(table, apply_pruning(graph, groups, plan));
    if (pruned <= target + slack) {
      if (report) *report = {original, target, pruned};
      return plan;
    }
    aim -= pruned - target;
  }
  throw Error("target latency: the pruned graph's estimate does not follow the channel model");
}

}  // namespace whittle
