#!/usr/bin/env bash
# The two commands of the README, runnable on a fresh machine:
#   bash tools/run.sh demo   set up, then run the quickstart demo on the embedded local registry
#   bash tools/run.sh test   set up, then run lint, type checks and every test
# Setup installs Node 24 when the machine's node is older than 24, then `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/setup/node.sh
source tools/setup/node.sh
# shellcheck source=tools/setup/system.sh
source tools/setup/system.sh
# shellcheck source=tools/setup/docker.sh
source tools/setup/docker.sh
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false

task="${1:-}"
case "$task" in
  test)
    # Nx keeps its cache outside the clone, shared by clones of this repository on one machine:
    # the test command always runs every task instead of replaying earlier results.
    export NX_SKIP_NX_CACHE=true
    ensure_node
    ensure_system_packages
    ensure_docker
    export TESTCONTAINERS_RYUK_DISABLED=true E2E_NETWORK=host
    npm ci --no-audit --no-fund
    npm run lint
    npm run typecheck
    npm test
    ;;
  demo)
    ensure_node
    npm ci --no-audit --no-fund
    npm run demo
    ;;
  *)
    echo "usage: bash tools/run.sh test|demo" >&2
    exit 2
    ;;
esac
