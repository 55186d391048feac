# Sourced by tools/run.sh: installs the Debian packages the tests drive for real — skopeo and
# buildah (interop), docker-registry (distribution 2.8.2: differential tests, token service,
# benchmarks). Needs root and apt; elsewhere it says what is missing and the tests that need a
# tool skip (or fail under CI=true).
# shellcheck shell=bash

SYSTEM_PACKAGES=(skopeo buildah docker-registry)

ensure_system_packages() {
  local missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup: system packages present: ${SYSTEM_PACKAGES[*]}"
    return
  fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing[*]} (install them with apt as root); tests that need them will skip" >&2
    return
  fi
  echo "setup: installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
