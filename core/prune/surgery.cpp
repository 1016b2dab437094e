#include "prune/surgery.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <unordered_map>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {
namespace {

// What one node loses, as indices of its own axes.
struct Cuts {
  std::vector<int64_t> out;     // output channels: Filters, Depthwise, Norm
  std::vector<int64_t> in;      // Conv weight dim 1: ConvInput
  std::vector<int64_t> linear;  // Linear input channels, `block` columns each
  int64_t block = 1;
};

void sort_unique(std::vector<int64_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// 0 .. size - 1 without `removed` (sorted), each index expanded to `block`
// consecutive entries.
at::Tensor kept_indices(int64_t size, const std::vector<int64_t>& removed, int64_t block = 1) {
  std::vector<int64_t> keep;
  keep.reserve(static_cast<size_t>(size * block));
  size_t r = 0;
  for (int64_t i = 0; i < size; ++i) {
    if (r < removed.size() && removed[r] == i) {
      ++r;
      continue;
    }
    for (int64_t b = 0; b < block; ++b) keep.push_back(i * block + b);
  }
  return at::from_blob(keep.data(), {static_cast<int64_t>(keep.size())}, at::kLong).clone();
}

void check_range(const Node& node, const std::vector<int64_t>& removed, int64_t size,
                 const char* axis) {
  if (!removed.empty() && (removed.front() < 0 || removed.back() >= size))
    throw Error(node.label() + " " + axis + " index " +
                std::to_string(removed.front() < 0 ? removed.front() : removed.back()) +
                " out of range (size " + std::to_string(size) +
                "): the channel groups were not computed from this graph");
}

at::Tensor slice(const at::Tensor& t, int64_t dim, const std::vector<int64_t>& removed,
                 int64_t block = 1) {
  return t.detach().index_select(dim, kept_indices(t.size(dim) / block, removed, block));
}

Node prune_node(const Node& node, const Cuts& cuts) {
  Node out;
  out.name = node.name;
  out.op = node.op;
  out.inputs = node.inputs;
  out.output = node.output;
  out.attrs = node.attrs;
  const bool cut = !cuts.out.empty() || !cuts.in.empty() || !cuts.linear.empty();
  if (!cut) {
    for (const auto& [key, t] : node.weights) out.weights[key] = t.detach().clone();
    return out;
  }
  switch (node.op) {
    case Op::Conv2d: {
      const at::Tensor& w = node.weight("weight");
      const int64_t groups = node.attrs.get_int("groups", 1);
      const bool depthwise = groups > 1 && groups == w.size(0) && w.size(1) == 1;
      if (groups != 1 && !depthwise)
        throw Error(node.label() + " is a grouped conv (groups " + std::to_string(groups) +
                    ") and cannot be pruned");
      if (depthwise && !cuts.in.empty())
        throw Error(node.label() + " is depthwise: its input channels follow its output channels");
      check_range(node, cuts.out, w.size(0), "output channel");
      check_range(node, cuts.in, w.size(1), "input channel");
      at::Tensor weight = w.detach();
      if (!cuts.out.empty()) weight = slice(weight, 0, cuts.out);
      if (!cuts.in.empty()) weight = slice(weight, 1, cuts.in);
      out.weights["weight"] = cuts.out.empty() && cuts.in.empty() ? weight.clone() : weight;
      for (const auto& [key, t] : node.weights) {
        if (key == "weight") continue;
        out.weights[key] = key == "bias" && !cuts.out.empty() ? slice(t, 0, cuts.out) : t.detach().clone();
      }
      if (depthwise) out.attrs.set("groups", weight.size(0));
      break;
    }
    case Op::BatchNorm2d:
    case Op::L2Norm:
      for (const auto& [key, t] : node.weights) {
        check_range(node, cuts.out, t.size(0), "channel");
        out.weights[key] = t.dim() == 1 && !cuts.out.empty() ? slice(t, 0, cuts.out) : t.detach().clone();
      }
      break;
    case Op::Linear: {
      const at::Tensor& w = node.weight("weight");
      if (w.size(1) % cuts.block != 0)
        throw Error(node.label() + " in_features " + std::to_string(w.size(1)) +
                    " is not a multiple of the channel block " + std::to_string(cuts.block));
      check_range(node, cuts.linear, w.size(1) / cuts.block, "input channel");
      for (const auto& [key, t] : node.weights)
        out.weights[key] = key == "weight" ? slice(t, 1, cuts.linear, cuts.block) : t.detach().clone();
      break;
    }
    default:
      throw Error(node.label() + " has no channel weights to prune");
  }
  return out;
}

}  // namespace

Graph apply_pruning(const Graph& graph, const ChannelGroups& groups, const PruningPlan& plan) {
  check_plan(plan, groups);
  std::unordered_map<std::string, int> node_index;
  for (size_t i = 0; i < graph.nodes.size(); ++i) node_index[graph.nodes[i].name] = static_cast<int>(i);

  std::vector<Cuts> cuts(graph.nodes.size());
  for (const auto& [name, removed] : plan.remove) {
    const ChannelGroup& group = groups.group(name);
    for (const auto& member : group.members) {
      auto it = node_index.find(member.node);
      if (it == node_index.end())
        throw Error("group '" + name + "' names node '" + member.node +
                    "', which is not in the graph: the channel groups were not computed from it");
      Cuts& c = cuts[it->second];
      std::vector<int64_t>* axis = nullptr;
      switch (member.role) {
        case ChannelRole::Filters:
        case ChannelRole::Depthwise:
        case ChannelRole::Norm:
          axis = &c.out;
          break;
        case ChannelRole::ConvInput:
          axis = &c.in;
          break;
        case ChannelRole::LinearInput:
          axis = &c.linear;
          c.block = member.block;
          break;
        case ChannelRole::PassThrough:
          break;  // no weights; its shapes follow
      }
      if (!axis) continue;
      for (int64_t r : removed) axis->push_back(member.channels.at(static_cast<size_t>(r)));
    }
  }

  Graph result;
  result.inputs = graph.inputs;
  result.outputs = graph.outputs;
  result.metadata = graph.metadata;
  result.nodes.reserve(graph.nodes.size());
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    Cuts& c = cuts[i];
    sort_unique(c.out);
    sort_unique(c.in);
    sort_unique(c.linear);
    result.nodes.push_back(prune_node(graph.nodes[i], c));
  }
  try {
    validate(result);
  } catch (const Error& e) {
    throw Error(std::string("pruned graph is invalid: ") + e.what());
  }
  return result;
}

}  // namespace whittle
