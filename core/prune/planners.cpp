#include "prune/planners.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/number_text.h"
#include "prune/surgery.h"
#include "prune/width_cost.h"

namespace whittle {
namespace {

// floor(ratio * channels), forgiving the binary representation of ratios
// such as 0.3 (0.3 * 10 = 2.9999999999999996).
int64_t ratio_count(double ratio, int64_t channels) {
  return static_cast<int64_t>(std::floor(ratio * static_cast<double>(channels) + 1e-9));
}

void check_ratio(double ratio, const std::string& what) {
  if (!(ratio >= 0 && ratio < 1))
    throw Error(what + " " + number_text(ratio) + " must be >= 0 and < 1");
}

// A prunable group's scores as doubles, checked against its width.
std::vector<double> group_scores(const GroupScores& scores, const ChannelGroup& group) {
  auto it = scores.find(group.name);
  if (it == scores.end()) throw Error("no importance scores for group '" + group.name + "'");
  const at::Tensor s = it->second.to(at::kDouble).contiguous();
  if (s.dim() != 1 || s.size(0) != group.channels)
    throw Error("group '" + group.name + "' has " + std::to_string(group.channels) +
                " channels but " + std::to_string(s.numel()) + " scores");
  return std::vector<double>(s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
}

// Channels a group loses when ranking asked for `count`: the kept width
// rounded to the multiple, at least one channel kept.
int64_t rounded_removal(int64_t count, int64_t channels, const PlannerOptions& options) {
  return channels - round_kept_channels(channels - count, channels, options.round_to);
}

// Puts the `count` least important channels of each group into the plan.
void remove_least_important(PruningPlan& plan, const ChannelGroup& group, const GroupScores& scores,
                            int64_t count) {
  if (count <= 0) return;
  plan.remove[group.name] = least_important(scores.at(group.name), count);
}

}  // namespace

std::vector<RankedChannel> global_ranking(const ChannelGroups& groups, const GroupScores& scores) {
  std::vector<RankedChannel> ranked;
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable) continue;
    const std::vector<double> s = group_scores(scores, group);
    for (int64_t c = 0; c < group.channels; ++c) ranked.push_back({s[c], static_cast<int>(g), c});
  }
  std::sort(ranked.begin(), ranked.end(), [](const RankedChannel& a, const RankedChannel& b) {
    return std::tie(a.score, a.group, a.channel) < std::tie(b.score, b.group, b.channel);
  });
  return ranked;
}

RankedRemoval remove_by_rank(const ChannelGroups& groups, const std::vector<RankedChannel>& ranked,
                             const PlannerOptions& options, double cost, double aim,
                             const std::function<double(const std::vector<int64_t>& removed, int group)>& update) {
  std::vector<int64_t> picked(groups.groups.size(), 0);  // by rank, before rounding
  RankedRemoval r{std::vector<int64_t>(groups.groups.size(), 0), cost};
  for (const RankedChannel& c : ranked) {
    if (r.cost <= aim) break;
    const int64_t channels = groups.groups[c.group].channels;
    if (picked[c.group] + 1 >= channels) continue;
    const int64_t now = rounded_removal(++picked[c.group], channels, options);
    if (now == r.removed[c.group]) continue;
    r.removed[c.group] = now;
    r.cost = update(r.removed, c.group);
  }
  return r;
}

PruningPlan plan_from_counts(const ChannelGroups& groups, const GroupScores& scores,
                             const std::vector<int64_t>& counts) {
  PruningPlan plan;
  for (size_t g = 0; g < groups.groups.size(); ++g) {
    const ChannelGroup& group = groups.groups[g];
    if (!group.prunable || counts[g] <= 0) continue;
    remove_least_important(plan, group, scores, counts[g]);
    plan.ratios[group.name] = static_cast<double>(counts[g]) / static_cast<double>(group.channels);
  }
  return plan;
}

int64_t round_kept_channels(int64_t kept, int64_t channels, int64_t multiple) {
  if (multiple < 1) throw Error("channel rounding multiple " + std::to_string(multiple) + " must be >= 1");
  if (multiple > 1) {
    const int64_t steps = std::llround(static_cast<double>(kept) / static_cast<double>(multiple));
    kept = std::max(multiple, steps * multiple);
  }
  return std::max<int64_t>(1, std::min(kept, channels));
}

std::vector<int64_t> channel_ranking(const at::Tensor& scores) {
  const at::Tensor s = scores.to(at::kDouble).contiguous();
  const double* p = s.data_ptr<double>();
  std::vector<int64_t> order(static_cast<size_t>(s.numel()));
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int64_t>(i);
  std::stable_sort(order.begin(), order.end(), [p](int64_t a, int64_t b) { return p[a] < p[b]; });
  return order;
}

std::vector<int64_t> least_important(const at::Tensor& scores, int64_t count) {
  std::vector<int64_t> order = channel_ranking(scores);
  order.resize(static_cast<size_t>(std::clamp<int64_t>(count, 0, static_cast<int64_t>(order.size()))));
  std::sort(order.begin(), order.end());
  return order;
}

PruningPlan plan_uniform(const ChannelGroups& groups, const GroupScores& scores, double ratio,
                         const PlannerOptions& options) {
  check_ratio(ratio, "pruning ratio");
  PruningPlan plan;
  for (const auto& group : groups.groups) {
    if (!group.prunable) continue;
    group_scores(scores, group);  // present and the right size
    plan.ratios[group.name] = ratio;
    remove_least_important(plan, group, scores, ratio_removed_channels(ratio, group.channels, options.round_to));
  }
  return plan;
}

PruningPlan plan_layer_ratios(const ChannelGroups& groups, const GroupScores& scores,
                              const std::map<std::string, double>& ratios,
                              const PlannerOptions& options) {
  PruningPlan plan;
  for (const auto& [name, ratio] : ratios) {
    const int index = groups.find(name);
    if (index < 0) throw Error("ratio table: unknown group '" + name + "'");
    const ChannelGroup& group = groups.groups[index];
    check_ratio(ratio, "ratio table: group '" + name + "' has ratio");
    if (ratio > 0 && !group.prunable)
      throw Error("ratio table: group '" + name + "' is not prunable (" + group.reason + ")");
    plan.ratios[name] = ratio;
    if (!group.prunable) continue;
    group_scores(scores, group);
    remove_least_important(plan, group, scores, ratio_removed_channels(ratio, group.channels, options.round_to));
  }
  return plan;
}

PruningPlan plan_global(const ChannelGroups& groups, const GroupScores& scores, double fraction,
                        const PlannerOptions& options) {
  check_ratio(fraction, "global pruning fraction");
  int64_t total = 0;
  for (const auto& group : groups.groups)
    if (group.prunable) total += group.channels;
  const int64_t wanted = ratio_count(fraction, total);
  std::vector<int64_t> counts(groups.groups.size(), 0);
  int64_t taken = 0;
  for (const RankedChannel& r : global_ranking(groups, scores)) {
    if (taken >= wanted) break;
    const ChannelGroup& group = groups.groups[r.group];
    if (counts[r.group] + 1 >= group.channels) continue;  // every group keeps one channel
    ++counts[r.group];
    ++taken;
  }
  for (size_t g = 0; g < counts.size(); ++g)
    if (counts[g] > 0) counts[g] = rounded_removal(counts[g], groups.groups[g].channels, options);
  return plan_from_counts(groups, scores, counts);
}

PruningPlan plan_target_macs(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                             double fraction, const PlannerOptions& options, TargetMacsReport* report) {
  if (!(fraction > 0 && fraction <= 1))
    throw Error("target MACs fraction " + number_text(fraction) + " must be > 0 and <= 1");
  round_kept_channels(1, 1, options.round_to);  // checks the multiple
  const int64_t original = compute_cost(graph).macs;
  const int64_t target = static_cast<int64_t>(std::floor(fraction * static_cast<double>(original)));
  const std::vector<RankedChannel> ranked = global_ranking(groups, scores);
  WidthCost model(graph, groups);
  const std::vector<int64_t> none(groups.groups.size(), 0);
  const int64_t modelled = model.reset(none).macs;
  // MACs stay far below 2^53: exact as doubles.
  auto update = [&model](const std::vector<int64_t>& removed, int group) {
    return static_cast<double>(model.update(removed, group).macs);
  };

  // The model counts every weighted node (modelled == original); were it to
  // miss some, aim its total at target - (original - modelled); if surgery and the cost model disagree
  // (they should not), aim lower by the difference and plan again.
  int64_t aim = target - (original - modelled);
  for (int attempt = 0; attempt < 4; ++attempt) {
    const double start = static_cast<double>(model.reset(none).macs);
    const RankedRemoval r = remove_by_rank(groups, ranked, options, start, static_cast<double>(aim), update);
    const int64_t macs = static_cast<int64_t>(r.cost);
    if (macs > aim)
      throw Error("target MACs " + number_text(fraction) + " x " + std::to_string(original) +
                  " cannot be reached: with every prunable group at its minimum width the graph "
                  "still has about " + std::to_string(macs + (original - modelled)) + " MACs");

    PruningPlan plan = plan_from_counts(groups, scores, r.removed);
    const int64_t pruned =
        plan.remove.empty() ? original : compute_cost(apply_pruning(graph, groups, plan)).macs;
    if (pruned <= target) {
      if (report) *report = {original, target, pruned};
      return plan;
    }
    aim -= pruned - target;
  }
  throw Error("target MACs: the pruned graph's cost does not follow the channel model");
}

}  // namespace whittle
