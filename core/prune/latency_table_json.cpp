// The latency table as JSON: the cache file format ("whittle.latency/1").
#include <nlohmann/json.hpp>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "prune/latency_table.h"

namespace whittle {

std::string latency_table_to_json(const LatencyTable& table) {
  nlohmann::ordered_json j;
  j["format"] = latency_table_format();
  j["key"] = table.key;
  j["cpu"] = table.cpu;
  j["threads"] = table.threads;
  j["torch"] = table.torch_version;
  j["fractions"] = table.fractions;
  j["coarse_fractions"] = table.coarse_fractions;
  j["coarse_ms"] = table.coarse_ms;
  j["graph_ms"] = table.graph_ms;
  j["rest_ms"] = table.rest_ms;
  j["rest_fixed_ms"] = table.rest_fixed_ms;
  j["rest_bytes"] = table.rest_bytes;
  j["build_seconds"] = table.build_seconds;
  j["nodes"] = nlohmann::ordered_json::array();
  for (const auto& e : table.entries) {
    nlohmann::ordered_json n;
    n["node"] = e.node;
    n["op"] = std::string(op_name(e.op));
    n["in"] = e.in_channels;
    n["out"] = e.out_channels;
    n["depthwise"] = e.depthwise;
    n["input_shape"] = e.input_shape;
    n["in_points"] = e.in_points;
    n["out_points"] = e.out_points;
    n["ms"] = e.ms;
    j["nodes"].push_back(std::move(n));
  }
  return j.dump(1) + "\n";
}

LatencyTable latency_table_from_json(const std::string& text, const std::string& source) {
  LatencyTable t;
  try {
    const nlohmann::json j = nlohmann::json::parse(text);
    if (j.value("format", std::string()) != latency_table_format())
      throw Error(source + ": not a latency table (format '" + std::string(latency_table_format()) + "' expected)");
    t.key = j.at("key").get<std::string>();
    t.cpu = j.at("cpu").get<std::string>();
    t.threads = j.at("threads").get<int>();
    t.torch_version = j.at("torch").get<std::string>();
    t.fractions = j.at("fractions").get<std::vector<double>>();
    t.coarse_fractions = j.at("coarse_fractions").get<std::vector<double>>();
    t.coarse_ms = j.at("coarse_ms").get<double>();
    t.graph_ms = j.at("graph_ms").get<double>();
    t.rest_ms = j.at("rest_ms").get<double>();
    t.rest_fixed_ms = j.value("rest_fixed_ms", 0.0);
    t.rest_bytes = j.at("rest_bytes").get<int64_t>();
    t.build_seconds = j.value("build_seconds", 0.0);
    for (const auto& n : j.at("nodes")) {
      LatencyEntry e;
      e.node = n.at("node").get<std::string>();
      const auto op = op_from_name(n.at("op").get<std::string>());
      if (!op || (*op != Op::Conv2d && *op != Op::Linear))
        throw Error(source + ": node '" + e.node + "' has op '" + n.at("op").get<std::string>() +
                    "', not Conv or Linear");
      e.op = *op;
      e.in_channels = n.at("in").get<int64_t>();
      e.out_channels = n.at("out").get<int64_t>();
      e.depthwise = n.at("depthwise").get<bool>();
      e.input_shape = n.at("input_shape").get<Shape>();
      e.in_points = n.at("in_points").get<std::vector<int64_t>>();
      e.out_points = n.at("out_points").get<std::vector<int64_t>>();
      e.ms = n.at("ms").get<std::vector<double>>();
      const size_t want = e.out_points.size() * (e.depthwise ? 1 : e.in_points.size());
      if (e.out_points.empty() || (!e.depthwise && e.in_points.empty()) || e.ms.size() != want)
        throw Error(source + ": node '" + e.node + "' has " + std::to_string(e.ms.size()) +
                    " times for " + std::to_string(want) + " grid points");
      t.entries.push_back(std::move(e));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": malformed latency table (" + e.what() + ")");
  }
  return t;
}

void save_latency_table(const LatencyTable& table, const std::string& path) {
  write_file_atomic(path, latency_table_to_json(table));
}

LatencyTable load_latency_table(const std::string& path) { return latency_table_from_json(read_file(path), path); }

}  // namespace whittle
