#include "workflow/pipeline_config.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/fnv1a.h"
#include "models/ssd/ssd_zoo.h"
#include "quant/observer.h"
#include "train/optimizer.h"
#include "train/schedule.h"
#include "workflow/export_formats.h"
#include "workflow/pipeline.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;  // keys sorted: dump() is canonical

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

}  // namespace

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

namespace {

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

}  // namespace

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

}  // namespace whittle
