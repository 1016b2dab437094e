#include "prune/pruning_plan.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "prune/channel_groups.h"
#include "prune/number_text.h"

namespace whittle {
namespace {

constexpr const char* kFormat = "whittle.plan/1";

const ChannelGroup& plan_group(const ChannelGroups& groups, const std::string& name) {
  const int index = groups.find(name);
  if (index < 0) throw Error("plan: unknown group '" + name + "'");
  return groups.groups[index];
}

}  // namespace

int64_t PruningPlan::removed_channels() const {
  int64_t n = 0;
  for (const auto& [name, indices] : remove) n += static_cast<int64_t>(indices.size());
  return n;
}

void check_plan(const PruningPlan& plan, const ChannelGroups& groups) {
  for (const auto& [name, indices] : plan.remove) {
    const ChannelGroup& group = plan_group(groups, name);
    if (indices.empty()) continue;
    if (!group.prunable)
      throw Error("plan: group '" + name + "' is not prunable (" + group.reason + ")");
    for (size_t i = 0; i < indices.size(); ++i) {
      const int64_t c = indices[i];
      if (c < 0 || c >= group.channels)
        throw Error("plan: group '" + name + "' has no channel " + std::to_string(c) + " (it has " +
                    std::to_string(group.channels) + ")");
      if (i > 0 && c == indices[i - 1])
        throw Error("plan: group '" + name + "' lists channel " + std::to_string(c) + " twice");
      if (i > 0 && c < indices[i - 1])
        throw Error("plan: group '" + name + "' lists its channels out of order (" +
                    std::to_string(indices[i - 1]) + " before " + std::to_string(c) + ")");
    }
    if (static_cast<int64_t>(indices.size()) >= group.channels)
      throw Error("plan: group '" + name + "' would lose every one of its " +
                  std::to_string(group.channels) + " channels");
  }
  for (const auto& [name, ratio] : plan.ratios) {
    const ChannelGroup& group = plan_group(groups, name);
    if (!(ratio >= 0 && ratio < 1))
      throw Error("plan: group '" + name + "' has ratio " + number_text(ratio) +
                  " (must be >= 0 and < 1)");
    if (ratio > 0 && !group.prunable)
      throw Error("plan: group '" + name + "' is not prunable (" + group.reason + ")");
  }
}

std::string plan_to_json(const PruningPlan& plan) {
  // Written by hand so that each group's indices stay on one line.
  std::string text = "{\n  \"format\": \"" + std::string(kFormat) + "\",\n  \"remove\": {";
  const char* sep = "\n";
  for (const auto& [name, indices] : plan.remove) {
    text += sep + std::string("    ") + nlohmann::json(name).dump() + ": [";
    for (size_t i = 0; i < indices.size(); ++i) text += (i ? ", " : "") + std::to_string(indices[i]);
    text += "]";
    sep = ",\n";
  }
  text += plan.remove.empty() ? "}" : "\n  }";
  text += ",\n  \"ratios\": {";
  sep = "\n";
  for (const auto& [name, ratio] : plan.ratios) {
    text += sep + std::string("    ") + nlohmann::json(name).dump() + ": " + nlohmann::json(ratio).dump();
    sep = ",\n";
  }
  text += plan.ratios.empty() ? "}" : "\n  }";
  return text + "\n}";
}

PruningPlan plan_from_json(const std::string& text, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(source + ": a pruning plan must be a JSON object");
  PruningPlan plan;
  for (const auto& [key, value] : j.items()) {
    if (key == "format") {
      if (!value.is_string() || value.get<std::string>() != kFormat)
        throw Error(source + ": format " + value.dump() + " is not \"" + kFormat + "\"");
    } else if (key == "remove") {
      if (!value.is_object()) throw Error(source + ": \"remove\" must map group names to index lists");
      for (const auto& [name, list] : value.items()) {
        if (!list.is_array())
          throw Error(source + ": remove[\"" + name + "\"] must be a list of channel indices");
        std::vector<int64_t> indices;
        for (const auto& item : list) {
          if (!item.is_number_integer() || item.get<int64_t>() < 0)
            throw Error(source + ": remove[\"" + name + "\"] has " + item.dump() +
                        ", not a channel index >= 0");
          indices.push_back(item.get<int64_t>());
        }
        std::sort(indices.begin(), indices.end());
        auto repeated = std::adjacent_find(indices.begin(), indices.end());
        if (repeated != indices.end())
          throw Error(source + ": remove[\"" + name + "\"] lists channel " +
                      std::to_string(*repeated) + " twice");
        plan.remove[name] = std::move(indices);
      }
    } else if (key == "ratios") {
      if (!value.is_object()) throw Error(source + ": \"ratios\" must map group names to numbers");
      for (const auto& [name, ratio] : value.items()) {
        if (!ratio.is_number() || !(ratio.get<double>() >= 0 && ratio.get<double>() < 1))
          throw Error(source + ": ratios[\"" + name + "\"] is " + ratio.dump() +
                      ", not a number >= 0 and < 1");
        plan.ratios[name] = ratio.get<double>();
      }
    } else {
      throw Error(source + ": unknown key \"" + key + "\" (a plan has format, remove and ratios)");
    }
  }
  return plan;
}

void save_plan(const PruningPlan& plan, const std::string& path) {
  write_file_atomic(path, plan_to_json(plan) + "\n");
}

PruningPlan load_plan(const std::string& path) { return plan_from_json(read_file(path), path); }

}  // namespace whittle
