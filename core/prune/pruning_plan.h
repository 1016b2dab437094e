#pragma once
// A pruning plan: for each group (by name), the group channels it loses.
// Indices are positions in the group's channel order (0 .. channels - 1).
// Stored as JSON (the CLI's --plan and the GUI's ratio editor):
//   {"format": "whittle.plan/1",
//    "remove": {"features.0": [3, 7, 12], ...},
//    "ratios": {"features.0": 0.25, ...}}      // informative; "remove" decides
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace whittle {

struct ChannelGroups;

struct PruningPlan {
  std::map<std::string, std::vector<int64_t>> remove;  // group name -> sorted, unique indices
  std::map<std::string, double> ratios;                // what the plan was made from, if any

  int64_t removed_channels() const;
};

// Throws whittle::Error naming the group when a group is unknown or not
// prunable, an index is out of range or repeated, or a group would lose
// every channel.
void check_plan(const PruningPlan& plan, const ChannelGroups& groups);

std::string plan_to_json(const PruningPlan& plan);
// Throws whittle::Error (naming `source`, e.g. the file) on malformed JSON.
PruningPlan plan_from_json(const std::string& text, const std::string& source = "plan");
void save_plan(const PruningPlan& plan, const std::string& path);  // atomic
PruningPlan load_plan(const std::string& path);

}  // namespace whittle
