// Compiled only with the Qt workbench (app/CMakeLists.txt: WHITTLE_CLI_WITH_REPORT).
#include "cli/report_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <QApplication>
#include <QDir>
#include <QtGlobal>
#include <QString>

#include "ui/report_writer.h"

namespace whittle::cli {
namespace {

// Qt's chatter about the offscreen platform (e.g. "XDG_RUNTIME_DIR not set")
// stays out of the terminal; real warnings and errors pass.
void quietQtMessages(QtMsgType type, const QMessageLogContext&, const QString& message) {
  if (type == QtDebugMsg || type == QtInfoMsg) return;
  if (type == QtWarningMsg && (message.startsWith(QLatin1String("QStandardPaths:")) ||
                               message.contains(QLatin1String("propagateSizeHints")))) {
    return;
  }
  std::cerr << "whittle-cli: qt: " << message.toStdString() << '\n';
}

struct ReportCommandOptions {
  std::string project;
  std::string out;
  std::string plot_size = "960x600";
};

void run_report(const ReportCommandOptions& o) {
  if (o.project.empty()) throw Error("report: --project P.whittle is required");
  if (o.out.empty()) throw Error("report: --out DIR is required");
  ui::ReportOptions options;
  const auto x = o.plot_size.find('x');
  try {
    if (x == std::string::npos) throw Error("");
    options.plotWidth = std::stoi(o.plot_size.substr(0, x));
    options.plotHeight = std::stoi(o.plot_size.substr(x + 1));
  } catch (const std::exception&) {
    throw Error("report: --plot-size '" + o.plot_size + "' is not WIDTHxHEIGHT (e.g. 960x600)");
  }
  if (options.plotWidth < 200 || options.plotHeight < 150 || options.plotWidth > 8000 || options.plotHeight > 8000)
    throw Error("report: --plot-size " + o.plot_size + " is outside 200x150 .. 8000x8000");

  // The plots are Qt widgets drawn into images: no display needed.
  if (std::getenv("QT_QPA_PLATFORM") == nullptr) setenv("QT_QPA_PLATFORM", "offscreen", 1);
  qInstallMessageHandler(quietQtMessages);
  std::unique_ptr<QApplication> app;
  if (QCoreApplication::instance() == nullptr) {
    static int argc = 1;
    static char name[] = "whittle-cli";
    static char* argv[] = {name, nullptr};
    app = std::make_unique<QApplication>(argc, argv);
  }
  ui::ReportOutput output;
  QString error;
  const bool ok = ui::writeReport(QString::fromStdString(o.project), QString::fromStdString(o.out), &output,
                                  &error, options);
  if (!ok) throw Error("report: " + error.toStdString());
  std::cout << output.comparisonTable.toStdString() << '\n';
  for (const QString& problem : output.problems) std::cerr << "report: note: " << problem.toStdString() << '\n';
  std::cerr << "wrote " << QDir::toNativeSeparators(output.markdown).toStdString() << ", "
            << QDir::toNativeSeparators(output.html).toStdString() << " and " << output.plots.size()
            << " plots\n";
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto o = std::make_shared<ReportCommandOptions>();
  CLI::App* cmd = app.add_subcommand("report", "write a Markdown + HTML report of a project (table, plots, "
                                               "configuration, machine)");
  cmd->add_option("--project", o->project, "the project file (.whittle)")->required();
  cmd->add_option("--out", o->out, "the report's folder (created)")->required();
  cmd->add_option("--plot-size", o->plot_size, "plot images' size in pixels")->capture_default_str();
  cmd->callback([o] { run_report(*o); });
}

}  // namespace whittle::cli
