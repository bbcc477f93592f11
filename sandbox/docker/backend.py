"""The ``docker`` backend: a warm pool of hardened containers from the sandbox image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox._limits import Limits
from sandbox._pool import WorkerStarter
from sandbox._pooled import PooledSandbox
from sandbox._protocol import Isolation
from sandbox._registry import sandbox_backend
from sandbox.docker.cleanup import reap
from sandbox.docker.config import TMPFS_SIZE, DockerConfig
from sandbox.docker.pool import DockerWorker
from sandbox.docker.prereqs import check_image, docker_client


@sandbox_backend("docker")
class DockerSandbox(PooledSandbox):
    """Options: ``restrict``, ``pool_size``, ``limits``, ``warm``, ``preload``, ``image``.

    Starting one checks the engine and the image (BackendUnavailableError says what to do)
    and reaps leftovers of killed host processes.
    """

    name = "docker"

    def __init__(self, *, restrict: bool = True, pool_size: int = 2, limits: Limits | None = None,
                 warm: bool = False, preload: Mapping[str, str] | None = None,
                 image: str | None = None) -> None:  # fmt: skip
        self.config = DockerConfig(image=image) if image else DockerConfig()
        self.client: Any = docker_client()
        check_image(self.client, self.config.image)
        self.reaped = reap(self.client)
        super().__init__(restrict=restrict, pool_size=pool_size, limits=limits, warm=warm,
                         preload=preload)  # fmt: skip

    def starter(self) -> WorkerStarter:
        return lambda limits: DockerWorker(self.client, self.config, limits)

    def isolation(self) -> Isolation:
        limits = self.default_limits
        detail = (
            f"containers from {self.config.image}: no network, read-only root, {TMPFS_SIZE} "
            f"tmpfs /tmp, all capabilities dropped, no-new-privileges, user {self.config.user}, "
            f"{limits.pids} pids, {limits.memory_bytes >> 20} MiB, {limits.cpus} CPU"
        )
        protections = {
            "restricted_python": self.restrict, "no_network": True, "read_only_root": True,
            "private_tmp": True, "no_capabilities": True, "no_new_privileges": True,
            "unprivileged_user": True, "pids_limit": True, "memory_limit": True,
            "hidden_host_paths": True,
        }  # fmt: skip
        security = self.client.info().get("SecurityOptions") or []
        no_seccomp = "the engine applies no seccomp profile: the whole syscall surface is reachable"
        warnings = () if any("seccomp" in s for s in security) else (no_seccomp,)
        protections["seccomp"] = not warnings
        return Isolation("docker", True, detail, protections, warnings)

    def close(self) -> None:
        super().close()
        self.client.close()
