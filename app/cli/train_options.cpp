#include "cli/train_options.h"

#include <cstdio>
#include <iostream>

#include "cli/format.h"
#include "cli/progress_bar.h"
#include "graph/error.h"
#include "train/checkpoint.h"
#include "runtime/threading.h"

namespace whittle::cli {

std::string general_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

void add_train_options(CLI::App& cmd, TrainFlags& f, const std::string& seed_help) {
  TrainOptions& t = f.train;
  cmd.add_option("--batch", t.batch_size, "batch size")->capture_default_str();
  cmd.add_option("--lr", t.lr, "base learning rate (after warm-up)")->capture_default_str();
  cmd.add_option("--seed", t.seed, seed_help)->capture_default_str();
  cmd.add_option("--optimizer", f.optimizer, "sgd, adam or adamw")->capture_default_str();
  cmd.add_option("--schedule", f.schedule, "constant, cosine or multistep")->capture_default_str();
  cmd.add_option("--milestones", t.milestones, "multistep: epochs where the rate drops, e.g. 8,11")
      ->delimiter(',');
  cmd.add_option("--gamma", t.gamma, "multistep: rate factor per milestone")->capture_default_str();
  cmd.add_option("--min-lr", t.min_lr, "cosine: final rate")->capture_default_str();
  cmd.add_option("--warmup", t.warmup_steps, "linear warm-up steps")->capture_default_str();
  cmd.add_option("--momentum", t.momentum, "SGD momentum")->capture_default_str();
  cmd.add_option("--weight-decay", t.weight_decay, "weight decay")->capture_default_str();
  cmd.add_option("--clip", t.clip_norm, "clip the gradients' global L2 norm (0: off)")->capture_default_str();
  cmd.add_option("--workers", t.workers, "data loader threads")->capture_default_str();
  cmd.add_option("--max-expand", t.augmentation.max_expand_ratio,
                 "augmentation: largest zoom-out (canvas side / image side); 1: no zoom-out, "
                 "for data sets of small objects")
      ->capture_default_str()
      ->check(CLI::Range(1.0f, 16.0f));
  cmd.add_option("--hue", t.augmentation.photometric_options.hue_delta,
                 "augmentation: largest hue shift in degrees (0 where colour tells classes apart)")
      ->capture_default_str()
      ->check(CLI::Range(0.0f, 180.0f));
  cmd.add_flag("--no-photometric{false}", t.augmentation.photometric,
               "augmentation: no brightness/contrast/saturation/hue distortion");
  cmd.add_flag("--no-augment{false}", t.augment,
               "no augmentation at all: plain resize (over-fit checks, short fine-tunes)");
  cmd.add_option("--val-every", t.val_every, "validate every N epochs and after the last (0: never)")
      ->capture_default_str();
  cmd.add_option("--metric", f.metric, "validation metric: voc07, voc12 or coco")->capture_default_str();
}

void resolve_train_flags(TrainFlags& f, const std::string& command) {
  TrainOptions& t = f.train;
  if (t.batch_size < 1) throw Error(command + ": --batch must be >= 1");
  if (!(t.lr > 0)) throw Error(command + ": --lr must be > 0");
  t.optimizer = parse_optimizer_kind(f.optimizer);
  t.schedule = parse_schedule_kind(f.schedule);
  t.val_metric = parse_ap_metric(f.metric);
  t.threads = current_threads();  // the global --threads, already applied
}

std::string curve_table(const TrainResult& r) {
  Table table({"epoch", "steps", "loss", "lr", "val mAP", "seconds"},
              {true, true, true, true, true, true});
  for (const EpochRecord& e : r.curve)
    table.add({std::to_string(e.epoch), std::to_string(e.steps), fixed(e.loss, 4, "-"), general_number(e.lr),
               fixed(e.val_map, 4, "-"), fixed(e.seconds, 1, "-")});
  return table.render();
}

nlohmann::ordered_json curve_json(const TrainResult& r) {
  nlohmann::ordered_json curve = nlohmann::ordered_json::array();
  for (const EpochRecord& e : r.curve) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::object();
    for (const auto& [k, v] : e.loss_parts) parts[k] = number_or_null(v);
    curve.push_back({{"epoch", e.epoch},
                     {"steps", e.steps},
                     {"loss", number_or_null(e.loss)},
                     {"loss_parts", parts},
                     {"lr", e.lr},
                     {"val_map", number_or_null(e.val_map)},
                     {"seconds", e.seconds}});
  }
  return curve;
}

std::filesystem::file_time_type modified(const std::string& path) {
  std::error_code ec;
  auto t = std::filesystem::last_write_time(path, ec);
  return ec ? std::filesystem::file_time_type::min() : t;
}

std::string interrupted_message(const std::string& out, int epochs, bool resume,
                                std::filesystem::file_time_type before) {
  const std::string sidecar = train_state_path(out);
  const bool written = modified(out) != before || resume;
  if (written && std::filesystem::exists(sidecar)) {
    try {
      const TrainState state = load_train_state(sidecar);
      return "training interrupted; " + out + " holds the checkpoint after epoch " +
             std::to_string(state.epochs_done) + " of " + std::to_string(epochs) +
             " (continue with --resume)";
    } catch (const std::exception&) {
    }
  }
  return "training interrupted during epoch 1; no checkpoint was written";
}

TrainResult train_with_progress(Detector& detector, const TrainData& data, const TrainOptions& options,
                                const std::string& command, std::ostream& log) {
  namespace fs = std::filesystem;
  const std::string& out = options.checkpoint;
  const fs::path folder = fs::path(out).parent_path();
  if (!folder.empty()) fs::create_directories(folder);
  const fs::file_time_type before = modified(out);
  ProgressBar progress(command, log);
  TrainResult result;
  {
    CancelOnInterrupt interrupt(progress);
    try {
      result = train_detector(detector, data.train, data.val ? &*data.val : nullptr, options, progress);
    } catch (const Cancelled&) {
      progress.clear();
      throw CommandExit(130, interrupted_message(out, options.epochs, options.resume, before));
    }
  }
  progress.clear();
  return result;
}

void print_train_report(const TrainResult& r, const std::string& metric, const std::string& out) {
  std::cout << '\n' << curve_table(r) << '\n';
  if (r.best_epoch > 0)
    std::cout << "best val mAP " << fixed(r.best_map, 4, "-") << " (" << metric << ") at epoch " << r.best_epoch
              << "; ";
  else
    std::cout << "not validated; ";
  std::cout << "wrote " << out << " after epoch " << r.epochs_done << " (" << with_commas(r.global_step)
            << " steps, " << fixed(r.seconds, 1, "-") << " s)\n";
}

void add_train_json(nlohmann::ordered_json& j, const TrainResult& r, const std::string& metric) {
  j["epochs"] = r.epochs_done;
  j["global_step"] = r.global_step;
  j["metric"] = metric;
  j["best_map"] = number_or_null(r.best_map);
  j["best_epoch"] = r.best_epoch;
  j["seconds"] = r.seconds;
  j["curve"] = curve_json(r);
}

}  // namespace whittle::cli
