"""Bundle, Limits and Outcome: validation and the JSON shape the CLI prints."""

from __future__ import annotations

import pytest

import sandbox
from sandbox import HUMAN, Bundle, Limits, Outcome, OutcomeError


def test_public_surface_is_locked() -> None:
    assert sorted(sandbox.__all__) == sorted([
        "ALLOWED_MODULES", "HUMAN", "REPLACING_KINDS", "BackendUnavailableError", "Bundle",
        "Call", "ErrorKind", "FakeHandler", "FakeSandbox", "FakeSession", "Isolation", "Limits",
        "Outcome", "OutcomeError", "Sandbox", "SandboxStats", "Session", "SessionClosedError",
        "UnknownBackendError", "backend_names", "create_sandbox", "sandbox_backend",
    ])  # fmt: skip
    for name in sandbox.__all__:
        assert hasattr(sandbox, name)


def test_bundle_hash_is_stable_and_content_addressed() -> None:
    a = Bundle({"m": "x = 1\n", "n": "y = 2\n"}, main="m")
    b = Bundle({"n": "y = 2\n", "m": "x = 1\n"}, main="m")
    c = Bundle({"m": "x = 1\n", "n": "y = 3\n"}, main="m")
    assert a.sha256 == b.sha256 != c.sha256
    assert Bundle.from_source("x = 1\n").main == "main"
    assert Bundle({"first": "", "second": ""}).main == "first"


@pytest.mark.parametrize(
    ("modules", "main", "message"),
    [
        ({}, "", "at least one module"),
        ({"not-an-identifier": ""}, "", "not an identifier"),
        ({"m": b"x"}, "", "not text"),
        ({"m": ""}, "other", "main module 'other'"),
    ],
)
def test_bundle_rejects_bad_shapes(modules: dict[str, str], main: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Bundle(modules, main)


def test_bundle_modules_are_read_only() -> None:
    bundle = Bundle.from_source("x = 1\n")
    with pytest.raises(TypeError):
        bundle.modules["main"] = "evil"  # type: ignore[index]


def test_limits_are_positive_and_named() -> None:
    assert set(HUMAN) == set(Limits().runner_json()) | {"wall_s", "pids", "cpus"}
    with pytest.raises(ValueError, match="wall_s"):
        Limits(wall_s=0)
    with pytest.raises(ValueError, match="memory_bytes"):
        Limits(memory_bytes=-1)
    assert Limits(wall_s=1).worker_key == Limits(wall_s=9).worker_key
    assert Limits(pids=4).worker_key != Limits().worker_key


def test_outcome_json_shape() -> None:
    ok = Outcome(True, {"a": 1}, None, "hi\n", 1.23456, {"cpu_ms": 0.5})
    assert ok.to_json() == {"ok": True, "value": {"a": 1}, "error": None, "stdout_tail": "hi\n",
                            "duration_ms": 1.235, "resources": {"cpu_ms": 0.5}}  # fmt: skip
    bad = Outcome.failure("timeout", "too slow", duration_ms=5.0, replaced=True)
    assert bad.error == OutcomeError("timeout", "too slow")
    assert bad.replaced_worker and bad.resources == {"replaced": True}
    assert bad.to_json()["error"] == {"kind": "timeout", "type": "timeout", "message": "too slow"}
    assert not Outcome.failure("raised", "x").replaced_worker
