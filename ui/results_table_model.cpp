// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include "eval/eval_report.h"
#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "graph/error.h"
#include "graph/graph.h"
#include "io/onnx_import.h"
#include "io/onnx_int8.h"
#include "io/project_file.h"
#include "quant/quant_params.h"

#include "ui/results_table_model.h"
#include "ui/variants_panel.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QFont>
#include <QHash>
#include <QLocale>
#include <QMutex>
#include <QMutexLocker>
#include <cmath>
#include <exception>
#include <limits>

namespace whittle::ui {

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// What a model file says about itself, read once per file and date.
struct ModelFacts {
  bool ok = false;
  bool int8 = false;
  double params = 0, macs = 0;
  double energyFp32Mj = 0, energyInt8Mj = 0;  // the estimate at each precision
  QString error;
};

ModelFacts readModelFacts(const QString& file) {
  ModelFacts facts;
  try {
    const std::string path = file.toStdString();
    facts.int8 = is_qdq_onnx(path);
    const Graph graph = facts.int8 ? load_qdq_onnx(path).graph : load_onnx(path);
    const GraphCost cost = compute_cost(graph);
    facts.params = static_cast<double>(cost.params);
    facts.macs = static_cast<double>(cost.macs);
    facts.energyFp32Mj = estimate_energy(graph, cost, NumericPrecision::Fp32).total_mj;
    facts.energyInt8Mj = estimate_energy(graph, cost, NumericPrecision::Int8).total_mj;
    facts.ok = true;
  } catch (const std::exception& e) {
    facts.error = QString::fromStdString(first_line(e));
  }
  return facts;
}

ModelFacts modelFacts(const QString& file) {
  static QMutex mutex;
  static QHash<QString, ModelFacts> cache;
  const QFileInfo info(file);
  if (!info.isFile()) {
    ModelFacts missing;
    missing.error = QCoreApplication::translate("whittle::ui::ResultsTableModel", "no such file");
    return missing;
  }
  const QString key = info.absoluteFilePath() + QLatin1Char('|') + QString::number(info.size()) +
                      QLatin1Char('|') + QString::number(info.lastModified().toMSecsSinceEpoch());
  {
    QMutexLocker lock(&mutex);
    const auto found = cache.constFind(key);
    if (found != cache.constEnd()) return *found;
  }
  const ModelFacts facts = readModelFacts(file);
  QMutexLocker lock(&mutex);
  cache.insert(key, facts);
  return facts;
}

VariantResults resolve(const QString& name, const QString& kind, const QString& parent,
                       const std::string& file, const std::string& plan,
                       const std::map<std::string, std::string>& settings,
                       const std::map<std::string, double>& metrics,
                       const std::map<std::string, std::string>& reports) {
  VariantResults r;
  r.name = name;
  r.kind = kind;
  r.parent = parent;
  r.file = QString::fromStdString(file);
  r.plan = QString::fromStdString(plan);
  for (const auto& [key, value] : settings) r.settings.insert(QString::fromStdString(key), QString::fromStdString(value));
  for (const auto& [key, value] : metrics) r.metrics.insert(QString::fromStdString(key), value);
  const auto metric = [&](const char* key) -> double {
    const auto found = metrics.find(key);
    return found == metrics.end() ? kNaN : found->second;
  };
  const auto set = [&r](Measure measure, double value) {
    if (std::isfinite(value) && !r.measures.contains(measure)) r.measures.insert(measure, value);
  };

  if (const auto found = reports.find("eval"); found != reports.end() && !found->second.empty()) {
    r.evalFile = QString::fromStdString(found->second);
    try {
      r.eval = std::make_shared<const EvalReport>(load_eval_report(found->second));
    } catch (const std::exception& e) {
      r.problems << QString::fromStdString(first_line(e));
    }
  }
  if (const auto found = reports.find("sensitivity"); found != reports.end()) {
    r.sensitivityFile = QString::fromStdString(found->second);
  }

  // An exported file is for another runtime (e.g. QOperator ONNX for OpenCV,
  // which Whittle does not load back): its figures are its metrics.
  const bool exported = kind == QLatin1String("exported");
  ModelFacts facts;
  if (!file.empty() && !exported) {
    facts = modelFacts(r.file);
    if (!facts.ok) r.problems << QStringLiteral("%1: %2").arg(r.file, facts.error);
  }
  const bool int8 = facts.int8 || kind == QLatin1String("quantized") ||
                    r.settings.value(QStringLiteral("precision")) == QLatin1String("int8") ||
                    (exported && QFileInfo(r.file).fileName().contains(QLatin1String("int8")));
  r.precision = int8 ? QStringLiteral("int8") : QStringLiteral("fp32");

  // mAP: explicit keys, then the eval report, then "map" in the report's metric.
  const std::string mapMetric = r.eval && !r.eval->metric.empty() ? r.eval->metric : "voc07";
  set(Measure::MapVoc07, metric("map_voc07"));
  set(Measure::MapArea, metric("map_voc12"));
  if (r.eval && r.eval->metric == "voc07") set(Measure::MapVoc07, r.eval->map);
  if (r.eval && r.eval->metric == "voc12") set(Measure::MapArea, r.eval->map);
  if (mapMetric == "voc07") set(Measure::MapVoc07, metric("map"));
  if (mapMetric == "voc12") set(Measure::MapArea, metric("map"));
  if (r.eval && (r.eval->metric == "voc07" || r.eval->metric == "voc12")) {
    try {
      if (!r.measures.contains(Measure::MapArea)) set(Measure::MapArea, map_from_curves(r.eval->classes, "voc12"));
      if (!r.measures.contains(Measure::MapVoc07)) set(Measure::MapVoc07, map_from_curves(r.eval->classes, "voc07"));
    } catch (const std::exception&) {
    }
  }

  set(Measure::Params, metric("params"));
  set(Measure::Macs, metric("macs"));
  set(Measure::FileBytes, metric("file_bytes"));
  set(Measure::LatencyFp32, metric("latency_fp32_ms"));
  set(Measure::LatencyInt8, metric("latency_int8_ms"));
  set(int8 ? Measure::LatencyInt8 : Measure::LatencyFp32, metric("latency_ms"));
  set(Measure::Energy, metric("energy_mj"));
  const double threads = metric("threads");
  if (std::isfinite(threads)) r.threads = static_cast<int>(std::lround(threads));

  if (facts.ok) {
    set(Measure::Params, facts.params);
    set(Measure::Macs, facts.macs);
    set(Measure::Energy, int8 ? facts.energyInt8Mj : facts.energyFp32Mj);
  }
  if (!r.file.isEmpty() && QFileInfo(r.file).isFile()) {
    set(Measure::FileBytes, static_cast<double>(QFileInfo(r.file).size()));
  }
  return r;
}

}  // namespace

QVector<Measure> allMeasures() {
  return {Measure::MapVoc07, Measure::MapArea,     Measure::Params,      Measure::Macs,
          Measure::FileBytes, Measure::LatencyFp32, Measure::LatencyInt8, Measure::Energy};
}

bool higherIsBetter(Measure measure) { return measure == Measure::MapVoc07 || measure == Measure::MapArea; }

QString measureTitle(Measure measure) {
  switch (measure) {
    case Measure::MapVoc07: return ResultsTableModel::tr("mAP (VOC07)");
    case Measure::MapArea: return ResultsTableModel::tr("mAP (area)");
    case Measure::Params: return ResultsTableModel::tr("Params (M)");
    case Measure::Macs: return ResultsTableModel::tr("MMACs");
    case Measure::FileBytes: return ResultsTableModel::tr("File (MB)");
    case Measure::LatencyFp32: return ResultsTableModel::tr("ms/image fp32");
    case Measure::LatencyInt8: return ResultsTableModel::tr("ms/image int8");
    case Measure::Energy: return ResultsTableModel::tr("Energy (mJ/image)");
  }
  return {};
}

QString measureToolTip(Measure measure) {
  switch (measure) {
    case Measure::MapVoc07:
      return ResultsTableModel::tr("Mean average precision as the VOC2007 devkit computes it: each class's precision "
                                   "interpolated at 11 recall points (0, 0.1, \u2026, 1) and averaged, then the mean over "
                                   "the classes.");
    case Measure::MapArea:
      return ResultsTableModel::tr("Mean average precision as the area under each class's precision\u2013recall curve "
                                   "(VOC2010 and later), averaged over the classes.");
    case Measure::Params:
      return ResultsTableModel::tr("Number of weights and biases in the model, in millions.");
    case Measure::Macs:
      return ResultsTableModel::tr("Multiply-accumulate operations for one image, in millions: the model's arithmetic "
                                   "work.");
    case Measure::FileBytes: return ResultsTableModel::tr("Size of the model file on disk, in megabytes.");
    case Measure::LatencyFp32:
      return ResultsTableModel::tr("Measured time to run one image with 32-bit float weights, in milliseconds, with "
                                   "the threads given in the Threads column.");
    case Measure::LatencyInt8:
      return ResultsTableModel::tr("Measured time to run one image with 8-bit integer weights and activations, in "
                                   "milliseconds, with the threads given in the Threads column.");
    case Measure::Energy:
      return ResultsTableModel::tr("Estimated energy for one image, in millijoules, from its MACs and memory traffic "
                                   "with the energy per operation of a 45 nm chip.");
  }
  return {};
}

QString measureKey(Measure measure) {
  switch (measure) {
    case Measure::MapVoc07: return QStringLiteral("map_voc07");
    case Measure::MapArea: return QStringLiteral("map_area");
    case Measure::Params: return QStringLiteral("params");
    case Measure::Macs: return QStringLiteral("macs");
    case Measure::FileBytes: return QStringLiteral("file_size");
    case Measure::LatencyFp32: return QStringLiteral("latency_fp32");
    case Measure::LatencyInt8: return QStringLiteral("latency_int8");
    case Measure::Energy: return QStringLiteral("energy");
  }
  return {};
}

double measureScale(Measure measure) {
  switch (measure) {
    case Measure::Params: return 1e-6;
    case Measure::Macs: return 1e-6;
    case Measure::FileBytes: return 1e-6;
    default: return 1.0;
  }
}

int measureDecimals(Measure measure) {
  switch (measure) {
    case Measure::MapVoc07:
    case Measure::MapArea: return 4;
    case Measure::Params: return 3;
    case Measure::Macs: return 1;
    case Measure::Energy: return 3;
    default: return 2;
  }
}

double VariantResults::value(Measure measure) const { return measures.value(measure, kNaN); }

QVector<VariantResults> collectResults(const Project& project) {
  QVector<VariantResults> results;
  results << resolve(QStringLiteral("original"), QStringLiteral("original"), QString(), project.model, {}, {},
                     project.metrics, project.reports);
  for (const ProjectVariant& v : project.variants) {
    results << resolve(QString::fromStdString(v.name), QString::fromStdString(v.kind),
                       QString::fromStdString(v.parent), v.file, v.plan, v.settings, v.metrics, v.reports);
  }
  return results;
}

double ratioBase(const VariantResults& original, Measure measure) {
  if (measure == Measure::LatencyInt8 && !original.has(Measure::LatencyInt8))
    return original.value(Measure::LatencyFp32);
  return original.value(measure);
}

double ratioToOriginal(const QVector<VariantResults>& results, int row, Measure measure) {
  if (results.isEmpty() || row < 0 || row >= results.size()) return kNaN;
  const double base = ratioBase(results.front(), measure);
  const double value = results[row].value(measure);
  if (!std::isfinite(base) || !std::isfinite(value) || base == 0) return kNaN;
  return value / base;
}

QStringList resultClassNames(const QVector<VariantResults>& results) {
  QStringList names;
  for (const VariantResults& r : results) {
    if (!r.eval) continue;
    for (const ClassAp& c : r.eval->classes) {
      const QString name = QString::fromStdString(c.name);
      if (!names.contains(name)) names << name;
    }
  }
  return names;
}

double classAp(const VariantResults& result, const QString& className) {
  if (!result.eval) return kNaN;
  const std::string name = className.toStdString();
  for (const ClassAp& c : result.eval->classes) {
    if (c.name == name) return c.ap;
  }
  return kNaN;
}

ResultsTableModel::ResultsTableModel(QObject* parent) : QAbstractTableModel(parent) { setResults({}); }

void ResultsTableModel::setResults(const QVector<VariantResults>& results) {
  beginResetModel();
  results_ = results;
  columns_.clear();
  columns_ << Column{ColumnType::Name} << Column{ColumnType::Kind} << Column{ColumnType::Precision};
  for (Measure m : allMeasures()) {
    columns_ << Column{ColumnType::Measure, m};
    if (m == Measure::LatencyInt8) columns_ << Column{ColumnType::Threads};
  }
  for (const QString& name : resultClassNames(results_)) columns_ << Column{ColumnType::ClassAp, Measure::MapVoc07, name};
  endResetModel();
}

int ResultsTableModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(results_.size());
}

int ResultsTableModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(columns_.size());
}

ResultsTableModel::ColumnType ResultsTableModel::columnType(int column) const {
  return column >= 0 && column < columns_.size() ? columns_[column].type : ColumnType::Name;
}

int ResultsTableModel::measureColumn(Measure measure) const {
  for (int c = 0; c < columns_.size(); ++c) {
    if (columns_[c].type == ColumnType::Measure && columns_[c].measure == measure) return c;
  }
  return -1;
}

int ResultsTableModel::classColumn(const QString& className) const {
  for (int c = 0; c < columns_.size(); ++c) {
    if (columns_[c].type == ColumnType::ClassAp && columns_[c].className == className) return c;
  }
  return -1;
}

QString ResultsTableModel::headerText(int column) const {
  if (column < 0 || column >= columns_.size()) return {};
  const Column& c = columns_[column];
  switch (c.type) {
    case ColumnType::Name: return tr("Model");
    case ColumnType::Kind: return tr("Kind");
    case ColumnType::Precision: return tr("Precision");
    case ColumnType::Measure: return measureTitle(c.measure);
    case ColumnType::Threads: return tr("Threads");
    case ColumnType::ClassAp: return tr("AP %1").arg(c.className);
  }
  return {};
}

QString ResultsTableModel::cellText(int row, int column) const {
  if (row < 0 || row >= results_.size() || column < 0 || column >= columns_.size()) return {};
  const VariantResults& r = results_[row];
  const Column& c = columns_[column];
  const QString dash = QStringLiteral("—");
  const QLocale locale;
  const auto withRatio = [&](double value, double base, double scale, int decimals) {
    if (!std::isfinite(value)) return dash;
    QString text = locale.toString(value * scale, 'f', decimals);
    if (row > 0 && std::isfinite(base) && base != 0) {
      text += QStringLiteral(" (%1×)").arg(locale.toString(value / base, 'f', 2));
    }
    return text;
  };
  switch (c.type) {
    case ColumnType::Name: return r.kind == QLatin1String("original") ? variantKindTitle(r.kind) : r.name;
    case ColumnType::Kind: return variantKindTitle(r.kind);
    case ColumnType::Precision: return r.precision;
    case ColumnType::Threads: return r.threads > 0 ? QString::number(r.threads) : dash;
    case ColumnType::Measure:
      return withRatio(r.value(c.measure), ratioBase(results_.front(), c.measure), measureScale(c.measure),
                       measureDecimals(c.measure));
    case ColumnType::ClassAp:
      return withRatio(classAp(r, c.className), classAp(results_.front(), c.className), 1.0, 4);
  }
  return {};
}

QVariant ResultsTableModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= results_.size() || index.column() >= columns_.size()) return {};
  const VariantResults& r = results_[index.row()];
  const Column& c = columns_[index.column()];
  const bool numeric = c.type == ColumnType::Measure || c.type == ColumnType::ClassAp;
  switch (role) {
    case Qt::DisplayRole: return cellText(index.row(), index.column());
    case Qt::TextAlignmentRole:
      return numeric || c.type == ColumnType::Threads ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                                                      : QVariant(int(Qt::AlignLeft | Qt::AlignVCenter));
    case Qt::FontRole:
      if (r.isOriginal()) {
        QFont bold;
        bold.setBold(true);
        return bold;
      }
      return {};
    case Qt::ToolTipRole:
      if (c.type == ColumnType::Name) {
        QStringList lines{r.file};
        if (!r.parent.isEmpty()) lines << tr("made from %1").arg(r.parent);
        for (auto it = r.settings.constBegin(); it != r.settings.constEnd(); ++it)
          lines << QStringLiteral("%1: %2").arg(it.key(), it.value());
        lines << r.problems;
        return lines.join(QLatin1Char('\n'));
      }
      if (c.type == ColumnType::Measure && c.measure == Measure::LatencyInt8)
        return tr("Time per image at int8; the ratio is to the original's int8 time, or to its fp32 time when it "
                  "has none.");
      if (c.type == ColumnType::Measure && c.measure == Measure::Energy)
        return tr("Estimated from MACs and memory traffic (45 nm energies per operation), at the model's precision.");
      return {};
    case ValueRole: {
      const double v = c.type == ColumnType::Measure   ? r.value(c.measure)
                       : c.type == ColumnType::ClassAp ? classAp(r, c.className)
                                                       : kNaN;
      return std::isfinite(v) ? QVariant(v) : QVariant();
    }
    case RatioRole: {
      if (!numeric) return {};
      const double base = c.type == ColumnType::Measure ? ratioBase(results_.front(), c.measure)
                                                        : classAp(results_.front(), c.className);
      const double v = c.type == ColumnType::Measure ? r.value(c.measure) : classAp(r, c.className);
      return std::isfinite(v) && std::isfinite(base) && base != 0 ? QVariant(v / base) : QVariant();
    }
    default: return {};
  }
}

QVariant ResultsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return QAbstractTableModel::headerData(section, orientation, role);
  if (role == Qt::DisplayRole) return headerText(section);
  if (role == Qt::ToolTipRole && section >= 0 && section < columns_.size()) {
    const Column& c = columns_[section];
    switch (c.type) {
      case ColumnType::Name: return tr("The original model and each variant made from it.");
      case ColumnType::Kind: return tr("How the variant was made: pruned, fine-tuned, quantized or exported.");
      case ColumnType::Precision: return tr("The number format of the weights: 32-bit float (fp32) or 8-bit integer (int8).");
      case ColumnType::Threads: return tr("The number of CPU threads the times per image were measured with.");
      case ColumnType::ClassAp:
        return tr("Average precision of the class %1 alone, from the model's evaluation report.").arg(c.className);
      case ColumnType::Measure:
        return measureToolTip(c.measure) + QLatin1Char('\n') + tr("Value (ratio to the original)");
    }
  }
  return {};
}

}  // namespace whittle::ui
