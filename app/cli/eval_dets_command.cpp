#include "cli/eval_dets_command.h"

// PLACEHOLDER: replaced by the real command (work in progress).
namespace whittle::cli {

void add_eval_dets_command(CLI::App& app) { (void)app; }

}  // namespace whittle::cli
