#include "cli/finetune_command.h"

#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/train_options.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "train/trainer.h"

namespace whittle::cli {
namespace {

namespace fs = std::filesystem;

struct FinetuneOptions {
  std::string model;
  std::string data;
  std::string set = "trainval";
  std::string val_set = "test";
  std::string teacher;
  double distill = 1.0;
  CLI::Option* distill_option = nullptr;
  std::string out;
  bool json = false;
  TrainFlags flags;
};

void run_finetune(FinetuneOptions& o) {
  if (o.model.empty()) throw Error("finetune: --model FILE.onnx is required (the model to fine-tune)");
  if (o.data.empty()) throw Error("finetune: --data DIR is required (a VOC data set folder or VOCdevkit)");
  if (o.out.empty()) throw Error("finetune: --out FILE.onnx is required");
  TrainOptions& t = o.flags.train;
  if (t.epochs < 1) throw Error("finetune: --epochs must be >= 1");
  if (o.distill_option->count() && o.teacher.empty())
    throw Error("finetune: --distill needs --teacher MODEL.onnx (the model to distil from)");
  if (!(o.distill >= 0)) throw Error("finetune: --distill must be >= 0");
  resolve_train_flags(o.flags, "finetune");
  t.checkpoint = o.out;
  std::ostream& out = o.json ? std::cerr : std::cout;

  Detector detector = load_detector_file(o.model);
  std::optional<Detector> teacher;
  if (!o.teacher.empty()) {
    teacher = load_detector_file(o.teacher);
    use_teacher(t, detector, *teacher, o.teacher, o.distill, "finetune");
  }
  const TrainData data = read_train_data(o.data, o.set, o.val_set, detector.classes, t.val_every > 0);

  const GraphCost cost = compute_cost(detector.graph);
  out << "model: " << o.model << ", " << with_commas(cost.params) << " params (" << si(cost.params) << "), "
      << si(cost.macs) << " MACs";
  if (teacher)
    out << "; distilling from " << o.teacher << " (weight " << general_number(o.distill) << ")";
  out << "\ndata: " << data.train.images.size() << " training images (" << o.set << ")";
  if (data.val)
    out << ", " << data.val->images.size() << " validation images (" << o.val_set << ", " << o.flags.metric
        << ")";
  out << "; " << o.flags.optimizer << ", " << o.flags.schedule << " lr " << general_number(t.lr) << ", batch "
      << t.batch_size << ", " << t.epochs << " epochs\n";

  const TrainResult result = train_with_progress(detector, data, t, "finetune", out);
  if (o.json) {
    nlohmann::ordered_json j;
    j["out"] = o.out;
    j["model"] = o.model;
    j["teacher"] = teacher ? nlohmann::ordered_json(o.teacher) : nlohmann::ordered_json();
    j["distill"] = teacher ? number_or_null(o.distill) : nlohmann::ordered_json();
    add_train_json(j, result, o.flags.metric);
    std::cout << j.dump(2) << '\n';
    return;
  }
  print_train_report(result, o.flags.metric, o.out);
}

}  // namespace

void add_finetune_command(CLI::App& app) {
  auto o = std::make_shared<FinetuneOptions>();
  TrainOptions& t = o->flags.train;
  CLI::App* cmd = app.add_subcommand("finetune", "fine-tune a (pruned) detector, optionally distilling from a teacher");
  cmd->add_option("--model", o->model, "the detector to fine-tune (.onnx, required)");
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required)");
  cmd->add_option("--set", o->set, "training image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--val-set", o->val_set, "validation image set (\"\": none)")->capture_default_str();
  cmd->add_option("--teacher", o->teacher,
                  "distil from this detector (e.g. the unpruned model): MSE on the raw head outputs");
  o->distill_option = cmd->add_option("--distill", o->distill, "weight of the distillation loss (with --teacher)")
                          ->capture_default_str();
  cmd->add_option("--epochs", t.epochs, "epochs")->capture_default_str();
  add_train_options(*cmd, o->flags, "data order and augmentation seed");
  cmd->add_flag("--resume", t.resume, "continue from --out and its .train file");
  cmd->add_option("--out", o->out, "the fine-tuned model (.onnx), written after every epoch (required)");
  cmd->add_flag("--json", o->json, "print a JSON summary (with the learning curve) on stdout");
  cmd->callback([o] { run_finetune(*o); });
}

}  // namespace whittle::cli
