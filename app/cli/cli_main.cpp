// whittle-cli: Whittle's core from the terminal.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/bench_command.h"
#include "cli/data_command.h"
#include "cli/detect_command.h"
#include "cli/eval_command.h"
#include "cli/eval_dets_command.h"
#include "cli/export_command.h"
#include "cli/finetune_command.h"
#include "cli/groups_command.h"
#include "cli/info_command.h"
#include "cli/pipeline_command.h"
#include "cli/progress_bar.h"
#include "cli/prune_command.h"
#include "cli/prune_schedule_command.h"
#include "cli/quantize_command.h"
#include "cli/report_command.h"
#include "cli/sensitivity_command.h"
#include "cli/train_command.h"
#include "cli/zoo_command.h"
#include "runtime/process_setup.h"
#include "runtime/threading.h"

#ifndef WHITTLE_VERSION  // set by app/CMakeLists.txt from the project version
#define WHITTLE_VERSION "dev"
#endif

int main(int argc, char** argv) {
  whittle::configure_process(argv);

  CLI::App app{"Whittle: make object detectors smaller and faster", "whittle-cli"};
  app.set_version_flag("--version", "whittle-cli " WHITTLE_VERSION);
  int threads = 0;
  app.add_option("--threads", threads, "LibTorch threads (default: all cores)");
  app.require_subcommand(1);
  app.parse_complete_callback([&] { whittle::set_threads(threads); });
  whittle::cli::add_info_command(app);
  whittle::cli::add_zoo_command(app);
  whittle::cli::add_data_command(app);
  whittle::cli::add_eval_dets_command(app);
  whittle::cli::add_train_command(app);
  whittle::cli::add_eval_command(app);
  whittle::cli::add_detect_command(app);
  whittle::cli::add_groups_command(app);
  whittle::cli::add_bench_command(app);
  whittle::cli::add_prune_command(app);
  whittle::cli::add_sensitivity_command(app);
  whittle::cli::add_finetune_command(app);
  whittle::cli::add_prune_schedule_command(app);
  whittle::cli::add_export_command(app);
  whittle::cli::add_quantize_command(app);
  whittle::cli::add_pipeline_command(app);
  whittle::cli::add_report_command(app);  // Qt builds only (report_command.h)
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const whittle::cli::CommandExit& e) {
    std::cerr << "whittle-cli: " << e.what() << '\n';
    return e.status();
  } catch (const std::exception& e) {
    std::cerr << "whittle-cli: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
