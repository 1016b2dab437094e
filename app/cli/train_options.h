#pragma once
// The training options that train, finetune and prune-schedule share: batch,
// rate, seed, optimizer, schedule, clipping, loader workers, augmentation,
// validation. One registration, so the commands cannot drift apart.
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "train/trainer.h"
#include "workflow/finetune_detector.h"  // TrainData, read_train_data

namespace whittle::cli {

struct TrainFlags {
  std::string optimizer = "sgd";
  std::string schedule = "constant";
  std::string metric = "voc07";
  TrainOptions train;
};

// --batch --lr --seed --optimizer --schedule --milestones --gamma --min-lr
// --warmup --momentum --weight-decay --clip --workers --max-expand --hue
// --no-photometric --val-every --metric, in that order (each command adds
// its own --epochs, data and model options around them).
void add_train_options(CLI::App& command, TrainFlags& flags, const std::string& seed_help);

// Checks batch and rate and parses optimizer, schedule and metric into
// flags.train; sets its threads to the global --threads. Errors start with
// "<command>: ".
void resolve_train_flags(TrainFlags& flags, const std::string& command);

// The learning curve: as a table (epoch, steps, loss, lr, val mAP, seconds)
// and as JSON records (epoch, steps, loss, loss_parts, lr, val_map, seconds).
std::string curve_table(const TrainResult& result);
nlohmann::ordered_json curve_json(const TrainResult& result);

// "%.3g"
std::string general_number(double value);

// The last modification of `path`, or file_time_type::min() when it does
// not exist.
std::filesystem::file_time_type modified(const std::string& path);

// What Ctrl-C left on disk: "training interrupted; <out> holds the checkpoint
// after epoch K of E (continue with --resume)" when the run wrote (or resumed)
// `out` (it was modified after `before`), else "... no checkpoint was written".
std::string interrupted_message(const std::string& out, int epochs, bool resume,
                                std::filesystem::file_time_type before);

// train_detector with a progress bar labelled `command` (lines to `log`),
// the folder of options.checkpoint made first. Ctrl-C ends the command with
// status 130 and interrupted_message.
TrainResult train_with_progress(Detector& detector, const TrainData& data, const TrainOptions& options,
                                const std::string& command, std::ostream& log);

// The report's end on stdout: the learning curve table, then "best val mAP
// M (metric) at epoch K; " (or "not validated; ") and "wrote <out> after
// epoch E (S steps, T s)".
void print_train_report(const TrainResult& result, const std::string& metric, const std::string& out);
// The JSON summary's training fields, in this order: epochs, global_step,
// metric, best_map, best_epoch, seconds, curve.
void add_train_json(nlohmann::ordered_json& j, const TrainResult& result, const std::string& metric);

}  // namespace whittle::cli
