"""Backends by name, the fake backend, and the error tree."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox import (
    BackendUnavailableError,
    Bundle,
    FakeSandbox,
    Isolation,
    Limits,
    SessionClosedError,
    UnknownBackendError,
    backend_names,
    create_sandbox,
    sandbox_backend,
)  # fmt: skip
from toolspec.errors import SandboxError


def test_unknown_backend_lists_known_ones() -> None:
    with pytest.raises(UnknownBackendError, match=r"'nope'; known: docker, fake, process"):
        create_sandbox("nope")
    assert issubclass(UnknownBackendError, LookupError)
    for error in (UnknownBackendError, BackendUnavailableError, SessionClosedError):
        assert issubclass(error, SandboxError)


def test_a_new_backend_is_a_decorated_class() -> None:
    @sandbox_backend("echo-test")
    class Echo(FakeSandbox):
        name = "echo-test"

        def __init__(self, **options: Any) -> None:
            super().__init__(lambda entry, args, state: [entry, args])

    try:
        assert "echo-test" in backend_names()
        sb = create_sandbox("echo-test")
        assert isinstance(sb, Echo)
        assert sb.session(Bundle.from_source("")).call("f", {"x": 1}).value == ["f", {"x": 1}]
    finally:
        from sandbox._registry import BACKENDS

        BACKENDS.remove("echo-test")


def test_fake_keeps_state_until_reset_and_contains_errors() -> None:
    def handler(entry: str, args: dict[str, Any], state: dict[str, Any]) -> Any:
        if entry == "put":
            state[args["k"]] = args["v"]
        if entry == "slow":
            raise TimeoutError("slow")
        if entry == "boom":
            raise KeyError("boom")
        return state.get(str(args.get("k")))

    with create_sandbox("fake", handler=handler) as sb:
        session = sb.session(Bundle.from_source(""), Limits())
        assert session.call("put", {"k": "a", "v": 1}).value == 1
        assert session.call("get", {"k": "a"}).value == 1
        session.reset()
        assert session.call("get", {"k": "a"}).value is None
        assert [o.error.kind for o in session.call_many([("slow", {}), ("boom", {}), ("get", [])])
                if o.error] == ["timeout", "raised", "args"]  # fmt: skip
        assert isinstance(sb.isolation(), Isolation)
    with pytest.raises(SessionClosedError):
        session.call("get", {})
