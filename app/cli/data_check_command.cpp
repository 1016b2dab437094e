#include "cli/data_command.h"

// PLACEHOLDER: replaced by the real command (work in progress).
namespace whittle::cli {

void add_data_check_command(CLI::App& data) { (void)data; }

}  // namespace whittle::cli
