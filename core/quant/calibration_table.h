#pragma once
// A QuantSpec as a text file a person can read and diff:
//
//   whittle.calibration/1 observer=entropy images=200
//   # value <name> <scale> <zero_point> <lo> <hi>
//   value features.0 0.023529411764705882 0 0 6
//   value images 0.01568627450980392 64 -1 3
//   fp32 head.cls
//
// One `value` line per activation and one `fp32` line per fp32 node, each
// sorted by name. Numbers are written in their shortest form that reads back
// to the same bits (std::to_chars: scale as double, lo and hi as float; no
// locale), so save -> load gives an identical spec. Lines starting with '#'
// and blank lines are ignored. Names may not contain whitespace.
#include <string>

#include "quant/quant_params.h"

namespace whittle {

std::string calibration_table_text(const QuantSpec& spec);
// `source` names the text in errors: "<source>:<line>: <what is wrong>".
QuantSpec parse_calibration_table(const std::string& text, const std::string& source);

// Written atomically (core/io/atomic_file.h).
void save_calibration_table(const std::string& path, const QuantSpec& spec);
QuantSpec load_calibration_table(const std::string& path);

}  // namespace whittle
