// whittle-cli end to end: the binary a user runs, its exit codes and output.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"

namespace {

using Result = whittle::test::CliResult;
using whittle::test::run_cli;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("whittle_cli_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

TEST_F(Cli, InfoJsonGivesTorchvisionTotals) {
  Result r = run_cli("info --zoo mobilenet_v2 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["params"], 3504872);
  EXPECT_EQ(j["macs"], 300774272);
  EXPECT_EQ(j["layers"].size(), 152u);
  EXPECT_EQ(j["layers"][0]["name"], "features.0");
  EXPECT_EQ(j["layers"][0]["output_shape"], (std::vector<int64_t>{1, 32, 112, 112}));
}

TEST_F(Cli, InfoTablePrintsLayersAndTotals) {
  Result r = run_cli("info --zoo mobilenet_v1 --classes 21 --input 1x3x160x160");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("features.0"), std::string::npos);
  EXPECT_NE(r.out.find("[1,21]"), std::string::npos);
  EXPECT_NE(r.out.find("input   input [1,3,160,160]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("params  "), std::string::npos);
}

TEST_F(Cli, ZooBuildWritesAFileThatInfoReads) {
  std::string file = path("mnv2.onnx");
  Result b = run_cli("zoo build mobilenet_v2 --classes 21 --width 0.5 --out " + file);
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_TRUE(std::filesystem::exists(file));
  Result i = run_cli("info " + file + " --json");
  ASSERT_EQ(i.code, 0) << i.err;
  auto j = nlohmann::json::parse(i.out);
  EXPECT_EQ(j["params"], 714581);
  EXPECT_EQ(j["metadata"]["whittle.zoo"], "mobilenet_v2");
  // --input reshapes a file's graph too.
  Result big = run_cli("info " + file + " --json --input 2x3x224x224");
  ASSERT_EQ(big.code, 0) << big.err;
  EXPECT_EQ(nlohmann::json::parse(big.out)["inputs"][0]["shape"][0], 2);
}

TEST_F(Cli, ZooListNamesEveryNetwork) {
  Result r = run_cli("zoo list");
  ASSERT_EQ(r.code, 0);
  for (auto name : {"vgg16", "mobilenet_v1", "mobilenet_v2"})
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
}

TEST_F(Cli, ErrorsExitNonZeroWithOneLine) {
  std::string garbage = path("garbage.onnx");
  std::ofstream(garbage) << "this is not a model";
  for (const std::string& args :
       {std::string("info ") + garbage, std::string("info ") + path("missing.onnx"),
        std::string("info --zoo resnet9000"), std::string("info --zoo vgg16 --input 3x224")}) {
    Result r = run_cli(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err.rfind("whittle-cli: error: ", 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  Result usage = run_cli("info --no-such-flag");
  EXPECT_NE(usage.code, 0);
}

}  // namespace
