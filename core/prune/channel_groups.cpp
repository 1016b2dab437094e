#include "prune/channel_groups.h"

#include <algorithm>
#include <map>
#include <memory>
#include <numeric>
#include <set>
#include <unordered_map>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {

const char* channel_role_name(ChannelRole role) {
  switch (role) {
    case ChannelRole::Filters: return "filters";
    case ChannelRole::Depthwise: return "depthwise";
    case ChannelRole::Norm: return "norm";
    case ChannelRole::ConvInput: return "conv_input";
    case ChannelRole::LinearInput: return "linear_input";
    case ChannelRole::PassThrough: return "pass_through";
  }
  return "?";
}

WidthEffect width_effect(const ChannelMember& member) {
  switch (member.role) {
    case ChannelRole::Filters:
    case ChannelRole::Depthwise: return {WidthEffect::Out, 1};
    case ChannelRole::ConvInput: return {WidthEffect::In, 1};
    case ChannelRole::LinearInput: return {WidthEffect::In, member.block};
    case ChannelRole::Norm:
    case ChannelRole::PassThrough: break;
  }
  return {};
}

std::vector<std::string> ChannelGroup::filter_nodes() const {
  std::vector<std::string> nodes;
  for (const auto& m : members)
    if (m.role == ChannelRole::Filters) nodes.push_back(m.node);
  return nodes;
}

int ChannelGroups::find(const std::string& name) const {
  for (size_t i = 0; i < groups.size(); ++i)
    if (groups[i].name == name) return static_cast<int>(i);
  return -1;
}

const ChannelGroup& ChannelGroups::group(const std::string& name) const {
  int i = find(name);
  if (i < 0) throw Error("no channel group named '" + name + "'");
  return groups[i];
}

std::vector<int> ChannelGroups::groups_of(const std::string& node) const {
  std::vector<int> result;
  for (size_t i = 0; i < groups.size(); ++i)
    for (const auto& m : groups[i].members)
      if (m.node == node) {
        result.push_back(static_cast<int>(i));
        break;
      }
  return result;
}

namespace {

// One place a channel element touches: a node in a role, at an index of that
// node's channel axis.
struct Place {
  int node = 0;
  ChannelRole role = ChannelRole::PassThrough;
  int64_t index = 0;
  int64_t block = 1;

  int64_t key() const { return static_cast<int64_t>(node) * 8 + static_cast<int>(role); }
};

class UnionFind {
 public:
  explicit UnionFind(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int find(int x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  // The smaller id becomes the root, so roots do not depend on union order.
  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (a < b) parent_[b] = a;
    else parent_[a] = b;
  }

 private:
  std::vector<int> parent_;
};

// A value's channel elements: ids base .. base + channels - 1 (4-D values only).
struct ValueElements {
  int base = -1;
  int64_t channels = 0;
  Shape shape;
};

class GroupBuilder {
 public:
  explicit GroupBuilder(const Graph& graph) : graph_(graph) {}

  ChannelGroups build() {
    ShapeMap shapes = validate(graph_);
    allocate(shapes);
    uf_ = std::make_unique<UnionFind>(places_.size());
    for (size_t i = 0; i < graph_.nodes.size(); ++i) tie(static_cast<int>(i));
    mark_inputs_and_outputs();
    return collect();
  }

 private:
  void allocate(const ShapeMap& shapes) {
    auto add = [&](const std::string& name) {
      ValueElements v;
      v.shape = shapes.at(name);
      if (v.shape.size() == 4) {
        v.base = static_cast<int>(places_.size());
        v.channels = v.shape[1];
        places_.resize(places_.size() + v.channels);
        reasons_.resize(places_.size());
      }
      values_[name] = std::move(v);
    };
    for (const auto& in : graph_.inputs) add(in.name);
    for (const auto& node : graph_.nodes) add(node.output);
    for (size_t i = 0; i < graph_.nodes.size(); ++i)
      for (const auto& in : graph_.nodes[i].inputs) {
        auto& c = consumers_[in];
        if (c.empty() || c.back() != static_cast<int>(i)) c.push_back(static_cast<int>(i));
      }
  }

  const ValueElements& value(const std::string& name) const { return values_.at(name); }

  void place(int element, int node, ChannelRole role, int64_t index, int64_t block = 1) {
    places_[element].push_back({node, role, index, block});
  }

  void refuse(const ValueElements& v, const std::string& reason) {
    if (v.base < 0) return;
    for (int64_t c = 0; c < v.channels; ++c)
      if (reasons_[v.base + c].empty()) reasons_[v.base + c] = reason;
  }

  // Channel i of `in` is channel i of `out`.
  void pass(const ValueElements& in, const ValueElements& out, int64_t offset = 0) {
    for (int64_t c = 0; c < in.channels; ++c) uf_->unite(in.base + c, out.base + offset + c);
  }

  void tie(int i) {
    const Node& n = graph_.nodes[i];
    const ValueElements& out = value(n.output);
    switch (n.op) {
      case Op::Conv2d: {
        const ValueElements& in = value(n.inputs[0]);
        const int64_t groups = n.attrs.get_int("groups", 1);
        if (groups > 1 && groups == in.channels && groups == out.channels) {
          pass(in, out);
          for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::Depthwise, c);
          return;
        }
        for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::Filters, c);
        for (int64_t c = 0; c < in.channels; ++c) place(in.base + c, i, ChannelRole::ConvInput, c);
        if (groups != 1) {
          const std::string reason = n.label() + " is a grouped conv (groups " +
                                     std::to_string(groups) + ", not depthwise), which cannot be sliced";
          refuse(in, reason);
          refuse(out, reason);
        }
        return;
      }
      case Op::BatchNorm2d:
      case Op::L2Norm:
        pass(value(n.inputs[0]), out);
        for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::Norm, c);
        return;
      case Op::Add:
      case Op::Mul:
        if (out.base < 0) return;
        for (const auto& name : n.inputs) {
          const ValueElements& in = value(name);
          // A [N, 1, H, W] factor broadcast over every channel is not tied.
          if (in.base >= 0 && in.channels == out.channels) pass(in, out);
        }
        for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::PassThrough, c);
        return;
      case Op::Concat: {
        int64_t offset = 0;
        for (const auto& name : n.inputs) {
          const ValueElements& in = value(name);
          pass(in, out, offset);
          offset += in.channels;
        }
        for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::PassThrough, c);
        return;
      }
      case Op::Flatten:
        flatten(i);
        return;
      case Op::Linear:
        return;  // a 2-D input: its columns are tied by the Flatten before it
      default:
        break;
    }
    if (is_activation(n.op) || n.op == Op::Identity || n.op == Op::MaxPool2d ||
        n.op == Op::AvgPool2d || n.op == Op::GlobalAvgPool || n.op == Op::Upsample) {
      const ValueElements& in = value(n.inputs[0]);
      if (in.base < 0 || out.base < 0) return;
      pass(in, out);
      for (int64_t c = 0; c < out.channels; ++c) place(out.base + c, i, ChannelRole::PassThrough, c);
      return;
    }
    // An op this analysis does not know: its channels stay where they are.
    const std::string reason = n.label() + " cannot be sliced";
    for (const auto& name : n.inputs) refuse(value(name), reason);
    refuse(out, reason);
  }

  // Flatten -> Linear: channel c owns Linear columns [c * H * W, (c + 1) * H * W).
  void flatten(int i) {
    const Node& n = graph_.nodes[i];
    const ValueElements& in = value(n.inputs[0]);
    if (in.base < 0) return;
    const int64_t block = in.shape[2] * in.shape[3];
    for (int64_t c = 0; c < in.channels; ++c) place(in.base + c, i, ChannelRole::PassThrough, c);
    if (graph_.is_output(n.output))
      refuse(in, n.label() + " output '" + n.output + "' is a graph output");
    auto it = consumers_.find(n.output);
    if (it == consumers_.end()) return;
    for (int j : it->second) {
      const Node& consumer = graph_.nodes[j];
      if (consumer.op != Op::Linear) {
        refuse(in, n.label() + " output is used by " + consumer.label() +
                       ", not a Linear: its columns cannot be sliced");
        continue;
      }
      for (int64_t c = 0; c < in.channels; ++c)
        place(in.base + c, j, ChannelRole::LinearInput, c, block);
    }
  }

  void mark_inputs_and_outputs() {
    for (const auto& in : graph_.inputs) refuse(value(in.name), "value '" + in.name + "' is a graph input");
    for (const auto& out : graph_.outputs) {
      int producer = -1;
      for (size_t i = 0; i < graph_.nodes.size(); ++i)
        if (graph_.nodes[i].output == out) producer = static_cast<int>(i);
      if (producer < 0) continue;  // a graph input, refused above
      refuse(value(out), graph_.nodes[producer].label() + " output '" + out + "' is a graph output");
    }
  }

  // One removable channel: the places its elements touch (one per key).
  struct Channel {
    std::vector<Place> places;  // sorted by key, unique keys
    std::string reason;
  };

  struct PendingGroup {
    std::vector<int64_t> keys;
    bool prunable = true;
    std::vector<Channel> channels;
  };

  ChannelGroups collect() {
    // Channels by root element, in order of their smallest element.
    std::vector<int> channel_of(places_.size(), -1);
    std::vector<Channel> channels;
    for (size_t e = 0; e < places_.size(); ++e) {
      int root = uf_->find(static_cast<int>(e));
      if (channel_of[root] < 0) {
        channel_of[root] = static_cast<int>(channels.size());
        channels.emplace_back();
      }
      Channel& ch = channels[channel_of[root]];
      ch.places.insert(ch.places.end(), places_[e].begin(), places_[e].end());
      if (ch.reason.empty()) ch.reason = reasons_[e];
    }

    std::map<std::pair<std::vector<int64_t>, bool>, size_t> index;
    std::vector<PendingGroup> pending;
    for (auto& ch : channels) {
      if (ch.places.empty()) continue;  // an unused graph input
      std::stable_sort(ch.places.begin(), ch.places.end(), [](const Place& a, const Place& b) {
        return a.key() != b.key() ? a.key() < b.key() : a.index < b.index;
      });
      std::vector<Place> unique;
      for (const auto& p : ch.places) {
        if (!unique.empty() && unique.back().key() == p.key()) {
          if (ch.reason.empty())
            ch.reason = graph_.nodes[p.node].label() + " holds one channel at two indices (" +
                        std::to_string(unique.back().index) + " and " + std::to_string(p.index) + ")";
          continue;
        }
        unique.push_back(p);
      }
      ch.places = std::move(unique);
      std::vector<int64_t> keys;
      for (const auto& p : ch.places) keys.push_back(p.key());
      const bool prunable = ch.reason.empty();
      auto [it, added] = index.emplace(std::make_pair(keys, prunable), pending.size());
      if (added) {
        pending.emplace_back();
        pending.back().keys = std::move(keys);
        pending.back().prunable = prunable;
      }
      pending[it->second].channels.push_back(std::move(ch));
    }

    // Channels in the order of the first member's axis; groups by their first
    // member (node, role), then its first channel index.
    for (auto& g : pending)
      std::sort(g.channels.begin(), g.channels.end(), [](const Channel& a, const Channel& b) {
        return a.places[0].index < b.places[0].index;
      });
    std::vector<size_t> order(pending.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const PendingGroup& x = pending[a];
      const PendingGroup& y = pending[b];
      if (x.keys[0] != y.keys[0]) return x.keys[0] < y.keys[0];
      return x.channels[0].places[0].index < y.channels[0].places[0].index;
    });

    ChannelGroups result;
    std::set<std::string> names;
    for (size_t k : order) {
      PendingGroup& p = pending[k];
      ChannelGroup g;
      g.id = static_cast<int>(result.groups.size());
      g.channels = static_cast<int64_t>(p.channels.size());
      g.prunable = p.prunable;
      for (size_t m = 0; m < p.keys.size(); ++m) {
        const Place& first = p.channels[0].places[m];
        ChannelMember member;
        member.node = graph_.nodes[first.node].name;
        member.role = first.role;
        member.block = first.block;
        member.channels.reserve(p.channels.size());
        for (const auto& ch : p.channels) member.channels.push_back(ch.places[m].index);
        g.members.push_back(std::move(member));
      }
      if (!p.prunable)
        for (const auto& ch : p.channels)
          if (!ch.reason.empty()) {
            g.reason = ch.reason;
            break;
          }
      std::string name = g.members[0].node;
      for (const auto& m : g.members)
        if (m.role == ChannelRole::Filters) {
          name = m.node;
          break;
        }
      // Names are unique: later groups named after the same node get "#2", "#3", ...
      g.name = name;
      for (int n = 2; !names.insert(g.name).second; ++n) g.name = name + "#" + std::to_string(n);
      result.groups.push_back(std::move(g));
    }
    return result;
  }

  const Graph& graph_;
  std::unordered_map<std::string, ValueElements> values_;
  std::unordered_map<std::string, std::vector<int>> consumers_;
  std::vector<std::vector<Place>> places_;  // per element
  std::vector<std::string> reasons_;        // per element; "" when removable
  std::unique_ptr<UnionFind> uf_;
};

}  // namespace

ChannelGroups channel_groups(const Graph& graph) { return GroupBuilder(graph).build(); }

}  // namespace whittle
