#pragma once
// The project's report: DIR/report.md and DIR/report.html (the same
// content), with the plots as DIR/plots/*.png drawn by the dashboard's own
// plot code (result_plots.h) offscreen. Sections:
//   Comparison      every model's measures with ratios to the original
//   Per-class AP    one row per class, one column per model
//   Plots           mAP vs file size / latency / MACs (Pareto front),
//                   original vs compressed, PR curves per class (the original
//                   against the last evaluated variant), sensitivity scans
//   Configuration   the files and each variant's settings (how it was made)
//   Machine         CPU model, cores, LibTorch and Qt versions, OS, date
// Needs a QApplication (QT_QPA_PLATFORM=offscreen is enough).
#include <QString>
#include <QStringList>

namespace whittle {
struct Project;
}

namespace whittle::ui {

struct ReportOptions {
  int plotWidth = 960;
  int plotHeight = 600;
  int maxPrClasses = 20;  // PR-curve plots for at most this many classes
};

struct ReportOutput {
  QString markdown;         // DIR/report.md
  QString html;             // DIR/report.html
  QStringList plots;        // every PNG written, absolute paths
  QString comparisonTable;  // the comparison table as Markdown (for a terminal)
  QStringList problems;     // files that could not be read (also in the report)
};

// The machine the report is written on.
struct MachineInfo {
  QString cpu;       // cpu_model_name()
  int cores = 0;     // logical cores
  int torchThreads = 0;
  QString torchVersion;
  QString qtVersion;
  QString os;
  QString date;      // ISO 8601, local time with offset
};
MachineInfo currentMachine();

// Loads the project file and writes the report into `outDir` (created).
// Returns false with the reason in *error (the project cannot be read, a file
// cannot be written, no QApplication).
bool writeReport(const QString& projectPath, const QString& outDir, ReportOutput* output = nullptr,
                 QString* error = nullptr, const ReportOptions& options = {});
// The same for a project in memory; `projectPath` names it in the report.
bool writeReport(const whittle::Project& project, const QString& projectPath, const QString& outDir,
                 ReportOutput* output = nullptr, QString* error = nullptr, const ReportOptions& options = {});

}  // namespace whittle::ui
