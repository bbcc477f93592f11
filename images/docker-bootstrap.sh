#!/usr/bin/env bash
# Make a Docker engine answer on this machine, as the test command and CI need it.
#
# Idempotent and quick when already done: an answering daemon is left alone. Otherwise,
# as root on Debian 12: install docker.io from Debian when `dockerd` is missing (a bare
# `docker` client is not enough), start `dockerd --bridge=none --iptables=false
# --ip-forward=false` in the background (containers never get a network, so Docker's
# default bridge is never created), log to $DOCKERD_LOG and wait until it answers.
# Exit status: 0 when a daemon answers, 1 otherwise: the reason on stderr, with the last
# lines apt-get or dockerd wrote when one of them is what failed.
set -uo pipefail

LOG="${DOCKERD_LOG:-/var/log/toolproof-dockerd.log}"
PIDFILE="${DOCKERD_PIDFILE:-/var/run/docker.pid}"
WAIT_S="${DOCKERD_WAIT_S:-30}"
TAIL_N=15

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
  APT_LOG="$(mktemp)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io; } \
    >"$APT_LOG" 2>&1; then
    echo "docker-bootstrap: apt-get install docker.io failed; its last lines:" >&2
    tail -n "$TAIL_N" "$APT_LOG" | sed 's/^/  apt: /' >&2
    rm -f "$APT_LOG"
    exit 1
  fi
  rm -f "$APT_LOG"
fi

# What this run's dockerd wrote: the log is appended to, so skip what earlier runs left.
LOG_START=$(( $( { wc -c <"$LOG"; } 2>/dev/null || echo 0) + 1 ))
dockerd_tail() {
  echo "docker-bootstrap: $1; the last lines of $LOG:" >&2
  tail -c +"$LOG_START" "$LOG" 2>/dev/null | tail -n "$TAIL_N" | sed 's/^/  dockerd: /' >&2
}

# A daemon may be starting already (its pid file exists and the process lives): wait for it.
DOCKERD_PID=
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  LOG_START=1
else
  echo "docker-bootstrap: starting dockerd (log: $LOG)" >&2
  nohup dockerd --bridge=none --iptables=false --ip-forward=false --pidfile "$PIDFILE" \
    >>"$LOG" 2>&1 </dev/null &
  DOCKERD_PID=$!
  disown || true
fi

for _ in $(seq 1 $((WAIT_S * 4))); do
  if answers; then exit 0; fi
  # A dockerd that exited will never answer: say why now rather than after WAIT_S.
  if [ -n "$DOCKERD_PID" ] && ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
    dockerd_tail "dockerd exited before it answered"
    exit 1
  fi
  sleep 0.25
done
dockerd_tail "dockerd did not answer within ${WAIT_S}s"
exit 1
