#include "plot.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// Runs `gnuplot script` directly (no shell), standard output discarded and standard error into
// `log`. "" when it exits 0, else why not.
std::string run_gnuplot(const std::string& script, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::string program = "gnuplot";
  std::vector<char*> argv = {program.data(), const_cast<char*>(script.c_str()), nullptr};
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, "gnuplot", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc == ENOENT) return "gnuplot was not found on PATH (install gnuplot-nox)";
  if (rc != 0) return std::string("gnuplot could not be started: ") + std::strerror(rc);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  // gnuplot's last message line, cut to printable characters.
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t^");
    if (start != std::string::npos) last = sanitize_label(line.substr(start), 200);
  }
  return WIFEXITED(status) ? "gnuplot exited with status " + std::to_string(WEXITSTATUS(status)) +
                                 (last.empty() ? "" : ": " + last)
                           : "gnuplot was killed by signal " + std::to_string(WTERMSIG(status));
}

// A private folder for the script and data files: "" and `why` set where none can be made.
std::string make_temp_dir(std::string* why) {
  std::error_code ec;
  const std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) {
    const char* tmpdir = std::getenv("TMPDIR");
    *why = "no temporary folder for the plot's data: TMPDIR=" +
           sanitize_label(tmpdir ? tmpdir : "", 200) + " is not a folder (" + ec.message() + ")";
    return "";
  }
  std::string pattern = (base / "glyphstream-plot-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    *why = "cannot create a temporary folder for the plot in " + base.string() + ": " +
           std::strerror(errno);
    return "";
  }
  return pattern;
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

std::string frame_time_data(const std::vector<double>& frame_cpu_ms) {
  std::string data;
  char line[64];  // a size_t (20 digits), a %.9g double (16 characters) and separators
  for (size_t f = 0; f < frame_cpu_ms.size(); ++f) {
    std::snprintf(line, sizeof line, "%zu %.9g\n", f, std::max(frame_cpu_ms[f], 1e-3));
    data += line;
  }
  return data;
}

std::string plot_path_for(const std::string& plot_path, const std::string& workload) {
  const std::filesystem::path p(plot_path);
  const std::string name = p.stem().string() + "-" + workload + p.extension().string();
  return (p.parent_path() / name).string();
}

Status plot_frame_times_safely(const std::string& png_path, const std::string& title,
                               const std::vector<NamedSeries>& series) {
  if (series.empty()) return {ErrorCode::kInvalidArgument, "nothing to plot in " + png_path};
  for (const NamedSeries& s : series) {
    if (s.second.empty()) {
      return {ErrorCode::kInvalidArgument,
              "the series \"" + sanitize_label(s.first) + "\" has no frames to plot"};
    }
  }
  // gnuplot cannot say which part of the path is missing.
  const std::filesystem::path folder = std::filesystem::path(png_path).parent_path();
  std::error_code ec;
  if (!folder.empty() && !std::filesystem::is_directory(folder, ec)) {
    return {ErrorCode::kIoError,
            "cannot write " + png_path + ": the folder " + folder.string() + " does not exist"};
  }
  TempDir dir;
  std::string why;
  dir.path = make_temp_dir(&why);
  if (dir.path.empty()) return {ErrorCode::kIoError, why};
  std::vector<std::string> data_paths;
  for (size_t i = 0; i < series.size(); ++i) {
    data_paths.push_back(dir.path + "/series-" + std::to_string(i) + ".dat");
    GS_TRY(write_file(data_paths.back(), frame_time_data(series[i].second)));
  }
  GS_ASSIGN_OR_RETURN(std::string script,
                      frame_time_plot_script(png_path, title, series, data_paths));
  const std::string script_path = dir.path + "/plot.gp";
  GS_TRY(write_file(script_path, script));
  why = run_gnuplot(script_path, dir.path + "/gnuplot.log");
  if (!why.empty()) return {ErrorCode::kIoError, "cannot write " + png_path + ": " + why};
  return {};
}

}  // namespace glyphstream::bench
