"""The sandbox runner: the one program that runs untrusted code, in every backend.

Standard library only (RestrictedPython is imported from a directory given on the command
line), because it runs inside a bare Python in the sandbox image, and the process
backend's workers run this very file (with ``_harden.py`` beside it: mounts, uid,
Landlock, seccomp). It serves one host over one stream socket:

    frame   = 4-byte big-endian length + UTF-8 JSON object
    request = {"op": "ping"} | {"op": "prime", "modules": {name: source}, "restrict": bool}
              | {"op": "load", "modules": {name: source | {"sha256": hex}}, "main": name,
               "restrict": bool, "limits": {...}, "shared": [name, ...], "reset": entry,
               "quiet": bool} | {"op": "reset"}
              | {"op": "calls", "calls": [[entry, args], ...]}

A module already sent to this runner (primed, or in an earlier load) may be named by the
sha256 of its source instead: a bundle is mostly the mock runtime, and sending, decoding
and hashing those ~40 KB again on every load cost more than the rest of a sample. A source
the runner no longer holds is refused with kind "stale"; the host then sends it whole.
Modules a load lists as ``shared`` (optional) are executed once per runner and the
instance is reused by every later load that shares the same source: the host lists only
modules that keep no state and that no module of the bundle writes to (the mock runtime
under a generated toolset), so a load or reset then runs only the bundle's own module.
A load may name a ``reset`` entry of its main module (optional): the host vouches that
calling it gives the state a fresh load has (a generated toolset keeps its whole state in
one dict that entry replaces). The runner then keeps the loaded program, and a later load
of the same modules calls that entry instead of executing them again.
    reply   = one frame per request, except "calls": one frame per call, in order,
              so the host can enforce a deadline on each call of a pipelined batch;
              and a "quiet" load that works: no frame (the host sends one with calls
              behind it, and their replies say it worked). A failed load, reset or
              prime is answered {"ok": false, "op": op, "error": {...}}.

Each call reply is {"ok": true, "value", "stdout", "ms", "cpu_ms"} or {"ok": false,
"error": {"kind", "type", "message"}, "stdout", "ms", "cpu_ms"}. Kinds produced here:
compile, entry, args, raised, result, output, memory. Timeouts and crashes are decided
by the host, which kills the runner; a runner that reports "memory" is replaced too.

Under RestrictedPython (the default) code gets safe builtins, guarded attribute/item/
iteration/write access, no names starting with "_", and imports limited to ALLOWED_MODULES,
each seen through a read-only view without sub-modules (``statistics.sys`` or ``uuid.os``
would otherwise reach ``os``). The allowed modules are pure computation a mock needs to
shape realistic answers (json, math, re, dates and clocks, seeded randomness, hashes, ids, text,
iteration helpers, containers, exact numbers, statistics); none of them reads files,
opens sockets or starts processes through the names the view exposes.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import resource
import socket
import struct
import sys
import time
import types
from collections.abc import Callable
from typing import Any

HEADER = struct.Struct(">I")
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
MAX_REQUEST = 64 * 1024 * 1024
ALLOWED_MODULES = (
    "json", "math", "re", "datetime", "random", "hashlib", "uuid", "string", "itertools",
    "functools", "collections", "decimal", "fractions", "statistics", "time",
)  # fmt: skip
# Modules an allowed module's C code imports lazily through the caller's __import__
# (datetime.strptime → _strptime). Bundle code cannot name them: RestrictedPython
# rejects every name that starts with "_".
LAZY_HELPERS = ("_strptime",)
# Compiled code by (restricted, name, source): modules the host primes a fresh worker with
# (op "prime": the mock runtime, which every bundle carries) are compiled before a session
# leases the worker, so loading a bundle skips the RestrictedPython compile. Bounded.
_CODE_CACHE: dict[tuple[bool, str, str], types.CodeType] = {}
_CODE_CACHE_MAX = 256
# Sources by sha256, for loads that name a module by its digest (bounded like the codes).
_SOURCES: dict[str, str] = {}
# Module instances of ``shared`` modules by (restricted, name, source); bounded too.
_SHARED: dict[tuple[bool, str, str], types.ModuleType] = {}
# Loaded programs whose load named a ``reset`` entry, by what was loaded; bounded.
_PROGRAMS: dict[tuple[Any, ...], Program] = {}
_PROGRAMS_MAX = 32
# Read-only views of allowed modules (restricted code cannot write to a view's attributes,
# and a view reaches nothing its module does not): built once per runner, not per import.
_VIEWS: dict[str, types.SimpleNamespace] = {}
# Public names that reach the operating system (uuid may shell out to find a MAC address)
# or read attributes by name, bypassing the guards (string.Formatter, like str.format).
DENIED_NAMES = {"uuid": {"getnode", "uuid1", "uuid6", "uuid7", "uuid8"}, "string": {"Formatter"}}


class RunnerError(Exception):
    """A contained failure of the untrusted code, reported as an Outcome error kind."""

    def __init__(self, kind: str, message: str, type_: str = "") -> None:
        super().__init__(message)
        self.kind, self.type = kind, type_ or kind


class TailBuffer(io.TextIOBase):
    """stdout replacement keeping only the last ``cap`` characters (huge output is cheap)."""

    def __init__(self, cap: int) -> None:
        self.cap, self.parts, self.size = cap, [""], 0

    def write(self, s: str) -> int:
        self.parts.append(str(s))
        self.size += len(s)
        if self.size > 4 * self.cap:
            self.parts = ["".join(self.parts)[-self.cap :]]
            self.size = len(self.parts[0])
        return len(s)

    def take(self) -> str:
        text = "".join(self.parts)[-self.cap :]
        self.parts, self.size = [""], 0
        return text


def hold_source(name: str, sent: Any) -> str:
    """A module's source as sent: text (kept by digest), or ``{"sha256": hex}`` of one
    this runner holds; RunnerError("stale") when it does not (the host resends it)."""
    if isinstance(sent, str):
        import hashlib

        if len(_SOURCES) >= _CODE_CACHE_MAX:
            _SOURCES.pop(next(iter(_SOURCES)))
        _SOURCES[hashlib.sha256(sent.encode()).hexdigest()] = sent
        return sent
    source = _SOURCES.get(sent.get("sha256", "")) if isinstance(sent, dict) else None
    if source is None:
        raise RunnerError("stale", f"module {name!r} is not held by this runner", "Stale")
    return source


def compile_module(name: str, source: str, restrict: bool) -> types.CodeType:
    """Compile one bundle module (cached); RunnerError("compile") when it cannot be."""
    key = (restrict, name, source)
    code = _CODE_CACHE.get(key)
    if code is not None:
        return code
    try:
        if restrict:
            from RestrictedPython.compile import compile_restricted_exec

            result = compile_restricted_exec(source, filename=f"<bundle:{name}>")
            if result.errors or result.code is None:
                raise RunnerError("compile", f"{name}: " + "; ".join(result.errors), "SyntaxError")
            code = result.code
        else:
            code = compile(source, f"<bundle:{name}>", "exec")
    except (SyntaxError, ValueError, TypeError) as exc:
        raise RunnerError("compile", f"{name}: {exc}", type(exc).__name__) from None
    if len(_CODE_CACHE) >= _CODE_CACHE_MAX:
        _CODE_CACHE.pop(next(iter(_CODE_CACHE)))
    _CODE_CACHE[key] = code
    return code


def _module_view(mod: types.ModuleType) -> types.SimpleNamespace:
    """A read-only view of an allowed module: public, non-module attributes only."""
    view = _VIEWS.get(mod.__name__)
    if view is None:
        view = _VIEWS[mod.__name__] = _build_view(mod)
    return view


def _build_view(mod: types.ModuleType) -> types.SimpleNamespace:
    deny = DENIED_NAMES.get(mod.__name__, set())
    names = {
        k: v
        for k, v in vars(mod).items()
        if not k.startswith("_") and k not in deny and not isinstance(v, types.ModuleType)
    }
    return types.SimpleNamespace(**names)


def open_program(req: dict[str, Any], stdout: TailBuffer) -> Program:
    """The program a load asks for: a new one, or, when the load names a ``reset`` entry,
    the one an earlier load of the same modules left, reset by calling that entry."""
    sources = {n: hold_source(n, sent) for n, sent in dict(req["modules"]).items()}
    entry = req.get("reset")
    if not (isinstance(entry, str) and entry):
        return Program(req, sources, stdout)
    key = (bool(req.get("restrict", True)), str(req.get("main") or ""),
           tuple(req.get("shared") or ()), entry, tuple(sources.items()))  # fmt: skip
    program = _PROGRAMS.pop(key, None)
    if program is not None:
        try:
            program.call(entry, {})
        except MemoryError:
            raise RunnerError("memory", "memory limit reached in reset", "MemoryError") from None
        except Exception:  # the entry failed: load the modules afresh
            program = None
    if program is None:
        program = Program(req, sources, stdout)
    if len(_PROGRAMS) >= _PROGRAMS_MAX:
        _PROGRAMS.pop(next(iter(_PROGRAMS)))
    _PROGRAMS[key] = program  # most recently loaded last
    return program


class Program:
    """A loaded bundle: compiled modules, re-executed on reset so state starts clean."""

    def __init__(self, req: dict[str, Any], sources: dict[str, str], stdout: TailBuffer) -> None:
        self.restrict = bool(req.get("restrict", True))
        self.sources = sources
        self.main = str(req.get("main") or next(iter(self.sources)))
        self.shared = {str(n) for n in req.get("shared") or ()} & set(self.sources) - {self.main}
        self.stdout = stdout
        self.builtins: dict[str, Any] | None = None
        self.codes = {n: compile_module(n, src, self.restrict) for n, src in self.sources.items()}
        self.reset()

    def reset(self) -> None:
        self.modules: dict[str, types.ModuleType] = {}
        self.loading: set[str] = set()
        self.load(self.main)
        for name in self.codes:
            self.load(name)

    def load(self, name: str) -> types.ModuleType:
        if name in self.modules:
            return self.modules[name]
        if name in self.loading:
            raise ImportError(f"circular import of bundle module {name!r}")
        key = (self.restrict, name, self.sources[name])
        if name in self.shared and (mod := _SHARED.get(key)) is not None:
            self.modules[name] = mod
            return mod
        self.loading.add(name)
        mod = types.ModuleType(name)
        mod.__dict__.update(self._globals(name))
        try:
            exec(self.codes[name], mod.__dict__)
        except RunnerError:
            raise
        except MemoryError:
            raise RunnerError(
                "memory", "memory limit reached while loading", "MemoryError"
            ) from None
        except BaseException as exc:  # the module body is untrusted; report, never die
            raise RunnerError("compile", f"{name}: {exc!r}", type(exc).__name__) from None
        finally:
            self.loading.discard(name)
        self.modules[name] = mod
        if name in self.shared:
            if len(_SHARED) >= _CODE_CACHE_MAX:
                _SHARED.pop(next(iter(_SHARED)))
            _SHARED[key] = mod
        return mod

    def _import(self, name: str, globals: Any = None, locals: Any = None,
                fromlist: Any = (), level: int = 0) -> Any:  # fmt: skip
        if level:
            raise ImportError("relative imports are not allowed in a bundle")
        if name in self.codes:
            return self.load(name)
        if name in ALLOWED_MODULES:
            mod = __import__(name)
            return _module_view(mod) if self.restrict else mod
        if name in LAZY_HELPERS:  # imported by C code on the bundle's behalf
            return __import__(name)
        if not self.restrict:
            return __import__(name, globals, locals, fromlist, level)
        raise ImportError(
            f"import of {name!r} is not allowed (allowed: {', '.join(ALLOWED_MODULES)})"
        )

    def _globals(self, name: str) -> dict[str, Any]:
        if not self.restrict:
            builtins = dict(vars(__builtins__) if isinstance(__builtins__, types.ModuleType)
                            else __builtins__)  # fmt: skip
            builtins["__import__"] = self._import
            return {"__name__": name, "__builtins__": builtins}
        if self.builtins is None:  # one per load, shared by its modules (code cannot reach it)
            self.builtins = {**_restricted_base()[0], "__import__": self._import}
        return {**_restricted_base()[1], "__name__": name, "__builtins__": self.builtins,
                "_print_": functools.partial(Printer, self.stdout)}  # fmt: skip

    def call(self, entry: str, args: Any) -> Any:
        mod_name, _, func_name = entry.rpartition(":")
        mod = self.modules.get(mod_name or self.main)
        func = getattr(mod, func_name, None) if mod and not func_name.startswith("_") else None
        if not callable(func):
            known = sorted(k for k, v in vars(self.modules[self.main]).items()
                           if callable(v) and not k.startswith("_"))  # fmt: skip
            raise RunnerError("entry", f"no entry {entry!r} in the bundle (known: {known})")
        if not isinstance(args, dict):
            raise RunnerError("args", f"arguments must be a JSON object, not {type(args).__name__}")
        return func(**args)


_BASE: tuple[dict[str, Any], dict[str, Any]] | None = None


def _restricted_base() -> tuple[dict[str, Any], dict[str, Any]]:
    """Builtins and guard globals of restricted code, the same for every module: built once
    per runner (each module gets copies, with its own import hook and print target)."""
    global _BASE
    if _BASE is not None:
        return _BASE
    from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
    from RestrictedPython.Guards import (
        full_write_guard,
        guarded_iter_unpack_sequence,
        guarded_unpack_sequence,
        safe_builtins,
        safer_getattr,
    )  # fmt: skip
    from RestrictedPython.Limits import limited_builtins
    from RestrictedPython.Utilities import utility_builtins

    builtins = {**safe_builtins, **limited_builtins, **utility_builtins}
    for mod_name in ("string", "math", "random", "whrandom", "set"):
        builtins.pop(mod_name, None)  # modules must come through the import guard
    builtins.update(
        getattr=safer_getattr,
        dict=dict,
        list=list,
        enumerate=enumerate,
        sum=sum,
        min=min,
        max=max,
        any=any,
        all=all,
        map=map,
        filter=filter,
        reversed=reversed,
        iter=iter,
        next=next,
        range=range,
        tuple=tuple,
    )  # fmt: skip  (plain range/list/tuple: size is bounded by the memory and time limits)
    guards = {
        "__metaclass__": type,
        "_getattr_": safer_getattr, "_getitem_": default_guarded_getitem,
        "_getiter_": default_guarded_getiter, "_write_": full_write_guard,
        "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
        "_unpack_sequence_": guarded_unpack_sequence, "_inplacevar_": _inplacevar,
        "_apply_": _apply,
    }  # fmt: skip
    _BASE = (builtins, guards)
    return _BASE


class Printer:
    """RestrictedPython's print hook (``_print_``, bound to a stdout tail by a partial)."""

    def __init__(self, stdout: TailBuffer, _getattr_: Any = None) -> None:
        self.stdout = stdout

    def _call_print(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("file", None)
        print(*args, file=self.stdout, **kwargs)


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    """RestrictedPython's hook for ``x op= y``: plain in-place operators, nothing more."""
    import operator

    ops: dict[str, Any] = {"+=": operator.iadd, "-=": operator.isub, "*=": operator.imul,
           "/=": operator.itruediv, "//=": operator.ifloordiv, "%=": operator.imod,
           "**=": operator.ipow, "|=": operator.ior, "&=": operator.iand, "^=": operator.ixor,
           "<<=": operator.ilshift, ">>=": operator.irshift, "@=": operator.imatmul}  # fmt: skip
    return ops[op](x, y)


def _apply(func: Any, *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class FrameError(Exception):
    """The bytes received are not a frame this side takes: too large, or not a JSON object."""


class FrameReader:
    """Frames from one stream socket, as JSON objects: the one reader of the wire format,
    for this runner (requests) and for the host (replies, ``sandbox._channel``). How bytes
    are waited for differs (deadlines on the host, none here), so the caller supplies them.
    """

    __slots__ = ("buf", "max_frame")

    def __init__(self, max_frame: int) -> None:
        self.buf, self.max_frame = bytearray(), max_frame

    def read(self, receive: Callable[[], bytes]) -> dict[str, Any] | None:
        """The next frame's object; ``receive()`` is called for more bytes while the buffer
        holds no whole frame. None once ``receive()`` returns b"" (the peer closed)."""
        buf = self.buf
        while True:
            if len(buf) >= 4:
                (size,) = HEADER.unpack_from(buf)
                if size > self.max_frame:
                    raise FrameError(f"a frame of {size} bytes, which exceeds {self.max_frame}")
                if len(buf) >= 4 + size:
                    body = bytes(buf[4 : 4 + size])
                    del buf[: 4 + size]
                    try:
                        obj = json.loads(body)
                    except ValueError:  # UnicodeDecodeError included
                        raise FrameError("a frame that is not JSON") from None
                    if not isinstance(obj, dict):
                        raise FrameError("a frame that is not an object")
                    return obj
            chunk = receive()
            if not chunk:
                return None
            buf += chunk


class Runner:
    """Serves frames on one connected socket until the host closes it."""

    def __init__(self, sock: socket.socket, limits: dict[str, Any]) -> None:
        self.sock, self.frames = sock, FrameReader(MAX_REQUEST)
        self.stdout = TailBuffer(4096)
        self.output_cap, self.cpu_s, self.cpu_limit = 1 << 20, 0.0, 0
        self.apply(limits)
        self.program: Program | None = None
        self.pid = os.getpid()
        self.load_error: RunnerError | None = None

    def apply(self, limits: dict[str, Any]) -> None:
        """The per-session limits a load request carries (memory is fixed per worker)."""
        self.stdout.cap = int(limits.get("stdout_tail", self.stdout.cap))
        self.output_cap = int(limits.get("output_bytes", self.output_cap))
        self.cpu_s = float(limits.get("cpu_s", self.cpu_s))

    def read(self) -> dict[str, Any] | None:
        """The next request (a blocking receive: no spin, see ``sandbox._channel``); None
        when the host closed, or sent what is not a frame."""
        try:
            return self.frames.read(lambda: self.sock.recv(65536))
        except FrameError:
            return None

    def send(self, obj: dict[str, Any]) -> None:
        if os.getpid() != self.pid:  # a child the code forked must never answer
            os._exit(0)
        try:
            body = _ENCODER.encode(obj).encode()
        except (TypeError, ValueError, RecursionError) as exc:
            body = self._error_body(obj, "result", type(exc).__name__,
                                    f"result is not JSON-serialisable: {exc}")  # fmt: skip
        except MemoryError:  # encoding a huge result: over any output limit anyway
            body = self._error_body(obj, "output", "OutputLimit",
                                    "result too large to encode within the memory limit; "
                                    f"the limit is {self.output_cap} bytes")  # fmt: skip
        if len(body) > self.output_cap + 8192 and obj.get("ok"):
            body = self._error_body(obj, "output", "OutputLimit",
                                    f"result of {len(body)} bytes exceeds the "
                                    f"{self.output_cap}-byte limit")  # fmt: skip
        self.sock.sendall(HEADER.pack(len(body)) + body)

    @staticmethod
    def _error_body(obj: dict[str, Any], kind: str, type_: str, message: str) -> bytes:
        keep = {k: obj[k] for k in ("stdout", "ms", "cpu_ms") if k in obj}
        error = {"kind": kind, "type": type_, "message": message}
        return json.dumps({"ok": False, "error": error, **keep}).encode()

    def serve(self) -> None:
        while (req := self.read()) is not None:
            op = req.get("op")
            if op == "calls":
                for entry, args in req["calls"]:
                    self.send(self.run_call(str(entry), args))
                continue
            reply: dict[str, Any] = {"ok": True}
            try:
                if op == "load":
                    self.program, self.load_error = None, None
                    self.apply(req.get("limits") or {})
                    self.program = open_program(req, self.stdout)
                    if req.get("quiet") is True:
                        continue
                elif op == "reset" and self.program is not None:
                    self.program.reset()
                elif op == "ping":
                    reply["pid"] = os.getpid()
                elif op == "prime":
                    for name, sent in req["modules"].items():
                        compile_module(
                            name, hold_source(name, sent), bool(req.get("restrict", True))
                        )
            except RunnerError as exc:
                self.load_error = exc
                reply = {"ok": False, "op": op, "error": {"kind": exc.kind, "type": exc.type,
                         "message": str(exc)}}  # fmt: skip
            self.send(reply)

    def run_call(self, entry: str, args: Any) -> dict[str, Any]:
        start, cpu0 = time.perf_counter(), time.process_time()
        cpu_limit = int(cpu0 + self.cpu_s) + 1
        if self.cpu_s and cpu_limit != self.cpu_limit:  # changes once per CPU second at most
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_limit, resource.RLIM_INFINITY))
            self.cpu_limit = cpu_limit
        reply: dict[str, Any]
        try:
            if self.program is None:
                raise self.load_error or RunnerError("entry", "no bundle is loaded")
            saved, sys.stdout = sys.stdout, self.stdout
            try:
                reply = {"ok": True, "value": self.program.call(entry, args)}
            finally:
                sys.stdout = saved
        except RunnerError as exc:
            reply = {
                "ok": False,
                "error": {"kind": exc.kind, "type": exc.type, "message": str(exc)},
            }
        except MemoryError:
            reply = {"ok": False, "error": {"kind": "memory", "type": "MemoryError",
                     "message": "memory limit reached"}}  # fmt: skip
        except BaseException as exc:  # untrusted code may raise anything, SystemExit included
            reply = {"ok": False, "error": {"kind": "raised", "type": type(exc).__name__,
                     "message": str(exc)[:2000]}}  # fmt: skip
        if self.program is not None and not self.program.restrict and _children_left():
            reply["tainted"] = "child processes outlived the call"
        reply["stdout"] = self.stdout.take()
        reply["ms"] = (time.perf_counter() - start) * 1000
        reply["cpu_ms"] = (time.process_time() - cpu0) * 1000
        return reply


def _children_left() -> bool:
    """Reap finished children; True if some still run (the host then replaces us)."""
    try:
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return True
    except ChildProcessError:
        return False


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--fd", type=int, help="serve this inherited, connected socket")
    p.add_argument("--listen", help="create a Unix socket here and serve its first client")
    p.add_argument("--site", default="", help="directory holding RestrictedPython")
    p.add_argument("--path", action="append", default=[], help="extra import directory")
    p.add_argument("--limits", default="{}", help="JSON: memory_bytes, cpu_s, output_bytes, ...")
    p.add_argument("--hide", action="append", default=[], help="mount an empty tmpfs here")
    p.add_argument("--tmp", action="append", default=[], help="mount a private tmpfs here")
    p.add_argument("--expose", action="append", default=[], help="bind back read-only, hidden")
    p.add_argument("--uid", type=int, default=None, help="drop to this uid/gid")
    p.add_argument("--read", action="append", default=[], help="with --landlock: readable")
    p.add_argument("--landlock", action="store_true", help="open only --read and --tmp paths")
    p.add_argument("--seccomp", action="store_true", help="deny kernel-attack syscalls")
    p.add_argument("--lib", default="", help="directory of _harden.py (process backend)")
    a = p.parse_args(argv)
    if a.site:
        sys.path.insert(0, a.site)
    sys.path.extend(a.path)  # read once the mounts are done: they may be bound back
    # Fail at start, not at the first call; and import it all before paths are hidden.
    import RestrictedPython.Eval
    import RestrictedPython.Guards
    import RestrictedPython.Limits  # noqa: F401

    limits = json.loads(a.limits)
    hardening: Any = None
    if a.lib:  # a process worker: the host's hardening module, read before paths are hidden
        sys.path.insert(0, a.lib)
        import _harden as hardening  # type: ignore[import-not-found,no-redef]

        hardening.harden(a.hide, a.tmp, a.expose, a.uid, ALLOWED_MODULES + LAZY_HELPERS)
    mem = int(limits.get("memory_bytes", 0))
    if mem:  # a MemoryError is a clearer outcome than the OOM killer (containers have both)
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    os.environ.clear()  # nothing inherited (Python itself may add LC_CTYPE at start)
    devnull = os.open(os.devnull, os.O_RDWR)
    if a.landlock:  # after the mounts; before stderr goes, so that a failure is reported
        hardening.landlock(a.read, a.tmp)
    if a.seccomp:
        hardening.seccomp()
    for fd in (0, 1, 2):  # stdio of untrusted code goes nowhere; print() is captured
        os.dup2(devnull, fd)
    if a.fd is not None:
        sock = socket.socket(fileno=a.fd)
    else:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        tmp_path = a.listen + ".tmp"
        server.bind(tmp_path)
        os.chmod(tmp_path, 0o600)
        server.listen(1)
        os.rename(tmp_path, a.listen)  # appears only once it accepts connections
        sock, _ = server.accept()
        server.close()
    Runner(sock, limits).serve()


if __name__ == "__main__":
    main()
