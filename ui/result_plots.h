#pragma once
// The results dashboard's plots, as functions that fill a QCustomPlot, so the
// workbench and the report (report_writer.h, rendered offscreen) draw the same
// pictures:
// - mAP against a cost (file size, latency, MACs): every model a point named
//   by a label, the Pareto front (no other model has a higher mAP at a lower
//   cost) as a line, the original highlighted;
// - original vs compressed side by side for each measure, as ratios to the
//   original (original = 1);
// - precision–recall curves of one class for two models overlaid;
// - sensitivity curves (mAP against pruning ratio), one per group.
// Each function clears the plot first and replots.
#include <QString>
#include <QVector>

#include "ui/results_table_model.h"

class QCustomPlot;

namespace whittle {
struct SensitivityResult;
}

namespace whittle::ui {

// Indices of the Pareto-optimal points: those that no other point dominates
// (at most the cost and at least the quality, one of them strictly), sorted
// by ascending cost. Points with a non-finite cost or quality are left out;
// of identical points the first is kept.
QVector<int> paretoFront(const QVector<double>& cost, const QVector<double>& quality);

enum class TradeoffCost { FileSize, Latency, Macs };

// The cost measure a point of `result` uses: FileBytes, Macs, or the latency
// at the model's own precision (the other precision's when that is absent).
Measure tradeoffMeasure(const VariantResults& result, TradeoffCost cost);
// mAP VOC07 when any model has it, else the area mAP.
Measure tradeoffQuality(const QVector<VariantResults>& results);

// Graphs, in order: 0 "models" (every model with both figures, scatter, in
// row order), 1 "Pareto front" (line through the front, ascending cost),
// 2 "original" (the original, highlighted; empty when it lacks a figure).
// Each point is labelled with the model's name. Returns the points plotted.
int plotTradeoff(QCustomPlot* plot, const QVector<VariantResults>& results, TradeoffCost cost);

// One bar set per model (legend: its name; the original first), one group of
// bars per measure the original and some other model have, the value being
// the ratio to the original. Returns the measures shown.
int plotComparisonBars(QCustomPlot* plot, const QVector<VariantResults>& results);

// The PR curves of `className` of `a` (graph 0) and `b` (graph 1), named
// with their AP. Returns how many of the two have a curve for the class.
int plotPrCurves(QCustomPlot* plot, const VariantResults& a, const VariantResults& b, const QString& className);

// One graph per group (mAP against the ratio pruned), then a dashed line at
// the baseline mAP (the last graph). Returns the groups plotted.
int plotSensitivity(QCustomPlot* plot, const whittle::SensitivityResult& result);

// Shows a message in the middle of an empty plot (e.g. "no eval report").
void plotMessage(QCustomPlot* plot, const QString& message);

}  // namespace whittle::ui
