"""Reap what killed host processes left behind: labelled containers and socket dirs.

A container is a leftover when its owner label names this host and a process that is no
longer alive (same pid and start time). Runs when a docker backend starts; a clean exit
(Ctrl-C included) removes its own containers through atexit and never needs it.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from sandbox.docker.config import LABEL, OWNER_LABEL, SOCKET_ROOT, owner_id


def _owner_alive(owner: str) -> bool:
    host, _, rest = owner.partition(":")
    pid_text, _, _ = rest.partition(":")
    if host != os.uname().nodename:
        return True  # another machine's engine user: not ours to judge
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    return owner_id(pid) == owner


def reap(client: Any) -> list[str]:
    """Remove leftover containers and socket directories; returns the container names."""
    reaped = []
    # sparse: no inspect per container, which would race with containers being removed
    for container in client.containers.list(all=True, sparse=True, filters={"label": f"{LABEL}=1"}):
        if _owner_alive((container.attrs.get("Labels") or {}).get(OWNER_LABEL, "")):
            continue
        try:
            container.remove(force=True)
        except Exception:  # already gone: removed by a concurrent reaper
            continue
        reaped.append((container.attrs.get("Names") or [container.id])[0].lstrip("/"))
    if SOCKET_ROOT.is_dir():
        for entry in SOCKET_ROOT.iterdir():
            pid_text = entry.name.split("-", 1)[0]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                shutil.rmtree(entry, ignore_errors=True)
    return reaped


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
