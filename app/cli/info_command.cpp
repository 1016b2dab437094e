#include "cli/info_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/format.h"
#include "cli/model_source.h"
#include "graph/cost_model.h"

namespace whittle::cli {
namespace {

struct InfoOptions {
  ModelSource source;
  bool json = false;
};

void print_json(const Graph& graph, const GraphCost& cost) {
  nlohmann::ordered_json j;
  j["params"] = cost.params;
  j["macs"] = cost.macs;
  j["weight_bytes"] = {{"fp32", cost.weight_bytes_fp32},
                       {"fp16", cost.weight_bytes_fp16},
                       {"int8", cost.weight_bytes_int8}};
  j["activation_bytes"] = cost.activation_bytes;
  j["peak_activation_bytes"] = cost.peak_activation_bytes;
  j["inputs"] = nlohmann::json::array();
  for (const auto& in : graph.inputs) j["inputs"].push_back({{"name", in.name}, {"shape", in.shape}});
  j["outputs"] = graph.outputs;
  j["metadata"] = graph.metadata;
  j["layers"] = nlohmann::json::array();
  for (const auto& n : cost.nodes)
    j["layers"].push_back({{"name", n.name},
                           {"op", std::string(op_name(n.op))},
                           {"output_shape", n.output_shape},
                           {"params", n.params},
                           {"macs", n.macs}});
  std::cout << j.dump(2) << '\n';
}

void print_table(const Graph& graph, const GraphCost& cost) {
  Table table({"layer", "op", "output", "params", "MACs"}, {false, false, false, true, true});
  for (const auto& n : cost.nodes)
    table.add({n.name, std::string(op_name(n.op)), format_shape(n.output_shape),
               n.params ? with_commas(n.params) : "", n.macs ? with_commas(n.macs) : ""});
  std::cout << table.render() << '\n';
  for (const auto& in : graph.inputs) std::cout << "input   " << in.name << ' ' << format_shape(in.shape) << '\n';
  std::cout << "layers  " << cost.nodes.size() << '\n'
            << "params  " << with_commas(cost.params) << " (" << si(cost.params) << ")\n"
            << "MACs    " << with_commas(cost.macs) << " (" << si(cost.macs) << ")\n"
            << "weights " << megabytes(cost.weight_bytes_fp32) << " fp32, "
            << megabytes(cost.weight_bytes_fp16) << " fp16, " << megabytes(cost.weight_bytes_int8)
            << " int8\n"
            << "peak activations " << megabytes(cost.peak_activation_bytes) << " fp32\n";
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* cmd = app.add_subcommand("info", "per-layer table and totals of a model");
  options->source.add_options(*cmd);
  cmd->add_flag("--json", options->json, "machine-readable output");
  cmd->callback([options] {
    Graph graph = options->source.load();
    ShapeMap shapes = options->source.input_shapes(graph);
    GraphCost cost = compute_cost(graph, shapes);
    if (!shapes.empty())
      for (auto& in : graph.inputs)
        if (shapes.count(in.name)) in.shape = shapes[in.name];
    if (options->json) print_json(graph, cost);
    else print_table(graph, cost);
  });
}

}  // namespace whittle::cli
