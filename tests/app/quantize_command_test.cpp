// `whittle-cli quantize` end to end on a small trained SSDLite: the int8 QDQ
// file, the JSON report, the calibration table round trip (--table, then
// --from-table gives the same file), an int8 file that eval and bench run as
// int8, and errors that name the problem.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/synth_suite.h"
#include "io/onnx_int8.h"

namespace {

namespace fs = std::filesystem;
using whittle::test::run_cli;

class QuantizeCli : public whittle::test::SynthSuite<QuantizeCli> {
 public:
  static constexpr const char* kName = "whittle_quantize_cli";
  static constexpr int kSeed = 23;
};

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(QuantizeCli, WritesAnInt8ModelThatEvalAndBenchRunAsInt8) {
  const std::string out = path("int8.onnx"), table = path("table.txt");
  auto r = run_cli("quantize --model " + model() + " --data " + voc() +
                   " --set trainval --val-set trainval --calib 8 --batch 4 --workers 0 --table " + table +
                   " --out " + out + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["calibration_images"], 8);
  EXPECT_EQ(j["observer"], "minmax");
  EXPECT_GT(j["int8_nodes"].get<int>(), 20);
  EXPECT_EQ(j["fp32_nodes"], 0);
  EXPECT_TRUE(j["fp32_map"].is_number());
  EXPECT_TRUE(j["int8_map"].is_number());
  EXPECT_LT(j["weight_bytes_int8"].get<double>(), j["weight_bytes_fp32"].get<double>() / 3);
  EXPECT_TRUE(whittle::is_qdq_onnx(out));
  EXPECT_LT(fs::file_size(out), fs::file_size(model()) / 2);

  auto e = run_cli("eval --model " + out + " --data " + voc() + " --set trainval --workers 0 --json");
  ASSERT_EQ(e.code, 0) << e.err;
  EXPECT_NEAR(nlohmann::json::parse(e.out)["map"].get<double>(), j["int8_map"].get<double>(), 1e-9);

  auto b = run_cli("bench --model " + out + " --runs 2 --warmup 1 --energy --json");
  ASSERT_EQ(b.code, 0) << b.err;
  auto bj = nlohmann::json::parse(b.out);
  EXPECT_EQ(bj["precision"], "int8");
  EXPECT_TRUE(bj["precisions"].contains("fp32"));
  EXPECT_TRUE(bj["precisions"].contains("int8"));
  EXPECT_LT(bj["energy"]["estimate_int8"]["total_mj"].get<double>(),
            bj["energy"]["estimate_fp32"]["total_mj"].get<double>());

  // The table alone reproduces the same int8 file.
  const std::string again = path("int8_again.onnx");
  auto t = run_cli("quantize --model " + model() + " --data " + voc() + " --set trainval --val-set \"\" --from-table " +
                   table + " --out " + again);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_NE(t.out.find("activation ranges from " + table), std::string::npos) << t.out;
  EXPECT_EQ(bytes_of(again), bytes_of(out));
}

TEST_F(QuantizeCli, ErrorsNameTheProblem) {
  auto r = run_cli("quantize --model " + model() + " --data " + voc() + " --observer median --out " +
                   path("x.onnx"));
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("median"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("x.onnx")));

  auto k = run_cli("quantize --model " + model() + " --data " + voc() + " --set trainval --val-set \"\" --keep-fp32 auto --out " +
                   path("x.onnx"));
  EXPECT_NE(k.code, 0);
  EXPECT_NE(k.err.find("--val-set"), std::string::npos) << k.err;

  auto l = run_cli("quantize --model " + model() + " --data " + voc() +
                   " --set trainval --val-set \"\" --keep-fp32 no_such_layer --out " + path("x.onnx"));
  EXPECT_NE(l.code, 0);
  EXPECT_NE(l.err.find("no_such_layer"), std::string::npos) << l.err;
  EXPECT_FALSE(fs::exists(path("x.onnx")));
}

}  // namespace
