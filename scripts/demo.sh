#!/usr/bin/env bash
# The main job: set up (packages + build), then run the demo.
# For now the demo prints the layer table of a built-in network.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
"$ROOT/build/app/whittle-cli" info --zoo mobilenet_v2 "$@"
