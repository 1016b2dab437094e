#include "ui/importance_overview.h"

#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QSignalBlocker>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/filter_heatmap.h"
#include "ui/importance_scores.h"

namespace whittle::ui {
namespace {

// Paints a cell's heat colour and, on the selected row, a frame instead of
// the style's selection fill (which would hide the colours).
class HeatCellDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
    const QVariant background = index.data(Qt::BackgroundRole);
    if (background.canConvert<QBrush>()) painter->fillRect(option.rect, background.value<QBrush>());
    if (option.state & QStyle::State_Selected) {
      painter->save();
      painter->setPen(QPen(option.palette.color(QPalette::Highlight), 2));
      const bool first = index.column() == 0;
      const bool last = index.column() == index.model()->columnCount() - 1;
      const QRect r = option.rect.adjusted(first ? 1 : 0, 1, last ? -1 : 0, -1);
      painter->drawLine(r.topLeft(), r.topRight());
      painter->drawLine(r.bottomLeft(), r.bottomRight());
      if (first) painter->drawLine(r.topLeft(), r.bottomLeft());
      if (last) painter->drawLine(r.topRight(), r.bottomRight());
      painter->restore();
    }
  }
};

// What the overview shows, in a sentence.
QString overviewToolTip() {
  return ImportanceOverview::tr("Each row is a prunable layer and each column a tenth of the layer's largest score; the "
                                "brighter a cell, the more of the layer's filters score there, so a layer with many "
                                "filters on the left has many weak ones to spare.");
}

}  // namespace

ImportanceOverview::ImportanceOverview(QWidget* parent)
    : QWidget(parent), caption_(new QLabel(this)), table_(new QTableWidget(this)) {
  setObjectName(QStringLiteral("importanceOverview"));
  caption_->setObjectName(QStringLiteral("importanceOverviewCaption"));
  caption_->setWordWrap(true);
  caption_->setToolTip(overviewToolTip());
  table_->setObjectName(QStringLiteral("importanceOverviewTable"));
  table_->setColumnCount(kColumns);
  QStringList headers;
  for (int c = 0; c < kColumns; ++c) headers << QStringLiteral("%1").arg((c + 1) * 10);
  table_->setHorizontalHeaderLabels(headers);
  for (int c = 0; c < kColumns; ++c)
    table_->horizontalHeaderItem(c)->setToolTip(
        tr("Filters scoring %1-%2% of their layer's largest score").arg(c * 10).arg((c + 1) * 10));
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->horizontalHeader()->setMinimumSectionSize(18);
  table_->verticalHeader()->setDefaultSectionSize(18);
  table_->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->setShowGrid(false);
  table_->setWordWrap(false);
  table_->setItemDelegate(new HeatCellDelegate(table_));

  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(caption_);
  layout->addWidget(table_, 1);

  connect(table_, &QTableWidget::cellClicked, this, [this](int row, int) { onCellClicked(row); });
  connect(table_, &QTableWidget::cellActivated, this, [this](int row, int) { onCellClicked(row); });
  connect(table_->verticalHeader(), &QHeaderView::sectionClicked, this, &ImportanceOverview::onCellClicked);
  clear();
}

void ImportanceOverview::clear() {
  criterion_.clear();
  groups_.clear();
  shares_.clear();
  table_->setRowCount(0);
  caption_->setText(tr("No importance scores"));
}

void ImportanceOverview::setScores(const ImportanceScores& scores) {
  criterion_ = scores.criterion;
  groups_.clear();
  shares_.clear();
  for (const QString& group : scores.groups)
    if (scores.byGroup.contains(group)) groups_ << group;

  table_->setUpdatesEnabled(false);
  table_->clearContents();
  table_->setRowCount(static_cast<int>(groups_.size()));
  for (int row = 0; row < groups_.size(); ++row) {
    const QVector<float> values = scores.byGroup.value(groups_[row]);
    float largest = 0;
    for (float s : values)
      if (std::isfinite(s)) largest = std::max(largest, s);
    QVector<double> share(kColumns, 0.0);
    int counted = 0;
    for (float s : values) {
      if (!std::isfinite(s)) continue;
      const double t = largest > 0 ? std::max(0.0, static_cast<double>(s) / largest) : 0.0;
      share[std::clamp(static_cast<int>(t * kColumns), 0, kColumns - 1)] += 1;
      ++counted;
    }
    for (double& v : share) v = counted > 0 ? v / counted : 0.0;
    shares_ << share;

    auto* header = new QTableWidgetItem(groups_[row]);
    header->setToolTip(tr("%1: %n filter(s)", nullptr, static_cast<int>(values.size())).arg(groups_[row]));
    table_->setVerticalHeaderItem(row, header);
    for (int c = 0; c < kColumns; ++c) {
      auto* item = new QTableWidgetItem;
      // The share on a square-root scale, so a few weak filters still show.
      const double v = share[c];
      item->setBackground(v > 0 ? importanceColour(std::sqrt(v)) : palette().color(QPalette::Base));
      item->setToolTip(tr("%1: %2% of %n filter(s) score %3-%4% of the layer's largest", nullptr,
                          static_cast<int>(values.size()))
                           .arg(groups_[row])
                           .arg(100.0 * v, 0, 'f', 1)
                           .arg(c * 10)
                           .arg((c + 1) * 10));
      item->setData(Qt::UserRole, v);
      table_->setItem(row, c, item);
    }
  }
  table_->setUpdatesEnabled(true);
  const QString title = importanceCriterionTitle(criterion_);
  caption_->setText(groups_.isEmpty() ? tr("No prunable layers scored")
                                      : tr("%1: share of each layer's filters per tenth of its largest score "
                                           "(left = weak filters)")
                                            .arg(title));
  const QString about = overviewToolTip();
  if (!scores.unscored.isEmpty())
    caption_->setToolTip(about + QLatin1Char('\n') +
                         tr("Not scored by %1: %2").arg(title, QStringList(scores.unscored.keys()).join(QStringLiteral(", "))));
  else
    caption_->setToolTip(about);
}

void ImportanceOverview::selectGroup(const QString& group) {
  const QSignalBlocker blocker(table_);
  const int row = rowOf(group);
  if (row < 0) {
    table_->clearSelection();
    return;
  }
  table_->selectRow(row);
  table_->scrollTo(table_->model()->index(row, 0));
}

void ImportanceOverview::onCellClicked(int row) {
  if (row < 0 || row >= rowCount()) return;
  emit groupActivated(groups_[row]);
}

}  // namespace whittle::ui
