#include "prune/sensitivity_planner.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "graph/cost_model.h"
#include "graph/error.h"
#include "prune/number_text.h"
#include "prune/surgery.h"

namespace whittle {
namespace {

// One scanned group's choices: index -1 is "not pruned" (loss 0, saving 0).
struct Choices {
  std::string name;
  std::vector<double> ratios, loss;
  std::vector<int64_t> saved;
  int index = -1;

  double loss_at(int i) const { return i < 0 ? 0.0 : loss[static_cast<size_t>(i)]; }
  int64_t saved_at(int i) const { return i < 0 ? 0 : saved[static_cast<size_t>(i)]; }
};

struct Move {
  size_t group = 0;
  int to = -1;
  double loss = 0;     // added loss
  int64_t saved = 0;   // added saving (> 0)
};

// The move with the least added loss per added MAC saved; ties: the larger
// saving, then the earlier group. False when no group can save more.
bool best_move(const std::vector<Choices>& choices, Move& best) {
  bool found = false;
  for (size_t g = 0; g < choices.size(); ++g) {
    const Choices& c = choices[g];
    for (int j = c.index + 1; j < static_cast<int>(c.ratios.size()); ++j) {
      const int64_t saved = c.saved_at(j) - c.saved_at(c.index);
      if (saved <= 0) continue;
      const Move m{g, j, c.loss_at(j) - c.loss_at(c.index), saved};
      if (!found) {
        best = m;
        found = true;
        continue;
      }
      // m.loss / m.saved < best.loss / best.saved, cross-multiplied (savings > 0)
      const double lhs = m.loss * static_cast<double>(best.saved);
      const double rhs = best.loss * static_cast<double>(m.saved);
      if (lhs < rhs || (lhs == rhs && m.saved > best.saved)) best = m;
    }
  }
  return found;
}

std::map<std::string, double> chosen_ratios(const std::vector<Choices>& choices) {
  std::map<std::string, double> ratios;
  for (const auto& c : choices)
    if (c.index >= 0) ratios[c.name] = c.ratios[static_cast<size_t>(c.index)];
  return ratios;
}

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
  if (!(fraction > 0 && fraction <= 1))
    throw Error("target MACs fraction " + number_text(fraction) + " must be > 0 and <= 1");
  if (!std::isfinite(sensitivity.baseline))
    throw Error("sensitivity scan: the baseline mAP is not a number (no ground truth?)");
  const int64_t original = compute_cost(graph).macs;
  if (sensitivity.macs != original)
    throw Error("sensitivity scan was made on another model: it has " + std::to_string(sensitivity.macs) +
                " MACs, this graph " + std::to_string(original));
  const int64_t target = static_cast<int64_t>(std::floor(fraction * static_cast<double>(original)));

  std::vector<Choices> choices;
  for (const auto& g : groups.groups) {  // graph order
    const int si = sensitivity.find(g.name);
    if (si < 0 || !g.prunable) continue;
    const GroupSensitivity& s = sensitivity.groups[static_cast<size_t>(si)];
    if (s.channels != g.channels)
      throw Error("sensitivity scan was made on another model: group '" + g.name + "' has " +
                  std::to_string(s.channels) + " channels there, " + std::to_string(g.channels) + " here");
    Choices c;
    c.name = g.name;
    c.ratios = s.ratios;
    c.loss = sensitivity_losses(s, sensitivity.baseline);
    for (int64_t m : s.macs) c.saved.push_back(original - m);
    choices.push_back(std::move(c));
  }
  for (const auto& s : sensitivity.groups)
    if (groups.find(s.name) < 0)
      throw Error("sensitivity scan was made on another model: it has group '" + s.name +
                  "', this graph does not");

  auto predicted_macs = [&] {
    int64_t saved = 0;
    for (const auto& c : choices) saved += c.saved_at(c.index);
    return original - saved;
  };
  auto unreachable = [&](int64_t macs) {
    return Error("target MACs " + number_text(fraction) + " x " + std::to_string(original) +
                 " cannot be reached from the sensitivity scan: with every scanned group at its largest "
                 "ratio the graph still has about " + std::to_string(macs) +
                 " MACs (scan more groups or larger ratios)");
  };
  Move move;
  while (predicted_macs() > target) {
    if (!best_move(choices, move)) throw unreachable(predicted_macs());
    choices[move.group].index = move.to;
  }
  // The real MACs decide: go on move by move while they are above the target.
  while (true) {
    PruningPlan plan = plan_layer_ratios(groups, scores, chosen_ratios(choices), options);
    const int64_t pruned =
        plan.remove.empty() ? original : compute_cost(apply_pruning(graph, groups, plan)).macs;
    if (pruned <= target) {
      if (report) {
        report->original_macs = original;
        report->target_macs = target;
        report->pruned_macs = pruned;
        report->predicted_loss = 0;
        for (const auto& c : choices) report->predicted_loss += c.loss_at(c.index);
        report->predicted_map = sensitivity.baseline - report->predicted_loss;
        report->ratios = chosen_ratios(choices);
      }
      return plan;
    }
    if (!best_move(choices, move)) throw unreachable(pruned);
    choices[move.group].index = move.to;
  }
}

}  // namespace whittle
