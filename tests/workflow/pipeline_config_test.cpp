// The pipeline's configuration (workflow/pipeline.h): relative paths resolve
// against the file's folder, command-line overrides win, stages left out are
// not run, and every mistake names the file and the key.
#include "workflow/pipeline.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "error_of.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;
using test::error_of;

class PipelineConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("whittle_pipeline_config_" + std::to_string(getpid()));
    fs::create_directories(dir_ / "cfg");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string file = (dir_ / "cfg" / "p.json").string();
    std::ofstream(file) << text;
    return file;
  }
  fs::path dir_;
};

TEST_F(PipelineConfigTest, ResolvesPathsAndKeepsTheEnabledStages) {
  const std::string file = write(R"(// comments are allowed
    {"data": "../data", "base": {"zoo": "ssd_mobilenet_v1", "width": 0.25},
     "prune": {"ratio": 0.3}, "finetune": {"enabled": false, "epochs": 2},
     "evaluate": {}})");
  const PipelineConfig c = load_pipeline_config(file);
  EXPECT_EQ(fs::path(c.data), (dir_ / "data").lexically_normal());
  EXPECT_EQ(fs::path(c.out), dir_ / "cfg" / "p-out");
  EXPECT_TRUE(c.sections.count("base"));
  EXPECT_TRUE(c.sections.count("prune"));
  EXPECT_TRUE(c.sections.count("evaluate"));
  EXPECT_FALSE(c.sections.count("finetune"));  // "enabled": false
  EXPECT_FALSE(c.sections.count("quantize"));
  const PipelineConfig o = load_pipeline_config(file, "/elsewhere/data", "/elsewhere/out");
  EXPECT_EQ(o.data, "/elsewhere/data");
  EXPECT_EQ(o.out, "/elsewhere/out");
  EXPECT_NE(o.sections.at("common"), c.sections.at("common"));  // the data set is part of every stage's hash
}

TEST_F(PipelineConfigTest, MistakesNameTheFileAndTheKey) {
  const std::string base = R"("data": "d", "base": {"zoo": "ssd_mobilenet_v1"})";
  auto error = [&](const std::string& rest) {
    const std::string file = write("{" + base + rest + "}");
    return error_of([&] { load_pipeline_config(file); });
  };
  const std::string file = (dir_ / "cfg" / "p.json").string();
  EXPECT_EQ(error(R"(, "finetune": {"epochs": "two"})"),
            file + ": finetune.epochs: expected a whole number, got \"two\"");
  EXPECT_EQ(error(R"(, "prune": {"ratio": 1.5})"), file + ": prune.ratio: must be >= 0 and < 1");
  EXPECT_EQ(error(R"(, "prune": {"ratio": 0.5, "target_macs": 0.5})"),
            file + ": prune: give exactly one of \"ratio\", \"target_macs\" or \"plan\"");
  EXPECT_NE(error(R"(, "prune": {"ratio": 0.5, "criterion": "l7"})").find(file + ": prune.criterion: "),
            std::string::npos);
  EXPECT_NE(error(R"(, "quantize": {"calib": 10, "observr": "mse"})").find(file + ": quantize.observr: unknown key"),
            std::string::npos);
  EXPECT_NE(error(R"(, "base2": {})").find(file + ": base2: unknown key"), std::string::npos);
  EXPECT_NE(error(R"(, "export": {"formats": ["onnx-int8-qop"]})").find(file + ": export.formats: "),
            std::string::npos);  // an int8 format without a quantize stage
  EXPECT_EQ(error_of([&] { load_pipeline_config(write(R"({"base": {"zoo": "ssd_mobilenet_v1"}})")); }),
            file + ": data: required: the VOC data set folder (or VOCdevkit)");
  EXPECT_NE(error_of([&] { load_pipeline_config(write("{\"data\": ")); }).find(file + ": not JSON"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
