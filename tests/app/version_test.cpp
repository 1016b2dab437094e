// `whittle-cli --version` and `whittle --version` print the project version;
// the GUI prints it (and --help) without a display, as packaging checks do.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "app/cli_runner.h"

namespace {

struct Output {
  int code = -1;
  std::string out;
};

// Runs a shell command line; stdout only.
Output run(const std::string& command) {
  Output r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(Version, CliPrintsTheProjectVersion) {
  whittle::test::CliResult r = whittle::test::run_cli("--version");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("whittle-cli ") + WHITTLE_VERSION + "\n");
}

#ifdef WHITTLE_GUI
// No DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM: what a build server has.
const std::string kNoDisplay = "env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM ";

TEST(Version, GuiPrintsTheProjectVersionWithoutADisplay) {
  Output r = run(kNoDisplay + WHITTLE_GUI " --version 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out, std::string("whittle ") + WHITTLE_VERSION + "\n");
}

TEST(Version, GuiHelpNeedsNoDisplayAndNamesItsOptions) {
  Output r = run(kNoDisplay + WHITTLE_GUI " --help 2>&1");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("--lang"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--version"), std::string::npos) << r.out;
  // Anything else still needs a display and says so.
  Output gui = run(kNoDisplay + WHITTLE_GUI " 2>&1");
  EXPECT_EQ(gui.code, 2) << gui.out;
  EXPECT_NE(gui.out.find("no display"), std::string::npos) << gui.out;
}
#endif

}  // namespace
