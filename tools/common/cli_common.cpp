#include "cli_common.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <thread>

#include "core/env_options.h"

namespace glyphstream::tools {

CLI::Validator int_range(int64_t min, int64_t max) {
  const std::string range = std::to_string(min) + ".." + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& input) -> std::string {
        int64_t value = 0;
        if (!CLI::detail::lexical_cast(input, value)) {
          double number = 0;
          const bool is_number = CLI::detail::lexical_cast(input, number);
          return input + (is_number ? " is not an integer" : " is not a number");
        }
        if (value < min || value > max) return input + " is not in " + range;
        return {};
      },
      "INT in [" + std::to_string(min) + " - " + std::to_string(max) + "]");
}

CLI::Validator number_range(double min, double max) {
  std::ostringstream text;
  text << min << ".." << max;
  const std::string range = text.str();
  std::ostringstream description;
  description << "FLOAT in [" << min << " - " << max << "]";
  return CLI::Validator(
      [min, max, range](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value)) return input + " is not a number";
        if (!(value >= min && value <= max)) return input + " is not in " + range;
        return {};
      },
      description.str());
}

void add_common_options(CLI::App& app, CommonOptions* o) {
  app.add_option("--backend", o->backend,
                 "Graphics API: gl (default) or vulkan (default: GLYPHSTREAM_BACKEND, else gl)")
      ->check(CLI::IsMember({"gl", "vulkan"}));
  app.add_option("--upload-mode", o->upload_mode,
                 "How commit() uploads: async (default), sync (kill switch) or whole-page "
                 "(baseline for benchmarks)")
      ->check(CLI::IsMember({"async", "sync", "whole-page"}));
  app.add_flag("--sync-uploads", o->sync_uploads,
               "Kill switch: synchronous uploads from client memory (= --upload-mode sync); "
               "GLYPHSTREAM_SYNC_UPLOADS=1 does the same");
  app.add_option("--threads", o->threads,
                 "Rasterizer threads (default: GLYPHSTREAM_THREADS, else all cores)")
      ->check(int_range(1, 256));
  app.add_option("--stats-json", o->stats_json, "Write per-frame statistics as JSON lines");
}

EnvironmentOptions read_environment(const Getenv& getenv) {
  EnvironmentOptions env;
  std::string warning;
  env.sync_uploads = parse_sync_uploads_env(getenv("GLYPHSTREAM_SYNC_UPLOADS"), &warning);
  if (!warning.empty()) env.warnings.push_back(warning);
  warning.clear();
  env.threads = parse_threads_env(getenv("GLYPHSTREAM_THREADS"), &warning);
  if (!warning.empty()) env.warnings.push_back(warning);
  warning.clear();
  env.backend = parse_backend_env(getenv("GLYPHSTREAM_BACKEND"), &warning);
  if (!warning.empty()) env.warnings.push_back(warning);
  return env;
}

void print_environment_warnings(const char* tool, const std::vector<std::string>& warnings) {
  for (const std::string& w : warnings) {
    std::fprintf(stderr, "%s: warning: %s\n", tool, w.c_str());
    note_env_warning_printed(w.substr(0, w.find('=')).c_str());
  }
}

std::optional<int> parse_command_line(CLI::App& app, std::vector<std::string> args,
                                      std::ostream& out, std::ostream& err) {
  try {
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    app.parse(args);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitError;
  }
  return std::nullopt;
}

Status apply_common_options(const CommonOptions& o, const EnvironmentOptions& env,
                            TextSystemDesc* desc) {
  if (o.sync_uploads && !o.upload_mode.empty() && o.upload_mode != "sync") {
    return {ErrorCode::kInvalidArgument,
            "--sync-uploads contradicts --upload-mode " + o.upload_mode};
  }
  if (o.sync_uploads) {
    desc->upload_mode_set = true;
    desc->upload_mode = UploadMode::kSync;
  } else if (!o.upload_mode.empty()) {
    desc->upload_mode_set = true;
    if (!parse_upload_mode(o.upload_mode, &desc->upload_mode)) {
      return {ErrorCode::kInvalidArgument, "unknown upload mode " + o.upload_mode};
    }
  } else {
    desc->upload_mode_set = true;
    desc->upload_mode = env.sync_uploads.value_or(false) ? UploadMode::kSync : UploadMode::kAsync;
  }
  // Always explicit: the library would otherwise read the environment again and warn twice.
  const int every_core = int(std::max(1u, std::thread::hardware_concurrency()));
  desc->threads = o.threads > 0 ? o.threads : env.threads.value_or(every_core);
  desc->backend = env.backend.value_or(GpuApi::kGl);
  if (!o.backend.empty() && !parse_gpu_api(o.backend, &desc->backend)) {
    return {ErrorCode::kInvalidArgument, "unknown backend " + o.backend};
  }
  return {};
}

Result<Color> parse_color(const std::string& text) {
  static const std::map<std::string, uint32_t> kNames = {
      {"black", 0x000000ff}, {"white", 0xffffffff}, {"red", 0xff0000ff},
      {"green", 0x00a000ff}, {"blue", 0x0000ffff},  {"transparent", 0x00000000}};
  if (auto it = kNames.find(text); it != kNames.end()) return Color::from_rgba8(it->second);
  std::string hex = text;
  if (!hex.empty() && hex[0] == '#') hex.erase(0, 1);
  for (char c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      return Status(ErrorCode::kInvalidArgument, "bad colour '" + text + "' (use #rrggbb[aa])");
    }
  }
  if (hex.size() == 3) hex = {hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]};
  if (hex.size() == 6) hex += "ff";
  if (hex.size() != 8) {
    return Status(ErrorCode::kInvalidArgument, "bad colour '" + text + "' (use #rrggbb[aa])");
  }
  return Color::from_rgba8(uint32_t(std::strtoul(hex.c_str(), nullptr, 16)));
}

Status write_stats_jsonl(const std::string& path, const std::vector<FrameStats>& frames) {
  std::ofstream out(path);
  if (!out) return {ErrorCode::kIoError, "cannot open " + path + " for writing"};
  for (const FrameStats& f : frames) out << frame_stats_to_json(f) << '\n';
  out.close();  // flushes; a full disk shows up only here
  if (!out) return {ErrorCode::kIoError, "cannot write " + path};
  return {};
}

// "12.345 ms", "3.2 us" or "40 ns".
static std::string duration_text(uint64_t ns) {
  char text[48];
  if (ns >= 1000000) {
    std::snprintf(text, sizeof text, "%.3f ms", double(ns) / 1e6);
  } else if (ns >= 1000) {
    std::snprintf(text, sizeof text, "%.1f us", double(ns) / 1e3);
  } else {
    std::snprintf(text, sizeof text, "%llu ns", static_cast<unsigned long long>(ns));
  }
  return text;
}

Status flush_stdout() {
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    return {ErrorCode::kIoError, "cannot write standard output"};
  }
  return {};
}

void print_profile(std::FILE* out, const FrameStats& s, const std::string& renderer,
                   const std::string& async_path) {
  auto ms = [](uint64_t ns) { return double(ns) / 1e6; };
  std::fprintf(out, "glyphstream profile (frame %llu)\n", static_cast<unsigned long long>(s.frame));
  std::fprintf(out, "  gpu            %s\n", renderer.c_str());
  std::fprintf(out, "  backend        %s%s\n", std::string(gpu_api_name(s.backend)).c_str(),
               s.transfer_queue ? " (uploads on a dedicated transfer queue)" : "");
  std::fprintf(out, "  upload mode    %s (async path: %s), %d rasterizer thread(s)\n",
               std::string(upload_mode_name(s.upload_mode)).c_str(), async_path.c_str(), s.threads);
  std::fprintf(
      out, "  glyphs         %u requested, %u drawn, %u cache hits, %u rasterized, %u errors\n",
      s.glyphs_requested, s.glyphs_drawn, s.glyph_hits, s.glyphs_rasterized, s.raster_errors);
  for (const std::string& e : s.raster_error_messages) {
    std::fprintf(out, "  glyph error    %s\n", e.c_str());
  }
  if (s.lcd_fallback_draws) {
    std::fprintf(out, "  lcd text       %u draw(s) greyscale instead: %s\n", s.lcd_fallback_draws,
                 "no dual-source blending, or a translucent target");
  }
  if (s.glyphs_stand_in || s.zoom_requests || s.glyphs_refined) {  // draw_text_scaled
    std::fprintf(out, "  scaled         %u stand-in(s), %u background request(s), %u refined\n",
                 s.glyphs_stand_in, s.zoom_requests, s.glyphs_refined);
  }
  std::fprintf(out, "  atlas          %u page(s), %.1f KiB, occupancy %.1f%%, %llu cached glyphs\n",
               s.pages, double(s.atlas_bytes) / 1024.0, s.occupancy * 100.0,
               static_cast<unsigned long long>(s.cached_glyphs));
  std::fprintf(out,
               "  uploads        %llu bytes (new glyphs %llu bytes), %u copy command(s), %u "
               "stall(s) %.3f ms\n",
               static_cast<unsigned long long>(s.bytes_uploaded),
               static_cast<unsigned long long>(s.glyph_bytes), s.copy_commands, s.stalls,
               ms(s.stall_ns));
  std::fprintf(out,
               "  cpu time       layout %.3f ms, rasterize %.3f ms, pack %.3f ms, upload %.3f ms, "
               "commit %.3f ms, draw %.3f ms, frame %.3f ms\n",
               ms(s.layout_ns), ms(s.rasterize_ns), ms(s.pack_ns), ms(s.upload_cpu_ns),
               ms(s.commit_cpu_ns), ms(s.draw_cpu_ns), ms(s.frame_cpu_ns));
  if (s.gpu_timing_available) {
    // As the driver's timer queries report them, in a unit that shows them: llvmpipe's are tens
    // of nanoseconds (its queries end before the deferred rasterization runs), not "0.000 ms".
    std::fprintf(out, "  gpu time       upload %s, draw %s (frame %llu, timer queries)\n",
                 duration_text(s.gpu_upload_ns).c_str(), duration_text(s.gpu_draw_ns).c_str(),
                 static_cast<unsigned long long>(s.gpu_timing_frame));
  } else {
    std::fprintf(out, "  gpu time       unavailable (no timer queries on this driver)\n");
  }
  std::fprintf(out, "  draw calls     %u\n", s.draw_calls);
  std::string fonts;
  for (const auto& f : s.fonts_used) fonts += (fonts.empty() ? "" : ", ") + f;
  std::fprintf(out, "  fonts          %s\n", fonts.c_str());
}

}  // namespace glyphstream::tools
