#pragma once
// Channel dependency groups: which channels of a graph must be removed
// together (see ../shared/DESIGN.md, "Pruning").
//
// Every channel of every 4-D value is an element; ops tie elements:
// - BatchNorm2d, L2Norm, activations, MaxPool/AvgPool/GlobalAvgPool,
//   Upsample, Identity pass channel i of their input to channel i of their
//   output;
// - Add and Mul (same channel count) tie channel i of every input and of the
//   output; Mul by an [N, C, 1, 1] value (squeeze-excitation) too;
// - Concat: channel j of input k is channel offset_k + j of the output;
// - a depthwise Conv2d (groups == in_channels == out_channels) ties input and
//   output channel i; a plain Conv2d (groups == 1) starts new channels (its
//   filters) and consumes its input's;
// - Flatten -> Linear: channel c of the flattened value owns Linear input
//   columns [c * H * W, (c + 1) * H * W).
// Connected elements form one removable channel. A group is the set of
// removable channels that touch the same places (same nodes in the same
// roles), in the order of the first member's channel axis: e.g. the 64
// filters of a conv with its BN and ReLU and the input slices of every
// consumer, or, across a residual Add, the filters of every conv that feeds
// the sum.
//
// A group is not prunable when a channel reaches a graph output (a detection
// head's raw tensor) or a graph input, or passes through a grouped (not
// depthwise) conv, a Linear without Flatten, or an op whose channels cannot
// be sliced; `reason` says which, naming the node.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace whittle {

enum class ChannelRole {
  Filters,      // Conv2d (groups == 1): weight dim 0 and bias — what pruning removes
  Depthwise,    // depthwise Conv2d: weight dim 0 and bias, tied to its input channels
  Norm,         // BatchNorm2d: weight, bias, running_mean, running_var; L2Norm: weight
  ConvInput,    // Conv2d (groups == 1) weight dim 1: a consumer's input channels
  LinearInput,  // Linear weight columns after Flatten: `block` columns per channel
  PassThrough,  // no channel weights (activations, pools, Add, Concat, Upsample, ...)
};
const char* channel_role_name(ChannelRole role);  // "filters", "depthwise", ...

struct ChannelMember {
  std::string node;
  ChannelRole role = ChannelRole::PassThrough;
  // For each of the group's channels (in group order), its index on this
  // node's channel axis (output channels; ConvInput: input channels;
  // LinearInput: the channel c whose columns start at c * block).
  std::vector<int64_t> channels;
  int64_t block = 1;  // LinearInput: columns per channel (H * W before Flatten)
};

// Which width of its Conv2d/Linear a member narrows, and by how many node
// channels per group channel: Filters and Depthwise the outputs (1),
// ConvInput the inputs (1), LinearInput the inputs (block); Norm and
// PassThrough none. What the planners' and the latency table's cost models
// count.
struct WidthEffect {
  enum Axis { None, Out, In } axis = None;
  int64_t per_channel = 0;
};
WidthEffect width_effect(const ChannelMember& member);

struct ChannelGroup {
  int id = 0;              // index in ChannelGroups::groups
  std::string name;        // the first Filters member's node (else the first member's)
  int64_t channels = 0;    // removable channels in the group
  std::vector<ChannelMember> members;  // in graph (node) order
  bool prunable = true;
  std::string reason;      // why not prunable, naming the node; "" when prunable

  // Nodes with role Filters (the convs whose filters the group removes).
  std::vector<std::string> filter_nodes() const;
};

struct ChannelGroups {
  std::vector<ChannelGroup> groups;  // ordered by the first member's node index

  // Index of the group with that name, or -1.
  int find(const std::string& name) const;
  // Throws whittle::Error naming the group when absent.
  const ChannelGroup& group(const std::string& name) const;
  // Groups that touch `node` in any role (e.g. a conv's own filters and the
  // group(s) it consumes).
  std::vector<int> groups_of(const std::string& node) const;
};

// Throws whittle::Error naming the node for a graph that fails validation.
ChannelGroups channel_groups(const Graph& graph);

}  // namespace whittle
