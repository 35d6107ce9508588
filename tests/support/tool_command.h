// Running the tools as a user would, for the tool tests: a command's exit status and output, a
// scratch path, and the hostile-input cases of tests/data/hostile/<folder>/<case>.case.
#pragma once

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace glyphstream::testing {

struct CommandRun {
  int exit_code = -1;
  std::string output;
};

inline CommandRun run(const std::string& command) {
  CommandRun r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

inline std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("glyphstream-test-" + name)).string();
}

// Hostile input (issue 15): one file per case in tests/data/hostile/render/<case>.case, lines
// "args:", "exit:", "expect:" (a substring of the output), optional "env:", "stdin:" (a shell
// command piped in) and "stdout:" (where standard output goes). @DATA@ is the case folder,
// @TMP@ a scratch folder.
struct HostileCase {
  std::string name, args, env, stdin_command, stdout_path, expect;
  int exit_code = -1;
};

inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

inline HostileCase read_case(const std::filesystem::path& path, const std::string& tmp) {
  HostileCase c;
  c.name = path.stem().string();
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(": ");
    if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    const std::string value = replace_all(
        replace_all(line.substr(colon + 2), "@DATA@", path.parent_path().string()), "@TMP@", tmp);
    if (key == "args") c.args = value;
    if (key == "env") c.env = value;
    if (key == "stdin") c.stdin_command = value;
    if (key == "stdout") c.stdout_path = value;
    if (key == "expect") c.expect = value;
    if (key == "exit") c.exit_code = std::stoi(value);
  }
  return c;
}

inline std::vector<std::filesystem::path> case_files(const std::string& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(GLYPHSTREAM_SOURCE_DIR) +
                                                           "/tests/data/hostile/" + folder)) {
    if (e.path().extension() == ".case") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace glyphstream::testing
