#pragma once
// Tests that hold the int8 runner to exactness (one or two steps of the uint8
// grid from fake quantization, OpenCV DNN or an exported file) skip on a CPU
// where the chosen engine's int8 convs saturate (qengine_saturates in
// quant/int8_runner.h: no VNNI). There the runner is several steps off
// because of the hardware, and the skip says so instead of hiding it in a
// wider tolerance.
#include <gtest/gtest.h>

#include "quant/int8_runner.h"

#define WHITTLE_SKIP_IF_INT8_SATURATES()                                                   \
  if (::whittle::qengine_saturates(::whittle::QEngine::Auto))                            \
  GTEST_SKIP() << "the " << ::whittle::qengine_name(::whittle::best_qengine())            \
               << " engine's int8 kernels saturate on this CPU (no VNNI): not exact here"
