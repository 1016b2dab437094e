#include "cli/progress_bar.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <iostream>

namespace whittle::cli {
namespace {

int terminal_width() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const int n = std::atoi(columns);
    if (n > 0) return n;
  }
  return 100;
}

std::string percent(double fraction) {
  if (!(fraction >= 0)) return "  ?%";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%3d%%", static_cast<int>(std::floor(std::min(fraction, 1.0) * 100)));
  return buf;
}

// "[=======>      ]" of `cells` inner cells.
std::string bar(double fraction, int cells) {
  std::string s(cells, ' ');
  if (fraction >= 0) {
    const int done = static_cast<int>(std::lround(std::min(fraction, 1.0) * cells));
    std::fill(s.begin(), s.begin() + done, '=');
    if (done > 0 && done < cells) s[done - 1] = '>';
  }
  return "[" + s + "]";
}

// `text` without its " (...)" groups: the details that go first when a line
// is too long ("loss 3.2 (conf 2.1, loc 1.1) lr 0.01" -> "loss 3.2 lr 0.01").
std::string without_details(const std::string& text) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    else if (c == ')' && depth > 0) --depth;
    else if (depth == 0) out += c;
  }
  std::string squeezed;  // the space before each group doubles up
  for (char c : out)
    if (!(c == ' ' && !squeezed.empty() && squeezed.back() == ' ')) squeezed += c;
  return squeezed;
}

// The Progress the SIGINT handler cancels (Progress::cancel is one atomic store).
std::atomic<Progress*> g_interrupt_target{nullptr};
volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) {
  g_interrupted = 1;
  if (Progress* p = g_interrupt_target.load()) p->cancel();
}

}  // namespace

ProgressBar::ProgressBar(std::string label, std::ostream& log_stream,
                         std::chrono::milliseconds plain_interval)
    : label_(std::move(label)),
      log_(log_stream),
      tty_(::isatty(STDERR_FILENO) != 0),
      plain_interval_(plain_interval),
      start_(std::chrono::steady_clock::now()) {
  set_interval(tty_ ? std::chrono::milliseconds(100) : plain_interval);
}

ProgressBar::~ProgressBar() { clear(); }

void ProgressBar::clear() {
  if (!tty_) return;
  if (shown_) std::cerr << "\r\033[K" << std::flush;
  shown_ = false;
}

void ProgressBar::on_progress(double fraction, const std::string& message) {
  if (!tty_) {
    // Quiet for short jobs: the first line after one interval, the final
    // (fraction 1) one only after others.
    const auto now = std::chrono::steady_clock::now();
    if (fraction >= 1.0 ? !shown_ : now - start_ < plain_interval_) return;
    std::cerr << label_ << ": " << percent(fraction) << ' ' << message << '\n' << std::flush;
    shown_ = fraction < 1.0;
    return;
  }
  const int width = terminal_width() - 1;  // the last column would wrap on some terminals
  const int cells = std::clamp(width / 5, 10, 30);
  const std::string head = label_ + ' ' + bar(fraction, cells) + ' ' + percent(fraction) + ' ';
  std::string line = head + message;
  if (static_cast<int>(line.size()) > width) line = head + without_details(message);
  if (static_cast<int>(line.size()) > width) line.resize(std::max(width, 0));
  std::cerr << "\r\033[K" << line << std::flush;
  shown_ = true;
}

void ProgressBar::on_log(const std::string& message) {
  clear();
  log_ << message << '\n' << std::flush;
}

CancelOnInterrupt::CancelOnInterrupt(Progress& progress) {
  g_interrupted = 0;
  g_interrupt_target.store(&progress);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process
  ::sigaction(SIGINT, &action, &previous_);
}

CancelOnInterrupt::~CancelOnInterrupt() {
  ::sigaction(SIGINT, &previous_, nullptr);
  g_interrupt_target.store(nullptr);
}

bool CancelOnInterrupt::interrupted() const { return g_interrupted != 0; }

}  // namespace whittle::cli
