#include "workflow/pipeline.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "graph/error.h"
#include "io/atomic_file.h"
#include "io/fnv1a.h"
#include "io/project_file.h"
#include "workflow/pipeline_config.h"
#include "workflow/pipeline_stage_runner.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;  // keys sorted: dump() is canonical

// ---- stamps ------------------------------------------------------------------

std::string hex(uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

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
