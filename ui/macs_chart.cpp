// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "graph/cost_model.h"

#include "ui/macs_chart.h"

#include <QVBoxLayout>
#include <algorithm>
#include <numeric>
#include <qcustomplot.h>

namespace whittle::ui {

MacsChart::MacsChart(QWidget* parent) : QWidget(parent), plot_(new QCustomPlot(this)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(plot_, 1);
  plot_->setObjectName(QStringLiteral("macsPlot"));
  plot_->setMinimumSize(320, 240);  // QCustomPlot's own size hint is tiny

  // Horizontal bars: layers on the left axis (room for long names), MACs below.
  bars_ = new QCPBars(plot_->yAxis, plot_->xAxis);
  bars_->setWidth(0.7);
  bars_->setPen(QPen(QColor(0x24, 0x41, 0x5e)));
  bars_->setBrush(QColor(0xe8, 0xb4, 0x6a));
  plot_->xAxis->setLabel(tr("MACs (millions)"));
  plot_->xAxis->grid()->setVisible(true);
  plot_->yAxis->grid()->setVisible(false);
  plot_->yAxis->setTickLabelFont(QFont(font().family(), 8));
  clear();
}

void MacsChart::clear() {
  names_.clear();
  bars_->data()->clear();
  plot_->yAxis->setTicker(QSharedPointer<QCPAxisTickerText>::create());
  plot_->xAxis->setRange(0, 1);
  plot_->yAxis->setRange(0, 1);
  plot_->replot();
}

void MacsChart::setCost(const whittle::GraphCost& cost, int limit) {
  std::vector<size_t> order(cost.nodes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return cost.nodes[a].macs > cost.nodes[b].macs;
  });

  names_.clear();
  QVector<double> keys;
  QVector<double> values;
  for (size_t i : order) {
    if (names_.size() >= limit || cost.nodes[i].macs <= 0) break;
    names_ << QString::fromStdString(cost.nodes[i].name);
    values << static_cast<double>(cost.nodes[i].macs) / 1e6;
  }
  // The largest bar gets the highest key, so it is drawn on top.
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  const int count = static_cast<int>(names_.size());
  for (int i = 0; i < count; ++i) {
    keys << count - i;
    ticker->addTick(count - i, names_[i]);
  }
  plot_->yAxis->setTicker(ticker);
  bars_->setData(keys, values);  // keys descend: let QCustomPlot sort them

  const double largest = values.isEmpty() ? 1.0 : values.front();
  plot_->xAxis->setRange(0, largest * 1.05);
  plot_->yAxis->setRange(0.4, std::max(count, 1) + 0.6);
  plot_->replot();
}

}  // namespace whittle::ui
