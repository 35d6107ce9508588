#include "output_paths.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace glyphstream::tools {
namespace {

namespace fs = std::filesystem;

// The absolute, normalised path with the symbolic links of its existing part resolved; the
// lexically normalised path where even that fails.
fs::path normalised(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) p = fs::absolute(path, ec).lexically_normal();
  // "dir/" and "dir" name one folder.
  if (!p.has_filename() && p.has_parent_path() && p != p.root_path()) p = p.parent_path();
  return p;
}

bool is_device_or_fifo(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec_a, ec_b;
  const bool a_exists = fs::exists(a, ec_a), b_exists = fs::exists(b, ec_b);
  if (a_exists && b_exists) {
    std::error_code ec;
    return fs::equivalent(a, b, ec) && !ec;
  }
  return normalised(a) == normalised(b);
}

Status check_distinct_paths(const std::vector<PathUse>& uses) {
  for (size_t i = 0; i < uses.size(); ++i) {
    for (size_t j = i + 1; j < uses.size(); ++j) {
      const PathUse &a = uses[i], &b = uses[j];
      if (!a.output && !b.output) continue;
      if (a.path.empty() || b.path.empty() || a.path == "-" || b.path == "-") continue;
      if (!same_file(a.path, b.path)) continue;
      // Two writers of a device or FIFO (/dev/null twice) lose nothing.
      if (a.output && b.output && is_device_or_fifo(a.path)) continue;
      const PathUse& written = a.output ? a : b;
      const PathUse& other = a.output ? b : a;
      return {ErrorCode::kInvalidArgument,
              written.option + " " + written.path + " is the same file as " + other.option + " " +
                  other.path +
                  (other.output ? "; one would replace the other"
                                : "; writing it would destroy the input") +
                  " (nothing was written)"};
    }
  }
  return {};
}

bool matches_written_name(const std::string& path, const std::string& dir,
                          const std::string& prefix, NameMiddle middle, const std::string& suffix) {
  if (path.empty() || dir.empty() || path == "-") return false;
  const fs::path p = normalised(path);
  const std::string name = p.filename().string();
  if (name.size() < prefix.size() + suffix.size() + 1) return false;
  if (name.compare(0, prefix.size(), prefix) != 0) return false;
  if (name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
  const std::string mid = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
  const bool ok = std::all_of(mid.begin(), mid.end(), [middle](char c) {
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (middle == NameMiddle::kDigits) return digit;
    return digit || std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
  return ok && same_file(p.parent_path().string(), dir);
}

}  // namespace glyphstream::tools
