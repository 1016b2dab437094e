#include "quant/calibration_table.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "error_of.h"
#include "io/atomic_file.h"

namespace whittle {
namespace {

namespace fs = std::filesystem;

// Awkward ranges: scales that are not short decimals, a negative-only range.
QuantSpec sample_spec() {
  QuantSpec spec;
  spec.observer = "entropy";
  spec.calibration_images = 200;
  at::manual_seed(6);
  at::Tensor ends = at::randn({20, 2}) * 7;
  for (int i = 0; i < 20; ++i) {
    float a = ends[i][0].item<float>(), b = ends[i][1].item<float>();
    spec.activations["features." + std::to_string(i)] =
        affine_uint8(std::min(a, b), std::max(a, b));
  }
  spec.activations["images"] = affine_uint8(-2.1179039f, 2.64f);
  spec.activations["neg"] = affine_uint8(-3.3f, -1.0f);
  spec.fp32_nodes = {"head.cls", "head.reg"};
  return spec;
}

bool same_bits(const QuantSpec& a, const QuantSpec& b) {
  if (a.observer != b.observer || a.calibration_images != b.calibration_images ||
      a.fp32_nodes != b.fp32_nodes || a.activations.size() != b.activations.size())
    return false;
  for (const auto& [name, q] : a.activations) {
    auto it = b.activations.find(name);
    if (it == b.activations.end()) return false;
    const ActivationQuant& r = it->second;
    if (std::memcmp(&q.scale, &r.scale, sizeof q.scale) || q.zero_point != r.zero_point ||
        std::memcmp(&q.lo, &r.lo, sizeof q.lo) || std::memcmp(&q.hi, &r.hi, sizeof q.hi))
      return false;
  }
  return true;
}

TEST(CalibrationTable, RoundTripIsBitIdentical) {
  const QuantSpec spec = sample_spec();
  const fs::path path =
      fs::temp_directory_path() / ("whittle-calibration-" + std::to_string(::getpid()) + ".txt");
  save_calibration_table(path.string(), spec);
  const QuantSpec back = load_calibration_table(path.string());
  EXPECT_TRUE(same_bits(spec, back));
  EXPECT_EQ(calibration_table_text(back), read_file(path.string()));
  fs::remove(path);
}

TEST(CalibrationTable, TextIsSortedAndReadable) {
  QuantSpec spec;
  spec.observer = "minmax";
  spec.calibration_images = 3;
  spec.activations["b"] = affine_uint8(0.0f, 6.0f);
  spec.activations["a"] = affine_uint8(-1.0f, 3.0f);
  spec.fp32_nodes = {"head"};
  EXPECT_EQ(calibration_table_text(spec),
            "whittle.calibration/1 observer=minmax images=3\n"
            "# value <name> <scale> <zero_point> <lo> <hi>\n"
            "value a 0.01568627450980392 64 -1 3\n"
            "value b 0.023529411764705882 0 0 6\n"
            "fp32 head\n");
}

TEST(CalibrationTable, MalformedLinesNameTheFileAndLine) {
  const std::string header = "whittle.calibration/1 observer=minmax images=3\n";
  auto error = [](const std::string& text) {
    return test::error_of([&] { parse_calibration_table(text, "t.calib"); });
  };
  EXPECT_EQ(error(header + "# a comment\n\nvalue a 0.1 300 -1 3\n"),
            "t.calib:4: zero point '300' is not an integer in 0..255");
  EXPECT_EQ(error(header + "value a 0.1x 3 -1 3\n"),
            "t.calib:2: scale '0.1x' is not a finite number");
  EXPECT_EQ(error(header + "value a 0.1 3 -1\n"),
            "t.calib:2: a value line is 'value <name> <scale> <zero_point> <lo> <hi>'");
  EXPECT_EQ(error(header + "value a 0.1 3 nan 3\n"), "t.calib:2: lo 'nan' is not a finite number");
  EXPECT_EQ(error(header + "value a -0.1 3 -1 3\n"), "t.calib:2: scale -0.1 is not positive");
  EXPECT_EQ(error(header + "value a 0.1 3 -1 3\nvalue a 0.1 3 -1 3\n"),
            "t.calib:3: value 'a' is listed twice");
  EXPECT_EQ(error(header + "weights a\n"),
            "t.calib:2: unknown line 'weights' (lines are 'value ...' or 'fp32 ...')");
  EXPECT_EQ(error("whittle.plan/1\n"),
            "t.calib:1: not a calibration table (the first line must start with "
            "'whittle.calibration/1')");
  EXPECT_EQ(error("whittle.calibration/1 seed=3\n"),
            "t.calib:1: unknown header field 'seed' (a header has observer and images)");
  EXPECT_EQ(error(""), "t.calib:1: empty file, not a calibration table");
}

TEST(CalibrationTable, NamesWithWhitespaceCannotBeWritten) {
  QuantSpec spec;
  spec.activations["a b"] = affine_uint8(0.0f, 1.0f);
  EXPECT_NE(test::error_of([&] { calibration_table_text(spec); }).find("'a b' contains whitespace"),
            std::string::npos);
}

TEST(CalibrationTable, LoadingAMissingFileNamesIt) {
  EXPECT_NE(test::error_of([] {
              load_calibration_table("/nonexistent/x.calib");
            }).find("/nonexistent/x.calib"),
            std::string::npos);
}

}  // namespace
}  // namespace whittle
