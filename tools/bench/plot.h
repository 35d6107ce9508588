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
// Writes a PNG plot of frame CPU time over frames, one line per series, by running gnuplot on a
// script and data files in a private temporary folder. kIoError without gnuplot.
Status plot_frame_times_safely(const std::string& png_path, const std::string& title,
                               const std::vector<NamedSeries>& series);

}  // namespace glyphstream::bench
