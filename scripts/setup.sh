#!/usr/bin/env bash
# Installs Whittle's Debian 12 packages (idempotent), then configures and builds.
# Usage: scripts/setup.sh [--no-build] [--build-dir DIR] [--type Release|Debug] [--target T]...
# --target builds only those targets (the demo needs whittle-cli and whittle,
# not the tests and benchmarks); default: everything.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$ROOT/build"
BUILD_TYPE=Release
DO_BUILD=1
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-build) DO_BUILD=0 ;;
    --build-dir) BUILD_DIR="$2"; shift ;;
    --type) BUILD_TYPE="$2"; shift ;;
    --target) TARGETS+=(--target "$2"); shift ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libdnnl-dev
  qt6-base-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6 qt6-svg-dev
  libopencv-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev
  nlohmann-json3-dev libpugixml-dev libcli11-dev libspdlog-dev
  libopenblas0-pthread
  xvfb xauth fonts-dejavu-core
)

SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ $DO_BUILD -eq 1 ]]; then
  GEN=()
  if command -v ninja >/dev/null && [[ ! -f "$BUILD_DIR/Makefile" ]]; then GEN=(-G Ninja); fi
  if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" "${GEN[@]}" -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
  fi
  cmake --build "$BUILD_DIR" --parallel "$(nproc)" "${TARGETS[@]}"
fi
