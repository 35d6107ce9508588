// Reading the text a tool renders, bounded: at most kMaxInputBytes, UTF-8 validated while it is
// read (so random bytes on a pipe stop at the first bad sequence, not at end of input), and
// only from a regular file or standard input (a directory, FIFO or device named by --file is
// refused before anything is read: /dev/zero would otherwise never end).
#pragma once

#include <cstddef>
#include <string>

#include "glyphstream/status.h"

namespace glyphstream::tools {

constexpr size_t kMaxInputBytes = size_t{16} << 20;  // 16 MiB
constexpr const char* kMaxInputText = "16 MiB";

// Reads `path` (a regular file). Errors: kIoError (cannot open or read), kInvalidArgument (not
// a regular file; longer than kMaxInputBytes), kInvalidUtf8 (the byte offset of the first bad
// sequence).
// `max_bytes` replaces the limit for other inputs (bench result files).
Result<std::string> read_text_file(const std::string& path, size_t max_bytes = kMaxInputBytes);
// Reads an open descriptor (standard input) to its end with the same limits; `what` names it.
Result<std::string> read_text_fd(int fd, const std::string& what,
                                 size_t max_bytes = kMaxInputBytes);

}  // namespace glyphstream::tools
