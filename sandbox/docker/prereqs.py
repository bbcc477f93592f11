"""Is Docker usable here? An engine that answers, and the sandbox image. Actionable errors."""

from __future__ import annotations

import socket
from typing import Any

from sandbox._errors import BackendUnavailableError

MIN_API_VERSION = (1, 41)
"""Docker Engine 20.10 or newer (API 1.41): the version Debian 12 ships."""


def docker_client(timeout: float = 30.0) -> Any:
    """A connected Docker SDK client, or BackendUnavailableError saying how to get one.

    The API version is pinned to the minimum instead of asked for (newer engines serve
    it), so building the client does no I/O; a Unix socket is then probed with a socket
    of our own before the SDK connects: the SDK's own connect leaks its socket when no
    engine listens (docker/docker-py#3356), which pytest's ``filterwarnings=error`` turns
    into an error in whichever test the garbage collector happens to run under.
    """
    client = None
    try:
        import docker

        api = ".".join(map(str, MIN_API_VERSION))
        client = docker.from_env(timeout=timeout, version=api)
        _probe_unix_socket(client, timeout)
        client.ping()
        version = client.version()
    except Exception as exc:  # the SDK raises many types for "no engine here"
        if client is not None:
            client.close()
        raise BackendUnavailableError(
            f"no Docker engine answers ({exc}); start one with images/docker-bootstrap.sh "
            "(as root on Debian: installs docker.io and runs dockerd --bridge=none)"
        ) from None
    found = tuple(int(x) for x in str(version.get("ApiVersion", "0.0")).split(".")[:2])
    if found < MIN_API_VERSION:
        client.close()
        raise BackendUnavailableError(
            f"Docker API {'.'.join(map(str, found))} is too old; toolproof needs "
            f"{'.'.join(map(str, MIN_API_VERSION))} (Docker Engine 20.10) or newer"
        )
    return client


def _probe_unix_socket(client: Any, timeout: float) -> None:
    """Connect to the engine's Unix socket, if it has one, and close it: OSError if none listens.

    The socket path is the one the SDK's adapter for the client's base URL will use
    (``requests.Session.get_adapter``); a TCP or SSH engine is left to the SDK.
    """
    path = getattr(client.api.get_adapter(client.api.base_url), "socket_path", None)
    if not isinstance(path, str):
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
        except OSError as exc:
            raise OSError(exc.errno, f"{path}: {exc.strerror}") from None


def check_image(client: Any, image: str) -> None:
    import docker.errors

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        raise BackendUnavailableError(
            f"the sandbox image {image!r} is missing; build it offline with `make sandbox-image`"
        ) from None
