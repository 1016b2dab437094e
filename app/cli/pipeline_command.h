#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `pipeline CONFIG.json [--data DIR] [--out DIR] [--force] [--json]`: runs
// (or resumes) the whole methodology from one JSON configuration file
// (workflow/pipeline.h): base model, prune, fine-tune, quantize, evaluate,
// benchmark, export. Progress and each stage's log on stderr; the
// comparison table (original vs each stage) on stdout, or with --json a
// summary (stages, models, metrics, the project file). The output folder
// holds each stage's model, stages/<stage>.json stamps, eval/*.eval.json,
// comparison.txt and project.whittle.
void add_pipeline_command(CLI::App& app);

}  // namespace whittle::cli
