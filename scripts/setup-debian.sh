#!/usr/bin/env bash
# Install what hinterland needs on Debian 12 (only what is missing).
# Usage: scripts/setup-debian.sh [--clients]   (--clients adds QGIS and Chromium for the client tests)
set -euo pipefail
pkgs=(build-essential cmake pkg-config libgdal-dev gdal-bin python3-gdal libproj-dev proj-bin libgeos-dev
      libsqlite3-dev sqlite3 libspatialite-dev libcmocka-dev libfyaml-dev libxlsxwriter-dev valgrind clang
      libclang-rt-14-dev python3-networkx)
if [[ "${1:-}" == "--clients" ]]; then
  pkgs+=(python3-qgis qgis-providers chromium xvfb)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
