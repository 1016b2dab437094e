#include "io/project_file.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "error_of.h"
#include "io/atomic_file.h"
#include "io/onnx_test_graphs.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using test::error_of;

Project sample(const std::string& dir) {
  Project p;
  p.model = dir + "/ssd.onnx";
  p.data = "/elsewhere/VOCdevkit/VOC2007";
  p.metrics = {{"map", 0.3444}, {"latency_ms", 5.1}};
  p.reports = {{"eval", dir + "/ssd.eval.json"}};
  ProjectVariant pruned;
  pruned.name = "p50";
  pruned.kind = "pruned";
  pruned.file = dir + "/variants/p50.onnx";
  pruned.plan = dir + "/variants/p50.plan.json";
  pruned.settings = {{"criterion", "taylor"}, {"target_macs", "0.5"}};
  pruned.metrics = {{"map", 0.2971}, {"macs", 94265530}};
  pruned.reports = {{"eval", dir + "/variants/p50.eval.json"}, {"sensitivity", "/elsewhere/p50.json"}};
  ProjectVariant tuned;
  tuned.name = "p50-ft";
  tuned.kind = "finetuned";
  tuned.parent = "p50";
  tuned.file = dir + "/variants/p50-ft.onnx";
  tuned.metrics = {{"map", 0.3489}};
  p.variants = {pruned, tuned};
  p.view = "AAAA/w==";
  return p;
}

void expect_same(const Project& a, const Project& b) {
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.view, b.view);
  EXPECT_EQ(a.metrics, b.metrics);
  EXPECT_EQ(a.reports, b.reports);
  ASSERT_EQ(a.variants.size(), b.variants.size());
  for (size_t i = 0; i < a.variants.size(); ++i) {
    const ProjectVariant &x = a.variants[i], &y = b.variants[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.parent, y.parent);
    EXPECT_EQ(x.file, y.file);
    EXPECT_EQ(x.plan, y.plan);
    EXPECT_EQ(x.settings, y.settings);
    EXPECT_EQ(x.metrics, y.metrics);
    EXPECT_EQ(x.reports, y.reports);
  }
}

TEST(ProjectFile, RoundTripsAndStoresInnerPathsRelative) {
  test::TempDir dir("project");
  const std::string root = fs::canonical(dir.file("")).string();
  const Project p = sample(root);
  const std::string path = root + "/study.whittle";
  save_project(p, path);
  expect_same(load_project(path), p);
  const std::string text = read_file(path);
  EXPECT_NE(text.find("\"file\": \"variants/p50.onnx\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"data\": \"/elsewhere/VOCdevkit/VOC2007\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"eval\": \"variants/p50.eval.json\""), std::string::npos) << text;

  // The folder moved: inner paths follow it, outer ones stay.
  const std::string moved = root + "/moved";
  fs::create_directories(moved);
  fs::copy_file(path, moved + "/study.whittle");
  const Project m = load_project(moved + "/study.whittle");
  EXPECT_EQ(m.model, moved + "/ssd.onnx");
  EXPECT_EQ(m.variants[1].file, moved + "/variants/p50-ft.onnx");
  EXPECT_EQ(m.data, p.data);
  EXPECT_EQ(m.reports.at("eval"), moved + "/ssd.eval.json");
  EXPECT_EQ(m.variants[0].reports.at("sensitivity"), "/elsewhere/p50.json");
}

TEST(ProjectFile, InconsistentProjectsAreRefusedAndTheOldFileKept) {
  test::TempDir dir("project");
  const std::string path = dir.file("p.whittle");
  const Project good = sample(dir.file(""));
  save_project(good, path);
  const std::string before = read_file(path);

  Project p = good;
  p.variants[1].parent = "nope";
  std::string e = error_of([&] { save_project(p, path); });
  EXPECT_NE(e.find("p50-ft"), std::string::npos) << e;
  EXPECT_NE(e.find("'nope' is not an earlier variant"), std::string::npos) << e;
  p = good;
  p.variants[1].name = "p50";
  EXPECT_NE(error_of([&] { save_project(p, path); }).find("used twice"), std::string::npos);
  p = good;
  p.variants[0].metrics["map"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(error_of([&] { save_project(p, path); }).find("metric 'map'"), std::string::npos);
  p = good;
  p.metrics["latency_ms"] = std::numeric_limits<double>::infinity();
  EXPECT_NE(error_of([&] { save_project(p, path); }).find("the original model: metric 'latency_ms'"),
            std::string::npos);
  p = good;
  p.variants[0].kind.clear();
  EXPECT_NE(error_of([&] { save_project(p, path); }).find("has no kind"), std::string::npos);
  EXPECT_EQ(read_file(path), before) << "a refused save leaves the file alone";
}

TEST(ProjectFile, BadFilesNameThemselves) {
  test::TempDir dir("project");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  const std::string missing = dir.file("missing.whittle");
  EXPECT_NE(error_of([&] { load_project(missing); }).find(missing), std::string::npos);
  const std::string cut = write("cut.whittle", "{\"format\": \"whittle.project/1\", \"model\": ");
  EXPECT_NE(error_of([&] { load_project(cut); }).find(cut + ": bad project file"), std::string::npos);
  const std::string other = write("other.whittle", "{\"format\": \"whittle.latency/1\"}");
  EXPECT_NE(error_of([&] { load_project(other); }).find("not a Whittle project"), std::string::npos);
  const std::string text_metric = write(
      "metric.whittle",
      "{\"format\": \"whittle.project/1\", \"model\": \"m.onnx\", \"variants\": "
      "[{\"name\": \"a\", \"kind\": \"pruned\", \"file\": \"a.onnx\", \"metrics\": {\"map\": \"high\"}}]}");
  EXPECT_NE(error_of([&] { load_project(text_metric); }).find(text_metric + ": bad project file"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
