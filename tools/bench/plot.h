// Frame-time plots through gnuplot, safe with untrusted labels: the numbers go through data
// files (gnuplot reads the columns), labels are reduced to a safe character set and quoted,
// and gnuplot runs without a shell.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::bench {

using NamedSeries = std::pair<std::string, std::vector<double>>;

// Writes the gnuplot script that plots `series` (one data file each, `data_paths[i]`) into the
// PNG at `png_path`. kInvalidArgument if png_path holds control characters.
Result<std::string> frame_time_plot_script(const std::string& png_path, const std::string& title,
                                           const std::vector<NamedSeries>& series,
                                           const std::vector<std::string>& data_paths);
// The data file gnuplot reads for one series: "<frame> <ms>" per line, every frame on its own
// line whatever the value (%.9g: 1e300 is one line, not a cut-off 64-byte buffer), values below
// 0.001 ms raised to it (the y axis is logarithmic).
std::string frame_time_data(const std::vector<double>& frame_cpu_ms);
// Where --plot PATH puts one workload's plot: PATH's folder, its file name's stem, "-workload",
// its file name's extension ("out/my.dir/plot.png" -> "out/my.dir/plot-scroll.png").
std::string plot_path_for(const std::string& plot_path, const std::string& workload);
// Writes a PNG plot of frame CPU time over frames, one line per series, by running gnuplot on a
// script and data files in a private temporary folder (in TMPDIR, else /tmp). Errors
// (kIoError) say which: no temporary folder (TMPDIR missing or not a folder), the PNG's folder
// missing, gnuplot not installed, or gnuplot's own message; kInvalidArgument for no series or
// a series without frames.
Status plot_frame_times_safely(const std::string& png_path, const std::string& title,
                               const std::vector<NamedSeries>& series);

}  // namespace glyphstream::bench
