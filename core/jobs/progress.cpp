#include "jobs/progress.h"

namespace whittle {

void Progress::report(double fraction, const std::string& message) {
  auto now = std::chrono::steady_clock::now();
  if (fraction < 1.0 && last_ != std::chrono::steady_clock::time_point{} && now - last_ < interval_)
    return;
  last_ = now;
  on_progress(fraction, message);
}

SubProgress::SubProgress(Progress& parent, double from, double to, std::string prefix)
    : parent_(parent), from_(from), to_(to), prefix_(std::move(prefix)) {
  set_interval(std::chrono::milliseconds(0));  // the parent throttles
  if (parent_.cancelled()) cancel();
}

void SubProgress::on_progress(double fraction, const std::string& message) {
  parent_.report(fraction < 0 ? -1.0 : from_ + (to_ - from_) * fraction, prefix_ + message);
  if (parent_.cancelled()) cancel();
}

void SubProgress::on_log(const std::string& message) {
  parent_.log(prefix_ + message);
  if (parent_.cancelled()) cancel();
}

}  // namespace whittle
