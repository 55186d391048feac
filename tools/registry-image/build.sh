#!/usr/bin/env bash
# Builds the `registry:2.8.2` image offline, from Debian's `docker-registry` binary (distribution
# 2.8.2, the code the official image of that tag ships), when the image is not already present.
# The tag is exact, never the floating `registry:2`: e2e/images.Dockerfile names the same one,
# and tools/test/registry-image.test.ts checks that the two agree. CI machines cannot pull
# images; a machine with internet can simply `docker pull registry:2.8.2` instead.
# Idempotent: an existing image is left alone. See README.md next to this script.
#
#   bash tools/registry-image/build.sh            # builds registry:2.8.2 if absent
#   REGISTRY_IMAGE=registry:2.8.2 DOCKER_REGISTRY_BINARY=/usr/bin/docker-registry bash …
set -euo pipefail

image="${REGISTRY_IMAGE:-registry:2.8.2}"
binary="${DOCKER_REGISTRY_BINARY:-/usr/bin/docker-registry}"
here="$(cd "$(dirname "$0")" && pwd)"
say() { echo "registry-image: $*"; }

if docker image inspect "$image" >/dev/null 2>&1; then
  say "$image is present ($(docker image inspect -f '{{.Id}}' "$image" | cut -c1-19)); nothing to do"
  exit 0
fi
if [ ! -x "$binary" ]; then
  say "$binary is missing: apt-get install docker-registry, or docker pull $image with internet" >&2
  exit 1
fi

# `docker-registry github.com/docker/distribution 2.8.2+ds1`: the upstream version is what comes
# before Debian's `+` suffix. A version tag must be the version of the binary inside.
version="$("$binary" --version 2>/dev/null | awk '{print $NF}')"
upstream="${version%%+*}"
upstream="${upstream#v}"
tag="${image##*:}"
if [[ "$tag" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && "$tag" != "$upstream" ]]; then
  say "$binary is distribution $upstream: it cannot be tagged $image" >&2
  exit 1
fi

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
say "building $image from $binary ($version)"

# The binary as the official image names it, plus what the loader needs to start it: ldd lists
# the shared libraries and the loader itself by absolute path (none for a static binary).
install -D -m 0755 "$binary" "$root/bin/registry"
libraries="$(ldd "$binary" 2>/dev/null | grep -o '/[^ ]*' || true)"
for file in $libraries; do
  cp -L --parents "$file" "$root/"
  say "  + $file"
done
install -D -m 0644 "$here/config.yml" "$root/etc/docker/registry/config.yml"
install -d -m 0755 "$root/var/lib/registry"
install -d -m 1777 "$root/tmp"

# No shell in the image, so the entrypoint is exec-form: `registry serve <config>`, the config
# path being the overridable command, as in the official image.
tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
  docker import \
    --change 'ENV PATH=/bin' \
    --change 'ENTRYPOINT ["registry", "serve"]' \
    --change 'CMD ["/etc/docker/registry/config.yml"]' \
    --change 'EXPOSE 5000' \
    --change "LABEL org.opencontainers.image.description=\"$image built offline from Debian's docker-registry\"" \
    --change "LABEL org.opencontainers.image.version=\"$upstream\"" \
    --message "tools/registry-image/build.sh from $binary" \
    - "$image" >/dev/null

# Proves the loader and libraries are complete before a test depends on it.
say "smoke test: $(docker run --rm --network none --entrypoint registry "$image" --version)"
say "built $image ($(docker image inspect -f '{{.Id}}' "$image" | cut -c1-19))"
