#pragma once
// Learning-rate schedules as a plain function of the global step (0-based:
// the step about to be taken), so a resumed run gets the same rates.
//
//   warm-up (steps < warmup_steps): the main schedule's rate times
//     warmup_factor + (1 - warmup_factor) * step / warmup_steps
//     (torchvision's detection reference: linear warm-up multiplying the
//     main schedule);
//   constant:  lr;
//   cosine:    min_lr + (lr - min_lr) * (1 + cos(pi * t / T)) / 2 with
//              t = step - warmup_steps, T = total_steps - warmup_steps
//              (the decay starts after warm-up and ends at min_lr);
//   multistep: lr * gamma^k, k = number of milestones <= epoch, epoch =
//              step / steps_per_epoch (0-based; milestone 8 = from the 9th
//              epoch on, as torch's MultiStepLR stepped once per epoch).
#include <cstdint>
#include <string>
#include <vector>

namespace whittle {

enum class ScheduleKind { Constant, Cosine, MultiStep };

// "constant" | "cosine" | "multistep" (throws Error naming the text otherwise).
ScheduleKind parse_schedule_kind(const std::string& text);
std::string schedule_kind_name(ScheduleKind kind);

struct ScheduleOptions {
  ScheduleKind kind = ScheduleKind::Constant;
  double lr = 1e-3;
  int64_t warmup_steps = 0;
  double warmup_factor = 1.0 / 3.0;
  double min_lr = 0;            // cosine
  std::vector<int> milestones;  // multistep, in epochs
  double gamma = 0.1;           // multistep
  int64_t total_steps = 0;      // cosine: epochs * steps_per_epoch
  int64_t steps_per_epoch = 1;  // multistep
};

// Throws Error for inconsistent options (cosine without total_steps, ...).
void validate_schedule(const ScheduleOptions& options);

// The learning rate of global step `step`. Steps past total_steps keep the
// last rate (cosine: min_lr).
double learning_rate(const ScheduleOptions& options, int64_t step);

}  // namespace whittle
