"""The ``docker`` sandbox backend, split by concern: ``config`` (image, labels, hardening
flags), ``prereqs`` (engine and image checks), ``pool`` (one container per worker),
``cleanup`` (the reaper) and ``backend`` (the registered ``DockerSandbox``). The runner is
the package's ``sandbox/_runner.py``, bind-mounted read-only into every container."""

from sandbox.docker.backend import DockerSandbox
from sandbox.docker.cleanup import reap
from sandbox.docker.config import DEFAULT_IMAGE, DockerConfig
from sandbox.docker.prereqs import docker_client

__all__ = ["DEFAULT_IMAGE", "DockerConfig", "DockerSandbox", "docker_client", "reap"]
