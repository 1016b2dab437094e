// VOC results files: devkit format, round trip, errors naming file and line.
#include "eval/voc_results.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>

#include "error_of.h"
#include "graph/error.h"

namespace whittle {
namespace {

using test::error_of;

namespace fs = std::filesystem;

class VocResults : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("whittle_results_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    prefix_ = (dir_ / "comp4_det_test_").string();
    gt_.classes = {"cat", "dog", "person"};
    for (const char* id : {"000001", "000002", "2008_000003"}) {
      ImageRecord r;
      r.id = id;
      gt_.images.push_back(r);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& cls, const std::string& text) {
    std::ofstream(prefix_ + cls + ".txt") << text;
  }
  std::string read(const std::string& cls) {
    std::ifstream in(prefix_ + cls + ".txt");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir_;
  std::string prefix_;
  Dataset gt_;
};

TEST_F(VocResults, WritesDevkitFormat) {
  write_voc_results(prefix_, gt_.classes,
                    {{"000001", 1, 0.9f, Box{1, 2.5f, 30, 40}},
                     {"2008_000003", 1, 0.25f, Box{10, 20, 30.25f, 40}}});
  // '%s %.6f %.1f %.1f %.1f %.1f'; one file per class, empty ones too.
  EXPECT_EQ(read("dog"), "000001 0.900000 1.0 2.5 30.0 40.0\n2008_000003 0.250000 10.0 20.0 30.2 40.0\n");
  EXPECT_TRUE(fs::exists(prefix_ + "cat.txt"));
  EXPECT_EQ(read("cat"), "");
}

TEST_F(VocResults, RoundTrip) {
  // Values exact at the written precision come back equal; order: class,
  // then file order (which the stable VOC sort uses for ties).
  std::vector<Detection> dets{{"000002", 2, 0.5f, Box{1, 1, 100.5f, 200}},
                              {"000001", 0, 0.75f, Box{3, 4, 5, 6}},
                              {"000001", 2, 0.5f, Box{7, 8, 9, 10}},
                              {"2008_000003", 2, 0.125f, Box{11, 12, 13.5f, 14}}};
  write_voc_results(prefix_, gt_.classes, dets);
  std::vector<std::string> missing;
  std::vector<Detection> back = read_voc_results(prefix_, gt_, &missing);
  EXPECT_TRUE(missing.empty());
  const std::vector<int> expected_order{1, 0, 2, 3};
  ASSERT_EQ(back.size(), dets.size());
  for (size_t k = 0; k < back.size(); ++k) {
    const Detection& want = dets[expected_order[k]];
    EXPECT_EQ(back[k].image_id, want.image_id) << k;
    EXPECT_EQ(back[k].label, want.label) << k;
    EXPECT_EQ(back[k].score, want.score) << k;
    EXPECT_EQ(back[k].box.xmin, want.box.xmin) << k;
    EXPECT_EQ(back[k].box.ymin, want.box.ymin) << k;
    EXPECT_EQ(back[k].box.xmax, want.box.xmax) << k;
    EXPECT_EQ(back[k].box.ymax, want.box.ymax) << k;
  }
}

TEST_F(VocResults, MissingFileMeansNoDetections) {
  write("dog", "000001 0.5 1 2 3 4\r\n\n  \n000002\t0.25 1 2 3 4");  // CRLF, blank lines, no final newline
  std::vector<std::string> missing;
  std::vector<Detection> dets = read_voc_results(prefix_, gt_, &missing);
  EXPECT_EQ(missing, (std::vector<std::string>{"cat", "person"}));
  ASSERT_EQ(dets.size(), 2u);
  EXPECT_EQ(dets[1].image_id, "000002");
  EXPECT_EQ(dets[1].label, 1);
  EXPECT_FLOAT_EQ(dets[1].score, 0.25f);
}

TEST_F(VocResults, MalformedLineNamesFileAndLine) {
  write("person", "000001 0.5 1 2 3 4\n000002 0.5 1 2 three 4\n");
  std::string msg = error_of([&] { read_voc_results(prefix_, gt_); });
  EXPECT_NE(msg.find(prefix_ + "person.txt:2: "), std::string::npos) << msg;
  EXPECT_NE(msg.find("three"), std::string::npos) << msg;

  write("person", "000001 0.5 1 2 3\n");  // too few fields
  msg = error_of([&] { read_voc_results(prefix_, gt_); });
  EXPECT_NE(msg.find("person.txt:1: expected 'image_id score xmin ymin xmax ymax'"), std::string::npos) << msg;

  write("person", "000001 nan 1 2 3 4\n");
  EXPECT_NE(error_of([&] { read_voc_results(prefix_, gt_); }).find("person.txt:1:"), std::string::npos);
}

TEST_F(VocResults, UnknownImageIdIsAnError) {
  write("cat", "\n000001 0.5 1 2 3 4\n999999 0.5 1 2 3 4\n");
  std::string msg = error_of([&] { read_voc_results(prefix_, gt_); });
  EXPECT_NE(msg.find("cat.txt:3: unknown image id '999999'"), std::string::npos) << msg;
}

TEST_F(VocResults, WriteRejectsBadDetections) {
  EXPECT_THROW(write_voc_results(prefix_, gt_.classes, {{"000001", 3, 0.5f, Box{}}}), Error);
  EXPECT_THROW(write_voc_results(prefix_, gt_.classes, {{"a b", 0, 0.5f, Box{}}}), Error);
  EXPECT_THROW(write_voc_results((dir_ / "no_such_dir" / "x_").string(), gt_.classes, {}), Error);
}

}  // namespace
}  // namespace whittle
