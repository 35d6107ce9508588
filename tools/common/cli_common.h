// Flags every tool shares (upload mode, kill switch, threads, stats) and small helpers.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "glyphstream/text_system.h"

namespace glyphstream::tools {

struct CommonOptions {
  std::string upload_mode;  // empty: the library's default (environment, then async)
  bool sync_uploads = false;
  int threads = 0;
  std::string stats_json;
};

// Adds --upload-mode, --sync-uploads, --threads and --stats-json.
void add_common_options(CLI::App& app, CommonOptions* options);
// Validates the options and applies them to a TextSystemDesc.
Status apply_common_options(const CommonOptions& options, TextSystemDesc* desc);

// Parses #rgb, #rrggbb, #rrggbbaa or a few names (black, white, ...).
Result<Color> parse_color(const std::string& text);

// Writes one JSON object per frame, one per line.
Status write_stats_jsonl(const std::string& path, const std::vector<FrameStats>& frames);

// A short human profile of one frame.
void print_profile(std::FILE* out, const FrameStats& s, const std::string& renderer,
                   const std::string& async_path);

}  // namespace glyphstream::tools
