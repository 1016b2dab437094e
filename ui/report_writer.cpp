// Core (LibTorch) headers before Qt's: Qt's `slots` macro breaks them.
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "eval/eval_report.h"
#include "graph/energy_model.h"
#include "io/project_file.h"
#include "prune/latency_table.h"
#include "prune/sensitivity.h"

#include "ui/report_writer.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSaveFile>
#include <QSysInfo>
#include <cmath>
#include <exception>
#include <memory>
#include <qcustomplot.h>
#include <thread>

#include "ui/plot_export.h"
#include "ui/result_plots.h"
#include "ui/results_table_model.h"

namespace whittle::ui {

class ReportWriter {
  Q_DECLARE_TR_FUNCTIONS(ReportWriter)
};

namespace {

using Row = QStringList;

// One document written twice: as Markdown and as HTML.
class Document {
 public:
  void heading(int level, const QString& text) {
    md_ += QString(level, QLatin1Char('#')) + QLatin1Char(' ') + text + QStringLiteral("\n\n");
    html_ += QStringLiteral("<h%1>%2</h%1>\n").arg(level).arg(text.toHtmlEscaped());
  }
  void paragraph(const QString& text) {
    md_ += text + QStringLiteral("\n\n");
    html_ += QStringLiteral("<p>%1</p>\n").arg(text.toHtmlEscaped());
  }
  void bullets(const QStringList& items) {
    html_ += QStringLiteral("<ul>\n");
    for (const QString& item : items) {
      md_ += QStringLiteral("- ") + item + QLatin1Char('\n');
      html_ += QStringLiteral("<li>%1</li>\n").arg(item.toHtmlEscaped());
    }
    md_ += QLatin1Char('\n');
    html_ += QStringLiteral("</ul>\n");
  }
  void code(const QString& text) {
    md_ += QStringLiteral("```\n") + text.trimmed() + QStringLiteral("\n```\n\n");
    html_ += QStringLiteral("<pre>%1</pre>\n").arg(text.trimmed().toHtmlEscaped());
  }
  // `numeric`: columns aligned right.
  void table(const Row& header, const QVector<Row>& rows, const QVector<bool>& numeric = {}) {
    md_ += markdownTable(header, rows, numeric) + QLatin1Char('\n');
    html_ += QStringLiteral("<table>\n<tr>");
    for (const QString& h : header) html_ += QStringLiteral("<th>%1</th>").arg(h.toHtmlEscaped());
    html_ += QStringLiteral("</tr>\n");
    for (const Row& row : rows) {
      html_ += QStringLiteral("<tr>");
      for (int c = 0; c < row.size(); ++c) {
        const bool right = c < numeric.size() && numeric[c];
        html_ += QStringLiteral("<td%1>%2</td>").arg(right ? QStringLiteral(" class=\"n\"") : QString(),
                                                      row[c].toHtmlEscaped());
      }
      html_ += QStringLiteral("</tr>\n");
    }
    html_ += QStringLiteral("</table>\n");
  }
  // `file` relative to the report.
  void image(const QString& alt, const QString& file) {
    md_ += QStringLiteral("![%1](%2)\n\n").arg(alt, file);
    html_ += QStringLiteral("<figure><img src=\"%1\" alt=\"%2\"><figcaption>%2</figcaption></figure>\n")
                 .arg(file.toHtmlEscaped(), alt.toHtmlEscaped());
  }

  static QString markdownTable(const Row& header, const QVector<Row>& rows, const QVector<bool>& numeric) {
    const auto cell = [](QString text) { return text.replace(QLatin1Char('|'), QStringLiteral("\\|")); };
    QString out = QStringLiteral("|");
    for (const QString& h : header) out += QLatin1Char(' ') + cell(h) + QStringLiteral(" |");
    out += QStringLiteral("\n|");
    for (int c = 0; c < header.size(); ++c)
      out += c < numeric.size() && numeric[c] ? QStringLiteral(" ---: |") : QStringLiteral(" --- |");
    out += QLatin1Char('\n');
    for (const Row& row : rows) {
      out += QLatin1Char('|');
      for (const QString& text : row) out += QLatin1Char(' ') + cell(text) + QStringLiteral(" |");
      out += QLatin1Char('\n');
    }
    return out;
  }

  QString markdown() const { return md_; }
  QString html(const QString& title) const {
    return QStringLiteral(
               "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%1</title>\n"
               "<style>\nbody{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\n"
               "table{border-collapse:collapse;margin:1em 0;font-size:0.9em}\n"
               "th,td{border:1px solid #ccc;padding:0.25em 0.6em}\nth{background:#f0f0f0}\n"
               "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
               "img{max-width:100%;border:1px solid #ddd}\n"
               "figure{margin:1em 0}\npre{background:#f6f6f6;padding:0.8em;overflow-x:auto}\n</style>\n"
               "</head>\n<body>\n%2</body>\n</html>\n")
        .arg(title.toHtmlEscaped(), html_);
  }

 private:
  QString md_;
  QString html_;
};

bool saveText(const QString& path, const QString& text, QString* error) {
  QSaveFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
    if (error) *error = ReportWriter::tr("Cannot write %1: %2").arg(path, file.errorString());
    return false;
  }
  return true;
}

// A file-name-safe form of `text`: letters, digits, '-' and '_'.
QString safeName(const QString& text) {
  QString out;
  for (const QChar c : text) out += c.isLetterOrNumber() || c == QLatin1Char('-') ? c : QLatin1Char('_');
  return out.isEmpty() ? QStringLiteral("_") : out;
}

QString relativeTo(const QDir& dir, const QString& file) {
  if (file.isEmpty()) return ReportWriter::tr("(none)");
  return QDir::cleanPath(dir.relativeFilePath(file)).startsWith(QStringLiteral("..")) ? file : dir.relativeFilePath(file);
}

}  // namespace

MachineInfo currentMachine() {
  MachineInfo m;
  m.cpu = QString::fromStdString(cpu_model_name());
  m.cores = static_cast<int>(std::thread::hardware_concurrency());
  m.torchThreads = at::get_num_threads();
  m.torchVersion = QString::fromLatin1(TORCH_VERSION);
  m.qtVersion = QString::fromLatin1(qVersion());
  m.os = QSysInfo::prettyProductName() + QStringLiteral(" (") + QSysInfo::kernelType() + QLatin1Char(' ') +
         QSysInfo::kernelVersion() + QStringLiteral(", ") + QSysInfo::currentCpuArchitecture() + QLatin1Char(')');
  m.date = QDateTime::currentDateTime().toOffsetFromUtc(QDateTime::currentDateTime().offsetFromUtc())
               .toString(Qt::ISODate);
  return m;
}

bool writeReport(const QString& projectPath, const QString& outDir, ReportOutput* output, QString* error,
                 const ReportOptions& options) {
  Project project;
  try {
    project = load_project(projectPath.toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromUtf8(e.what());
    return false;
  }
  return writeReport(project, projectPath, outDir, output, error, options);
}

bool writeReport(const Project& project, const QString& projectPath, const QString& outDir, ReportOutput* output,
                 QString* error, const ReportOptions& options) {
  if (QApplication::instance() == nullptr || qobject_cast<QApplication*>(QCoreApplication::instance()) == nullptr) {
    if (error) *error = ReportWriter::tr("The report draws its plots with Qt widgets: it needs a QApplication.");
    return false;
  }
  const QDir dir(outDir);
  if (!QDir().mkpath(dir.filePath(QStringLiteral("plots")))) {
    if (error) *error = ReportWriter::tr("Cannot create the folder %1.").arg(dir.filePath(QStringLiteral("plots")));
    return false;
  }
  ReportOutput out;
  const QVector<VariantResults> results = collectResults(project);
  ResultsTableModel model;
  model.setResults(results);
  for (const VariantResults& r : results) out.problems << r.problems;

  const QString projectName = projectPath.isEmpty() ? ReportWriter::tr("project")
                                                    : QFileInfo(projectPath).fileName();
  const MachineInfo machine = currentMachine();
  Document doc;
  doc.heading(1, ReportWriter::tr("Whittle report: %1").arg(projectName));
  doc.paragraph(ReportWriter::tr("Written %1 by Whittle %2 from %3: the original model and %n variant(s).", nullptr,
                                 static_cast<int>(project.variants.size()))
                    .arg(machine.date, QString::fromLatin1(WHITTLE_VERSION),
                         projectPath.isEmpty() ? projectName : QFileInfo(projectPath).absoluteFilePath()));

  // ---- Comparison
  doc.heading(2, ReportWriter::tr("Comparison"));
  Row header;
  QVector<bool> numeric;
  QVector<int> columns;
  for (int c = 0; c < model.columnCount(); ++c) {
    if (model.columnType(c) == ResultsTableModel::ColumnType::ClassAp) continue;
    columns << c;
    header << model.headerText(c);
    numeric << (model.columnType(c) == ResultsTableModel::ColumnType::Measure ||
                model.columnType(c) == ResultsTableModel::ColumnType::Threads);
  }
  QVector<Row> rows;
  for (int r = 0; r < model.rowCount(); ++r) {
    Row row;
    for (int c : columns) row << model.cellText(r, c);
    rows << row;
  }
  doc.table(header, rows, numeric);
  out.comparisonTable = Document::markdownTable(header, rows, numeric);
  doc.paragraph(ReportWriter::tr(
      "Each value is followed by its ratio to the original in brackets; — : not measured. mAP (area) is the "
      "VOC2010+ area under the precision envelope; when a model was evaluated with VOC07 only it is recomputed "
      "from the stored precision–recall curves. ms/image is the model at the precision shown, with the threads "
      "stated. Energy per image is an estimate from MACs and memory traffic, not a measurement:"));
  doc.code(QString::fromStdString(energy_assumptions()));

  // ---- Per-class AP
  const QStringList classes = resultClassNames(results);
  doc.heading(2, ReportWriter::tr("Per-class AP"));
  if (classes.isEmpty()) {
    doc.paragraph(ReportWriter::tr("No model has an evaluation report yet."));
  } else {
    Row apHeader{ReportWriter::tr("Class")};
    QVector<bool> apNumeric{false};
    for (const VariantResults& r : results) {
      apHeader << r.name;
      apNumeric << true;
    }
    QVector<Row> apRows;
    for (const QString& cls : classes) {
      Row row{cls};
      const int column = model.classColumn(cls);
      for (int r = 0; r < results.size(); ++r) row << model.cellText(r, column);
      apRows << row;
    }
    doc.table(apHeader, apRows, apNumeric);
  }

  // ---- Plots, drawn by the dashboard's code on an offscreen plot.
  doc.heading(2, ReportWriter::tr("Plots"));
  QCustomPlot plot;
  plot.resize(options.plotWidth, options.plotHeight);
  bool plotsOk = true;
  const auto savePlot = [&](const QString& stem, const QString& title) {
    const QString relative = QStringLiteral("plots/") + stem + QStringLiteral(".png");
    const QString path = dir.absoluteFilePath(relative);
    QString why;
    if (!exportPlot(&plot, path, options.plotWidth, options.plotHeight, &why)) {
      if (plotsOk && error) *error = why;
      plotsOk = false;
      return;
    }
    out.plots << path;
    doc.image(title, relative);
  };
  const struct {
    TradeoffCost cost;
    const char* stem;
    QString title;
  } tradeoffs[] = {
      {TradeoffCost::FileSize, "map_vs_size", ReportWriter::tr("mAP vs file size")},
      {TradeoffCost::Latency, "map_vs_latency", ReportWriter::tr("mAP vs latency")},
      {TradeoffCost::Macs, "map_vs_macs", ReportWriter::tr("mAP vs MACs")},
  };
  for (const auto& t : tradeoffs) {
    doc.heading(3, t.title);
    plotTradeoff(&plot, results, t.cost);
    savePlot(QString::fromLatin1(t.stem), t.title);
  }
  doc.paragraph(ReportWriter::tr("The Pareto front joins the models that no other model beats on both mAP and "
                                 "cost; the star is the original."));

  doc.heading(3, ReportWriter::tr("Original vs compressed"));
  plotComparisonBars(&plot, results);
  savePlot(QStringLiteral("original_vs_compressed"), ReportWriter::tr("Each measure as a ratio to the original"));

  doc.heading(3, ReportWriter::tr("Precision–recall curves"));
  int compared = -1;
  for (int r = static_cast<int>(results.size()) - 1; r > 0 && compared < 0; --r) {
    if (results[r].eval) compared = r;
  }
  if (classes.isEmpty() || !results.front().eval || compared < 0) {
    doc.paragraph(ReportWriter::tr("Needs evaluation reports of the original and of a variant."));
  } else {
    doc.paragraph(ReportWriter::tr("The original against %1, per class.").arg(results[compared].name));
    int shown = 0;
    for (int i = 0; i < classes.size() && shown < options.maxPrClasses; ++i, ++shown) {
      plotPrCurves(&plot, results.front(), results[compared], classes[i]);
      savePlot(QStringLiteral("pr_%1_%2").arg(i, 2, 10, QLatin1Char('0')).arg(safeName(classes[i])),
               ReportWriter::tr("Precision–recall: %1").arg(classes[i]));
    }
    if (classes.size() > shown)
      doc.paragraph(ReportWriter::tr("%n more class(es) not drawn.", nullptr, static_cast<int>(classes.size()) - shown));
  }

  doc.heading(3, ReportWriter::tr("Sensitivity"));
  bool anyScan = false;
  for (const VariantResults& r : results) {
    if (r.sensitivityFile.isEmpty()) continue;
    try {
      const SensitivityResult scan = load_sensitivity(r.sensitivityFile.toStdString());
      anyScan = true;
      plotSensitivity(&plot, scan);
      doc.paragraph(ReportWriter::tr("%1: %2 criterion, %n image(s), baseline mAP %3.", nullptr, scan.images)
                        .arg(r.name, QString::fromStdString(scan.criterion))
                        .arg(QLocale().toString(scan.baseline, 'f', 4)));
      savePlot(QStringLiteral("sensitivity_%1").arg(safeName(r.name)),
               ReportWriter::tr("Sensitivity of %1").arg(r.name));
    } catch (const std::exception& e) {
      out.problems << QString::fromStdString(first_line(e));
    }
  }
  if (!anyScan) doc.paragraph(ReportWriter::tr("No sensitivity scan in the project."));

  // ---- Configuration
  const QDir projectDir = projectPath.isEmpty() ? QDir(outDir) : QFileInfo(projectPath).absoluteDir();
  doc.heading(2, ReportWriter::tr("Configuration"));
  doc.bullets({ReportWriter::tr("Project: %1").arg(projectPath.isEmpty() ? projectName
                                                                           : QFileInfo(projectPath).absoluteFilePath()),
               ReportWriter::tr("Original model: %1").arg(relativeTo(projectDir, QString::fromStdString(project.model))),
               ReportWriter::tr("Data set: %1").arg(project.data.empty() ? ReportWriter::tr("(none)")
                                                                         : QString::fromStdString(project.data))});
  for (int r = 0; r < results.size(); ++r) {
    const VariantResults& v = results[r];
    doc.heading(3, QStringLiteral("%1 (%2)").arg(v.name, v.kind));
    QStringList facts;
    if (r > 0) facts << ReportWriter::tr("Made from: %1").arg(v.parent.isEmpty() ? ReportWriter::tr("the original") : v.parent);
    facts << ReportWriter::tr("Model file: %1").arg(relativeTo(projectDir, v.file));
    if (!v.plan.isEmpty()) facts << ReportWriter::tr("Pruning plan: %1").arg(relativeTo(projectDir, v.plan));
    if (v.eval) {
      facts << ReportWriter::tr("Evaluation: %1 on %n image(s), %2 ms/image", nullptr, v.eval->images)
                   .arg(QString::fromStdString(v.eval->metric))
                   .arg(QLocale().toString(v.eval->ms_per_image, 'f', 2));
    }
    doc.bullets(facts);
    if (!v.settings.isEmpty()) {
      QVector<Row> settingRows;
      for (auto it = v.settings.constBegin(); it != v.settings.constEnd(); ++it) settingRows << Row{it.key(), it.value()};
      doc.table({ReportWriter::tr("Setting"), ReportWriter::tr("Value")}, settingRows);
    }
    if (!v.metrics.isEmpty()) {
      QVector<Row> metricRows;
      for (auto it = v.metrics.constBegin(); it != v.metrics.constEnd(); ++it)
        metricRows << Row{it.key(), QLocale().toString(it.value(), 'g', 8)};
      doc.table({ReportWriter::tr("Metric (as stored)"), ReportWriter::tr("Value")}, metricRows, {false, true});
    }
  }

  // ---- Machine
  doc.heading(2, ReportWriter::tr("Machine"));
  doc.bullets({ReportWriter::tr("CPU: %1").arg(machine.cpu), ReportWriter::tr("Cores: %1").arg(machine.cores),
               ReportWriter::tr("LibTorch: %1 (%2 threads)").arg(machine.torchVersion).arg(machine.torchThreads),
               ReportWriter::tr("Qt: %1").arg(machine.qtVersion), ReportWriter::tr("System: %1").arg(machine.os),
               ReportWriter::tr("Date: %1").arg(machine.date)});
  doc.paragraph(ReportWriter::tr("The machine this report was written on; latency figures are those of the "
                                 "benchmark runs, with the threads stated in the table."));

  if (!out.problems.isEmpty()) {
    doc.heading(2, ReportWriter::tr("Notes"));
    doc.bullets(out.problems);
  }

  out.markdown = dir.absoluteFilePath(QStringLiteral("report.md"));
  out.html = dir.absoluteFilePath(QStringLiteral("report.html"));
  if (!saveText(out.markdown, doc.markdown(), error)) return false;
  if (!saveText(out.html, doc.html(ReportWriter::tr("Whittle report: %1").arg(projectName)), error)) return false;
  if (output) *output = out;
  return plotsOk;
}

}  // namespace whittle::ui
