#include "cli/zoo_command.h"

#include <iostream>
#include <memory>

#include "cli/format.h"
#include "graph/cost_model.h"
#include "io/onnx_export.h"
#include "models/zoo.h"

namespace whittle::cli {
namespace {

struct BuildOptions {
  std::string name;
  BackboneOptions backbone;
  std::string out;
};

}  // namespace

void add_zoo_command(CLI::App& app) {
  CLI::App* zoo = app.add_subcommand("zoo", "built-in networks");
  zoo->require_subcommand(1);

  CLI::App* list = zoo->add_subcommand("list", "list the zoo's networks");
  list->callback([] {
    Table table({"name", "description"}, {false, false});
    for (const auto& e : zoo_entries()) table.add({e.name, e.description});
    std::cout << table.render();
  });

  auto options = std::make_shared<BuildOptions>();
  CLI::App* build = zoo->add_subcommand("build", "build a zoo network and save it as ONNX");
  build->add_option("name", options->name, "zoo network (see `zoo list`)")->required();
  build->add_option("--classes", options->backbone.num_classes, "number of classes")
      ->check(CLI::PositiveNumber);
  build->add_option("--width", options->backbone.width, "width multiplier")
      ->check(CLI::PositiveNumber);
  build->add_option("--input", options->backbone.input_size, "input size S (SxS)")
      ->check(CLI::PositiveNumber);
  build->add_option("--seed", options->backbone.seed, "weight initialisation seed");
  build->add_option("--out", options->out, "output .onnx file")->required();
  build->callback([options] {
    Graph graph = build_zoo(options->name, options->backbone);
    save_onnx(graph, options->out);
    GraphCost cost = compute_cost(graph);
    std::cout << "wrote " << options->out << ": " << options->name << ", "
              << with_commas(cost.params) << " params, " << si(cost.macs) << " MACs\n";
  });
}

}  // namespace whittle::cli
