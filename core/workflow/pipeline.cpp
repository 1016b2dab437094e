#include "workflow/pipeline.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "data/voc_reader.h"
#include "eval/eval_report.h"
#include "eval/evaluate_detector.h"
#include "graph/cost_model.h"
#include "graph/energy_model.h"
#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/fnv1a.h"
#include "io/onnx_export.h"
#include "io/onnx_int8.h"
#include "io/project_file.h"
#include "models/ssd/ssd_zoo.h"
#include "prune/channel_groups.h"
#include "prune/surgery.h"
#include "quant/observer.h"
#include "runtime/threading.h"
#include "train/checkpoint.h"
#include "train/optimizer.h"
#include "train/schedule.h"
#include "workflow/benchmark_detector.h"
#include "workflow/detector_file.h"
#include "workflow/export_formats.h"
#include "workflow/finetune_detector.h"
#include "workflow/importance_data.h"
#include "workflow/prune_detector.h"
#include "workflow/quantize_detector.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;  // keys sorted: dump() is canonical

// ---- configuration ---------------------------------------------------------

// One JSON object of the configuration, read key by key: every read names
// the key, and finish() refuses the keys nobody read.
class Section {
 public:
  Section(const json& j, std::string file, std::string where, fs::path folder)
      : j_(j), file_(std::move(file)), where_(std::move(where)), folder_(std::move(folder)) {
    if (!j_.is_object()) fail_at(where_.empty() ? "(top level)" : where_.substr(0, where_.size() - 1),
                                 "expected an object, got " + j_.dump());
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const { fail_at(where_ + key, what); }
  [[noreturn]] void fail_at(const std::string& key, const std::string& what) const {
    throw Error(file_ + ": " + key + ": " + what);
  }

  bool has(const std::string& key) {
    known_.insert(key);
    return j_.contains(key);
  }
  const json* get(const std::string& key) {
    known_.insert(key);
    auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  double number(const std::string& key, double value) {
    if (const json* v = get(key)) {
      if (!v->is_number()) fail(key, "expected a number, got " + v->dump());
      value = v->get<double>();
    }
    return value;
  }
  int64_t integer(const std::string& key, int64_t value) {
    if (const json* v = get(key)) {
      if (!v->is_number_integer()) fail(key, "expected a whole number, got " + v->dump());
      value = v->get<int64_t>();
    }
    return value;
  }
  // A whole number >= `min`.
  int count(const std::string& key, int64_t value, int64_t min) {
    value = integer(key, value);
    check(value >= min, key, "must be >= " + std::to_string(min));
    return static_cast<int>(value);
  }
  bool flag(const std::string& key, bool value) {
    if (const json* v = get(key)) {
      if (!v->is_boolean()) fail(key, "expected true or false, got " + v->dump());
      value = v->get<bool>();
    }
    return value;
  }
  std::string text(const std::string& key, std::string value) {
    if (const json* v = get(key)) {
      if (!v->is_string()) fail(key, "expected a string, got " + v->dump());
      value = v->get<std::string>();
    }
    return value;
  }
  // A path relative to the configuration file's folder, made absolute.
  std::string path(const std::string& key) {
    const std::string p = text(key, "");
    if (p.empty()) return p;
    return fs::absolute(folder_ / p).lexically_normal().string();
  }
  std::vector<double> numbers(const std::string& key) {
    std::vector<double> out;
    if (const json* v = get(key)) {
      if (!v->is_array()) fail(key, "expected a list of numbers, got " + v->dump());
      for (const json& e : *v) {
        if (!e.is_number()) fail(key, "expected a list of numbers, got " + v->dump());
        out.push_back(e.get<double>());
      }
    }
    return out;
  }
  std::vector<std::string> texts(const std::string& key) {
    std::vector<std::string> out;
    if (const json* v = get(key)) {
      if (!v->is_array()) fail(key, "expected a list of strings, got " + v->dump());
      for (const json& e : *v) {
        if (!e.is_string()) fail(key, "expected a list of strings, got " + v->dump());
        out.push_back(e.get<std::string>());
      }
    }
    return out;
  }
  Section child(const std::string& key) {
    static const json empty = json::object();
    const json* v = get(key);
    return Section(v ? *v : empty, file_, where_ + key + ".", folder_);
  }
  // Parses a value with a core parser (parse_criterion, ...), its error
  // message naming the key.
  template <typename F>
  auto parsed(const std::string& key, const std::string& fallback, F parse) {
    const std::string t = text(key, fallback);
    try {
      return parse(t);
    } catch (const Error& e) {
      fail(key, e.what());
    }
  }
  void check(bool ok, const std::string& key, const std::string& what) const {
    if (!ok) fail(key, what);
  }
  void finish() const {
    std::string names;
    for (const auto& k : known_) names += (names.empty() ? "" : ", ") + k;
    for (auto it = j_.begin(); it != j_.end(); ++it)
      if (!known_.count(it.key())) fail(it.key(), "unknown key (known here: " + names + ")");
  }
  // A stage's section: "enabled" is one of its keys.
  void finish_stage() {
    (void)get("enabled");
    finish();
  }
  // The training options under "train" (none: 0 epochs).
  TrainOptions train_child();
  const json& raw() const { return j_; }

 private:
  const json& j_;
  std::string file_, where_;
  fs::path folder_;
  std::set<std::string> known_;
};

TrainOptions parse_train(Section& s, int default_epochs) {
  TrainOptions t;
  t.epochs = s.count("epochs", default_epochs, 0);
  t.batch_size = s.count("batch", t.batch_size, 1);
  t.lr = s.number("lr", t.lr);
  s.check(t.lr > 0, "lr", "must be > 0");
  t.optimizer = s.parsed("optimizer", "sgd", parse_optimizer_kind);
  t.schedule = s.parsed("schedule", "constant", parse_schedule_kind);
  for (double m : s.numbers("milestones")) t.milestones.push_back(static_cast<int>(m));
  t.gamma = s.number("gamma", t.gamma);
  t.min_lr = s.number("min_lr", t.min_lr);
  t.warmup_steps = s.integer("warmup", t.warmup_steps);
  t.momentum = s.number("momentum", t.momentum);
  t.weight_decay = s.number("weight_decay", t.weight_decay);
  t.clip_norm = s.number("clip", t.clip_norm);
  t.workers = static_cast<int>(s.integer("workers", t.workers));
  t.seed = static_cast<uint64_t>(s.integer("seed", 0));
  t.augment = s.flag("augment", t.augment);
  t.augmentation.max_expand_ratio =
      static_cast<float>(s.number("max_expand", t.augmentation.max_expand_ratio));
  s.check(t.augmentation.max_expand_ratio >= 1, "max_expand", "must be >= 1");
  t.augmentation.photometric_options.hue_delta =
      static_cast<float>(s.number("hue", t.augmentation.photometric_options.hue_delta));
  t.augmentation.photometric = s.flag("photometric", t.augmentation.photometric);
  t.val_every = s.count("val_every", 0, 0);
  return t;
}

TrainOptions Section::train_child() {
  Section train = child("train");
  TrainOptions t = parse_train(train, 0);
  train.finish();
  return t;
}

struct Common {
  std::string data, train_set = "trainval", test_set = "test", metric_name = "voc07";
  ApMetric metric = ApMetric::Voc07;
};

struct BaseStage {
  std::string file, zoo;
  SsdOptions ssd;
  TrainOptions train;
};

struct PruneStage {
  ImportanceOptions importance;
  std::string criterion, aggregate, normalize;
  double ratio = -1, target_macs = -1;
  std::string plan;
  int steps = 1;
  int score_images = 64;
  int64_t round = 1;
  TrainOptions train;  // between steps
};

struct FinetuneStage {
  TrainOptions train;
  double distill = 0;
};

struct QuantizeStage {
  QuantizeDetectorOptions q;
  std::string calib_set, observer, keep;
};

struct EvaluateStage {
  EvalOptions eval;
};

struct BenchmarkStage {
  BenchmarkOptions bench;
  int width = 640, height = 480;
};

struct ExportStage {
  std::vector<std::string> formats;
};

// The typed configuration; each stage's section as read.
struct Typed {
  Common common;
  std::optional<BaseStage> base;
  std::optional<PruneStage> prune;
  std::optional<FinetuneStage> finetune;
  std::optional<QuantizeStage> quantize;
  std::optional<EvaluateStage> evaluate;
  std::optional<BenchmarkStage> benchmark;
  std::optional<ExportStage> exports;
};

bool stage_enabled(Section& top, const std::string& name) {
  if (!top.has(name)) return false;
  const json* v = top.get(name);
  if (v->is_object() && v->contains("enabled")) {
    const json& e = v->at("enabled");
    if (!e.is_boolean()) top.fail_at(name + ".enabled", "expected true or false, got " + e.dump());
    return e.get<bool>();
  }
  return true;
}

// Parses and checks everything; `canonical` gets each enabled stage's section
// with paths made absolute (what its stamp records).
Typed parse_config(const json& root, const std::string& file, const fs::path& folder, const std::string& data_override,
                   std::map<std::string, std::string>* canonical) {
  Section top(root, file, "", folder);
  Typed t;
  Common& c = t.common;
  c.data = data_override.empty() ? top.path("data") : fs::absolute(data_override).lexically_normal().string();
  (void)top.get("data");
  if (c.data.empty()) top.fail("data", "required: the VOC data set folder (or VOCdevkit)");
  c.train_set = top.text("train_set", c.train_set);
  c.test_set = top.text("test_set", c.test_set);
  c.metric = top.parsed("metric", "voc07", parse_ap_metric);
  c.metric_name = ap_metric_name(c.metric);
  (void)top.get("out");
  json common = {{"data", c.data}, {"train_set", c.train_set}, {"test_set", c.test_set}, {"metric", c.metric_name}};
  auto keep = [&](const std::string& name, json section) {
    if (canonical) (*canonical)[name] = section.dump();
  };
  keep("common", common);

  // A stage's section, parsed by `parse(section, canonical)` into `slot`
  // when present and enabled; `canonical` (the section as written, paths
  // made absolute by the parser) is what its stamp records.
  auto stage = [&](const std::string& name, auto& slot, auto parse) {
    if (!stage_enabled(top, name)) return;
    Section s = top.child(name);
    json canon = s.raw();
    slot = parse(s, canon);
    s.finish_stage();
    keep(name, canon);
  };

  if (!top.has("base")) top.fail("base", "required: {\"zoo\": NAME, ...} or {\"file\": MODEL.onnx}");
  stage("base", t.base, [&](Section& s, json& canon) {
    BaseStage b;
    b.file = s.path("file");
    b.zoo = s.text("zoo", "");
    if (b.file.empty() == b.zoo.empty()) s.fail_at("base", "give either \"zoo\": NAME or \"file\": MODEL.onnx");
    if (!b.file.empty()) canon["file"] = b.file;
    if (!b.zoo.empty()) {
      std::string known;
      bool found = false;
      for (const auto& e : detector_zoo_entries()) {
        found = found || e.name == b.zoo;
        known += (known.empty() ? "" : ", ") + e.name;
      }
      s.check(found, "zoo", "unknown detector zoo model '" + b.zoo + "' (known: " + known + ")");
    }
    b.ssd.width = s.number("width", 1.0);
    s.check(b.ssd.width > 0, "width", "must be > 0");
    b.ssd.input_size = s.integer("input", 0);
    s.check(b.ssd.input_size == 0 || b.ssd.input_size >= 32, "input", "must be >= 32");
    b.ssd.seed = static_cast<uint64_t>(s.integer("seed", 2345));
    const std::vector<double> scales = s.numbers("scales");
    s.check(scales.empty() || scales.size() == 2, "scales", "expected [MIN, MAX]");
    if (!scales.empty()) b.ssd.min_scale = scales[0], b.ssd.max_scale = scales[1];
    b.ssd.first_stride = static_cast<int>(s.integer("first_stride", 0));
    b.train = s.train_child();
    return b;
  });

  stage("prune", t.prune, [&](Section& s, json& canon) {
    PruneStage p;
    p.criterion = s.text("criterion", "l1");
    p.importance.criterion = s.parsed("criterion", "l1", parse_criterion);
    p.aggregate = s.text("aggregate", "sum");
    p.importance.aggregation = s.parsed("aggregate", "sum", parse_aggregation);
    p.normalize = s.text("normalize", "l2");
    p.importance.normalization = s.parsed("normalize", "l2", parse_normalization);
    p.importance.seed = static_cast<uint64_t>(s.integer("seed", 1));
    const int methods = static_cast<int>(s.has("ratio")) + static_cast<int>(s.has("target_macs")) +
                        static_cast<int>(s.has("plan"));
    if (methods != 1) s.fail_at("prune", "give exactly one of \"ratio\", \"target_macs\" or \"plan\"");
    p.ratio = s.number("ratio", -1);
    if (s.has("ratio")) s.check(p.ratio >= 0 && p.ratio < 1, "ratio", "must be >= 0 and < 1");
    p.target_macs = s.number("target_macs", -1);
    if (s.has("target_macs"))
      s.check(p.target_macs > 0 && p.target_macs <= 1, "target_macs", "must be > 0 and <= 1 (a fraction of the MACs)");
    p.plan = s.path("plan");
    (void)s.get("plan_hash");  // in the canonical section only
    if (!p.plan.empty()) {
      s.check(fs::exists(p.plan), "plan", "no such file " + p.plan);
      canon["plan"] = p.plan;
      canon["plan_hash"] = std::to_string(fnv1a64(read_file(p.plan)));
    }
    p.steps = s.count("steps", 1, 1);
    s.check(p.steps == 1 || p.target_macs > 0, "steps", "several steps need \"target_macs\"");
    p.score_images = s.count("score_images", 64, 1);
    p.round = s.integer("round", 1);
    s.check(p.round >= 1, "round", "must be >= 1");
    p.train = s.train_child();
    return p;
  });

  stage("finetune", t.finetune, [&](Section& s, json& canon) {
    FinetuneStage f;
    f.train = parse_train(s, 1);
    s.check(f.train.epochs >= 1, "epochs", "must be >= 1");
    f.distill = s.number("distill", 0);
    s.check(f.distill >= 0, "distill", "must be >= 0");
    return f;
  });

  stage("quantize", t.quantize, [&](Section& s, json& canon) {
    QuantizeStage q;
    q.observer = s.text("observer", "minmax");
    q.q.observer = s.parsed("observer", "minmax", parse_observer_kind);
    q.q.calibration_images = s.count("calib", 100, 1);
    q.calib_set = s.text("calib_set", c.train_set);
    q.keep = s.text("keep_fp32", "none");
    if (q.keep == "none") {
      q.q.keep = KeepFp32::None;
    } else if (q.keep == "auto") {
      q.q.keep = KeepFp32::Auto;
    } else {
      q.q.keep = KeepFp32::List;
      std::stringstream names(q.keep);
      for (std::string name; std::getline(names, name, ',');) {
        s.check(!name.empty(), "keep_fp32", "'" + q.keep + "' has an empty layer name");
        q.q.keep_nodes.push_back(name);
      }
    }
    q.q.max_map_loss = s.number("max_loss", 1.0) / 100.0;
    q.q.qat.epochs = s.count("qat_epochs", 0, 0);
    q.q.qat.lr = s.number("qat_lr", q.q.qat.lr);
    q.q.qat.batch_size = static_cast<int>(s.integer("qat_batch", q.q.qat.batch_size));
    q.q.batch_size = s.count("batch", q.q.batch_size, 1);
    q.q.workers = static_cast<int>(s.integer("workers", q.q.workers));
    q.q.qat.workers = q.q.workers;
    q.q.metric = c.metric;
    return q;
  });

  stage("evaluate", t.evaluate, [&](Section& s, json& canon) {
    EvaluateStage e;
    e.eval.batch_size = s.count("batch", 8, 1);
    e.eval.workers = static_cast<int>(s.integer("workers", 2));
    e.eval.nms.score_threshold = static_cast<float>(s.number("score", 0.01));
    return e;
  });

  stage("benchmark", t.benchmark, [&](Section& s, json& canon) {
    BenchmarkStage b;
    b.bench.runs = s.count("runs", 20, 1);
    b.bench.warmup = s.count("warmup", 3, 0);
    const std::string image = s.text("image", "640x480");
    char x = 0, extra = 0;
    if (std::sscanf(image.c_str(), "%d%c%d%c", &b.width, &x, &b.height, &extra) != 3 || x != 'x' || b.width < 1 ||
        b.height < 1)
      s.fail("image", "'" + image + "' is not a size like 640x480");
    return b;
  });

  stage("export", t.exports, [&](Section& s, json& canon) {
    ExportStage e;
    e.formats = s.texts("formats");
    s.check(!e.formats.empty(), "formats", "list at least one format");
    const std::vector<ExportFormat> all = export_formats();
    for (const std::string& name : e.formats) {
      const ExportFormat* f = nullptr;
      std::string known;
      for (const auto& candidate : all) {
        if (candidate.name == name) f = &candidate;
        known += (known.empty() ? "" : ", ") + candidate.name;
      }
      s.check(f != nullptr, "formats", "unknown format '" + name + "' (known: " + known + ")");
      // The last model: int8 with a quantize stage, else fp32.
      const bool int8 = t.quantize.has_value();
      s.check(int8 ? static_cast<bool>(f->save_int8) : static_cast<bool>(f->save), "formats",
              "'" + name + "' writes " + (int8 ? "fp32" : "int8") + " models; the pipeline's last model is " +
                  (int8 ? "int8 (quantize stage)" : "fp32 (no quantize stage)"));
    }
    return e;
  });
  if (!t.base) top.fail("base", "cannot be disabled: every later stage starts from the base model");
  top.finish();
  return t;
}

json parse_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot read the pipeline configuration");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str(), nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    throw Error(path + ": not JSON (YAML is not supported): " + e.what());
  }
}

// ---- stamps ------------------------------------------------------------------

std::string hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

struct Stamp {
  std::string chain;
  json config;
  std::vector<std::string> outputs;  // relative to the output folder, or absolute
  json metrics = json::object();
  double seconds = 0;
};

std::optional<Stamp> read_stamp(const fs::path& path) {
  try {
    if (!fs::exists(path)) return std::nullopt;
    std::ifstream in(path);
    const json j = json::parse(in);
    Stamp s;
    s.chain = j.at("chain").get<std::string>();
    s.config = j.at("config");
    s.outputs = j.at("outputs").get<std::vector<std::string>>();
    s.metrics = j.at("metrics");
    s.seconds = j.value("seconds", 0.0);
    return s;
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable: the stage runs again
  }
}

void write_stamp(const fs::path& path, const std::string& stage, const Stamp& s) {
  json j;
  j["format"] = "whittle.pipeline-stage/1";
  j["stage"] = stage;
  j["chain"] = s.chain;
  j["config"] = s.config;
  j["outputs"] = s.outputs;
  j["metrics"] = s.metrics;
  j["seconds"] = s.seconds;
  write_file_atomic(path.string(), j.dump(2) + "\n");
}

// ---- running -------------------------------------------------------------------

std::string fmt(const char* spec, double v) {
  if (!std::isfinite(v)) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

json number(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

// The cost metrics of a model file.
json cost_metrics(const Detector& d) {
  const GraphCost cost = compute_cost(d.graph);
  const NumericPrecision precision = d.int8 ? NumericPrecision::Int8 : NumericPrecision::Fp32;
  return {{"params", cost.params},
          {"macs", cost.macs},
          {"weight_bytes", d.int8 ? cost.weight_bytes_int8 : cost.weight_bytes_fp32},
          {"energy_mj", estimate_energy(d.graph, cost, precision).total_mj}};
}

void add_train_metrics(json& m, const TrainResult& r) {
  m["epochs"] = r.epochs_done;
  m["train_seconds"] = r.seconds;
  if (!r.curve.empty()) m["loss"] = number(r.curve.back().loss);
  if (r.best_epoch > 0) m["best_val_map"] = number(r.best_map);
}

void drop_train_state(const std::string& model) {
  std::error_code ignored;
  fs::remove(train_state_path(model), ignored);
}

struct StageRunner {
  const Typed& cfg;
  fs::path out;
  Progress& progress;

  // Model files of the model stages (absolute), in order: original first.
  std::vector<std::pair<std::string, std::string>> models;  // name -> file

  std::string file(const std::string& name) const { return (out / name).string(); }
  std::string current() const { return models.back().second; }

  Stamp base(Progress& p) {
    const BaseStage& b = *cfg.base;
    Stamp s;
    Detector d;
    const std::string target = b.file.empty() ? file("base.onnx") : b.file;
    if (!b.file.empty()) {
      d = load_detector_file(b.file);
    } else {
      VocReadOptions read;
      read.sets = {cfg.common.train_set, cfg.common.test_set};
      const std::vector<std::string> classes = classes_in_use(read_voc(cfg.common.data, read));
      if (classes.empty()) throw Error(cfg.common.data + ": the data set has no objects");
      SsdOptions o = b.ssd;
      o.num_classes = static_cast<int64_t>(classes.size());
      d = build_detector_zoo(b.zoo, o);
      d.classes = classes;
      store_detector_metadata(d);
    }
    if (b.train.epochs > 0) {
      const std::string trained = b.file.empty() ? target : file("base.onnx");
      TrainOptions t = b.train;
      t.threads = current_threads();
      t.checkpoint = trained;
      const TrainData data = read_train_data(cfg.common.data, cfg.common.train_set, cfg.common.test_set, d.classes,
                                             t.val_every > 0);
      p.log("training " + (b.file.empty() ? b.zoo : b.file) + " on " + std::to_string(data.train.images.size()) +
            " images for " + std::to_string(t.epochs) + " epochs");
      const TrainResult r = train_detector(d, data.train, data.val ? &*data.val : nullptr, t, p);
      drop_train_state(trained);
      add_train_metrics(s.metrics, r);
      s.outputs = {fs::path(trained).filename().string()};
      models.push_back({"original", trained});
    } else if (b.file.empty()) {
      save_onnx(d.graph, target);
      s.outputs = {"base.onnx"};
      models.push_back({"original", target});
    } else {
      s.outputs = {b.file};
      models.push_back({"original", b.file});
    }
    s.metrics.update(cost_metrics(d));
    return s;
  }

  Stamp prune(Progress& p) {
    const PruneStage& ps = *cfg.prune;
    Stamp s;
    const Detector original = load_detector_file(current());
    const GraphCost original_cost = compute_cost(original.graph);
    std::optional<ImportanceData> scoring;
    size_t images = 0;
    if (criterion_needs_data(ps.importance.criterion) && ps.plan.empty()) {
      SubProgress part(p, 0.0, 0.1, "importance data: ");
      scoring = read_importance_data(original.graph, &original,
                                     {cfg.common.data, cfg.common.train_set, ps.score_images, 8, 2}, "prune", part,
                                     &images);
    }
    PruneRecord record;
    record.source = fs::path(current()).filename().string();
    record.criterion = ps.criterion;
    record.aggregation = ps.aggregate;
    record.normalization = ps.normalize;
    if (scoring) record.images = std::to_string(images) + " of " + cfg.common.train_set;
    record.round = ps.round;
    record.original_params = original_cost.params;
    record.original_macs = original_cost.macs;
    PlannerOptions planner;
    planner.round_to = ps.round;

    Detector pruned;
    PruningPlan plan;
    if (ps.target_macs > 0) {
      Detector now = original;
      now.graph = original.graph.clone();  // fine-tuning between steps must not touch the original
      std::optional<TrainData> data;
      int64_t removed = 0;
      for (int step = 1; step <= ps.steps; ++step) {
        SubProgress part(p, 0.1 + 0.9 * (step - 1) / ps.steps, 0.1 + 0.9 * step / ps.steps,
                         "step " + std::to_string(step) + "/" + std::to_string(ps.steps) + ": ");
        const double fraction = std::pow(ps.target_macs, static_cast<double>(step) / ps.steps);
        record.method = (ps.steps > 1 ? "pipeline step " + std::to_string(step) + "/" + std::to_string(ps.steps) + ", "
                                      : std::string()) +
                        "target-macs " + json(ps.target_macs).dump();
        MacsStep r = prune_detector_to_macs(
            now, static_cast<int64_t>(std::floor(fraction * static_cast<double>(original_cost.macs))), ps.importance,
            scoring ? &*scoring : nullptr, planner, record);
        removed += r.removed_channels;
        plan = r.plan;
        now = std::move(r.detector);
        if (step < ps.steps && ps.train.epochs > 0) {
          if (!data) data = read_train_data(cfg.common.data, cfg.common.train_set, "", now.classes, false);
          TrainOptions t = ps.train;
          t.threads = current_threads();
          train_detector(now, data->train, nullptr, t, part);
        }
      }
      pruned = std::move(now);
      s.metrics["removed_channels"] = removed;
    } else {
      const ChannelGroups groups = channel_groups(original.graph);
      std::optional<PruningPlan> from_file;
      if (!ps.plan.empty()) from_file = load_plan(ps.plan);
      const bool needs_scores = !from_file || from_file->remove.empty();
      GroupScores scores;
      if (needs_scores) scores = channel_importance(original.graph, groups, ps.importance, scoring ? &*scoring : nullptr);
      if (!from_file) {
        plan = plan_uniform(groups, scores, ps.ratio, planner);
        record.method = "ratio " + json(ps.ratio).dump();
      } else if (!from_file->remove.empty()) {
        plan = *from_file;
        check_plan(plan, groups);
        record.method = "plan " + fs::path(ps.plan).filename().string();
        record.criterion = "none (the plan lists the channels)";
      } else {
        plan = plan_layer_ratios(groups, scores, from_file->ratios, planner);
        record.method = "plan " + fs::path(ps.plan).filename().string();
      }
      record.removed_channels = plan.removed_channels();
      Graph graph = apply_pruning(original.graph, groups, plan);
      record_pruning(graph, record);
      try {
        pruned = detector_from_graph(std::move(graph));
      } catch (const Error& e) {
        throw Error("the pruned graph no longer fits its head: " + std::string(e.what()));
      }
      s.metrics["removed_channels"] = plan.removed_channels();
    }
    store_detector_metadata(pruned);
    save_onnx(pruned.graph, file("pruned.onnx"));
    save_plan(plan, file("pruned.plan.json"));
    s.outputs = {"pruned.onnx", "pruned.plan.json"};
    s.metrics.update(cost_metrics(pruned));
    p.log("pruned " + std::to_string(plan.removed_channels()) + " channels: MACs " +
          std::to_string(original_cost.macs) + " -> " + s.metrics["macs"].dump());
    models.push_back({"pruned", file("pruned.onnx")});
    return s;
  }

  Stamp finetune(Progress& p) {
    const FinetuneStage& f = *cfg.finetune;
    Stamp s;
    Detector d = load_detector_file(current());
    if (d.int8) throw Error("fine-tuning needs an fp32 model");
    TrainOptions t = f.train;
    t.threads = current_threads();
    t.checkpoint = file("finetuned.onnx");
    std::optional<Detector> teacher;
    if (f.distill > 0) {
      teacher = load_detector_file(models.front().second);
      use_teacher(t, d, *teacher, models.front().second, f.distill, "finetune");
    }
    const TrainData data =
        read_train_data(cfg.common.data, cfg.common.train_set, cfg.common.test_set, d.classes, t.val_every > 0);
    p.log("fine-tuning " + fs::path(current()).filename().string() + " on " +
          std::to_string(data.train.images.size()) + " images for " + std::to_string(t.epochs) + " epochs" +
          (teacher ? ", distilling from the original" : ""));
    const TrainResult r = train_detector(d, data.train, data.val ? &*data.val : nullptr, t, p);
    drop_train_state(t.checkpoint);
    add_train_metrics(s.metrics, r);
    s.metrics.update(cost_metrics(d));
    s.outputs = {"finetuned.onnx"};
    models.push_back({"finetuned", t.checkpoint});
    return s;
  }

  Stamp quantize(Progress& p) {
    const QuantizeStage& q = *cfg.quantize;
    Stamp s;
    const Detector fp32 = load_detector_file(current());
    const Dataset calib = read_set_for(cfg.common.data, q.calib_set, fp32);
    std::optional<Dataset> val;
    if (q.q.keep == KeepFp32::Auto) val = read_set_for(cfg.common.data, cfg.common.test_set, fp32);
    QuantizeDetectorOptions o = q.q;
    o.qat.threads = current_threads();
    const QuantizeDetectorResult r = quantize_detector(fp32, calib, val ? &*val : nullptr, o, p);
    Detector int8 = r.int8;
    store_detector_metadata(int8);
    save_qdq_onnx(QuantizedGraph{int8.graph, *int8.int8}, file("int8.onnx"));
    s.metrics["calibration_images"] = r.calibration_images;
    s.metrics["calibration_seconds"] = r.calibration_seconds;
    s.metrics["fp32_layers"] = r.kept_fp32.size();
    if (r.qat) add_train_metrics(s.metrics, *r.qat);
    s.metrics.update(cost_metrics(int8));
    p.log("calibrated on " + std::to_string(r.calibration_images) + " images" +
          (r.kept_fp32.empty() ? std::string() : ", " + std::to_string(r.kept_fp32.size()) + " layers kept in fp32"));
    s.outputs = {"int8.onnx"};
    models.push_back({"int8", file("int8.onnx")});
    return s;
  }

  Stamp evaluate(Progress& p) {
    Stamp s;
    fs::create_directories(out / "eval");
    std::optional<Dataset> data;
    const double n = static_cast<double>(models.size());
    for (size_t k = 0; k < models.size(); ++k) {
      const auto& [name, model] = models[k];
      SubProgress part(p, k / n, (k + 1) / n, name + ": ");
      const Detector d = load_detector_file(model);
      if (!data) data = read_set_for(cfg.common.data, cfg.common.test_set, d);
      const EvalResult r = evaluate_detector(d, *data, cfg.common.metric, cfg.evaluate->eval, part);
      const EvalReport report = eval_report(r);
      const std::string report_file = "eval/" + name + ".eval.json";
      save_eval_report(report, file(report_file));
      json m = {{"map", number(r.map.map)}, {"ms_per_image", r.ms_per_image}, {"images", r.images},
                {"report", report_file}};
      if (cfg.common.metric != ApMetric::Coco)
        for (const char* metric : {"voc07", "voc12"}) m[std::string("map_") + metric] = number(map_from_curves(report.classes, metric));
      s.metrics[name] = m;
      s.outputs.push_back(report_file);
      p.log(name + ": mAP " + fmt("%.4f", r.map.map) + " (" + cfg.common.metric_name + ", " +
            std::to_string(r.images) + " images of " + cfg.common.test_set + ")");
    }
    return s;
  }

  Stamp benchmark(Progress& p) {
    const BenchmarkStage& b = *cfg.benchmark;
    Stamp s;
    const cv::Mat image = benchmark_image(cv::Size(b.width, b.height));
    const double n = static_cast<double>(models.size());
    for (size_t k = 0; k < models.size(); ++k) {
      const auto& [name, model] = models[k];
      SubProgress part(p, k / n, (k + 1) / n);
      const Detector d = load_detector_file(model);
      const DetectTiming t = time_detect_path(d, image, b.bench, part, name);
      s.metrics[name] = {{"latency_ms", t.total.median},
                         {"network_ms", t.net.median},
                         {"preprocess_ms", t.pre.median},
                         {"postprocess_ms", t.post.median},
                         {"threads", current_threads()}};
      p.log(name + ": " + fmt("%.2f", t.total.median) + " ms/image (" + t.precision + ", " +
            std::to_string(current_threads()) + " threads)");
    }
    return s;
  }

  Stamp exports(Progress& p) {
    Stamp s;
    fs::create_directories(out / "export");
    const auto& [name, model] = models.back();
    const Detector d = load_detector_file(model);
    const std::vector<ExportFormat> all = export_formats();
    for (const std::string& format : cfg.exports->formats) {
      p.check_cancelled();
      const ExportFormat* f = nullptr;
      for (const auto& candidate : all)
        if (candidate.name == format) f = &candidate;
      const std::string ext = format == "ptl" ? ".ptl" : ".onnx";
      const std::string rel = "export/" + name + "." + format + ext;
      const std::string path = file(rel);
      ExportComparison check;
      if (d.int8) {
        const QuantizedGraph q{d.graph, *d.int8};
        f->save_int8(q, path);
        check = f->verify_int8(q, path, random_inputs(d.graph));
      } else {
        f->save(d.graph, path);
        check = f->verify(d.graph, path, random_inputs(d.graph));
      }
      json m = {{"file_bytes", static_cast<int64_t>(fs::file_size(path))},
                {"max_abs_diff", number(check.max_abs)},
                {"max_rel_diff", number(check.max_rel)},
                {"engine", check.engine}};
      // Within the format's default tolerance, as `whittle-cli export --verify` judges it.
      const bool passed = d.int8 ? check.max_step_diff <= f->default_steps
                                 : check.max_abs <= f->default_tolerance || check.max_rel <= f->default_tolerance;
      if (d.int8) m["max_step_diff"] = number(check.max_step_diff);
      m["check_passed"] = passed ? 1 : 0;
      s.metrics[format] = m;
      s.outputs.push_back(rel);
      p.log("wrote " + rel + " (checked in " + check.engine + ": max abs diff " + fmt("%.3g", check.max_abs) +
            (d.int8 ? ", " + fmt("%.1f", check.max_step_diff) + " quantization steps" : std::string()) +
            (passed ? "" : "; warning: above the format's default tolerance") + ")");
    }
    return s;
  }
};

// Settings of a variant: the stage's section, flattened ("train.epochs").
void flatten(const json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = prefix + it.key();
    if (it->is_object()) flatten(*it, key + ".", out);
    else out[key] = it->is_string() ? it->get<std::string>() : it->dump();
  }
}

std::string human_bytes(double b) {
  char buf[32];
  if (b >= 1e6) std::snprintf(buf, sizeof buf, "%.2f MB", b / 1e6);
  else std::snprintf(buf, sizeof buf, "%.1f kB", b / 1e3);
  return buf;
}

double metric_of(const PipelineModel& m, const std::string& key) {
  auto it = m.metrics.find(key);
  return it == m.metrics.end() ? std::nan("") : it->second;
}

}  // namespace

const std::vector<std::string>& pipeline_stages() {
  static const std::vector<std::string> stages = {"base",     "prune",     "finetune", "quantize",
                                                  "evaluate", "benchmark", "export"};
  return stages;
}

PipelineConfig load_pipeline_config(const std::string& path, const std::string& data_override,
                                    const std::string& out_override) {
  const json root = parse_file(path);
  const fs::path folder = fs::absolute(path).parent_path();
  PipelineConfig c;
  c.file = path;
  const Typed typed = parse_config(root, path, folder, data_override, &c.sections);
  c.data = typed.common.data;
  if (!out_override.empty()) {
    c.out = fs::absolute(out_override).lexically_normal().string();
  } else if (root.contains("out")) {
    if (!root["out"].is_string()) throw Error(path + ": out: expected a string, got " + root["out"].dump());
    c.out = (folder / root["out"].get<std::string>()).lexically_normal().string();
  } else {
    c.out = (folder / (fs::path(path).stem().string() + "-out")).string();
  }
  return c;
}

PipelineResult run_pipeline(const PipelineConfig& config, const PipelineOptions& options, Progress& progress) {
  // The sections again as the typed configuration (checked once more).
  json root = json::object();
  for (const auto& [name, text] : config.sections)
    if (name != "common") root[name] = json::parse(text);
  const json common = json::parse(config.sections.at("common"));
  for (auto it = common.begin(); it != common.end(); ++it) root[it.key()] = *it;
  const Typed cfg = parse_config(root, config.file, fs::current_path(), config.data, nullptr);

  const fs::path out = config.out;
  fs::create_directories(out / "stages");
  write_file_atomic((out / "pipeline.config.json").string(), root.dump(2) + "\n");

  StageRunner runner{cfg, out, progress, {}};
  PipelineResult result;
  result.metric = cfg.common.metric_name;
  std::map<std::string, Stamp> stamps;
  uint64_t chain = fnv1a64(config.sections.at("common"));
  bool force = options.force;
  for (const std::string& stage : pipeline_stages()) {
    auto section = config.sections.find(stage);
    const std::string text = section == config.sections.end() ? "" : section->second;
    chain = fnv1a64(hex(chain) + stage + text);
    PipelineStageRun run;
    run.stage = stage;
    run.enabled = !text.empty();
    if (!run.enabled) {
      result.stages.push_back(run);
      continue;
    }
    progress.check_cancelled();
    const fs::path stamp_path = out / "stages" / (stage + ".json");
    std::optional<Stamp> stamp = read_stamp(stamp_path);
    bool up_to_date = !force && stamp && stamp->chain == hex(chain);
    if (up_to_date)
      for (const std::string& f : stamp->outputs)
        up_to_date = up_to_date && fs::exists(fs::path(f).is_absolute() ? fs::path(f) : out / f);
    SubProgress part(progress, 0.0, 1.0, stage + ": ");
    if (up_to_date) {
      progress.log(stage + ": up to date (" + stamp_path.string() + "), skipped");
      // The model stages' files, for the stages after them.
      static const std::map<std::string, std::string> model_names = {
          {"base", "original"}, {"prune", "pruned"}, {"finetune", "finetuned"}, {"quantize", "int8"}};
      auto m = model_names.find(stage);
      if (m != model_names.end()) {
        const std::string f = stamp->outputs.at(0);
        runner.models.push_back({m->second, fs::path(f).is_absolute() ? f : (out / f).string()});
      }
      run.recorded_seconds = stamp->seconds;
    } else {
      force = true;  // every later stage runs again
      std::error_code ignored;
      fs::remove(stamp_path, ignored);  // an interrupted run must not leave a stale stamp
      progress.log(stage + ": running");
      const auto start = std::chrono::steady_clock::now();
      Stamp s;
      try {
        if (stage == "base") s = runner.base(part);
        else if (stage == "prune") s = runner.prune(part);
        else if (stage == "finetune") s = runner.finetune(part);
        else if (stage == "quantize") s = runner.quantize(part);
        else if (stage == "evaluate") s = runner.evaluate(part);
        else if (stage == "benchmark") s = runner.benchmark(part);
        else s = runner.exports(part);
      } catch (const Cancelled&) {
        throw;
      } catch (const Error& e) {
        throw Error("pipeline stage " + stage + ": " + e.what());
      }
      s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      s.chain = hex(chain);
      s.config = json::parse(text);
      write_stamp(stamp_path, stage, s);
      progress.log(stage + ": done in " + fmt("%.1f", s.seconds) + " s");
      run.ran = true;
      run.seconds = run.recorded_seconds = s.seconds;
      stamp = s;
    }
    stamps[stage] = *stamp;
    result.stages.push_back(run);
  }

  // The models and their metrics.
  static const std::map<std::string, std::pair<std::string, std::string>> kinds = {
      {"original", {"base", "original"}},
      {"pruned", {"prune", "pruned"}},
      {"finetuned", {"finetune", "finetuned"}},
      {"int8", {"quantize", "quantized"}}};
  auto put = [](std::map<std::string, double>& m, const json& values) {
    for (auto it = values.begin(); it != values.end(); ++it)
      if (it->is_number()) m[it.key()] = it->get<double>();
  };
  for (const auto& [name, file] : runner.models) {
    PipelineModel m;
    m.name = name;
    m.kind = kinds.at(name).second;
    m.file = file;
    put(m.metrics, stamps.at(kinds.at(name).first).metrics);
    m.metrics["file_bytes"] = static_cast<double>(fs::file_size(file));
    if (stamps.count("evaluate") && stamps["evaluate"].metrics.contains(name))
      put(m.metrics, stamps["evaluate"].metrics[name]);
    if (stamps.count("benchmark") && stamps["benchmark"].metrics.contains(name))
      put(m.metrics, stamps["benchmark"].metrics[name]);
    result.models.push_back(m);
  }
  if (stamps.count("export")) {
    const PipelineModel last = result.models.back();
    const json& metrics = stamps["export"].metrics;
    for (const std::string& rel : stamps["export"].outputs) {
      PipelineModel m;
      const std::string format = rel.substr(rel.find('.') + 1, rel.rfind('.') - rel.find('.') - 1);
      m.name = last.name + "." + format;
      m.kind = "exported";
      m.file = (out / rel).string();
      for (const char* k : {"params", "macs", "weight_bytes"})
        if (last.metrics.count(k)) m.metrics[k] = last.metrics.at(k);
      if (metrics.contains(format)) put(m.metrics, metrics[format]);
      m.metrics["file_bytes"] = static_cast<double>(fs::file_size(m.file));
      result.models.push_back(m);
    }
  }

  // The project: the original model, each later model as a variant of the one before.
  Project project;
  project.data = cfg.common.data;
  project.model = result.models.front().file;
  project.metrics = result.models.front().metrics;
  project.reports["config"] = (out / "pipeline.config.json").string();
  auto eval_file = [&](const std::string& name) -> std::string {
    if (!stamps.count("evaluate") || !stamps["evaluate"].metrics.contains(name)) return "";
    return (out / stamps["evaluate"].metrics[name]["report"].get<std::string>()).string();
  };
  if (!eval_file("original").empty()) project.reports["eval"] = eval_file("original");
  std::string parent;
  for (size_t k = 1; k < result.models.size(); ++k) {
    const PipelineModel& m = result.models[k];
    ProjectVariant v;
    v.name = m.name;
    v.kind = m.kind;
    v.parent = parent;
    v.file = m.file;
    v.metrics = m.metrics;
    const std::string stage = m.kind == "exported" ? "export" : kinds.at(m.name).first;
    flatten(stamps.at(stage).config, "", v.settings);
    v.settings["stage"] = stage;
    if (m.kind == "pruned") v.plan = (out / "pruned.plan.json").string();
    if (!eval_file(m.name).empty()) v.reports["eval"] = eval_file(m.name);
    project.variants.push_back(v);
    if (m.kind != "exported") parent = m.name;
  }
  result.project = (out / "project.whittle").string();
  save_project(project, result.project);
  write_file_atomic((out / "comparison.txt").string(), pipeline_comparison_table(result));
  return result;
}

std::string pipeline_comparison_table(const PipelineResult& r) {
  const std::vector<std::string> headers = {"model",    "mAP",   "Δ mAP", "params", "MACs",
                                            "MACs %",   "file",  "size ×", "ms/image", "speed-up ×"};
  std::vector<std::vector<std::string>> rows;
  const PipelineModel& o = r.models.front();
  for (const PipelineModel& m : r.models) {
    const double map = metric_of(m, "map"), map0 = metric_of(o, "map");
    const double ms = metric_of(m, "latency_ms"), ms0 = metric_of(o, "latency_ms");
    const double bytes = metric_of(m, "file_bytes"), bytes0 = metric_of(o, "file_bytes");
    rows.push_back({m.name, fmt("%.4f", map), m.name == o.name ? "" : fmt("%+.2f", 100.0 * (map - map0)),
                    fmt("%.0f", metric_of(m, "params")), fmt("%.0f", metric_of(m, "macs")),
                    fmt("%.1f", 100.0 * metric_of(m, "macs") / metric_of(o, "macs")),
                    std::isfinite(bytes) ? human_bytes(bytes) : "-", fmt("%.2f", bytes0 / bytes),
                    fmt("%.2f", ms), fmt("%.2f", ms0 / ms)});
  }
  // Column widths in characters (UTF-8 headers count their code points).
  auto width = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
  };
  std::vector<size_t> w(headers.size());
  for (size_t c = 0; c < headers.size(); ++c) {
    w[c] = width(headers[c]);
    for (const auto& row : rows) w[c] = std::max(w[c], width(row[c]));
  }
  std::ostringstream s;
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(w[c] - width(cells[c]), ' ');
      s << (c ? "  " : "") << (c == 0 ? cells[c] + pad : pad + cells[c]);
    }
    s << '\n';
  };
  line(headers);
  for (const auto& row : rows) line(row);
  s << "mAP: " << r.metric << " on the test set; Δ mAP in points and ratios against " << o.name
    << "; ms/image: the whole detect path (median)\n";
  return s.str();
}

}  // namespace whittle
