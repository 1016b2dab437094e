#pragma once
// Knowledge distillation on a detector's raw head outputs (logit matching,
// Ba & Caruana 2014, "Do Deep Nets Really Need to be Deep?", applied to
// every raw head tensor: class logits and box regressions alike). The loss
// is family-agnostic, as the trainer is: it never decodes.
//
//   L = sum over the head's outputs o of mean over elements (s_o - t_o)^2
//
// where s are the student's raw outputs and t the teacher's on the same
// (augmented) batch. The teacher is a constant: no gradient reaches it. A
// pruned student keeps its teacher's head shapes (head outputs are never
// pruned), so the tensors match element for element. In the trainer the
// student runs in training mode (BatchNorm on batch statistics) and the
// teacher in inference mode, so even a student equal to its teacher starts
// with a small positive loss.
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "runtime/runner.h"  // TensorMap

namespace whittle {

// Scalar, differentiable in `student`. Throws whittle::Error naming the
// output when a name is missing from either map or the shapes differ.
at::Tensor distillation_loss(const TensorMap& student, const TensorMap& teacher,
                             const std::vector<std::string>& names);

}  // namespace whittle
