// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/error.h"
#include "graph/graph.h"
#include "jobs/progress.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/pruning_plan.h"

#include "ui/importance_scores.h"

#include <QCoreApplication>
#include <map>
#include <optional>
#include <string>

namespace whittle::ui {
namespace {

ImportanceOptions rawOptions(const QString& criterion) {
  ImportanceOptions options;
  options.criterion = parse_criterion(criterion.toStdString());
  options.aggregation = Aggregation::Sum;
  options.normalization = Normalization::None;  // the criterion's own units
  return options;
}

void store(ImportanceScores& result, const ChannelGroups& groups,
           const std::map<std::string, at::Tensor>& scores) {
  for (const ChannelGroup& group : groups.groups) {
    const auto it = scores.find(group.name);
    if (it == scores.end()) continue;
    const at::Tensor s = it->second.to(at::kFloat).contiguous();
    const float* data = s.data_ptr<float>();
    const QString name = QString::fromStdString(group.name);
    result.groups << name;
    result.byGroup.insert(name, QVector<float>(data, data + s.numel()));
  }
}

}  // namespace

QStringList importanceCriterionNames() {
  return {QStringLiteral("l1"), QStringLiteral("l2"),     QStringLiteral("bn"),
          QStringLiteral("fpgm"), QStringLiteral("taylor"), QStringLiteral("apoz")};
}

QString importanceCriterionTitle(const QString& criterion) {
  if (criterion == QLatin1String("l1")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "L1 norm");
  if (criterion == QLatin1String("l2")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "L2 norm");
  if (criterion == QLatin1String("bn")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "BN \u03b3");
  if (criterion == QLatin1String("fpgm")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "FPGM");
  if (criterion == QLatin1String("taylor")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "Taylor");
  if (criterion == QLatin1String("apoz")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "APoZ");
  if (criterion == QLatin1String("random")) return QCoreApplication::translate("whittle::ui::ImportanceScores", "Random");
  return criterion;
}

bool importanceCriterionNeedsData(const QString& criterion) {
  return criterion_needs_data(parse_criterion(criterion.toStdString()));
}

ImportanceScores computeImportance(const Graph& graph, const ChannelGroups& groups, const QString& criterion) {
  const ImportanceOptions options = rawOptions(criterion);
  if (criterion_needs_data(options.criterion))
    throw Error("criterion '" + criterion.toStdString() + "' scores channels on images: open a data set first");
  ImportanceScores result;
  result.criterion = QString::fromStdString(criterion_name(options.criterion));
  try {
    store(result, groups, channel_importance(graph, groups, options));
    return result;
  } catch (const Error&) {
    // Some group has nothing the criterion reads (bn without BatchNorm):
    // score the groups one by one and keep the others.
  }
  std::optional<Error> first;
  std::map<std::string, at::Tensor> scores;
  for (const ChannelGroup& group : groups.groups) {
    if (!group.prunable) continue;
    ChannelGroups one;
    one.groups = {group};
    one.groups[0].id = 0;
    try {
      const auto s = channel_importance(graph, one, options);
      scores.insert(s.begin(), s.end());
    } catch (const Error& e) {
      if (!first) first = e;
      result.unscored.insert(QString::fromStdString(group.name), QString::fromUtf8(e.what()));
    }
  }
  if (scores.empty() && first) throw *first;
  store(result, groups, scores);
  return result;
}

ImportanceScores computeImportance(const Graph& graph, const ChannelGroups& groups, const QString& criterion,
                                   const ImportanceData& data, Progress& progress) {
  const ImportanceOptions options = rawOptions(criterion);
  if (!criterion_needs_data(options.criterion)) {
    progress.check_cancelled();
    return computeImportance(graph, groups, criterion);
  }
  const std::string name = criterion_name(options.criterion);
  progress.report(0.0, "scoring channels (" + name + ")");
  progress.check_cancelled();
  ImportanceScores result;
  result.criterion = QString::fromStdString(name);
  store(result, groups, channel_importance(graph, groups, options, &data));
  progress.check_cancelled();
  progress.report(1.0, "scored " + std::to_string(result.groups.size()) + " groups (" + name + ")");
  return result;
}

QHash<QString, QVector<qint64>> removedByGroup(const PruningPlan& plan) {
  QHash<QString, QVector<qint64>> result;
  for (const auto& [group, indices] : plan.remove)
    result.insert(QString::fromStdString(group), QVector<qint64>(indices.begin(), indices.end()));
  return result;
}

}  // namespace whittle::ui
