#pragma once
// The message of the whittle::Error a call throws, for tests that check what
// an error says: "(no error)" when it throws none.
#include <functional>
#include <string>

#include "graph/error.h"

namespace whittle::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace whittle::test
