#pragma once
#include <CLI/CLI.hpp>

namespace whittle::cli {

// `data check DIR [--set S]` and `data synth --out DIR --images N ...`.
void add_data_command(CLI::App& app);
void add_data_check_command(CLI::App& data);  // data_check_command.cpp
void add_data_synth_command(CLI::App& data);  // data_synth_command.cpp

}  // namespace whittle::cli
