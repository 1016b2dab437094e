#pragma once
#include <CLI/CLI.hpp>

#include "graph/error.h"

namespace whittle::cli {

// `report --project P.whittle --out DIR [--plot-size WxH]`: writes
// DIR/report.md, DIR/report.html and DIR/plots/*.png (ui/report_writer.h:
// the comparison table, the plots drawn offscreen by the dashboard's code,
// the configuration and the machine) and prints the comparison table. Needs
// no display (QT_QPA_PLATFORM=offscreen unless set). Only in builds with the
// Qt workbench (WHITTLE_BUILD_GUI); elsewhere the command says so.
#ifdef WHITTLE_CLI_WITH_REPORT
void add_report_command(CLI::App& app);
#else
inline void add_report_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("report", "(not in this build: needs Qt, WHITTLE_BUILD_GUI=ON)");
  cmd->allow_extras();
  cmd->callback([] {
    throw Error("report: this whittle-cli was built without Qt (WHITTLE_BUILD_GUI=OFF); "
                "the report draws its plots with Qt: build with the GUI to use it");
  });
}
#endif

}  // namespace whittle::cli
