#include "cli/data_command.h"

namespace whittle::cli {

void add_data_command(CLI::App& app) {
  CLI::App* data = app.add_subcommand("data", "data sets: check a VOCdevkit, synthesise one");
  data->require_subcommand(1);
  add_data_check_command(*data);
  add_data_synth_command(*data);
}

}  // namespace whittle::cli
