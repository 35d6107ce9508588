#!/usr/bin/env bash
# Installs every Debian 12 package glyphstream needs to build, test, benchmark and render.
# Idempotent: asks apt only for what is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git python3
  # text: Pango (HarfBuzz inside), fontconfig, FreeType
  libpango1.0-dev libharfbuzz-dev libfontconfig-dev libfreetype-dev
  # GPU: OpenGL through EGL (Mesa llvmpipe where there is no GPU), libepoxy
  libepoxy-dev libegl-dev libegl1 libegl-mesa0 libgl1-mesa-dri libgl-dev
  # GPU: Vulkan loader and headers, lavapipe (Mesa's CPU Vulkan), glslc, the validation layer
  libvulkan-dev mesa-vulkan-drivers glslc vulkan-validationlayers
  # images, command lines, JSON, tests, benchmarks
  libpng-dev libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  # test-only: the pango-cairo oracle (tests/oracle); pangocairo's .pc comes with
  # libpango1.0-dev, cairo's headers with libcairo2-dev
  libcairo2-dev
  # fonts for every script of the sample
  fonts-dejavu-core fonts-wqy-microhei fonts-noto-color-emoji fonts-noto-core
  # fuzzers and sanitizer runtimes (clang), bench plots, the windowed example under Xvfb
  clang libclang-rt-14-dev gnuplot-nox libglfw3-dev xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
