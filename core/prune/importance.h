#pragma once
// Importance of every channel of every prunable group under one criterion.
// Each criterion lives in its own file under prune/criteria/ and scores the
// group's members; the group aggregates its members' scores (sum, mean or
// max) and may normalise them per group, so that a global ranking across
// layers is meaningful.
//
//   criterion  scores                                         needs data
//   l1         sum |w| of each filter (Li et al. 2017)        no
//   l2         L2 norm of each filter                         no
//   bn         |gamma| of the BatchNorm after the filters     no
//              (network slimming)
//   fpgm       distance of each filter to the others'         no
//              geometric median (He et al. 2019)
//   taylor     |mean over images of sum_hw a * dL/da|          images + loss
//              (Molchanov et al. 2017), a = the group's
//              activations
//   apoz       mean activation after the non-linearity        images
//              (1 - APoZ where the activation is ReLU-like)
//   random     uniform draws (a baseline)                     seed only
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "runtime/runner.h"  // TensorMap

namespace whittle {

enum class Criterion { L1, L2, BnScale, Fpgm, Taylor, Apoz, Random };
enum class Aggregation { Sum, Mean, Max };
// How a group's scores are scaled before a global ranking compares groups:
//   l2    s / ||s||_2 (Molchanov et al. 2017; the default): a channel of a
//         wide group scores ~1/sqrt(C), so global ranks strip wide groups
//         first (MobileNetV1-SSD w0.5 at half the MACs: its two 512-wide
//         groups down to one channel each)
//   mean  s / mean(s): a channel against its own group's average, whatever
//         the group's width (Torch-Pruning's default); it narrows every
//         group instead, the early high-resolution ones too
//   none  raw scores (criteria differ in scale between layers)
// Measured on that model at half the MACs, l1, 3 epochs of fine-tuning:
// l2 0.260 VOC07 mAP, mean 0.209 (BENCHMARKS.md); the sensitivity planner
// (sensitivity_planner.h) does better than either.
enum class Normalization { None, L2, Mean };

// "l1" | "l2" | "bn" | "fpgm" | "taylor" | "apoz" | "random"; throws
// whittle::Error listing the names otherwise.
Criterion parse_criterion(const std::string& text);
std::string criterion_name(Criterion criterion);
bool criterion_needs_data(Criterion criterion);

// What the data-driven criteria (taylor, apoz) run on: batches of network
// inputs (already normalised, [N, C, H, W], keyed by graph input name) and,
// for taylor, a loss of the graph outputs for batch i (e.g. a detection
// head's training loss against that batch's targets).
struct ImportanceData {
  std::vector<TensorMap> batches;
  std::function<at::Tensor(const TensorMap& outputs, size_t batch)> loss;
};

struct ImportanceOptions {
  Criterion criterion = Criterion::L1;
  Aggregation aggregation = Aggregation::Sum;
  // Per-group scaling, making scores comparable across groups (see above).
  Normalization normalization = Normalization::L2;
  uint64_t seed = 1;  // random
};

// Scores for every prunable group, by group name: a 1-D float tensor of
// group.channels entries (higher = more important). Throws whittle::Error
// naming the criterion when it needs data and `data` is null or lacks a
// loss, and naming the group when a criterion cannot score it (e.g. bn for a
// group without BatchNorm).
std::map<std::string, at::Tensor> channel_importance(const Graph& graph, const ChannelGroups& groups,
                                                     const ImportanceOptions& options,
                                                     const ImportanceData* data = nullptr);

// "sum" | "mean" | "max"; throws whittle::Error listing the names otherwise.
Aggregation parse_aggregation(const std::string& text);
std::string aggregation_name(Aggregation aggregation);
// "l2" | "mean" | "none"; throws whittle::Error listing the names otherwise.
Normalization parse_normalization(const std::string& text);
std::string normalization_name(Normalization normalization);

// The shared steps of every criterion, public for tests and tools:
// A member's per-node-channel scores (a 1-D tensor over the node's channel
// axis) in group order: node_scores[member.channels[i]] for each channel i.
at::Tensor member_scores(const at::Tensor& node_scores, const ChannelMember& member);
// The group's scores from its members' (each group.channels long, float32):
// elementwise sum, mean or max. Throws whittle::Error when `members` is empty.
at::Tensor aggregate_scores(const std::vector<at::Tensor>& members, Aggregation aggregation);
// scores / mean(scores) or scores / ||scores||_2 (float32); all-zero scores,
// and every score with Normalization::None, are returned unchanged.
at::Tensor normalize_scores(const at::Tensor& scores, Normalization normalization);
// The members whose output values the data-driven criteria observe: every
// Norm member, and every Filters/Depthwise member whose output does not go
// only into a Norm member of the group (BatchNorm folding hides that value,
// and the Norm member sees the same channels).
std::vector<const ChannelMember*> observed_members(const Graph& graph, const ChannelGroup& group);

}  // namespace whittle
