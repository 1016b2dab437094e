#include "cli/quantize_command.h"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/detector_source.h"
#include "cli/format.h"
#include "cli/progress_bar.h"
#include "cli/train_options.h"
#include "graph/cost_model.h"
#include "graph/error.h"
#include "io/onnx_int8.h"
#include "quant/calibration_table.h"
#include "quant/int8_plan.h"
#include "workflow/finetune_detector.h"
#include "workflow/quantize_detector.h"

namespace whittle::cli {
namespace {

struct QuantizeCommandOptions {
  DetectorSource source;
  std::string data;
  std::string set = "train";
  std::string val_set = "test";
  std::string observer = "minmax";
  std::string keep = "none";
  double max_loss_points = 1.0;
  std::string table;
  std::string from_table;
  std::string out;
  bool json = false;
  QuantizeDetectorOptions q;
};

void parse_keep(const std::string& text, QuantizeDetectorOptions& q) {
  if (text == "none") {
    q.keep = KeepFp32::None;
  } else if (text == "auto") {
    q.keep = KeepFp32::Auto;
  } else {
    q.keep = KeepFp32::List;
    q.keep_nodes.clear();
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = text.find(',', start);
      const std::string name = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (name.empty()) throw Error("quantize: --keep-fp32 '" + text + "' has an empty layer name");
      q.keep_nodes.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
}

std::string map_text(const std::optional<double>& m) { return m ? fixed(*m, 4) : "-"; }

void run_quantize(QuantizeCommandOptions& o) {
  if (o.source.model.empty()) throw Error("quantize: --model FILE.onnx is required");
  if (o.data.empty()) throw Error("quantize: --data DIR is required (a VOC data set folder or VOCdevkit)");
  if (o.out.empty()) throw Error("quantize: --out FILE.onnx is required");
  if (o.q.calibration_images < 1) throw Error("quantize: --calib must be >= 1");
  o.q.observer = parse_observer_kind(o.observer);
  parse_keep(o.keep, o.q);
  if (!o.from_table.empty()) o.q.table = load_calibration_table(o.from_table);
  o.q.max_map_loss = o.max_loss_points / 100.0;
  if (o.q.keep == KeepFp32::Auto && o.val_set.empty())
    throw Error("quantize: --keep-fp32 auto needs --val-set to measure mAP on");

  const Detector fp32 = o.source.load();
  const Dataset calib = read_set_for(o.data, o.set, fp32);
  std::optional<Dataset> val;
  if (!o.val_set.empty()) val = read_set_for(o.data, o.val_set, fp32);

  QuantizeDetectorResult r;
  {
    ProgressBar progress("quantize", std::cerr);
    r = quantize_detector(fp32, calib, val ? &*val : nullptr, o.q, progress);
  }
  Detector int8 = r.int8;
  store_detector_metadata(int8);
  save_qdq_onnx(QuantizedGraph{int8.graph, *int8.int8}, o.out);
  if (!o.table.empty()) save_calibration_table(o.table, *int8.int8);

  const GraphCost cost = compute_cost(fp32.graph);
  const Int8Plan plan = plan_int8(QuantizedGraph{int8.graph, *int8.int8});
  const int int8_nodes = plan.count(Precision::Int8), fp32_nodes = plan.count(Precision::Fp32);

  if (o.json) {
    nlohmann::ordered_json j;
    j["model"] = o.source.describe();
    j["out"] = o.out;
    j["observer"] = o.observer;
    j["calibration_images"] = r.calibration_images;
    j["calibration_seconds"] = r.calibration_seconds;
    j["fp32_map"] = r.fp32_map ? number_or_null(*r.fp32_map) : nlohmann::ordered_json(nullptr);
    j["int8_map"] = r.int8_map ? number_or_null(*r.int8_map) : nlohmann::ordered_json(nullptr);
    if (r.qat) {
      j["ptq_map"] = r.ptq_map ? number_or_null(*r.ptq_map) : nlohmann::ordered_json(nullptr);
      j["qat"] = {{"epochs", r.qat->epochs_done}, {"seconds", r.qat->seconds}, {"curve", curve_json(*r.qat)}};
    }
    j["int8_nodes"] = int8_nodes;
    j["fp32_nodes"] = fp32_nodes;
    j["kept_fp32"] = r.kept_fp32;
    j["weight_bytes_fp32"] = cost.weight_bytes_fp32;
    j["weight_bytes_int8"] = cost.weight_bytes_int8;
    nlohmann::ordered_json sens = nlohmann::ordered_json::array();
    for (const auto& s : r.sensitivity) sens.push_back({{"layer", s.node}, {"relative_error", s.relative_error}});
    j["sensitivity"] = sens;
    nlohmann::ordered_json trials = nlohmann::ordered_json::array();
    for (const auto& [count, m] : r.auto_trials) trials.push_back({{"fp32_layers", count}, {"int8_map", m}});
    j["auto_trials"] = trials;
    std::cout << j.dump(2) << '\n';
    return;
  }
  if (o.from_table.empty())
    std::cout << "calibrated " << r.calibration_images << " images of '" << o.set << "' with " << o.observer
              << " in " << fixed(r.calibration_seconds, 1) << " s\n";
  else
    std::cout << "activation ranges from " << o.from_table << " (" << r.calibration_images << " images, "
              << r.int8.int8->observer << ")\n";
  std::cout
            << "nodes: " << int8_nodes << " int8, " << fp32_nodes << " fp32"
            << (r.kept_fp32.empty() ? std::string() : " (kept in fp32: " + join(r.kept_fp32, ", ") + ")")
            << '\n';
  if (!r.sensitivity.empty()) {
    std::cout << "\nmost sensitive layers (head-output relative error with only that layer in int8):\n";
    for (size_t i = 0; i < std::min<size_t>(r.sensitivity.size(), 8); ++i)
      std::cout << "  " << r.sensitivity[i].node << "  " << fixed(r.sensitivity[i].relative_error, 5) << '\n';
    std::cout << "trials (fp32 layers -> int8 mAP):";
    for (const auto& [count, m] : r.auto_trials) std::cout << "  " << count << " -> " << fixed(m, 4);
    std::cout << '\n';
  }
  std::cout << '\n';
  Table table({"", "fp32", "int8"}, {false, true, true});
  if (r.qat) {
    table = Table({"", "fp32", "int8 PTQ", "int8 QAT"}, {false, true, true, true});
    table.add({"mAP (" + ap_metric_name(o.q.metric) + ", " + o.val_set + ")", map_text(r.fp32_map),
               map_text(r.ptq_map), map_text(r.int8_map)});
    table.add({"weights", megabytes(cost.weight_bytes_fp32), megabytes(cost.weight_bytes_int8),
               megabytes(cost.weight_bytes_int8)});
  } else {
    table.add({"mAP (" + ap_metric_name(o.q.metric) + ", " + o.val_set + ")", map_text(r.fp32_map),
               map_text(r.int8_map)});
    table.add({"weights", megabytes(cost.weight_bytes_fp32), megabytes(cost.weight_bytes_int8)});
  }
  std::cout << table.render() << "\nwrote " << o.out << '\n';
}

}  // namespace

void add_quantize_command(CLI::App& app) {
  auto o = std::make_shared<QuantizeCommandOptions>();
  CLI::App* cmd = app.add_subcommand("quantize", "int8 post-training quantization of a detector");
  o->source.add_model_option(*cmd);
  cmd->add_option("--data", o->data, "VOC data set folder or VOCdevkit (required)");
  cmd->add_option("--set", o->set, "calibration image set")->capture_default_str();
  cmd->add_option("--val-set", o->val_set, "set the fp32 and int8 mAP are measured on (\"\": none)")
      ->capture_default_str();
  cmd->add_option("--calib", o->q.calibration_images, "calibration images (the set's first N)")
      ->capture_default_str();
  cmd->add_option("--observer", o->observer, "activation ranges: minmax, ema, percentile, entropy or mse")
      ->capture_default_str();
  cmd->add_option("--keep-fp32", o->keep,
                  "none, auto (keep the layers most sensitive to int8 in fp32 until the mAP loss is within "
                  "--max-loss) or a comma-separated list of layers")
      ->capture_default_str();
  cmd->add_option("--max-loss", o->max_loss_points, "auto: mAP points the int8 model may lose")
      ->capture_default_str();
  cmd->add_option("--qat-epochs", o->q.qat.epochs,
                  "quantization-aware training epochs on --set after calibration (0: none)")
      ->capture_default_str();
  cmd->add_option("--qat-lr", o->q.qat.lr, "QAT learning rate (AdamW, cosine)")->capture_default_str();
  cmd->add_option("--qat-batch", o->q.qat.batch_size, "QAT batch size")->capture_default_str();
  cmd->add_option("--batch", o->q.batch_size, "images per batch")->capture_default_str();
  cmd->add_option("--workers", o->q.workers, "loader threads")->capture_default_str();
  cmd->add_option("--table", o->table, "also write the calibration table (text) to this file");
  cmd->add_option("--from-table", o->from_table,
                  "use this calibration table (as --table writes it) instead of calibrating");
  cmd->add_option("--out", o->out, "the int8 model (QDQ ONNX)");
  cmd->add_flag("--json", o->json, "machine-readable output");
  cmd->callback([o] { run_quantize(*o); });
}

}  // namespace whittle::cli
