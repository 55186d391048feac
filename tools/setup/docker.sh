# Sourced by tools/run.sh: makes a Docker engine answer for the e2e suite (testcontainers), then
# makes sure registry:2.8.2 is present (tools/registry-image/build.sh builds it offline if absent).
# No image can be pulled on CI machines and their network has no bridge to offer, so the engine
# is Debian's docker.io started by hand without a bridge or iptables rules: containers use host
# networking only and all traffic stays on 127.0.0.1. Needs root and apt; elsewhere it says what
# is missing and the e2e suite skips (or fails under CI=true).
# shellcheck shell=bash

DOCKER_SOCKET=/var/run/docker.sock

docker_answers() { docker version --format '{{.Server.Version}}' 2>/dev/null; }

ensure_docker() {
  local version
  if version=$(docker_answers); then
    echo "setup: docker engine $version answers"
  elif [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: no Docker engine answers and this is not root with apt; the e2e suite will skip (CI=true: fail)" >&2
    return
  else
    if ! command -v dockerd >/dev/null 2>&1; then
      echo "setup: installing docker.io from Debian"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
    fi
    start_dockerd
  fi
  bash tools/registry-image/build.sh
}

# --- internal ---

# A machine restarted without a clean shutdown keeps dockerd's pid file; when the pid in it now
# belongs to another process, dockerd refuses to start ("pid file found"). Remove only a file whose
# pid is not a running dockerd.
remove_stale_pid_file() {
  local pid_file=/var/run/docker.pid pid
  [ -f "$pid_file" ] || return 0
  pid=$(cat "$pid_file" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "dockerd" ]; then return 0; fi
  echo "setup: removing stale $pid_file (pid ${pid:-none} is not a running dockerd)"
  rm -f "$pid_file"
}

start_dockerd() {
  local log="$PWD/.cache/dockerd.log"
  mkdir -p "$(dirname "$log")"
  remove_stale_pid_file
  echo "setup: starting dockerd (no bridge, no iptables; log in $log)"
  # setsid: the engine outlives this script, like a service would; tests started later need it.
  setsid dockerd --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 </dev/null &
  local waited=0
  until [ -S "$DOCKER_SOCKET" ] && docker_answers >/dev/null; do
    # dockerd logs this line and exits when it cannot start: no use waiting out the minute.
    if [ "$waited" -ge 60 ] || grep -q '^failed to start daemon' "$log"; then
      echo "setup: dockerd did not answer on $DOCKER_SOCKET (after ${waited} s); last lines of $log:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
    if [ $((waited % 10)) -eq 0 ]; then echo "setup: waiting for $DOCKER_SOCKET (${waited} s)"; fi
  done
  echo "setup: docker engine $(docker_answers) answers after ${waited} s"
}
