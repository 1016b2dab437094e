// Shared main for every test executable: fixes LibTorch's thread count (it
// starts with one here) so runs are comparable and caps oneDNN below AMX
// (runtime/process_setup.h), then runs GoogleTest.
#include <gtest/gtest.h>

#include "runtime/process_setup.h"
#include "runtime/threading.h"

int main(int argc, char** argv) {
  whittle::configure_onednn();
  whittle::set_threads(2);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
