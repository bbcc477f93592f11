#!/usr/bin/env bash
# Make a Docker engine answer on this machine, as the test command and CI need it.
#
# Idempotent and quick when already done: an answering daemon is left alone. Otherwise,
# as root on Debian 12: install docker.io from Debian when `dockerd` is missing (a bare
# `docker` client is not enough), start `dockerd --bridge=none --iptables=false
# --ip-forward=false` in the background (containers never get a network, so Docker's
# default bridge is never created), log to $DOCKERD_LOG and wait until it answers.
# Exit status: 0 when a daemon answers, 1 otherwise (the reason is printed on stderr).
set -uo pipefail

LOG="${DOCKERD_LOG:-/var/log/toolproof-dockerd.log}"
WAIT_S="${DOCKERD_WAIT_S:-30}"

answers() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && answers; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "docker-bootstrap: no Docker daemon answers and this is not root; start one yourself" >&2
  exit 1
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "docker-bootstrap: dockerd is missing and apt-get is not available" >&2
    exit 1
  fi
  echo "docker-bootstrap: installing docker.io from Debian" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } \
    >/dev/null 2>&1 || { echo "docker-bootstrap: apt-get install docker.io failed" >&2; exit 1; }
fi

# A daemon may be starting already (its pid file exists and the process lives): wait for it.
if ! { [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
  echo "docker-bootstrap: starting dockerd (log: $LOG)" >&2
  nohup dockerd --bridge=none --iptables=false --ip-forward=false >>"$LOG" 2>&1 </dev/null &
  disown || true
fi

for _ in $(seq 1 $((WAIT_S * 4))); do
  if answers; then exit 0; fi
  sleep 0.25
done
echo "docker-bootstrap: dockerd did not answer within ${WAIT_S}s; see $LOG" >&2
tail -n 5 "$LOG" >&2 2>/dev/null || true
exit 1
