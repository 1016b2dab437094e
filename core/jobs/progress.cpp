#include "jobs/progress.h"

namespace whittle {

void Progress::report(double fraction, const std::string& message) {
  auto now = std::chrono::steady_clock::now();
  if (fraction < 1.0 && last_ != std::chrono::steady_clock::time_point{} && now - last_ < interval_)
    return;
  last_ = now;
  on_progress(fraction, message);
}

}  // namespace whittle
