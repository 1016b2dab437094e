#include "graph/graph.h"

#include <ATen/ops/clone.h>

#include "graph/error.h"

namespace whittle {

bool Node::has_weight(const std::string& key) const { return weights.count(key) != 0; }

const at::Tensor& Node::weight(const std::string& key) const {
  auto it = weights.find(key);
  if (it == weights.end()) throw Error(label() + " has no weight '" + key + "'");
  return it->second;
}

std::string Node::label() const { return "(" + std::string(op_name(op)) + " " + name + ")"; }

int Graph::find_node(const std::string& name) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].name == name) return static_cast<int>(i);
  return -1;
}

Node& Graph::node(const std::string& name) {
  int i = find_node(name);
  if (i < 0) throw Error("no node named '" + name + "'");
  return nodes[i];
}

const Node& Graph::node(const std::string& name) const {
  return const_cast<Graph*>(this)->node(name);
}

int Graph::producer(const std::string& value) const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].output == value) return static_cast<int>(i);
  return -1;
}

std::vector<int> Graph::consumers(const std::string& value) const {
  std::vector<int> result;
  for (size_t i = 0; i < nodes.size(); ++i)
    for (const auto& in : nodes[i].inputs)
      if (in == value) {
        result.push_back(static_cast<int>(i));
        break;
      }
  return result;
}

bool Graph::is_input(const std::string& value) const {
  for (const auto& in : inputs)
    if (in.name == value) return true;
  return false;
}

bool Graph::is_output(const std::string& value) const {
  for (const auto& out : outputs)
    if (out == value) return true;
  return false;
}

std::vector<Value> Graph::values() const {
  std::vector<Value> result;
  std::map<std::string, size_t> index;
  auto add = [&](const std::string& name, int producer) {
    index[name] = result.size();
    Value v;
    v.name = name;
    v.producer = producer;
    v.is_graph_output = is_output(name);
    result.push_back(std::move(v));
  };
  for (const auto& in : inputs) add(in.name, -1);
  for (size_t i = 0; i < nodes.size(); ++i) add(nodes[i].output, static_cast<int>(i));
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& in : nodes[i].inputs) {
      auto it = index.find(in);
      if (it == index.end()) continue;
      auto& consumers = result[it->second].consumers;
      if (consumers.empty() || consumers.back() != static_cast<int>(i))
        consumers.push_back(static_cast<int>(i));
    }
  }
  return result;
}

Graph Graph::clone() const {
  Graph copy = *this;
  for (auto& node : copy.nodes)
    for (auto& [key, tensor] : node.weights) tensor = tensor.detach().clone();
  return copy;
}

bool is_parameter(const std::string& weight_key) {
  return weight_key != "running_mean" && weight_key != "running_var";
}

}  // namespace whittle
