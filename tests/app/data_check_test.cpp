// `whittle-cli data check`: problems listed, summary printed, exit code.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "app/cli_runner.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::CliResult;
using whittle::test::run_cli;

class DataCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    voc_ = fs::temp_directory_path() /
           ("whittle_data_check_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name()) /
           "VOC2007";
    fs::create_directories(voc_ / "Annotations");
    fs::create_directories(voc_ / "JPEGImages");
    fs::create_directories(voc_ / "ImageSets" / "Main");
    add("000001", 64, 48, obj("dog", 10, 5, 30, 40, 1, 0) + obj("person", 1, 1, 64, 48, 0, 1));
    add("000002", 100, 80, obj("dog", 2, 2, 50, 50, 0, 1));
    std::ofstream(voc_ / "ImageSets" / "Main" / "trainval.txt") << "000001\n000002\n";
  }
  void TearDown() override { fs::remove_all(voc_.parent_path()); }

  static std::string obj(const std::string& name, int x0, int y0, int x1, int y1, int difficult,
                         int truncated) {
    return "<object><name>" + name + "</name><truncated>" + std::to_string(truncated) +
           "</truncated><difficult>" + std::to_string(difficult) + "</difficult><bndbox><xmin>" +
           std::to_string(x0) + "</xmin><ymin>" + std::to_string(y0) + "</ymin><xmax>" +
           std::to_string(x1) + "</xmax><ymax>" + std::to_string(y1) + "</ymax></bndbox></object>";
  }
  void add(const std::string& id, int w, int h, const std::string& objects) {
    std::ofstream(voc_ / "Annotations" / (id + ".xml"))
        << "<annotation><size><width>" << w << "</width><height>" << h
        << "</height><depth>3</depth></size>" << objects << "</annotation>";
    cv::imwrite((voc_ / "JPEGImages" / (id + ".jpg")).string(), cv::Mat(h, w, CV_8UC3, cv::Scalar::all(90)));
  }

  fs::path voc_;
};

TEST_F(DataCheck, CleanFolderPrintsSummaryAndExitsZero) {
  CliResult r = run_cli("data check " + voc_.string());
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("dog"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("images     2 (0 skipped)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("objects    3 (0 skipped)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("size       width 64..100, height 48..80"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems   0"), std::string::npos) << r.out;
}

TEST_F(DataCheck, JsonCountsClassesFlagsAndSizes) {
  CliResult r = run_cli("data check " + voc_.parent_path().string() + " --json");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["objects"], 3);
  EXPECT_EQ(j["difficult"], 1);
  EXPECT_EQ(j["truncated"], 2);
  EXPECT_EQ(j["width"]["max"], 100);
  EXPECT_EQ(j["height"]["min"], 48);
  EXPECT_EQ(j["classes"].size(), 20u);
  EXPECT_EQ(j["classes"][11]["name"], "dog");
  EXPECT_EQ(j["classes"][11]["objects"], 2);
  EXPECT_EQ(j["classes"][11]["images"], 2);
  EXPECT_TRUE(j["problems"].empty());
}

TEST_F(DataCheck, ProblemsAreListedAndExitOne) {
  add("000003", 64, 48, obj("cat", 10, 5, 70, 40, 0, 0));       // xmax > width
  std::ofstream(voc_ / "JPEGImages" / "000002.jpg") << "broken";  // does not decode
  std::ofstream(voc_ / "ImageSets" / "Main" / "val.txt") << "000003\n";
  CliResult r = run_cli("data check " + voc_.string() + " --set trainval --set val --set test");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find((voc_ / "JPEGImages" / "000002.jpg").string() + ": image does not decode"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find((voc_ / "Annotations" / "000003.xml").string() + ": object 1 (cat): xmax 70 > image width 64"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("test.txt: split file 'test' does not exist"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("images     2 (1 skipped)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("problems   3"), std::string::npos) << r.out;
}

TEST_F(DataCheck, NotAVocFolderIsAnError) {
  CliResult r = run_cli("data check " + (voc_ / "JPEGImages").string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err.rfind("whittle-cli: error: ", 0), 0u) << r.err;
}

}  // namespace
