// `whittle-cli groups`: channel dependency groups of a file or zoo network.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/cli_runner.h"

namespace {

using whittle::test::CliResult;
using whittle::test::run_cli;

const nlohmann::json* find_group(const nlohmann::json& groups, const std::string& name) {
  for (const auto& g : groups)
    if (g["name"] == name) return &g;
  return nullptr;
}

TEST(GroupsCommand, JsonListsEveryMember) {
  CliResult r = run_cli("groups --zoo mobilenet_v2 --width 0.5 --input 96 --classes 10 --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_TRUE(j.is_array());
  const nlohmann::json* stem = find_group(j, "features.0");
  ASSERT_NE(stem, nullptr) << r.out;
  EXPECT_EQ((*stem)["channels"], 16);
  EXPECT_EQ((*stem)["prunable"], true);
  EXPECT_EQ((*stem)["reason"], "");
  EXPECT_EQ((*stem)["filters"], (std::vector<std::string>{"features.0"}));
  ASSERT_GE((*stem)["members"].size(), 3u);
  EXPECT_EQ((*stem)["members"][0]["node"], "features.0");
  EXPECT_EQ((*stem)["members"][0]["role"], "filters");
  EXPECT_EQ((*stem)["members"][0]["channels"], 16);
  EXPECT_EQ((*stem)["members"][1]["role"], "norm");
  for (const auto& g : j)
    for (const auto& m : g["members"]) {
      EXPECT_TRUE(m.contains("node") && m.contains("role") && m.contains("channels")) << m.dump();
      EXPECT_EQ(m["channels"], g["channels"]) << g["name"];
    }
  // The pooled classifier's last group reaches logits through Flatten.
  const nlohmann::json* last = find_group(j, "features.18");
  ASSERT_NE(last, nullptr);
  EXPECT_EQ((*last)["members"].back()["role"], "linear_input");
}

TEST(GroupsCommand, DetectorTableShowsFixedHeadsAndTotals) {
  CliResult r = run_cli("groups --zoo ssdlite_mobilenet_v2 --width 0.5 --input 192");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("features.0 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("no: (Conv head.cls.0) output 'head.cls.0' is a graph output"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("prunable groups    "), std::string::npos);
  EXPECT_NE(r.out.find("prunable channels  "), std::string::npos);
  EXPECT_NE(r.out.find("groups             "), std::string::npos);
}

TEST(GroupsCommand, ReadsAModelFile) {
  auto dir = std::filesystem::temp_directory_path() / ("whittle_groups_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string file = (dir / "mnv1.onnx").string();
  CliResult b = run_cli("zoo build mobilenet_v1 --classes 5 --width 0.25 --input 64 --out " + file);
  ASSERT_EQ(b.code, 0) << b.err;
  CliResult r = run_cli("groups " + file + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_NE(find_group(j, "features.1.pw"), nullptr) << r.out;
  CliResult z = run_cli("groups --zoo mobilenet_v1 --classes 5 --width 0.25 --input 64 --json");
  ASSERT_EQ(z.code, 0) << z.err;
  EXPECT_EQ(nlohmann::json::parse(z.out), j);  // the file has the zoo network's groups
  std::filesystem::remove_all(dir);
}

TEST(GroupsCommand, ErrorsExitNonZeroWithOneLine) {
  for (const std::string& args : {std::string("groups --zoo resnet9000"), std::string("groups"),
                                  std::string("groups /nonexistent/model.onnx")}) {
    CliResult r = run_cli(args);
    EXPECT_NE(r.code, 0) << args;
    EXPECT_EQ(r.out, "") << args;
    EXPECT_EQ(r.err.rfind("whittle-cli: error: ", 0), 0u) << args << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace
