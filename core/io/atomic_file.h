#pragma once
// Whole-file reads and atomic writes for model and checkpoint files.
#include <string>

namespace whittle {

// Writes `bytes` to a temporary file in the folder of `path`, flushes it to
// disk, then renames it over `path`: readers see the old file or the new one,
// never a half-written file. Throws whittle::Error naming `path` on failure
// (the temporary file is removed).
void write_file_atomic(const std::string& path, const std::string& bytes);

// Reads a whole file. Throws whittle::Error naming `path` when it is missing,
// not a regular file or unreadable.
std::string read_file(const std::string& path);

}  // namespace whittle
