// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/error.h"
#include "graph/graph.h"
#include "prune/channel_groups.h"
#include "prune/importance.h"
#include "prune/latency_planner.h"
#include "prune/latency_table.h"
#include "prune/planners.h"
#include "prune/pruning_plan.h"
#include "prune/width_cost.h"

#include "ui/ratio_editor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/ratio_control.h"
#include "ui/ratio_table_model.h"

namespace whittle::ui {

namespace {

QString toQString(const std::string& text) { return QString::fromStdString(text); }

}  // namespace

struct RatioEditor::State {
  Graph graph;
  ChannelGroups groups;
  GroupScores scores;
  std::vector<std::vector<int64_t>> order;       // per group: channels, least important first
  std::vector<QString> criterion;                // per group
  std::vector<std::vector<int64_t>> fileRemove;  // per group: a loaded plan's own list
  std::unique_ptr<LatencyTable> table;
  std::unique_ptr<WidthCost> cost;
  WidthTotals original;
  std::vector<int64_t> counts;  // per group: removed channels

  void rank(size_t g) { order[g] = channel_ranking(scores.at(groups.groups[g].name)); }
  // The `count` channels the ranking removes, ascending.
  std::vector<int64_t> lowest(size_t g, int64_t count) const {
    std::vector<int64_t> v(order[g].begin(), order[g].begin() + std::min<int64_t>(count, order[g].size()));
    std::sort(v.begin(), v.end());
    return v;
  }
};

RatioEditor::RatioEditor(QWidget* parent) : QWidget(parent) { buildUi(); }

RatioEditor::~RatioEditor() = default;

void RatioEditor::setModel(const whittle::Graph& graph, const whittle::ChannelGroups& groups) {
  auto state = std::make_unique<State>();
  state->graph = graph;
  state->groups = groups;
  const size_t n = groups.groups.size();
  state->order.resize(n);
  state->criterion.assign(n, QStringLiteral("l1"));
  state->fileRemove.resize(n);
  state->counts.assign(n, 0);
  lastError_.clear();
  try {
    state->scores = channel_importance(state->graph, state->groups, ImportanceOptions{});
    for (size_t g = 0; g < n; ++g)
      if (groups.groups[g].prunable) state->rank(g);
    state->cost = std::make_unique<WidthCost>(state->graph, state->groups);
    state->original = state->cost->totals();
  } catch (const std::exception& e) {
    state_.reset();
    model_->clear();
    reportError(tr("Could not prepare the pruning plan: %1").arg(QString::fromUtf8(e.what())));
    updateTotals();
    updateEnabled();
    return;
  }
  state_ = std::move(state);
  resetRows();
  reportError({});
  updateTotals();
  updateEnabled();
  emit planChanged();
}

void RatioEditor::resetRows() {
  QVector<RatioRow> rows;
  if (state_)
    for (size_t g = 0; g < state_->groups.groups.size(); ++g) {
      const ChannelGroup& group = state_->groups.groups[g];
      if (!group.prunable) continue;
      RatioRow row;
      row.group = static_cast<int>(g);
      row.name = toQString(group.name);
      row.channels = group.channels;
      row.criterion = state_->criterion[g];
      rows.push_back(row);
    }
  model_->setRows(std::move(rows));
  for (int r = 0; r < model_->rowCount(); ++r)
    table_->openPersistentEditor(model_->index(r, RatioTableModel::RatioColumn));
}

void RatioEditor::setScores(const QString& criterion, const QHash<QString, QVector<float>>& byGroup) {
  if (!state_) return;
  QStringList bad;
  for (auto it = byGroup.begin(); it != byGroup.end(); ++it) {
    const int g = state_->groups.find(it.key().toStdString());
    if (g < 0 || !state_->groups.groups[g].prunable ||
        it.value().size() != state_->groups.groups[g].channels) {
      bad << it.key();
      continue;
    }
    const std::string name = it.key().toStdString();
    state_->scores[name] = at::tensor(at::ArrayRef<float>(it.value().constData(), it.value().size()));
    state_->rank(static_cast<size_t>(g));
    state_->criterion[static_cast<size_t>(g)] = criterion;
    const int row = model_->rowOf(it.key());
    if (row >= 0) model_->setRowCriterion(row, criterion);
  }
  reportError(bad.isEmpty() ? QString()
                            : tr("Scores ignored for %1: unknown or not prunable groups, or a wrong channel count.")
                                  .arg(bad.join(QStringLiteral(", "))));
  emit planChanged();
}

void RatioEditor::setLatencyTable(const whittle::LatencyTable* table) {
  if (!state_) return;
  std::unique_ptr<LatencyTable> copy = table ? std::make_unique<LatencyTable>(*table) : nullptr;
  try {
    auto cost = std::make_unique<WidthCost>(state_->graph, state_->groups, copy.get());
    state_->original = cost->totals();
    cost->reset(state_->counts);
    state_->cost = std::move(cost);
    state_->table = std::move(copy);
    reportError({});
  } catch (const std::exception& e) {
    reportError(tr("The latency table does not fit this model: %1").arg(QString::fromUtf8(e.what())));
  }
  updateTotals();
  updateEnabled();
}

void RatioEditor::clear() {
  state_.reset();
  model_->clear();
  lastError_.clear();
  errorLabel_->hide();
  updateTotals();
  updateEnabled();
  emit planChanged();
}

void RatioEditor::setRowCount(int row, double ratio, qint64 removed, bool fromFile) {
  const size_t g = static_cast<size_t>(model_->row(row).group);
  state_->counts[g] = removed;
  if (!fromFile) state_->fileRemove[g].clear();
  model_->setRowRatio(row, ratio, removed, fromFile);
}

bool RatioEditor::setRatio(const QString& group, double ratio) {
  if (!state_) return false;
  const int row = model_->rowOf(group);
  if (row < 0 || !(ratio >= 0 && ratio < 1)) return false;
  const RatioRow& r = model_->row(row);
  if (r.ratio == ratio && !r.fromFile) return true;
  const qint64 removed = ratio_removed_channels(ratio, r.channels, roundTo_);
  setRowCount(row, ratio, removed, false);
  state_->cost->set(r.group, removed);
  updateTotals();
  emit planChanged();
  return true;
}

double RatioEditor::ratio(const QString& group) const {
  const int row = model_->rowOf(group);
  return row < 0 ? 0 : model_->row(row).ratio;
}

void RatioEditor::setGlobalRatio(double ratio) {
  {
    const QSignalBlocker a(globalSlider_), b(globalSpin_);
    globalSpin_->setValue(ratio);
    globalSlider_->setValue(static_cast<int>(std::lround(ratio * 1000)));
  }
  if (!state_ || !(ratio >= 0 && ratio < 1)) return;
  for (int row = 0; row < model_->rowCount(); ++row) {
    const RatioRow& r = model_->row(row);
    if (r.locked) continue;
    const qint64 removed = ratio_removed_channels(ratio, r.channels, roundTo_);
    setRowCount(row, ratio, removed, false);
    state_->cost->set(r.group, removed);
  }
  updateTotals();
  emit planChanged();
}

void RatioEditor::setLocked(const QString& group, bool locked) {
  const int row = model_->rowOf(group);
  if (row < 0 || model_->row(row).locked == locked) return;
  model_->setRowLocked(row, locked);
}

bool RatioEditor::isLocked(const QString& group) const {
  const int row = model_->rowOf(group);
  return row >= 0 && model_->row(row).locked;
}

void RatioEditor::setRoundTo(int multiple) {
  if (multiple < 1 || multiple == roundTo_) return;
  roundTo_ = multiple;
  if (auto* round = findChild<QSpinBox*>(QStringLiteral("roundSpin"))) {
    const QSignalBlocker block(round);
    round->setValue(multiple);
  }
  if (!state_) return;
  for (int row = 0; row < model_->rowCount(); ++row) {
    const RatioRow& r = model_->row(row);
    if (r.fromFile) continue;
    setRowCount(row, r.ratio, ratio_removed_channels(r.ratio, r.channels, roundTo_), false);
  }
  state_->cost->reset(state_->counts);
  updateTotals();
  emit planChanged();
}

void RatioEditor::fillFromCounts(const std::vector<qint64>& counts) {
  for (int row = 0; row < model_->rowCount(); ++row) {
    const RatioRow& r = model_->row(row);
    if (r.locked) continue;
    const qint64 removed = counts[static_cast<size_t>(r.group)];
    setRowCount(row, static_cast<double>(removed) / static_cast<double>(r.channels), removed, false);
  }
  state_->cost->reset(state_->counts);
  updateTotals();
  emit planChanged();
}

void RatioEditor::fillToTarget(bool latency, double fraction) {
  if (!state_) return;
  if (latency && !state_->table) {
    reportError(tr("A latency target needs a latency table: measure one first."));
    return;
  }
  PlannerOptions options;
  options.round_to = roundTo_;
  const ChannelGroups& groups = state_->groups;
  try {
    bool anyLocked = false;
    for (const RatioRow& r : model_->rows()) anyLocked = anyLocked || r.locked;
    std::vector<qint64> counts(groups.groups.size(), 0);
    if (!anyLocked) {
      // Exactly the CLI's planners.
      const PruningPlan plan =
          latency ? plan_target_latency(state_->graph, groups, state_->scores, *state_->table, fraction, options)
                  : plan_target_macs(state_->graph, groups, state_->scores, fraction, options);
      for (const auto& [name, removed] : plan.remove)
        counts[static_cast<size_t>(groups.find(name))] = static_cast<qint64>(removed.size());
    } else {
      // The planners' steps with the locked rows held at their counts:
      // channels of the unlocked groups by global rank until the cost is
      // at most the target.
      if (!(fraction > 0 && fraction <= 1))
        throw Error("target fraction " + std::to_string(fraction) + " must be > 0 and <= 1");
      std::vector<char> locked(groups.groups.size(), 0);
      std::vector<int64_t> base(groups.groups.size(), 0);
      for (const RatioRow& r : model_->rows())
        if (r.locked) {
          locked[static_cast<size_t>(r.group)] = 1;
          base[static_cast<size_t>(r.group)] = r.removed;
        }
      std::vector<RankedChannel> ranked = global_ranking(groups, state_->scores);
      ranked.erase(std::remove_if(ranked.begin(), ranked.end(),
                                  [&](const RankedChannel& c) { return locked[static_cast<size_t>(c.group)] != 0; }),
                   ranked.end());
      WidthCost cost(state_->graph, groups, latency ? state_->table.get() : nullptr);
      auto of = [latency](const WidthTotals& t) { return latency ? t.latency_ms : static_cast<double>(t.macs); };
      const double original = of(cost.totals());
      const double aim = latency ? fraction * original : std::floor(fraction * original);
      const double start = of(cost.reset(base));
      const RankedRemoval r = remove_by_rank(groups, ranked, options, start, aim,
                                             [&](const std::vector<int64_t>& removed, int g) {
                                               return of(cost.set(g, removed[static_cast<size_t>(g)]));
                                             });
      if (r.cost > aim)
        throw Error("the target cannot be reached with the locked rows as they are: the unlocked groups at "
                    "their minimum width leave " + std::to_string(r.cost / original) + " x the original");
      for (size_t g = 0; g < counts.size(); ++g) counts[g] = locked[g] ? base[g] : r.removed[g];
    }
    reportError({});
    fillFromCounts(counts);
  } catch (const std::exception& e) {
    reportError(tr("Could not fill the table: %1").arg(QString::fromUtf8(e.what())));
  }
}

void RatioEditor::fillToTargetMacs(double fraction) { fillToTarget(false, fraction); }

void RatioEditor::fillToTargetLatency(double fraction) { fillToTarget(true, fraction); }

whittle::PruningPlan RatioEditor::plan() const {
  if (!state_) return {};
  std::map<std::string, double> ratios;
  for (const RatioRow& r : model_->rows())
    if (!r.fromFile && r.ratio > 0) ratios[r.name.toStdString()] = r.ratio;
  PlannerOptions options;
  options.round_to = roundTo_;
  PruningPlan plan = plan_layer_ratios(state_->groups, state_->scores, ratios, options);
  for (const RatioRow& r : model_->rows()) {
    if (!r.fromFile) continue;
    const std::string name = r.name.toStdString();
    const auto& list = state_->fileRemove[static_cast<size_t>(r.group)];
    if (!list.empty()) plan.remove[name] = list;
    if (r.ratio > 0) plan.ratios[name] = r.ratio;
  }
  return plan;
}

namespace {
PlanTotals toPlanTotals(const WidthTotals& t) {
  PlanTotals p;
  p.params = static_cast<double>(t.params);
  p.macs = static_cast<double>(t.macs);
  p.latencyMs = t.latency_ms;
  p.fp32Bytes = static_cast<double>(t.file_bytes_fp32);
  p.int8Bytes = static_cast<double>(t.file_bytes_int8);
  return p;
}
}  // namespace

PlanTotals RatioEditor::totals() const { return state_ ? toPlanTotals(state_->cost->totals()) : PlanTotals{}; }

PlanTotals RatioEditor::originalTotals() const { return state_ ? toPlanTotals(state_->original) : PlanTotals{}; }

bool RatioEditor::savePlan(const QString& path, QString* error) const {
  try {
    if (!state_) throw Error("no model");
    save_plan(plan(), path.toStdString());
    return true;
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
}

bool RatioEditor::loadPlan(const QString& path, QString* error) {
  try {
    if (!state_) throw Error("no model to load a plan for");
    const PruningPlan file = load_plan(path.toStdString());
    if (file.remove.empty() && file.ratios.empty())
      throw Error(path.toStdString() + " lists neither channels to remove nor ratios");
    PlannerOptions options;
    options.round_to = roundTo_;
    if (!file.remove.empty())
      check_plan(file, state_->groups);
    else
      plan_layer_ratios(state_->groups, state_->scores, file.ratios, options);  // the CLI's checks
    for (int row = 0; row < model_->rowCount(); ++row) {
      const RatioRow& r = model_->row(row);
      const std::string name = r.name.toStdString();
      const size_t g = static_cast<size_t>(r.group);
      const auto rit = file.ratios.find(name);
      double ratio = rit == file.ratios.end() ? 0.0 : rit->second;
      if (file.remove.empty()) {
        setRowCount(row, ratio, ratio_removed_channels(ratio, r.channels, roundTo_), false);
        continue;
      }
      const auto it = file.remove.find(name);
      const std::vector<int64_t> list = it == file.remove.end() ? std::vector<int64_t>{} : it->second;
      const qint64 count = static_cast<qint64>(list.size());
      if (rit == file.ratios.end() || !(ratio >= 0 && ratio < 1))
        ratio = static_cast<double>(count) / static_cast<double>(r.channels);
      // The file's channels are the ones the ratio would choose: an ordinary row.
      const bool same = ratio_removed_channels(ratio, r.channels, roundTo_) == count && list == state_->lowest(g, count);
      if (!same) state_->fileRemove[g] = list;
      setRowCount(row, ratio, count, !same);
    }
    state_->cost->reset(state_->counts);
    lastError_.clear();
    errorLabel_->hide();
    updateTotals();
    emit planChanged();
    return true;
  } catch (const std::exception& e) {
    const QString message = QString::fromUtf8(e.what());
    if (error) *error = message;
    reportError(tr("Could not load the plan: %1").arg(message));
    return false;
  }
}

QHash<QString, QVector<qint64>> RatioEditor::removedByGroup() const {
  QHash<QString, QVector<qint64>> result;
  if (!state_) return result;
  for (const RatioRow& r : model_->rows()) {
    if (r.removed <= 0) continue;
    const size_t g = static_cast<size_t>(r.group);
    const std::vector<int64_t> list = r.fromFile ? state_->fileRemove[g] : state_->lowest(g, r.removed);
    result.insert(r.name, QVector<qint64>(list.begin(), list.end()));
  }
  return result;
}

QString RatioEditor::totalsText() const { return totalsLabel_->text(); }

void RatioEditor::updateTotals() {
  if (!state_) {
    totalsLabel_->setText(tr("No model."));
    return;
  }
  const QLocale locale;
  const WidthTotals& now = state_->cost->totals();
  const WidthTotals& was = state_->original;
  auto pair = [&](double before, double after, double scale, const QString& unit, int decimals) {
    const double share = before > 0 ? 100.0 * after / before : 100.0;
    return tr("%1 → %2 %3 (%4%)")
        .arg(locale.toString(before / scale, 'f', decimals), locale.toString(after / scale, 'f', decimals), unit,
             locale.toString(share, 'f', 1));
  };
  QStringList parts;
  parts << tr("Params %1").arg(pair(was.params, now.params, 1e6, tr("M"), 2));
  parts << tr("MACs %1").arg(pair(was.macs, now.macs, 1e9, tr("G"), 2));
  if (now.latency_ms >= 0)
    parts << tr("Latency %1").arg(pair(was.latency_ms, now.latency_ms, 1, tr("ms"), 1));
  else
    parts << tr("Latency — (no table)");
  parts << tr("File fp32 %1").arg(pair(was.file_bytes_fp32, now.file_bytes_fp32, 1e6, tr("MB"), 1));
  parts << tr("int8 %1").arg(pair(was.file_bytes_int8, now.file_bytes_int8, 1e6, tr("MB"), 1));
  totalsLabel_->setText(parts.join(QStringLiteral(" · ")));
}

void RatioEditor::updateEnabled() {
  const bool model = state_ != nullptr;
  for (QWidget* w : std::initializer_list<QWidget*>{globalSlider_, globalSpin_, targetKind_, targetSpin_, fillButton_,
                                                    loadButton_, saveButton_, applyButton_})
    w->setEnabled(model);
  // The latency target needs a table.
  const bool latency = model && state_->table;
  if (!latency && targetKind_->currentIndex() == 1) targetKind_->setCurrentIndex(0);
  if (auto* items = qobject_cast<QStandardItemModel*>(targetKind_->model()))
    if (QStandardItem* item = items->item(1)) {
      item->setEnabled(latency);
      item->setToolTip(latency ? QString() : tr("Needs a latency table"));
    }
}

void RatioEditor::reportError(const QString& message) {
  lastError_ = message;
  errorLabel_->setText(message);
  errorLabel_->setVisible(!message.isEmpty());
}

void RatioEditor::chooseLoadFile() {
  if (!interactive_) return;
  const QString path = QFileDialog::getOpenFileName(this, tr("Load Pruning Plan"), QString(),
                                                    tr("Pruning plans (*.json);;All files (*)"));
  if (!path.isEmpty()) loadPlan(path);
}

void RatioEditor::chooseSaveFile() {
  if (!interactive_) return;
  const QString path = QFileDialog::getSaveFileName(this, tr("Save Pruning Plan"), QStringLiteral("plan.json"),
                                                    tr("Pruning plans (*.json);;All files (*)"));
  if (path.isEmpty()) return;
  QString error;
  if (!savePlan(path, &error))
    reportError(tr("Could not save the plan: %1").arg(error));
  else
    reportError({});
}

}  // namespace whittle::ui
