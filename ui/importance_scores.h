#pragma once
// Per-channel importance scores of every prunable group under one criterion,
// held on the Qt side without LibTorch types, for the importance views
// (filter heatmaps, histograms, the overview). Computing them calls core's
// channel_importance (prune/importance.h) with raw scores (no per-group
// normalisation, sum over a group's members), so a view shows the criterion
// in its own units: |w| sums, |gamma|, mean activations, ...
#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

namespace whittle {
struct Graph;
struct ChannelGroups;
struct ImportanceData;
struct PruningPlan;
class Progress;
}  // namespace whittle

namespace whittle::ui {

struct ImportanceScores {
  QString criterion;                       // core's name: "l1", "l2", "bn", "fpgm", "taylor", "apoz", "random"
  QStringList groups;                      // the scored groups, in graph order
  QHash<QString, QVector<float>> byGroup;  // group -> one score per group channel (higher = more important)
  // Prunable groups the criterion could not score (e.g. bn for a group
  // without BatchNorm), with core's reason. Not in `groups`.
  QHash<QString, QString> unscored;

  bool isEmpty() const { return byGroup.isEmpty(); }
  bool contains(const QString& group) const { return byGroup.contains(group); }
  QVector<float> scores(const QString& group) const { return byGroup.value(group); }
};

// The criteria the views offer, in menu order: l1, l2, bn, fpgm, taylor, apoz.
QStringList importanceCriterionNames();
// "L1 norm", "BN γ", ... (translated); the name itself when unknown.
QString importanceCriterionTitle(const QString& criterion);
// taylor and apoz score channels on images; throws whittle::Error for an
// unknown name.
bool importanceCriterionNeedsData(const QString& criterion);

// Scores of every prunable group under a data-free criterion (l1, l2, bn,
// fpgm, random). Groups a criterion cannot score go to `unscored`; when it
// can score none, or the criterion needs data or is unknown, throws
// whittle::Error.
ImportanceScores computeImportance(const whittle::Graph& graph, const whittle::ChannelGroups& groups,
                                   const QString& criterion);

// Any criterion, data-driven ones (taylor, apoz) on `data` (see
// workflow/importance_data.h). Reentrant and Qt-object-free, so a worker
// thread can run it on a snapshot of the graph; checks `progress` for
// cancellation (throws whittle::Cancelled) before and after scoring.
ImportanceScores computeImportance(const whittle::Graph& graph, const whittle::ChannelGroups& groups,
                                   const QString& criterion, const whittle::ImportanceData& data,
                                   whittle::Progress& progress);

// A plan's removed channels in the form the views take (ImportancePanel::setRemoved).
QHash<QString, QVector<qint64>> removedByGroup(const whittle::PruningPlan& plan);

}  // namespace whittle::ui
