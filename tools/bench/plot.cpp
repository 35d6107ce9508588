#include "plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "result_file.h"

extern char** environ;

namespace glyphstream::bench {
namespace {

// A gnuplot single-quoted string: nothing is special inside but the quote, written twice.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

bool has_control_characters(const std::string& text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Status write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  if (!out) return {ErrorCode::kIoError, "cannot write " + path};
  return {};
}

// Runs `gnuplot script` directly (no shell), its output discarded; true when it exits 0.
bool run_gnuplot(const std::string& script) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string program = "gnuplot";
  std::vector<char*> argv = {program.data(), const_cast<char*>(script.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

struct TempDir {
  std::string path;
  ~TempDir() {
    std::error_code ec;
    if (!path.empty()) std::filesystem::remove_all(path, ec);
  }
};

}  // namespace

Result<std::string> frame_time_plot_script(const std::string& png_path, const std::string& title,
                                           const std::vector<NamedSeries>& series,
                                           const std::vector<std::string>& data_paths) {
  if (has_control_characters(png_path)) {
    return Status(ErrorCode::kInvalidArgument, "the plot path must not hold control characters");
  }
  std::string s = "set terminal pngcairo size 900,420 noenhanced\n";
  s += "set output " + quote(png_path) + "\n";
  s += "set title " + quote(sanitize_label(title)) + "\n";
  s += "set xlabel 'frame'\nset ylabel 'frame CPU time (ms)'\n";
  s += "set key top right\nset grid\nset logscale y\nplot ";
  for (size_t i = 0; i < series.size() && i < data_paths.size(); ++i) {
    s += (i ? ", " : "") + quote(data_paths[i]) + " using 1:2 with lines lw 1.5 title " +
         quote(sanitize_label(series[i].first));
  }
  return s + "\n";
}

Status plot_frame_times_safely(const std::string& png_path, const std::string& title,
                               const std::vector<NamedSeries>& series) {
  if (series.empty()) return {};
  TempDir dir;
  std::string pattern =
      (std::filesystem::temp_directory_path() / "glyphstream-plot-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return {ErrorCode::kIoError, "cannot create a temporary folder for the plot"};
  }
  dir.path = pattern;
  std::vector<std::string> data_paths;
  for (size_t i = 0; i < series.size(); ++i) {
    std::string data;
    char line[64];
    for (size_t f = 0; f < series[i].second.size(); ++f) {
      std::snprintf(line, sizeof line, "%zu %.6f\n", f, std::max(series[i].second[f], 1e-3));
      data += line;
    }
    data_paths.push_back(dir.path + "/series-" + std::to_string(i) + ".dat");
    GS_TRY(write_file(data_paths.back(), data));
  }
  GS_ASSIGN_OR_RETURN(std::string script,
                      frame_time_plot_script(png_path, title, series, data_paths));
  const std::string script_path = dir.path + "/plot.gp";
  GS_TRY(write_file(script_path, script));
  if (!run_gnuplot(script_path)) {
    return {ErrorCode::kIoError,
            "gnuplot failed writing " + png_path + " (is gnuplot-nox installed?)"};
  }
  return {};
}

}  // namespace glyphstream::bench
