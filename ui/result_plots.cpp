// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "eval/eval_report.h"
#include "prune/sensitivity.h"

#include "ui/result_plots.h"

#include <QCoreApplication>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <qcustomplot.h>

namespace whittle::ui {

class ResultPlots {
  Q_DECLARE_TR_FUNCTIONS(ResultPlots)
};

namespace {

const QColor kOriginal(0xc0, 0x39, 0x2b);
const QColor kModels(0x24, 0x41, 0x5e);
const QColor kFront(0xe8, 0x9b, 0x2a);

QColor paletteColor(int i) {
  static const QColor colors[] = {QColor(0xc0, 0x39, 0x2b), QColor(0x29, 0x80, 0xb9), QColor(0x27, 0xae, 0x60),
                                  QColor(0x8e, 0x44, 0xad), QColor(0xe6, 0x7e, 0x22), QColor(0x16, 0xa0, 0x85),
                                  QColor(0x2c, 0x3e, 0x50), QColor(0xd3, 0x54, 0x00), QColor(0x7f, 0x8c, 0x8d),
                                  QColor(0xf1, 0xc4, 0x0f)};
  constexpr int n = sizeof(colors) / sizeof(colors[0]);
  return colors[((i % n) + n) % n];
}

void resetPlot(QCustomPlot* plot) {
  plot->clearItems();
  plot->clearPlottables();  // graphs and bars
  for (QCPBarsGroup* group : plot->findChildren<QCPBarsGroup*>()) delete group;
  plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
  plot->xAxis->setLabel(QString());
  plot->yAxis->setLabel(QString());
  plot->xAxis->setTickLabelRotation(0);
  plot->legend->setVisible(false);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
}

// The range of `values` with a margin, never empty.
QCPRange paddedRange(const QVector<double>& values, double margin = 0.12, bool fromZero = false) {
  if (values.isEmpty()) return QCPRange(0, 1);
  auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  double a = *lo, b = *hi;
  if (fromZero) a = std::min(0.0, a);
  double span = b - a;
  if (span <= 0) span = std::max(std::abs(b), 1e-9);
  return QCPRange(fromZero && a >= 0 ? a : a - span * margin, b + span * margin);
}

QString costLabel(TradeoffCost cost) {
  switch (cost) {
    case TradeoffCost::FileSize: return ResultPlots::tr("File size (MB)");
    case TradeoffCost::Latency: return ResultPlots::tr("Latency (ms/image)");
    case TradeoffCost::Macs: return ResultPlots::tr("MACs per image (millions)");
  }
  return {};
}

}  // namespace

QVector<int> paretoFront(const QVector<double>& cost, const QVector<double>& quality) {
  const int n = static_cast<int>(std::min(cost.size(), quality.size()));
  QVector<int> order;
  for (int i = 0; i < n; ++i) {
    if (std::isfinite(cost[i]) && std::isfinite(quality[i])) order << i;
  }
  // Ascending cost; at equal cost the best quality first; then input order.
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (cost[a] != cost[b]) return cost[a] < cost[b];
    return quality[a] > quality[b];
  });
  QVector<int> front;
  double best = -std::numeric_limits<double>::infinity();
  for (int i : order) {
    // Dominated: a cheaper-or-equal point already reached this quality.
    if (quality[i] > best) {
      front << i;
      best = quality[i];
    }
  }
  return front;
}

Measure tradeoffMeasure(const VariantResults& result, TradeoffCost cost) {
  switch (cost) {
    case TradeoffCost::FileSize: return Measure::FileBytes;
    case TradeoffCost::Macs: return Measure::Macs;
    case TradeoffCost::Latency: {
      const bool int8 = result.precision == QLatin1String("int8");
      const Measure own = int8 ? Measure::LatencyInt8 : Measure::LatencyFp32;
      const Measure other = int8 ? Measure::LatencyFp32 : Measure::LatencyInt8;
      return result.has(own) || !result.has(other) ? own : other;
    }
  }
  return Measure::FileBytes;
}

Measure tradeoffQuality(const QVector<VariantResults>& results) {
  for (const VariantResults& r : results) {
    if (r.has(Measure::MapVoc07)) return Measure::MapVoc07;
  }
  return Measure::MapArea;
}

int plotTradeoff(QCustomPlot* plot, const QVector<VariantResults>& results, TradeoffCost cost) {
  resetPlot(plot);
  const Measure quality = tradeoffQuality(results);
  QVector<double> xs, ys;
  QVector<int> rows;
  for (int row = 0; row < results.size(); ++row) {
    const VariantResults& r = results[row];
    const Measure m = tradeoffMeasure(r, cost);
    const double x = r.value(m) * measureScale(m);
    const double y = r.value(quality);
    if (!std::isfinite(x) || !std::isfinite(y)) continue;
    xs << x;
    ys << y;
    rows << row;
  }

  QCPGraph* models = plot->addGraph();
  models->setName(ResultPlots::tr("models"));
  models->setLineStyle(QCPGraph::lsNone);
  models->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, kModels, QColor(0x24, 0x41, 0x5e, 90), 8));
  models->setData(xs, ys);

  QCPGraph* front = plot->addGraph();
  front->setName(ResultPlots::tr("Pareto front"));
  front->setPen(QPen(kFront, 2));
  front->setLineStyle(QCPGraph::lsLine);
  front->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, kFront, kFront, 6));
  QVector<double> fx, fy;
  for (int i : paretoFront(xs, ys)) {
    fx << xs[i];
    fy << ys[i];
  }
  front->setData(fx, fy, true);

  QCPGraph* original = plot->addGraph();
  original->setName(ResultPlots::tr("original"));
  original->setLineStyle(QCPGraph::lsNone);
  original->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssStar, QPen(kOriginal, 2.5), kOriginal, 16));
  for (int i = 0; i < rows.size(); ++i) {
    if (results[rows[i]].isOriginal()) original->addData(xs[i], ys[i]);
  }

  for (int i = 0; i < rows.size(); ++i) {
    auto* label = new QCPItemText(plot);
    label->position->setCoords(xs[i], ys[i]);
    label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
    label->setPadding(QMargins(6, 0, 0, 4));
    label->setText(results[rows[i]].name);
    label->setColor(results[rows[i]].isOriginal() ? kOriginal : QColor(0x33, 0x33, 0x33));
    label->setClipToAxisRect(false);
  }

  plot->xAxis->setLabel(costLabel(cost));
  plot->yAxis->setLabel(measureTitle(quality));
  plot->xAxis->setRange(paddedRange(xs, 0.15, true));
  plot->yAxis->setRange(paddedRange(ys, 0.15));
  plot->legend->setVisible(!xs.isEmpty());
  if (xs.isEmpty()) {
    plotMessage(plot, ResultPlots::tr("No model has both figures yet (run Evaluate and Benchmark)."));
    return 0;
  }
  plot->replot();
  return static_cast<int>(xs.size());
}

int plotComparisonBars(QCustomPlot* plot, const QVector<VariantResults>& results) {
  resetPlot(plot);
  QVector<Measure> shown;
  for (Measure m : allMeasures()) {
    bool other = false;
    for (int row = 1; row < results.size(); ++row) other = other || std::isfinite(ratioToOriginal(results, row, m));
    if (other) shown << m;
  }
  auto ticker = QSharedPointer<QCPAxisTickerText>::create();
  // Two-line labels keep the groups apart: "ms/image\nfp32".
  for (int i = 0; i < shown.size(); ++i)
    ticker->addTick(i + 1, measureTitle(shown[i]).replace(QLatin1Char(' '), QLatin1Char('\n')));
  plot->xAxis->setTicker(ticker);
  plot->yAxis->setLabel(ResultPlots::tr("Ratio to the original (original = 1)"));
  if (shown.isEmpty()) {
    plotMessage(plot, ResultPlots::tr("Nothing to compare yet: the original and a variant need the same measure."));
    return 0;
  }

  auto* group = new QCPBarsGroup(plot);
  group->setSpacing(1);
  const int sets = static_cast<int>(results.size());
  const double width = 0.8 / std::max(sets, 1);
  double top = 1.0;
  for (int row = 0; row < sets; ++row) {
    auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
    bars->setName(results[row].name);
    bars->setWidth(width);
    const QColor color = row == 0 ? kOriginal : paletteColor(row);
    bars->setPen(QPen(color.darker(130)));
    bars->setBrush(color);
    bars->setBarsGroup(group);
    QVector<double> keys, values;
    for (int i = 0; i < shown.size(); ++i) {
      const double ratio = ratioToOriginal(results, row, shown[i]);
      if (!std::isfinite(ratio)) continue;
      keys << i + 1;
      values << ratio;
      top = std::max(top, ratio);
    }
    bars->setData(keys, values, true);
  }
  // A line at 1: the original.
  QCPGraph* one = plot->addGraph();
  one->setName(ResultPlots::tr("original = 1"));
  one->setPen(QPen(QColor(0x55, 0x55, 0x55), 1, Qt::DashLine));
  one->setData({0.4, shown.size() + 0.6}, {1.0, 1.0}, true);
  one->removeFromLegend();

  plot->xAxis->setRange(0.4, shown.size() + 0.6);
  plot->yAxis->setRange(0, top * 1.3);  // room for the legend above the bars
  plot->legend->setVisible(true);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
  plot->replot();
  return static_cast<int>(shown.size());
}

int plotPrCurves(QCustomPlot* plot, const VariantResults& a, const VariantResults& b, const QString& className) {
  resetPlot(plot);
  const std::string name = className.toStdString();
  int curves = 0;
  const VariantResults* models[] = {&a, &b};
  const QLocale locale;
  for (int i = 0; i < 2; ++i) {
    const VariantResults& r = *models[i];
    QCPGraph* graph = plot->addGraph();
    graph->setPen(QPen(i == 0 ? kOriginal : paletteColor(1), 2));
    graph->setLineStyle(QCPGraph::lsLine);
    graph->setName(r.name);
    if (!r.eval) continue;
    for (const ClassAp& c : r.eval->classes) {
      if (c.name != name) continue;
      // QCPGraph sorts by key; the recall is non-decreasing so the order holds.
      QVector<double> rec(c.curve.recall.begin(), c.curve.recall.end());
      QVector<double> prec(c.curve.precision.begin(), c.curve.precision.end());
      graph->setData(rec, prec, true);
      graph->setName(std::isfinite(c.ap)
                         ? ResultPlots::tr("%1 (AP %2)").arg(r.name, locale.toString(c.ap, 'f', 4))
                         : r.name);
      if (!rec.isEmpty()) ++curves;
    }
  }
  plot->xAxis->setLabel(ResultPlots::tr("Recall"));
  plot->yAxis->setLabel(ResultPlots::tr("Precision"));
  plot->xAxis->setRange(0, 1.02);
  plot->yAxis->setRange(0, 1.05);
  plot->legend->setVisible(true);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  if (curves == 0) {
    plotMessage(plot, ResultPlots::tr("No precision–recall curve for class %1 (evaluate the models first).")
                          .arg(className));
    return 0;
  }
  plot->replot();
  return curves;
}

int plotSensitivity(QCustomPlot* plot, const SensitivityResult& result) {
  resetPlot(plot);
  QVector<double> allY;
  for (size_t g = 0; g < result.groups.size(); ++g) {
    const GroupSensitivity& group = result.groups[g];
    QCPGraph* graph = plot->addGraph();
    graph->setName(QString::fromStdString(group.name));
    graph->setPen(QPen(paletteColor(static_cast<int>(g)), 1.5));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
    QVector<double> xs, ys;
    for (size_t i = 0; i < group.ratios.size() && i < group.map.size(); ++i) {
      if (!std::isfinite(group.map[i])) continue;
      xs << group.ratios[i];
      ys << group.map[i];
      allY << group.map[i];
    }
    graph->setData(xs, ys, true);
  }
  const int groups = static_cast<int>(result.groups.size());
  QCPGraph* baseline = plot->addGraph();
  baseline->setName(ResultPlots::tr("baseline %1").arg(QLocale().toString(result.baseline, 'f', 4)));
  baseline->setPen(QPen(QColor(0x33, 0x33, 0x33), 1.5, Qt::DashLine));
  baseline->setData({0.0, 1.0}, {result.baseline, result.baseline}, true);
  if (std::isfinite(result.baseline)) allY << result.baseline;

  plot->xAxis->setLabel(ResultPlots::tr("Ratio of the group's channels pruned"));
  plot->yAxis->setLabel(ResultPlots::tr("mAP (%1)").arg(QString::fromStdString(result.metric)));
  plot->xAxis->setRange(0, 1);
  plot->yAxis->setRange(paddedRange(allY, 0.08, true));
  plot->legend->setVisible(groups <= 14);
  plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
  if (groups == 0) {
    plotMessage(plot, ResultPlots::tr("The sensitivity scan has no groups."));
    return 0;
  }
  plot->replot();
  return groups;
}

void plotMessage(QCustomPlot* plot, const QString& message) {
  auto* text = new QCPItemText(plot);
  text->position->setType(QCPItemPosition::ptAxisRectRatio);
  text->position->setCoords(0.5, 0.5);
  text->setPositionAlignment(Qt::AlignCenter);
  text->setText(message);
  text->setColor(QColor(0x66, 0x66, 0x66));
  plot->replot();
}

}  // namespace whittle::ui
