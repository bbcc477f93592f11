"""The mock runtime, the registry of compiled toolsets and the mock server.

    from mock_apis import MockRunner, compile_toolset

    bundle = compile_toolset(specs)                 # synth.compile + RestrictedPython check
    with MockRunner("process") as runner, runner.session(bundle) as session:
        session.call("create_order", {"item": "tea"})   # MockOutcome(ok=True, result=...)

Compiled bundles run on the stdlib-only ``tpmock_*`` runtime (``mock_apis._runtime``),
shipped beside the generated module into a sandbox session; ``create_app`` serves one
toolset over HTTP (``POST /tools/{name}``) and MCP.
"""

from typing import TYPE_CHECKING, Any

from mock_apis._examples import example_arguments
from mock_apis._inprocess import InProcessSandbox
from mock_apis._outcome import MockOutcome
from mock_apis._registry import ToolsetRegistry
from mock_apis._restricted import compile_toolset, restricted_check
from mock_apis._reuse import ThreadSessions, ToolsetCache, toolset_key
from mock_apis._runner import MockRunner, MockSession, open_sandbox, runner_names, sandbox_bundle
from mock_apis._runtime import RUNTIME_ABI, runtime_modules
from mock_apis._tools_file import read_tools

if TYPE_CHECKING:
    from mock_apis._server import SESSION_HEADER, MockApp, create_app

#: The server pulls in FastAPI and the MCP SDK; load it only when asked for (CLI start-up).
LAZY = frozenset({"SESSION_HEADER", "MockApp", "create_app"})


def __getattr__(name: str) -> Any:
    if name in LAZY:
        from mock_apis import _server

        return getattr(_server, name)
    raise AttributeError(f"module 'mock_apis' has no attribute {name!r}")


__all__ = [
    "RUNTIME_ABI",
    "SESSION_HEADER",
    "InProcessSandbox",
    "MockApp",
    "MockOutcome",
    "MockRunner",
    "MockSession",
    "ThreadSessions",
    "ToolsetCache",
    "ToolsetRegistry",
    "compile_toolset",
    "create_app",
    "example_arguments",
    "open_sandbox",
    "read_tools",
    "restricted_check",
    "runner_names",
    "runtime_modules",
    "sandbox_bundle",
    "toolset_key",
]
