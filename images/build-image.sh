#!/usr/bin/env bash
# Build the toolproof sandbox image offline, cached by content hash.
#
# 1. the base (images/build-base.sh: debootstrap + docker import) unless BASE is given;
# 2. the RestrictedPython, mpmath and pip wheels, downloaded on the host with pip (once, into
#    build/wheels) at the RestrictedPython version the host runs, so both backends compile
#    untrusted code the same way;
# 3. `docker build` with the wheels in the context: tagged IMAGE:<hash of Dockerfile, wheels
#    and base image id> and IMAGE:latest. An image with that hash tag already present is
#    only re-tagged, so a second run takes well under a second.
# Usage: images/build-image.sh   (env: BASE, IMAGE, PIP)
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-toolproof-sandbox}"
BASE="${BASE:-toolproof-sandbox-base:bookworm}"
PIP="${PIP:-.venv/bin/pip}"
PY="${PY:-.venv/bin/python}"
WHEELS=build/wheels

if [ "$BASE" = "toolproof-sandbox-base:bookworm" ]; then
  images/build-base.sh "$BASE"
fi

RP_VERSION="$("$PY" -c 'import importlib.metadata as m; print(m.version("RestrictedPython"))')"
# BFCL's math backend imports mpmath: the version `toolproof bfcl backends fetch` pins
MPMATH_VERSION="$("$PY" -c 'from verifier.bfcl._backends import WHEELS; print(WHEELS["mpmath"][0])')"
if ! ls "$WHEELS"/[Rr]estricted[Pp]ython-"$RP_VERSION"-*.whl >/dev/null 2>&1 \
   || ! ls "$WHEELS"/mpmath-"$MPMATH_VERSION"-*.whl >/dev/null 2>&1 \
   || ! ls "$WHEELS"/pip-*.whl >/dev/null 2>&1; then
  mkdir -p "$WHEELS"
  "$PIP" download -q --only-binary=:all: --no-deps -d "$WHEELS" \
    "RestrictedPython==$RP_VERSION" "mpmath==$MPMATH_VERSION" pip
fi

BASE_ID="$(docker image inspect --format '{{.Id}}' "$BASE")"
HASH="$( { cat images/sandbox/Dockerfile; echo "$BASE_ID"; \
           (cd "$WHEELS" && ls [Rr]estricted[Pp]ython-"$RP_VERSION"-*.whl \
              mpmath-"$MPMATH_VERSION"-*.whl pip-*.whl | sort | xargs sha256sum); } \
         | sha256sum | cut -c1-12)"

if docker image inspect "$IMAGE:$HASH" >/dev/null 2>&1; then
  docker tag "$IMAGE:$HASH" "$IMAGE:latest"
  exit 0
fi

CTX="$(mktemp -d)"
trap 'rm -rf "$CTX"' EXIT
cp images/sandbox/Dockerfile "$CTX/"
mkdir "$CTX/wheels"
cp "$WHEELS"/[Rr]estricted[Pp]ython-"$RP_VERSION"-*.whl "$WHEELS"/mpmath-"$MPMATH_VERSION"-*.whl \
  "$CTX/wheels/"
cp "$(ls "$WHEELS"/pip-*.whl | sort -V | tail -n 1)" "$CTX/wheels/"
echo "build-image: building $IMAGE:$HASH from $BASE" >&2
docker build -q --network none --build-arg "BASE=$BASE" -t "$IMAGE:$HASH" -t "$IMAGE:latest" \
  "$CTX" >"$CTX.log" 2>&1 || { tail -n 20 "$CTX.log" >&2; rm -f "$CTX.log"; exit 1; }
rm -f "$CTX.log"
echo "build-image: built $IMAGE:$HASH ($(docker image inspect --format '{{.Size}}' "$IMAGE:$HASH" | awk '{printf "%.0f MB", $1/1e6}'))" >&2
