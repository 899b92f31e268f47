#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the full analysis of the sample county.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-debian.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
mkdir -p out
build/hinterland run samples/qinshui/plan.yaml -o out/qinshui.gpkg --report out/qinshui-report.html --tables out/tables -f
echo "Results: out/qinshui.gpkg (open in QGIS, or out/qinshui.qgs), out/qinshui-report.html, out/tables/"
