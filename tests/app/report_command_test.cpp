// `whittle-cli report`: a project's report written without a display.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli_runner.h"
#include "io/onnx_export.h"
#include "io/project_file.h"
#include "models/ssd/ssd_zoo.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::CliResult;
using whittle::test::run_cli;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReportCommand, WritesTheReportOffscreen) {
  const fs::path dir = fs::temp_directory_path() / ("whittle_report_cli_" + std::to_string(getpid()));
  fs::create_directories(dir);
  whittle::save_onnx(whittle::build_detector_zoo("ssd_mobilenet_v1", 3, 0.25, 96).graph, (dir / "ssd.onnx").string());
  whittle::Project project;
  project.model = (dir / "ssd.onnx").string();
  project.metrics = {{"map", 0.5}, {"latency_ms", 8.0}, {"threads", 2}};
  whittle::ProjectVariant variant;
  variant.name = "p50";
  variant.kind = "pruned";
  variant.file = (dir / "ssd.onnx").string();
  variant.metrics = {{"map", 0.25}, {"latency_ms", 4.0}, {"threads", 2}};
  project.variants = {variant};
  whittle::save_project(project, (dir / "p.whittle").string());

  // No display: the command sets QT_QPA_PLATFORM=offscreen itself.
  const CliResult r = run_cli("report --project " + (dir / "p.whittle").string() + " --out " +
                              (dir / "report").string());
  if (r.code != 0 && r.err.find("without Qt") != std::string::npos) {
    fs::remove_all(dir);
    GTEST_SKIP() << "whittle-cli built without the GUI: " << r.err;
  }
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("| original | original | fp32 | 0.5000 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| p50 | pruned | fp32 | 0.2500 (0.50×) |"), std::string::npos) << r.out;
  const std::string md = slurp(dir / "report" / "report.md");
  EXPECT_NE(md.find("## Comparison"), std::string::npos);
  EXPECT_NE(md.find("## Machine"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "report" / "report.html"));
  EXPECT_GT(fs::file_size(dir / "report" / "plots" / "map_vs_latency.png"), 0u);
  fs::remove_all(dir);
}

TEST(ReportCommand, NeedsAProjectAndAFolder) {
  const CliResult r = run_cli("report --out /tmp/nowhere");
  EXPECT_NE(r.code, 0);
  if (r.err.find("without Qt") != std::string::npos) GTEST_SKIP() << "whittle-cli built without the GUI";
  EXPECT_NE(r.err.find("--project"), std::string::npos) << r.err;
}

}  // namespace
