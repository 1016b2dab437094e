#pragma once
// The results of a project side by side: one row per model (the original,
// then each variant: pruned, fine-tuned, quantized), one column per measure
// — mAP (VOC07 and area), params, MACs, file size, ms/image at fp32 and int8
// with the threads, energy per image — and per-class AP, each with its ratio
// to the original. Absent measures show as "—".
//
// Where the figures come from, for each model:
// - its metrics in the project file: map_voc07, map_voc12 (area), map (the
//   metric of its eval report, VOC07 without one), params, macs, file_bytes,
//   latency_fp32_ms, latency_int8_ms, latency_ms (at the model's own
//   precision), threads, energy_mj;
// - its "eval" report (eval/eval_report.h): the mAP of the report's metric,
//   the other VOC mAP recomputed from the PR curves, per-class AP;
// - its model file: params and MACs (cost model), size, and the energy
//   estimate of graph/energy_model.h at its precision (int8 for QDQ files and
//   quantized variants). Model files are read once per file and date.
#include <QAbstractTableModel>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>

namespace whittle {
struct EvalReport;
struct Project;
}  // namespace whittle

namespace whittle::ui {

enum class Measure { MapVoc07, MapArea, Params, Macs, FileBytes, LatencyFp32, LatencyInt8, Energy };
constexpr int kMeasureCount = 8;
// Every measure, in table order.
QVector<Measure> allMeasures();
bool higherIsBetter(Measure measure);  // mAP: more is better; the costs: less
QString measureTitle(Measure measure);  // "mAP (VOC07)", "Params (M)", "MMACs", ...
QString measureToolTip(Measure measure);  // what the measure is, in a sentence
QString measureKey(Measure measure);    // file-name friendly: "map_voc07", "params", ...
double measureScale(Measure measure);   // stored value * scale = shown value
int measureDecimals(Measure measure);

// One model of the project with its figures resolved (see above).
struct VariantResults {
  QString name;       // the variant's name; the original: "original"
  QString kind;       // "original", "pruned", "finetuned", "quantized", ...
  QString parent;     // "" for the original and variants made from it
  QString file;       // model file ("" when unknown)
  QString plan;       // pruning plan file, or ""
  QString precision;  // "fp32" or "int8"
  int threads = 0;    // threads the latency was measured with; 0: not stated
  QMap<QString, QString> settings;   // how it was made
  QMap<QString, double> metrics;     // the project file's metrics as stored
  QMap<Measure, double> measures;    // resolved, absent when unknown
  std::shared_ptr<const EvalReport> eval;  // the "eval" report, or null
  QString evalFile;
  QString sensitivityFile;  // the "sensitivity" report, or ""
  QStringList problems;     // files that could not be read, with why

  bool isOriginal() const { return kind == QLatin1String("original"); }
  bool has(Measure measure) const { return measures.contains(measure); }
  double value(Measure measure) const;  // NaN when absent
};

// Row 0 is the original model, then the project's variants in order.
QVector<VariantResults> collectResults(const whittle::Project& project);

// What a measure is compared with: the original's value of it; for the int8
// latency of an original without one, its fp32 latency (int8 vs fp32 speed-up).
// NaN when absent.
double ratioBase(const VariantResults& original, Measure measure);
// results[row] / ratioBase(results[0]) for `measure`; NaN when either is
// absent or the base is 0.
double ratioToOriginal(const QVector<VariantResults>& results, int row, Measure measure);
// The classes of every eval report, in order of first appearance.
QStringList resultClassNames(const QVector<VariantResults>& results);
// The AP of `className` in the model's eval report; NaN when absent.
double classAp(const VariantResults& result, const QString& className);

class ResultsTableModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Role {
    ValueRole = Qt::UserRole + 1,  // the stored value (double), invalid when absent
    RatioRole,                     // the ratio to the original (double), invalid when none
  };
  enum class ColumnType { Name, Kind, Precision, Measure, Threads, ClassAp };

  explicit ResultsTableModel(QObject* parent = nullptr);

  void setResults(const QVector<VariantResults>& results);
  const QVector<VariantResults>& results() const { return results_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  ColumnType columnType(int column) const;
  int measureColumn(Measure measure) const;           // -1 when none
  int classColumn(const QString& className) const;    // -1 when none
  // The text shown: "0.2971 (0.86×)" — the value and, below the original,
  // its ratio to the original's; "—" when absent.
  QString cellText(int row, int column) const;
  QString headerText(int column) const;

 private:
  struct Column {
    ColumnType type;
    Measure measure = Measure::MapVoc07;
    QString className;
  };
  QVector<VariantResults> results_;
  QVector<Column> columns_;
};

}  // namespace whittle::ui
