#!/usr/bin/env bash
# The main job: installs what is missing, builds, renders the built-in multilingual sample to
# glyphstream-sample.png through the GPU pipeline and prints the profile.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
./build/tools/render/glyphstream-render --out glyphstream-sample.png \
  --stats-json glyphstream-sample.stats.jsonl "$@" </dev/null
