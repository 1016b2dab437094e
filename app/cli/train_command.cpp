#include "cli/train_command.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/train_options.h"
#include "data/voc_reader.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "io/onnx_import.h"
#include "train/init_weights.h"
#include "train/trainer.h"

namespace whittle::cli {
namespace {

namespace fs = std::filesystem;

struct TrainCommandOptions {
  DetectorSource source;
  std::string data;
  std::string set = "trainval";
  std::string val_set = "test";
  std::string init;
  std::string out;
  bool json = false;
  TrainFlags flags;  // flags.train: the trainer's options
};

void print_json(const TrainCommandOptions& o, const TrainResult& r, const std::string& model) {
  nlohmann::ordered_json j;
  j["out"] = o.out;
  j["model"] = model;
  add_train_json(j, r, o.flags.metric);
  std::cout << j.dump(2) << '\n';
}

void run_train(TrainCommandOptions& o) {
  if (o.data.empty()) throw Error("train: --data DIR is required (a VOC data set folder or VOCdevkit)");
  if (o.out.empty()) throw Error("train: --out FILE.onnx is required");
  TrainOptions& t = o.flags.train;
  if (t.epochs < 1) throw Error("train: --epochs must be >= 1");
  resolve_train_flags(o.flags, "train");
  t.checkpoint = o.out;
  // --resume alone continues the model in --out.
  if (t.resume && !o.source.given()) o.source.model = o.out;
  o.source.check();
  o.source.seed = t.seed;
  std::ostream& out = o.json ? std::cerr : std::cout;  // stdout holds only the JSON then

  // A model file brings its classes: read the data against them. A zoo
  // network takes the classes the data set uses (in training or validation).
  const bool validate = t.val_every > 0 && !o.val_set.empty();
  VocReadOptions read;
  Detector detector;
  if (!o.source.model.empty()) {
    detector = o.source.load();
    read.classes = detector.classes;
  } else {
    read.sets = {o.set};
    if (validate && o.val_set != o.set) read.sets.push_back(o.val_set);
    read.classes = classes_in_use(read_voc(o.data, read));
    if (read.classes.empty()) throw Error("train: " + o.data + ": the data set has no objects");
    if (o.source.classes > 0 && o.source.classes != static_cast<int64_t>(read.classes.size()))
      throw Error("train: --classes " + std::to_string(o.source.classes) + ", but the data set uses " +
                  std::to_string(read.classes.size()) + " classes (leave --classes out to take them)");
    detector = o.source.load(read.classes);
  }
  read.sets = {o.set};
  TrainData data;
  data.train = read_voc(o.data, read);
  if (validate) {
    read.sets = {o.val_set};
    data.val = read_voc(o.data, read);
  }
  const Dataset& train = data.train;
  const std::optional<Dataset>& val = data.val;

  if (!o.init.empty()) {
    if (t.resume) {
      std::cerr << "note: --init ignored: --resume restores the weights from " << o.out << '\n';
    } else {
      const Graph source = load_onnx(o.init);
      const WeightLoadReport report = load_matching_weights(detector.graph, source);
      out << "init from " << o.init << ": " << report.summary() << '\n';
      if (report.loaded.empty()) std::cerr << "warning: --init " << o.init << " matched no weight\n";
    }
  }

  const GraphCost cost = compute_cost(detector.graph);
  out << "model: " << o.source.describe() << ", input "
      << detector.preprocess.input_size << ", " << with_commas(cost.params) << " params ("
      << si(cost.params) << "), " << si(cost.macs) << " MACs\n";
  std::string names;
  for (const auto& c : train.classes) names += (names.empty() ? "" : ",") + c;
  if (names.size() > 60) names = names.substr(0, 57) + "...";
  out << "data: " << train.classes.size() << " classes (" << names << "), " << train.images.size() << " training images (" << o.set << ")";
  if (val) out << ", " << val->images.size() << " validation images (" << o.val_set << ", " << o.flags.metric << " every " << t.val_every << " epochs)";
  else out << ", no validation";
  out << "; " << o.flags.optimizer << ", " << o.flags.schedule << " lr " << general_number(t.lr) << ", batch "
      << t.batch_size << ", " << t.epochs << " epochs, " << t.threads << " threads\n";

  const TrainResult result = train_with_progress(detector, data, t, "train", out);
  if (o.json) {
    print_json(o, result, o.source.describe());
    return;
  }
  print_train_report(result, o.flags.metric, o.out);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto o = std::make_shared<TrainCommandOptions>();
  TrainOptions& t = o->flags.train;
  CLI::App* cmd = app.add_subcommand("train", "train a detector on a VOC-format data set");
  o->source.add_zoo_options(*cmd);
  o->source.add_model_option(*cmd);
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required)");
  cmd->add_option("--set", o->set, "training image set (ImageSets/Main/<set>.txt)")->capture_default_str();
  cmd->add_option("--val-set", o->val_set, "validation image set (\"\": none)")->capture_default_str();
  cmd->add_option("--epochs", t.epochs, "epochs")->capture_default_str();
  add_train_options(*cmd, o->flags, "data order, augmentation and zoo weight seed");
  cmd->add_flag("--resume", t.resume, "continue from --out and its .train file (alone: the model in --out)");
  cmd->add_option("--init", o->init, "initialise from another model's weights where names and shapes match");
  cmd->add_option("--out", o->out, "the trained model (.onnx), written after every epoch (required)");
  cmd->add_flag("--json", o->json, "print a JSON summary (with the learning curve) on stdout");
  cmd->callback([o] { run_train(*o); });
}

}  // namespace whittle::cli
