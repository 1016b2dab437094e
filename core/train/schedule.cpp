#include "train/schedule.h"

#include <algorithm>
#include <cmath>

#include "graph/error.h"

namespace whittle {

ScheduleKind parse_schedule_kind(const std::string& text) {
  if (text == "constant") return ScheduleKind::Constant;
  if (text == "cosine") return ScheduleKind::Cosine;
  if (text == "multistep") return ScheduleKind::MultiStep;
  throw Error("unknown lr schedule '" + text + "' (expected constant, cosine or multistep)");
}

std::string schedule_kind_name(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::Constant: return "constant";
    case ScheduleKind::Cosine: return "cosine";
    case ScheduleKind::MultiStep: return "multistep";
  }
  return "?";
}

void validate_schedule(const ScheduleOptions& o) {
  if (!(o.lr > 0) || !std::isfinite(o.lr)) throw Error("lr schedule: lr must be > 0");
  if (o.warmup_steps < 0) throw Error("lr schedule: warm-up steps must be >= 0");
  if (o.warmup_steps > 0 && !(o.warmup_factor > 0 && o.warmup_factor <= 1))
    throw Error("lr schedule: warm-up factor must lie in (0, 1]");
  if (o.kind == ScheduleKind::Cosine) {
    if (o.total_steps <= 0) throw Error("lr schedule: cosine needs the total number of steps");
    if (o.min_lr < 0 || o.min_lr > o.lr) throw Error("lr schedule: min lr must lie in [0, lr]");
  }
  if (o.kind == ScheduleKind::MultiStep) {
    if (o.steps_per_epoch <= 0) throw Error("lr schedule: multistep needs steps per epoch > 0");
    if (!(o.gamma > 0)) throw Error("lr schedule: gamma must be > 0");
    for (size_t i = 0; i < o.milestones.size(); ++i)
      if (o.milestones[i] <= 0 || (i > 0 && o.milestones[i] <= o.milestones[i - 1]))
        throw Error("lr schedule: milestones must be positive and increasing");
  }
}

double learning_rate(const ScheduleOptions& o, int64_t step) {
  step = std::max<int64_t>(step, 0);
  double lr = o.lr;
  switch (o.kind) {
    case ScheduleKind::Constant:
      break;
    case ScheduleKind::Cosine: {
      const int64_t span = std::max<int64_t>(o.total_steps - o.warmup_steps, 1);
      const int64_t t = std::clamp<int64_t>(step - o.warmup_steps, 0, span);
      const double pi = std::acos(-1.0);
      lr = o.min_lr + (o.lr - o.min_lr) * 0.5 *
                          (1.0 + std::cos(pi * static_cast<double>(t) / static_cast<double>(span)));
      break;
    }
    case ScheduleKind::MultiStep: {
      const int64_t epoch = step / std::max<int64_t>(o.steps_per_epoch, 1);
      const auto passed = std::count_if(o.milestones.begin(), o.milestones.end(),
                                        [&](int m) { return m <= epoch; });
      lr = o.lr * std::pow(o.gamma, static_cast<double>(passed));
      break;
    }
  }
  if (step < o.warmup_steps) {
    const double alpha = static_cast<double>(step) / static_cast<double>(o.warmup_steps);
    lr *= o.warmup_factor + (1.0 - o.warmup_factor) * alpha;
  }
  return lr;
}

}  // namespace whittle
