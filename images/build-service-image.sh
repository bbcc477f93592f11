#!/usr/bin/env bash
# Build the service image (the top-level Dockerfile) offline, cached by content hash.
#
# 1. the base (images/build-base.sh: debootstrap + docker import) unless BASE is given;
# 2. toolproof's wheel and every dependency's, made on the host by `pip wheel` into
#    build/service-wheels: from that directory alone (--no-index) when it holds them all
#    already, else from pip's index as configured;
# 3. `docker build --network none`, tagged IMAGE:<hash of the Dockerfile, the base image id
#    and the sources> and IMAGE:latest. An image with that hash tag already present is only
#    re-tagged, so `make test` rebuilds it only when the code changed.
# Usage: images/build-service-image.sh   (env: BASE, IMAGE, PIP, EXTRAS)
# EXTRAS are the extras installed with toolproof (default: postgres); the image of a Ray
# cluster's nodes (docs/ray/raycluster.yaml) is
#   IMAGE=toolproof-ray EXTRAS=postgres,ray images/build-service-image.sh
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE="${IMAGE:-toolproof-service}"
BASE="${BASE:-toolproof-sandbox-base:bookworm}"
PIP="${PIP:-.venv/bin/pip}"
EXTRAS="${EXTRAS:-postgres}"
WHEELS=build/service-wheels
SOURCES=(pyproject.toml README.md Dockerfile toolspec sandbox mock_apis verifier synth toolproof)

if [ "$BASE" = "toolproof-sandbox-base:bookworm" ]; then
  images/build-base.sh "$BASE"
fi

BASE_ID="$(docker image inspect --format '{{.Id}}' "$BASE")"
HASH="$( { echo "$BASE_ID $EXTRAS"; find "${SOURCES[@]}" -type f -not -name '*.pyc' -print0 \
           | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-12)"
if docker image inspect "$IMAGE:$HASH" >/dev/null 2>&1; then
  docker tag "$IMAGE:$HASH" "$IMAGE:latest"
  exit 0
fi

LOG="$(mktemp)"
CTX="$(mktemp -d)"
trap 'rm -rf "$CTX" "$LOG"' EXIT
mkdir -p "$WHEELS"
rm -f "$WHEELS"/toolproof-*.whl
rm -rf build/lib  # setuptools' staging copy: a module deleted since would ride along
echo "build-service-image: wheels into $WHEELS" >&2
"$PIP" wheel -q --no-index --find-links "$WHEELS" -w "$WHEELS" ".[$EXTRAS]" pip >"$LOG" 2>&1 \
  || "$PIP" wheel -q -w "$WHEELS" ".[$EXTRAS]" pip >"$LOG" 2>&1 \
  || { echo "build-service-image: pip wheel failed; its last lines:" >&2
       tail -n 15 "$LOG" >&2; exit 1; }

cp Dockerfile "$CTX/"
cp -r "$WHEELS" "$CTX/wheels"
echo "build-service-image: building $IMAGE:$HASH from $BASE" >&2
docker build -q --network none --build-arg "BASE=$BASE" --build-arg "EXTRAS=$EXTRAS" -t "$IMAGE:$HASH" -t "$IMAGE:latest" \
  "$CTX" >"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; exit 1; }
echo "build-service-image: built $IMAGE:$HASH" >&2
# Each source change makes a new hash tag: keep the three newest (other checkouts of the
# repository may be on other commits), untag the rest (an image a container uses stays).
docker images "$IMAGE" --format '{{.Tag}}' | grep -v '^latest$' | tail -n +4 \
  | sed "s|^|$IMAGE:|" | xargs -r docker rmi >/dev/null 2>&1 || true
