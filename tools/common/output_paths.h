// Checks that a tool's outputs overwrite neither its input nor each other (--out equal to
// --file replaced the user's text; --stats-json equal to --out replaced the PNG), before
// anything is written.
#pragma once

#include <string>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::tools {

// One file a tool reads or writes, named by the option that gave it.
struct PathUse {
  std::string option;  // "--out"
  std::string path;    // empty: not used
  bool output = true;
};

// Whether two paths name one file: by filesystem identity (std::filesystem::equivalent) where
// both exist, else by their normalised absolute paths (symbolic links of the existing part
// resolved).
bool same_file(const std::string& a, const std::string& b);

// kInvalidArgument naming both options when an output is the same file as another use (input
// or output). "-" (standard input or output) is never compared; two outputs to one device or
// FIFO (/dev/null twice) are allowed: writing there loses nothing.
Status check_distinct_paths(const std::vector<PathUse>& uses);

// Files written into a folder by name pattern (--dump-atlas DIR writes DIR/page-<n>.png):
// true when `path` lies in `dir` and its file name is `prefix`, one or more characters of
// `middle`, then `suffix`.
enum class NameMiddle {
  kDigits,     // [0-9]: page numbers
  kWordChars,  // [A-Za-z0-9_-]: workload names
};
bool matches_written_name(const std::string& path, const std::string& dir,
                          const std::string& prefix, NameMiddle middle, const std::string& suffix);

}  // namespace glyphstream::tools
