"""Settings of the docker backend: the image, labels and the hardened container flags."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox import _runner
from sandbox._limits import Limits

DEFAULT_IMAGE = "toolproof-sandbox:latest"
"""Built offline by ``make sandbox-image``; the backend's ``image`` option overrides it
(``toolproof`` passes its ``TOOLPROOF_SANDBOX_IMAGE`` setting)."""
LABEL = "toolproof.sandbox"
OWNER_LABEL = "toolproof.owner"
"""``<hostname>:<pid>:<process start time>``: tells the reaper whose leftover it is."""
SOCKET_ROOT = Path(tempfile.gettempdir()) / f"toolproof-sandbox-{os.getuid()}"
"""Per-worker socket directories live under here, one bind mount each."""
RUNNER = Path(_runner.__file__).resolve()
IN_CONTAINER_RUNNER = "/opt/toolproof/runner.py"
IN_CONTAINER_SITE = "/opt/toolproof/site"
IN_CONTAINER_SOCKET_DIR = "/run/toolproof"
TMPFS_SIZE = "64m"
"""Size of the container's writable /tmp: 64 MiB."""
NOBODY = "65534:65534"
START_TIMEOUT_S = 15.0
"""A container must accept on its socket within 15 s of being started."""


def _start_time(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def owner_id(pid: int | None = None) -> str:
    pid = os.getpid() if pid is None else pid
    return f"{os.uname().nodename}:{pid}:{_start_time(pid)}"


@dataclass(frozen=True)
class DockerConfig:
    """What every container of one backend instance gets."""

    image: str = DEFAULT_IMAGE
    user: str = NOBODY if os.geteuid() == 0 else f"{os.getuid()}:{os.getgid()}"

    def run_kwargs(self, limits: Limits, socket_dir: Path, name: str) -> dict[str, Any]:
        """``containers.run`` arguments: DESIGN.md's hardening flags, nothing less."""
        import docker.types

        command = ["python3", "-I", "-S", IN_CONTAINER_RUNNER, "--site", IN_CONTAINER_SITE,
                   "--listen", f"{IN_CONTAINER_SOCKET_DIR}/runner.sock",
                   "--limits", _json(limits.runner_json())]  # fmt: skip
        return {
            "image": self.image,
            "command": command,
            "name": name,
            "detach": True,
            "network_mode": "none",
            "read_only": True,
            "tmpfs": {"/tmp": f"rw,noexec,nosuid,nodev,size={TMPFS_SIZE}"},
            "cap_drop": ["ALL"],
            "security_opt": ["no-new-privileges"],
            "pids_limit": limits.pids,
            "mem_limit": limits.memory_bytes,
            "memswap_limit": limits.memory_bytes,
            "nano_cpus": int(limits.cpus * 1e9),
            "user": self.user,
            "environment": {},
            "working_dir": "/tmp",
            "labels": {LABEL: "1", OWNER_LABEL: owner_id()},
            "volumes": {
                str(socket_dir): {"bind": IN_CONTAINER_SOCKET_DIR, "mode": "rw"},
                str(RUNNER): {"bind": IN_CONTAINER_RUNNER, "mode": "ro"},
            },
            "log_config": docker.types.LogConfig(
                type="json-file", config={"max-size": "64k", "max-file": "1"}
            ),
            "ipc_mode": "private",
            "init": False,
            "auto_remove": False,
        }


def _json(obj: dict[str, Any]) -> str:
    import json

    return json.dumps(obj, separators=(",", ":"))
