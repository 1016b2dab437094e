#pragma once
// A test-suite fixture for CLI tests that need data and a model: a synthetic
// VOC set (24 images, 3 classes, 128 px) made once per suite, and an SSDLite
// (width 0.25, input 96) trained on it for one epoch on first use.
// Suite supplies `static constexpr const char* kName` and `kSeed`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "app/cli_runner.h"

namespace whittle::test {

template <typename Suite>
class SynthSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() /
           (std::string(Suite::kName) + "_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    auto r = run_cli("data synth --out " + dir_.string() +
                     " --images 24 --classes 3 --size 128 --seed " + std::to_string(Suite::kSeed));
    ASSERT_EQ(r.code, 0) << r.err;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string voc() { return (dir_ / "VOCdevkit" / "VOC2007").string(); }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string model() {
    const std::string file = path("model.onnx");
    if (!std::filesystem::exists(file)) {
      auto r = run_cli("train --zoo ssdlite_mobilenet_v2 --width 0.25 --input 96 --data " + voc() +
                       " --epochs 1 --batch 4 --lr 0.01 --val-every 0 --out " + file);
      EXPECT_EQ(r.code, 0) << r.out << r.err;
    }
    return file;
  }
  static inline std::filesystem::path dir_;
};

}  // namespace whittle::test
