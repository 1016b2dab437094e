#include "ui/importance_panel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

#include "ui/filter_heatmap.h"
#include "ui/importance_histogram.h"

namespace whittle::ui {

namespace {

// What a criterion scores, in a sentence; "" for one without a description.
QString criterionToolTip(const QString& criterion) {
  if (criterion == QLatin1String("l1"))
    return ImportancePanel::tr("L1 norm: the sum of the absolute values of a filter's weights; a small sum means "
                               "little effect.");
  if (criterion == QLatin1String("l2"))
    return ImportancePanel::tr("L2 norm: the square root of the sum of a filter's squared weights; like L1, but large "
                               "weights count more.");
  if (criterion == QLatin1String("bn"))
    return ImportancePanel::tr("BN \u03b3: the batch norm scale after the convolution; a filter whose output is "
                               "scaled to nearly zero adds little.");
  if (criterion == QLatin1String("fpgm"))
    return ImportancePanel::tr("FPGM: the distance of a filter from the geometric median of its layer's filters; "
                               "filters near the median are redundant, as the others can stand in for them.");
  if (criterion == QLatin1String("taylor"))
    return ImportancePanel::tr("Taylor: |activation \u00d7 gradient| on images, an estimate of how much the loss "
                               "would change if the filter were removed.");
  if (criterion == QLatin1String("apoz"))
    return ImportancePanel::tr("APoZ: the share of zeros in a filter's output after the activation on images; a "
                               "filter that is mostly zero scores low.");
  return {};
}

}  // namespace

ImportancePanel::ImportancePanel(QWidget* parent) : QWidget(parent) {
  setObjectName(QStringLiteral("importancePanel"));
  groupLabel_ = new QLabel(this);
  groupLabel_->setObjectName(QStringLiteral("importanceGroupLabel"));
  groupLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);

  auto makeBox = [this](const QString& name, bool withNone) {
    auto* box = new QComboBox(this);
    box->setObjectName(name);
    if (withNone) box->addItem(tr("(none)"), QString());
    for (const QString& criterion : importanceCriterionNames()) {
      box->addItem(importanceCriterionTitle(criterion), criterion);
      QStringList tip{criterionToolTip(criterion)};
      if (importanceCriterionNeedsData(criterion)) tip << tr("Scores filters on images of the open data set");
      tip.removeAll(QString());
      if (!tip.isEmpty()) box->setItemData(box->count() - 1, tip.join(QLatin1Char('\n')), Qt::ToolTipRole);
    }
    return box;
  };
  leftBox_ = makeBox(QStringLiteral("leftCriterionBox"), false);
  rightBox_ = makeBox(QStringLiteral("rightCriterionBox"), true);
  leftBox_->setToolTip(tr("Criterion of the left view"));
  rightBox_->setToolTip(tr("Criterion of the right view, to compare; (none) shows one view"));

  auto makeColumn = [this](QComboBox* box, QLabel*& status, FilterHeatmap*& heatmap,
                           ImportanceHistogram*& histogram, const QString& side) {
    auto* column = new QWidget(this);
    column->setObjectName(side + QStringLiteral("ImportanceColumn"));
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Criterion:"), column));
    header->addWidget(box, 1);
    layout->addLayout(header);
    status = new QLabel(column);
    status->setObjectName(side + QStringLiteral("ImportanceStatus"));
    status->setWordWrap(true);
    status->setToolTip(tr("How many of the layer's filters the pruning plan removes under this criterion, and the "
                          "score below which they go."));
    layout->addWidget(status);
    heatmap = new FilterHeatmap(column);
    heatmap->setObjectName(side + QStringLiteral("FilterHeatmap"));
    heatmap->setToolTip(tr("One cell per filter of the layer, coloured by its score from dark purple (lowest) to "
                           "yellow (highest); crossed-out cells are the filters the plan removes."));
    layout->addWidget(heatmap, 3);
    histogram = new ImportanceHistogram(column);
    histogram->setObjectName(side + QStringLiteral("ImportanceHistogram"));
    histogram->setToolTip(tr("How many filters have each score: red bars are the filters the plan removes, and the "
                             "dashed line is the cut-off below which filters go."));
    layout->addWidget(histogram, 2);
    return column;
  };
  QWidget* leftColumn = makeColumn(leftBox_, leftStatus_, leftHeatmap_, leftHistogram_, QStringLiteral("left"));
  rightColumn_ = makeColumn(rightBox_, rightStatus_, rightHeatmap_, rightHistogram_, QStringLiteral("right"));

  auto* splitter = new QSplitter(Qt::Horizontal, this);
  splitter->setObjectName(QStringLiteral("importanceSplitter"));
  splitter->setChildrenCollapsible(false);
  splitter->addWidget(leftColumn);
  splitter->addWidget(rightColumn_);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(groupLabel_);
  layout->addWidget(splitter, 1);

  // activated: the user's picks only, not setCriteria's.
  connect(leftBox_, qOverload<int>(&QComboBox::activated), this, [this] { onPicked(0); });
  connect(rightBox_, qOverload<int>(&QComboBox::activated), this, [this] { onPicked(1); });
  // The right column is kept in the splitter (so its slot stays) but shows
  // only with a right criterion; "(none)" on the right box stays reachable.
  setCriteria(left_, right_);
}

QStringList ImportancePanel::criteria() const {
  QStringList result;
  for (const QString& criterion : importanceCriterionNames())
    if (scores_.contains(criterion)) result << criterion;
  for (auto it = scores_.cbegin(); it != scores_.cend(); ++it)  // others (random)
    if (!result.contains(it.key())) result << it.key();
  return result;
}

void ImportancePanel::setScores(const ImportanceScores& scores) {
  scores_.insert(scores.criterion, scores);
  if (group_.isEmpty() && !scores.groups.isEmpty()) group_ = scores.groups.front();
  refresh();
}

void ImportancePanel::clearScores() {
  scores_.clear();
  refresh();
}

void ImportancePanel::setCriteria(const QString& left, const QString& right) {
  left_ = left.isEmpty() ? QStringLiteral("l1") : left;
  right_ = right;
  for (auto [box, value] : {std::pair{leftBox_, left_}, std::pair{rightBox_, right_}}) {
    const QSignalBlocker blocker(box);
    int index = box->findData(value);
    if (index < 0 && !value.isEmpty()) {  // a criterion outside the menu (random)
      box->addItem(importanceCriterionTitle(value), value);
      index = box->count() - 1;
    }
    box->setCurrentIndex(std::max(index, 0));
  }
  refresh();
}

void ImportancePanel::setGroup(const QString& group) {
  group_ = group;
  refresh();
}

void ImportancePanel::setRemoved(const QHash<QString, QVector<qint64>>& removedByGroup) {
  removed_ = removedByGroup;
  refresh();
}

void ImportancePanel::onPicked(int side) {
  QComboBox* box = criterionBox(side);
  const QString criterion = box->currentData().toString();
  if (side == 0)
    left_ = criterion;
  else
    right_ = criterion;
  refresh();
  if (!criterion.isEmpty() && !scores_.contains(criterion)) emit criterionRequested(criterion);
}

void ImportancePanel::refresh() {
  const QString channels = [&] {
    for (const ImportanceScores& s : scores_)
      if (s.byGroup.contains(group_)) return tr(" (%n filter(s))", nullptr, static_cast<int>(s.byGroup[group_].size()));
    return QString();
  }();
  groupLabel_->setText(group_.isEmpty() ? tr("No layer selected") : tr("Layer %1").arg(group_) + channels);
  rightColumn_->setVisible(!right_.isEmpty());
  refreshSide(0);
  if (!right_.isEmpty()) refreshSide(1);
}

void ImportancePanel::refreshSide(int side) {
  const QString criterion = side == 0 ? left_ : right_;
  FilterHeatmap* heatmap = this->heatmap(side);
  ImportanceHistogram* histogram = this->histogram(side);
  QLabel* status = side == 0 ? leftStatus_ : rightStatus_;
  const QString title = importanceCriterionTitle(criterion);

  QString message;
  const auto found = scores_.constFind(criterion);
  if (group_.isEmpty()) {
    message = tr("No layer selected");
  } else if (found == scores_.cend()) {
    message = tr("No %1 scores yet").arg(title);
  } else if (!found->byGroup.contains(group_)) {
    const QString reason = found->unscored.value(group_);
    message = reason.isEmpty() ? tr("%1 does not score layer %2").arg(title, group_)
                               : tr("%1 cannot score layer %2: %3").arg(title, group_, reason);
  }
  if (!message.isEmpty()) {
    heatmap->clear(message);
    histogram->clear();
    status->setText(message);
    return;
  }
  const QVector<float>& values = found->byGroup[group_];
  const QVector<qint64> removed = removed_.value(group_);
  heatmap->setScores(group_, values);
  heatmap->setRemoved(removed);
  histogram->setScores(group_, values);
  histogram->setRemoved(removed);
  status->setText(removed.isEmpty()
                      ? tr("%1: no filters removed by the plan").arg(title)
                      : tr("%1: the plan removes %2 of %3 filters (crossed out; cut-off at %4)")
                            .arg(title)
                            .arg(heatmap->removedCount())
                            .arg(heatmap->cellCount())
                            .arg(histogram->cutoff().value_or(0.0), 0, 'g', 4));
}

}  // namespace whittle::ui
