#include "train/distill.h"

#include <ATen/ATen.h>

#include "graph/error.h"
#include "graph/shape_inference.h"

namespace whittle {

at::Tensor distillation_loss(const TensorMap& student, const TensorMap& teacher,
                             const std::vector<std::string>& names) {
  if (names.empty()) throw Error("distillation: no head outputs to compare");
  at::Tensor total;
  for (const auto& name : names) {
    auto s = student.find(name);
    if (s == student.end()) throw Error("distillation: the student has no output '" + name + "'");
    auto t = teacher.find(name);
    if (t == teacher.end()) throw Error("distillation: the teacher has no output '" + name + "'");
    if (!s->second.sizes().equals(t->second.sizes()))
      throw Error("distillation: output '" + name + "' is " + format_shape(s->second) +
                  " in the student but " + format_shape(t->second) + " in the teacher");
    // mean over elements of (s - t)^2; the teacher is a constant
    at::Tensor term = at::mse_loss(s->second, t->second.detach().to(s->second.scalar_type()));
    total = total.defined() ? total + term : term;
  }
  return total;
}

}  // namespace whittle
