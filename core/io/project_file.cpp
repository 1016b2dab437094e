#include "io/project_file.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "graph/error.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

constexpr const char* kFormat = "whittle.project/1";

// The project file's folder, absolute.
fs::path folder_of(const std::string& project_path) {
  return fs::absolute(fs::path(project_path)).lexically_normal().parent_path();
}

// Inside `folder`: relative to it; elsewhere: absolute. "" stays "".
std::string stored_path(const std::string& file, const fs::path& folder) {
  if (file.empty()) return file;
  const fs::path absolute = fs::absolute(fs::path(file)).lexically_normal();
  const fs::path relative = absolute.lexically_relative(folder);
  const bool inside = !relative.empty() && *relative.begin() != "..";
  return (inside ? relative : absolute).generic_string();
}

std::string loaded_path(const std::string& file, const fs::path& folder) {
  if (file.empty()) return file;
  const fs::path p(file);
  return (p.is_absolute() ? p : folder / p).lexically_normal().string();
}

std::map<std::string, std::string> stored_paths(const std::map<std::string, std::string>& files,
                                                const fs::path& folder) {
  std::map<std::string, std::string> stored;
  for (const auto& [kind, file] : files) stored[kind] = stored_path(file, folder);
  return stored;
}

std::map<std::string, std::string> loaded_paths(const std::map<std::string, std::string>& files,
                                                const fs::path& folder) {
  std::map<std::string, std::string> loaded;
  for (const auto& [kind, file] : files) loaded[kind] = loaded_path(file, folder);
  return loaded;
}

void check_metrics(const std::map<std::string, double>& metrics, const std::string& where) {
  for (const auto& [key, value] : metrics)
    if (!std::isfinite(value)) throw Error(where + ": metric '" + key + "' is not a finite number");
}

void check(const Project& project, const std::string& path) {
  check_metrics(project.metrics, path + ": the original model");
  std::set<std::string> names;
  for (const auto& v : project.variants) {
    const std::string where = path + ": variant '" + v.name + "'";
    if (v.name.empty()) throw Error(path + ": a variant has no name");
    if (v.kind.empty()) throw Error(where + " has no kind");
    if (v.file.empty()) throw Error(where + " has no model file");
    if (!v.parent.empty() && !names.count(v.parent))
      throw Error(where + ": parent '" + v.parent + "' is not an earlier variant");
    if (!names.insert(v.name).second) throw Error(path + ": variant name '" + v.name + "' is used twice");
    check_metrics(v.metrics, where);
  }
}

}  // namespace

void save_project(const Project& project, const std::string& path) {
  check(project, path);
  const fs::path folder = folder_of(path);
  ordered_json j;
  j["format"] = kFormat;
  j["model"] = stored_path(project.model, folder);
  j["data"] = stored_path(project.data, folder);
  j["metrics"] = project.metrics;
  j["reports"] = stored_paths(project.reports, folder);
  j["variants"] = ordered_json::array();
  for (const auto& v : project.variants)
    j["variants"].push_back({{"name", v.name},
                             {"kind", v.kind},
                             {"parent", v.parent},
                             {"file", stored_path(v.file, folder)},
                             {"plan", stored_path(v.plan, folder)},
                             {"settings", v.settings},
                             {"metrics", v.metrics},
                             {"reports", stored_paths(v.reports, folder)}});
  j["view"] = project.view;
  write_file_atomic(path, j.dump(2) + "\n");
}

Project load_project(const std::string& path) {
  const std::string text = read_file(path);
  Project project;
  try {
    const ordered_json j = ordered_json::parse(text);
    if (!j.is_object() || j.value("format", std::string()) != kFormat)
      throw Error(path + ": not a Whittle project (expected \"format\": \"" + kFormat + "\")");
    const fs::path folder = folder_of(path);
    project.model = loaded_path(j.at("model").get<std::string>(), folder);
    project.data = loaded_path(j.value("data", std::string()), folder);
    project.view = j.value("view", std::string());
    project.metrics = j.value("metrics", std::map<std::string, double>());
    project.reports = loaded_paths(j.value("reports", std::map<std::string, std::string>()), folder);
    for (const auto& jv : j.value("variants", ordered_json::array())) {
      ProjectVariant v;
      v.name = jv.at("name").get<std::string>();
      v.kind = jv.at("kind").get<std::string>();
      v.parent = jv.value("parent", std::string());
      v.file = loaded_path(jv.at("file").get<std::string>(), folder);
      v.plan = loaded_path(jv.value("plan", std::string()), folder);
      v.settings = jv.value("settings", std::map<std::string, std::string>());
      v.metrics = jv.value("metrics", std::map<std::string, double>());
      v.reports = loaded_paths(jv.value("reports", std::map<std::string, std::string>()), folder);
      project.variants.push_back(std::move(v));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": bad project file: " + first_line(e));
  }
  check(project, path);
  return project;
}

}  // namespace whittle
