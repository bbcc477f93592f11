#!/usr/bin/env bash
# Build the sandbox image's base offline from Debian packages: no container registry needed.
#
#   debootstrap --variant=minbase --include=python3 bookworm ROOTFS
#   tar -C ROOTFS -c . | docker import - toolproof-sandbox-base:bookworm
#
# Cached: does nothing when the base tag exists already. Needs root and debootstrap
# (installed from Debian when missing). Usage: images/build-base.sh [TAG] [MIRROR]
set -euo pipefail

TAG="${1:-toolproof-sandbox-base:bookworm}"
MIRROR="${2:-${DEBIAN_MIRROR:-http://deb.debian.org/debian}}"

if docker image inspect "$TAG" >/dev/null 2>&1; then
  exit 0
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "build-base: installing debootstrap from Debian" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

ROOTFS="$(mktemp -d /var/tmp/toolproof-rootfs.XXXXXX)"
trap 'rm -rf "$ROOTFS"' EXIT
echo "build-base: debootstrap bookworm into $ROOTFS (about a minute)" >&2
debootstrap --variant=minbase --include=python3 bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
  || { tail -n 20 "$ROOTFS.log" >&2; exit 1; }
rm -f "$ROOTFS.log"
# Keep the image small: package caches, docs and locales are not needed to run Python.
rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
  "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/locale/*
tar -C "$ROOTFS" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["/usr/bin/python3"]' - "$TAG" >/dev/null
echo "build-base: imported $TAG" >&2
