#pragma once
// The terminal side of the core's Progress sink: a progress bar, Ctrl-C as
// cancellation, and an exit status a command can end with.
#include <chrono>
#include <signal.h>
#include <iosfwd>
#include <stdexcept>
#include <string>

#include "jobs/progress.h"

namespace whittle::cli {

// On a terminal (stderr is a TTY): one bar line on stderr, redrawn in place,
// "label [=====>    ]  42% <message>" cut to the terminal's width. Otherwise
// a plain "label: 42% <message>" line on stderr every `plain_interval`
// (none for a job shorter than that).
// log() lines go to `log_stream` (stdout for results, stderr beside JSON),
// the bar cleared first.
class ProgressBar : public Progress {
 public:
  ProgressBar(std::string label, std::ostream& log_stream,
              std::chrono::milliseconds plain_interval = std::chrono::seconds(5));
  ~ProgressBar() override;  // clears the bar

  bool is_terminal() const { return tty_; }
  void clear();  // removes the bar from the terminal (it comes back on the next report)

 protected:
  void on_progress(double fraction, const std::string& message) override;
  void on_log(const std::string& message) override;

 private:
  std::string label_;
  std::ostream& log_;
  bool tty_;
  std::chrono::milliseconds plain_interval_;
  std::chrono::steady_clock::time_point start_;
  bool shown_ = false;  // a bar is on screen (terminal) / a plain line was printed
};

// While alive, SIGINT (Ctrl-C) cancels `progress` (the worker stops at its
// next check); a second Ctrl-C ends the process as usual. Restores the
// previous handler. One at a time.
class CancelOnInterrupt {
 public:
  explicit CancelOnInterrupt(Progress& progress);
  ~CancelOnInterrupt();
  CancelOnInterrupt(const CancelOnInterrupt&) = delete;
  CancelOnInterrupt& operator=(const CancelOnInterrupt&) = delete;

  bool interrupted() const;  // Ctrl-C was pressed

 private:
  struct sigaction previous_{};
};

// Ends a command with `status` and a one-line message on stderr (cli_main
// catches it): e.g. 130 after Ctrl-C.
class CommandExit : public std::runtime_error {
 public:
  CommandExit(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

}  // namespace whittle::cli
