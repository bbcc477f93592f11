"""Is a Ray head listening at ``--address``? Answered in seconds, before Ray is asked.

``ray.init`` retries an address for minutes whether nothing listens there or a service
that is no Ray head does (measured: 3.5 min on a port that accepts and closes). So the
driver first opens a TCP connection (refused, unknown host or silent: one sentence) and
opens an HTTP/2 session on it, as every gRPC client does (RFC 9113, section 3.4: the
client's preface, then a SETTINGS frame; the server answers with its own SETTINGS frame).
The Ray head (its GCS) and the Ray Client server both speak gRPC; a web server, a
database or a closed port do not.
"""

from __future__ import annotations

import socket
from typing import NoReturn

from toolproof.engines._base import EngineError

#: Seconds the address may take to accept and to answer the HTTP/2 preface.
CONNECT_TIMEOUT_S = 3.0
_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#: An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
_SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
_FRAME_HEADER = 9
_SETTINGS_TYPE = 4
_HINT = "is `ray start --head` running there, and is this the address it printed?"


def address_parts(address: str) -> tuple[str, int]:
    """``HOST:PORT`` (or ``ray://HOST:PORT``) → (host, port); ``EngineError`` else."""
    bare = address.removeprefix("ray://")
    host, _, port = bare.rpartition(":")
    if not host or not port.isdigit():
        raise EngineError(
            f"--address takes HOST:PORT of the Ray head (or ray://HOST:PORT); got {address!r}"
        )
    return host.strip("[]"), int(port)


def check_head(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise :class:`EngineError` unless a gRPC server answers at ``address``."""
    host, port = address_parts(address)
    try:
        conn = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        _unreachable(address, f"no answer within {timeout:g} s")
    except socket.gaierror as exc:
        _unreachable(address, f"unknown host ({exc.strerror})")
    except OSError as exc:
        _unreachable(address, (exc.strerror or str(exc)).lower())
    with conn:
        try:
            conn.sendall(_PREFACE + _SETTINGS)
            header = _read(conn, _FRAME_HEADER)
        except TimeoutError:
            _unreachable(address, f"no answer within {timeout:g} s")
        except OSError:  # closed or reset on the preface: a service, but not gRPC
            header = b""
    if len(header) != _FRAME_HEADER or header[3] != _SETTINGS_TYPE:
        reason = "something answers there, but it speaks no gRPC, so it is no Ray head"
        _unreachable(address, reason)


def _unreachable(address: str, reason: str) -> NoReturn:
    raise EngineError(f"cannot reach the Ray cluster at {address}: {reason}; {_HINT}")


def _read(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size and (chunk := conn.recv(size - len(data))):
        data += chunk
    return data
