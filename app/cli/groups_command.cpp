#include "cli/groups_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/format.h"
#include "graph/error.h"
#include "io/onnx_import.h"
#include "models/ssd/ssd_zoo.h"
#include "models/zoo.h"
#include "prune/channel_groups.h"

namespace whittle::cli {
namespace {

struct GroupsOptions {
  std::string model;    // positional MODEL.onnx
  std::string zoo;      // --zoo NAME (classification or detector zoo)
  int64_t classes = 0;  // 0: the zoo's default (1000 classifiers, 20 detectors)
  double width = 1.0;
  int64_t input = 0;    // S; 0: the network's default
  bool json = false;
};

Graph load_graph(const GroupsOptions& o) {
  if (o.model.empty() == o.zoo.empty()) throw Error("give either a MODEL file or --zoo NAME");
  if (!o.model.empty()) {
    if (o.input != 0 || o.classes != 0 || o.width != 1.0)
      throw Error("--classes, --width and --input apply to --zoo only");
    return load_onnx(o.model);
  }
  std::string known;
  for (const auto& e : zoo_entries()) {
    if (e.name == o.zoo) {
      BackboneOptions b;
      if (o.classes > 0) b.num_classes = o.classes;
      b.width = o.width;
      if (o.input > 0) b.input_size = o.input;
      return build_zoo(o.zoo, b);
    }
    known += (known.empty() ? "" : ", ") + e.name;
  }
  for (const auto& e : detector_zoo_entries()) {
    if (e.name == o.zoo) return build_detector_zoo(o.zoo, o.classes > 0 ? o.classes : 20, o.width, o.input).graph;
    known += ", " + e.name;
  }
  throw Error("unknown zoo model '" + o.zoo + "'; known: " + known);
}

void print_json(const ChannelGroups& groups) {
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& g : groups.groups) {
    nlohmann::ordered_json members = nlohmann::ordered_json::array();
    for (const auto& m : g.members) {
      nlohmann::ordered_json member = {{"node", m.node},
                                       {"role", channel_role_name(m.role)},
                                       {"channels", static_cast<int64_t>(m.channels.size())}};
      if (m.role == ChannelRole::LinearInput) member["block"] = m.block;
      members.push_back(std::move(member));
    }
    j.push_back({{"name", g.name},
                 {"channels", g.channels},
                 {"prunable", g.prunable},
                 {"reason", g.reason},
                 {"filters", g.filter_nodes()},
                 {"members", std::move(members)}});
  }
  std::cout << j.dump(2) << '\n';
}

void print_table(const ChannelGroups& groups) {
  Table table({"group", "channels", "members", "filters", "prunable"}, {false, true, true, false, false});
  int64_t prunable = 0, channels = 0;
  for (const auto& g : groups.groups) {
    table.add({g.name, std::to_string(g.channels), std::to_string(g.members.size()),
               join(g.filter_nodes(), ","), g.prunable ? "yes" : "no: " + g.reason});
    if (g.prunable) {
      ++prunable;
      channels += g.channels;
    }
  }
  std::cout << table.render() << '\n'
            << "groups             " << groups.groups.size() << '\n'
            << "prunable groups    " << prunable << '\n'
            << "prunable channels  " << with_commas(channels) << '\n';
}

}  // namespace

void add_groups_command(CLI::App& app) {
  auto options = std::make_shared<GroupsOptions>();
  CLI::App* cmd = app.add_subcommand("groups", "channel dependency groups: what pruning can remove together");
  cmd->add_option("model", options->model, "model file (.onnx)");
  std::string names;
  for (const auto& e : zoo_entries()) names += (names.empty() ? "" : ", ") + e.name;
  for (const auto& e : detector_zoo_entries()) names += ", " + e.name;
  cmd->add_option("--zoo", options->zoo, "a zoo network instead of a file: " + names);
  cmd->add_option("--classes", options->classes, "zoo: number of classes")->check(CLI::PositiveNumber);
  cmd->add_option("--width", options->width, "zoo: width multiplier")->check(CLI::PositiveNumber);
  cmd->add_option("--input", options->input, "zoo: input size S (SxS; default: the network's)")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--json", options->json, "machine-readable output: every group and its members");
  cmd->callback([options] {
    ChannelGroups groups = channel_groups(load_graph(*options));
    if (options->json) print_json(groups);
    else print_table(groups);
  });
}

}  // namespace whittle::cli
