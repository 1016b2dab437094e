#include "runtime/rapl.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace whittle {
namespace {

namespace fs = std::filesystem;

// A fake powercap tree: package domains with a subdomain that must be ignored.
class FakePowercap : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("whittle-rapl-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    domain("intel-rapl:0", "package-0", 1000, 5000);
    domain("intel-rapl:0:0", "core", 10, 5000);  // subdomain: not a package
    domain("intel-rapl:1", "package-1", 200, 5000);
  }
  void TearDown() override { fs::remove_all(root_); }
  void domain(const std::string& dir, const std::string& name, int64_t energy, int64_t range) {
    fs::create_directories(root_ / dir);
    std::ofstream(root_ / dir / "name") << name << '\n';
    set(dir, energy);
    std::ofstream(root_ / dir / "max_energy_range_uj") << range << '\n';
  }
  void set(const std::string& dir, int64_t energy) { std::ofstream(root_ / dir / "energy_uj") << energy << '\n'; }
  fs::path root_;
};

TEST_F(FakePowercap, SumsPackagesAndHandlesAWrap) {
  RaplMeter meter(root_.string());
  ASSERT_TRUE(meter.available()) << meter.why_unavailable();
  EXPECT_EQ(meter.domain_names(), (std::vector<std::string>{"package-0", "package-1"}));
  const RaplMeter::Reading start = meter.read();
  set("intel-rapl:0", 1500);  // +500 uJ
  set("intel-rapl:1", 100);   // wrapped: 200 -> 5000 = 0 -> 100: +4900 uJ
  const RaplMeter::Reading end = meter.read();
  EXPECT_NEAR(meter.joules_between(start, end), (500 + 4900) * 1e-6, 1e-12);
}

TEST(Rapl, MissingTreeIsUnavailableWithAReason) {
  RaplMeter meter("/nonexistent/powercap");
  EXPECT_FALSE(meter.available());
  EXPECT_NE(meter.why_unavailable().find("/nonexistent/powercap"), std::string::npos);
  EXPECT_TRUE(meter.read().energy_uj.empty());
}

}  // namespace
}  // namespace whittle
