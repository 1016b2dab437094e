#include "prune/sensitivity_planner.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/latency_table.h"
#include "prune/number_text.h"
#include "prune/surgery.h"
#include "prune/width_cost.h"

namespace whittle {
namespace {

// One scanned group's choices: index -1 is "not pruned" (loss 0, nothing removed).
struct Choices {
  std::string name;
  int group = 0;  // index in ChannelGroups::groups
  std::vector<double> ratios, loss;
  std::vector<int64_t> removed;  // channels each ratio removes
  int index = -1;

  double loss_at(int i) const { return i < 0 ? 0.0 : loss[static_cast<size_t>(i)]; }
  int64_t removed_at(int i) const { return i < 0 ? 0 : removed[static_cast<size_t>(i)]; }
};

// Where the plan stands against its targets (MACs; latency, -1 without).
struct Standing {
  double macs = 0, ms = -1;
};

struct Move {
  size_t choice = 0;
  int to = -1;
  double loss = 0;      // added loss
  double progress = 0;  // > 0
};

// The planner's state: the chosen ratios and their totals (WidthCost).
class Greedy {
 public:
  // speed > 0: the latency (fraction of the original's) at most the MACs
  // (fraction) / speed.
  Greedy(std::vector<Choices> choices, WidthCost cost, double target_macs, double target_ms, double speed)
      : choices_(std::move(choices)),
        cost_(std::move(cost)),
        target_macs_(target_macs),
        target_ms_(target_ms),
        speed_(speed),
        original_macs_(static_cast<double>(cost_.totals().macs)),
        original_ms_(cost_.totals().latency_ms) {}

  Standing standing() const { return standing_of(cost_.totals()); }
  bool met(const Standing& s) const {
    return s.macs <= target_macs_ && (target_ms_ < 0 || s.ms <= target_ms_) && excess(s) <= 0;
  }
  // How far the latency is above what the speed target allows (fractions of
  // the original); <= 0: met (or no speed target).
  double excess(const Standing& s) const {
    if (speed_ <= 0) return 0;
    return s.ms / original_ms_ - s.macs / original_macs_ / speed_;
  }

  // The move with the least added loss per unit of progress (see the
  // header); false when no move makes progress.
  // The speed target counts with sign: a move that makes the latency fall
  // less than the MACs allow sets it back. A move that breaks a met speed
  // target is taken only when no other move makes progress.
  bool step() { return step(false) || step(true); }

  bool step(bool may_break_speed) {
    const Standing now = standing();
    const double excess_now = excess(now);
    bool found = false;
    Move best;
    for (size_t k = 0; k < choices_.size(); ++k) {
      Choices& c = choices_[k];
      for (int j = c.index + 1; j < static_cast<int>(c.ratios.size()); ++j) {
        const Standing after = standing_of(cost_.set(c.group, c.removed_at(j)));
        double progress = gain(now.macs, after.macs, target_macs_) + gain(now.ms, after.ms, target_ms_);
        if (excess_now > 0) progress += (excess_now - excess(after)) / excess_now;
        else if (excess(after) > 0 && !may_break_speed) continue;
        if (!(progress > 0)) continue;
        const Move m{k, j, c.loss_at(j) - c.loss_at(c.index), progress};
        // m.loss / m.progress < best.loss / best.progress, cross-multiplied
        const double lhs = m.loss * best.progress, rhs = best.loss * m.progress;
        if (!found || lhs < rhs || (lhs == rhs && m.progress > best.progress)) best = m;
        found = true;
      }
      cost_.set(c.group, c.removed_at(c.index));
    }
    if (!found) return false;
    Choices& c = choices_[best.choice];
    c.index = best.to;
    cost_.set(c.group, c.removed_at(c.index));
    return true;
  }

  // After the targets are met: the group whose step back to its previous
  // scanned ratio recovers the most loss with every target still met takes
  // it; false when none can. Undoes what later moves made unnecessary (and
  // the overshoot of a target met on the way to the other).
  bool step_back() {
    bool found = false;
    size_t best = 0;
    double best_gain = 0;
    for (size_t k = 0; k < choices_.size(); ++k) {
      Choices& c = choices_[k];
      if (c.index < 0) continue;
      const bool still_met = met(standing_of(cost_.set(c.group, c.removed_at(c.index - 1))));
      cost_.set(c.group, c.removed_at(c.index));
      const double gain = c.loss_at(c.index) - c.loss_at(c.index - 1);
      if (still_met && (!found || gain > best_gain)) {
        found = true;
        best = k;
        best_gain = gain;
      }
    }
    if (!found) return false;
    Choices& c = choices_[best];
    --c.index;
    cost_.set(c.group, c.removed_at(c.index));
    return true;
  }

  std::map<std::string, double> ratios() const {
    std::map<std::string, double> out;
    for (const auto& c : choices_)
      if (c.index >= 0) out[c.name] = c.ratios[static_cast<size_t>(c.index)];
    return out;
  }
  double loss() const {
    double sum = 0;
    for (const auto& c : choices_) sum += c.loss_at(c.index);
    return sum;
  }

 private:
  Standing standing_of(const WidthTotals& t) const {
    return {static_cast<double>(t.macs), t.latency_ms};
  }
  // Saving from `now` to `after` over what is missing to `target` (0 when
  // met, or no target).
  static double gain(double now, double after, double target) {
    if (target < 0 || now <= target) return 0;
    return std::max(0.0, now - after) / (now - target);
  }

  std::vector<Choices> choices_;
  WidthCost cost_;
  double target_macs_, target_ms_, speed_;
  double original_macs_, original_ms_;
};

}  // namespace

std::vector<double> sensitivity_losses(const GroupSensitivity& group, double baseline) {
  std::vector<double> loss;
  double running = 0;
  for (double m : group.map) {
    const double l = std::isfinite(m) ? baseline - m : baseline;
    running = std::max(running, l);
    loss.push_back(running);
  }
  return loss;
}

PruningPlan plan_from_sensitivity(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                  const SensitivityResult& sensitivity, double fraction,
                                  const PlannerOptions& options, SensitivityPlanReport* report) {
  SensitivityTargets targets;
  targets.macs = fraction;
  return plan_from_sensitivity(graph, groups, scores, sensitivity, targets, options, report);
}

PruningPlan plan_from_sensitivity(const Graph& graph, const ChannelGroups& groups, const GroupScores& scores,
                                  const SensitivityResult& sensitivity, const SensitivityTargets& targets,
                                  const PlannerOptions& options, SensitivityPlanReport* report) {
  if (!(targets.macs > 0 && targets.macs <= 1))
    throw Error("target MACs fraction " + number_text(targets.macs) + " must be > 0 and <= 1");
  if (!(targets.latency > 0 && targets.latency <= 1))
    throw Error("target latency fraction " + number_text(targets.latency) + " must be > 0 and <= 1");
  if (!(targets.speed >= 0 && targets.speed <= 1))
    throw Error("speed target " + number_text(targets.speed) + " must be >= 0 and <= 1");
  const bool timed = targets.latency < 1 || targets.speed > 0;
  if (timed && !targets.table) throw Error("a latency or speed target needs the model's latency table");
  if (!std::isfinite(sensitivity.baseline))
    throw Error("sensitivity scan: the baseline mAP is not a number (no ground truth?)");
  const int64_t original = compute_cost(graph).macs;
  if (sensitivity.macs != original)
    throw Error("sensitivity scan was made on another model: it has " + std::to_string(sensitivity.macs) +
                " MACs, this graph " + std::to_string(original));
  const int64_t target = static_cast<int64_t>(std::floor(targets.macs * static_cast<double>(original)));

  std::vector<Choices> choices;
  for (size_t gi = 0; gi < groups.groups.size(); ++gi) {  // graph order
    const ChannelGroup& g = groups.groups[gi];
    const int si = sensitivity.find(g.name);
    if (si < 0 || !g.prunable) continue;
    const GroupSensitivity& s = sensitivity.groups[static_cast<size_t>(si)];
    if (s.channels != g.channels)
      throw Error("sensitivity scan was made on another model: group '" + g.name + "' has " +
                  std::to_string(s.channels) + " channels there, " + std::to_string(g.channels) + " here");
    Choices c;
    c.name = g.name;
    c.group = static_cast<int>(gi);
    c.ratios = s.ratios;
    c.loss = sensitivity_losses(s, sensitivity.baseline);
    for (double r : s.ratios) c.removed.push_back(ratio_removed_channels(r, g.channels, options.round_to));
    choices.push_back(std::move(c));
  }
  for (const auto& s : sensitivity.groups)
    if (groups.find(s.name) < 0)
      throw Error("sensitivity scan was made on another model: it has group '" + s.name +
                  "', this graph does not");

  WidthCost cost(graph, groups, timed ? targets.table : nullptr);
  const double original_ms = timed ? cost.totals().latency_ms : -1;
  const double target_ms = targets.latency < 1 ? targets.latency * original_ms : -1;
  Greedy greedy(std::move(choices), std::move(cost), static_cast<double>(target),
                targets.latency < 1 ? targets.latency * original_ms : -1, targets.speed);
  auto unreachable = [&](const Standing& at) {
    std::string where = std::to_string(static_cast<int64_t>(at.macs)) + " MACs (target " + std::to_string(target) + ")";
    if (timed) where += " and " + number_text(at.ms) + " ms of an estimated " + number_text(original_ms);
    if (target_ms >= 0) where += " (target " + number_text(target_ms) + ")";
    return Error("the targets cannot be reached from the sensitivity scan: with every scanned group at its largest "
                 "ratio the graph is still at about " + where + " (scan more groups or larger ratios)");
  };
  while (!greedy.met(greedy.standing()))
    if (!greedy.step()) throw unreachable(greedy.standing());
  while (greedy.step_back()) {
  }
  // The pruned graph decides: go on move by move while a target is missed.
  while (true) {
    PruningPlan plan = plan_layer_ratios(groups, scores, greedy.ratios(), options);
    Standing real{static_cast<double>(original), original_ms};
    if (!plan.remove.empty()) {
      const Graph pruned = apply_pruning(graph, groups, plan);
      real.macs = static_cast<double>(compute_cost(pruned).macs);
      if (timed) real.ms = estimate_latency_ms(*targets.table, pruned);
    }
    if (greedy.met(real)) {
      if (report) {
        report->original_macs = original;
        report->target_macs = target;
        report->pruned_macs = static_cast<int64_t>(real.macs);
        report->original_ms = original_ms;
        report->target_ms = target_ms;
        report->pruned_ms = real.ms;
        report->predicted_loss = greedy.loss();
        report->predicted_map = sensitivity.baseline - report->predicted_loss;
        report->ratios = greedy.ratios();
      }
      return plan;
    }
    if (!greedy.step()) throw unreachable(real);
  }
}

}  // namespace whittle
