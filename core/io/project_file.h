#pragma once
// A Whittle project (.whittle, JSON): the original model, the data set, and
// every variant made from it — pruned, fine-tuned, quantized — with its
// file, plan, settings and metrics, plus the GUI's view state. Saved
// atomically (io/atomic_file.h). Paths inside the project file's folder are
// stored relative to it, so a project folder can be moved or shared; they
// are absolute again after loading.
//
//   {"format": "whittle.project/1", "model": "ssd.onnx", "data": "data/VOCdevkit/VOC2007",
//    "metrics": {"map": 0.3444, "latency_ms": 5.1}, "reports": {"eval": "ssd.eval.json"},
//    "variants": [{"name": "p50", "kind": "pruned", "parent": "", "file": "p50.onnx",
//                  "plan": "p50.plan.json", "settings": {"criterion": "taylor"},
//                  "metrics": {"map": 0.2971, "macs": 94265530},
//                  "reports": {"eval": "p50.eval.json"}}],
//    "view": "..."}
#include <map>
#include <string>
#include <vector>

namespace whittle {

struct ProjectVariant {
  std::string name;    // unique in the project
  std::string kind;    // "pruned", "finetuned", "quantized", ... (not empty)
  std::string parent;  // the variant it was made from; "" = the original model
  std::string file;    // its model file
  std::string plan;    // its pruning plan file, or ""
  std::map<std::string, std::string> settings;  // how it was made (criterion, epochs, ...)
  std::map<std::string, double> metrics;        // map, params, macs, latency_ms, ...
  std::map<std::string, std::string> reports;   // kind -> file: "eval" (eval_report.h), "sensitivity", ...
};

struct Project {
  std::string model;  // the original model file
  std::string data;   // VOC data set folder, or ""
  std::map<std::string, double> metrics;  // the original model's (map, latency_ms, ...)
  std::map<std::string, std::string> reports;  // the original model's report files, as a variant's
  std::vector<ProjectVariant> variants;  // parents before children
  std::string view;   // the GUI's state, opaque here
};

// Throws whittle::Error naming `path` (and the variant) for a file that is
// missing, not JSON, of another format, or inconsistent: a variant without a
// name or kind, a name used twice, a parent that is not an earlier variant,
// a metric that is not a finite number.
Project load_project(const std::string& path);

// Checks `project` as load_project does (naming `path`), then writes it
// atomically: a failed save leaves the previous file as it was.
void save_project(const Project& project, const std::string& path);

}  // namespace whittle
