"""The spec→mock compiler, the runtime it targets, the registry of compiled toolsets and
the mock server.

    from mock_apis import MockRunner, compile_toolset

    bundle = compile_toolset(specs)                 # compile + RestrictedPython check
    with MockRunner("process") as runner, runner.session(bundle) as session:
        session.call("create_order", {"item": "tea"})   # MockOutcome(ok=True, result=...)

Compiled bundles run on the stdlib-only ``tpmock_*`` runtime (``mock_apis._runtime``),
shipped beside the generated module into a sandbox session; ``create_app`` serves one
toolset over HTTP (``POST /tools/{name}``) and MCP.

Exports load on first use (``toolspec.lazy_exports``): importing one name, or a sub-module,
loads only what that needs.
"""

from typing import TYPE_CHECKING

from toolspec import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "mock_apis._compiler": (
        "MockBundle",
        "ToolEntry",
        "ToolError",
        "classify_name",
        "compile",
        "expand_pattern",
        "id_pattern",
        "id_prefix",
        "pattern_program",
        "singular",
    ),
    "mock_apis._examples": ("example_arguments",),
    "mock_apis._inprocess": ("InProcessSandbox",),
    "mock_apis._outcome": ("MockOutcome",),
    "mock_apis._registry": ("ToolsetRegistry",),
    "mock_apis._restricted": (
        "compile_toolset",
        "restricted_check",
    ),
    "mock_apis._reuse": (
        "ThreadSessions",
        "ToolsetCache",
        "toolset_key",
    ),
    "mock_apis._runner": (
        "MockRunner",
        "MockSession",
        "open_sandbox",
        "runner_names",
        "sandbox_bundle",
    ),
    "mock_apis._runtime": (
        "RUNTIME_ABI",
        "runtime_modules",
    ),
    "mock_apis._tools_file": ("read_tools",),
    "mock_apis._server": (
        "SESSION_HEADER",
        "MockApp",
        "create_app",
    ),
    # The HTTP service answers ``POST /v1/toolsets/{id}/call`` as the mock server does.
    "mock_apis._server._tool_calls": (
        "json_response",
        "tool_problem",
    ),
    "mock_apis._server._sessions": ("SessionPool",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from mock_apis._compiler import (
        MockBundle as MockBundle,
        ToolEntry as ToolEntry,
        ToolError as ToolError,
        classify_name as classify_name,
        compile as compile,
        expand_pattern as expand_pattern,
        id_pattern as id_pattern,
        id_prefix as id_prefix,
        pattern_program as pattern_program,
        singular as singular,
    )
    from mock_apis._examples import example_arguments as example_arguments
    from mock_apis._inprocess import InProcessSandbox as InProcessSandbox
    from mock_apis._outcome import MockOutcome as MockOutcome
    from mock_apis._registry import ToolsetRegistry as ToolsetRegistry
    from mock_apis._restricted import (
        compile_toolset as compile_toolset,
        restricted_check as restricted_check,
    )
    from mock_apis._reuse import (
        ThreadSessions as ThreadSessions,
        ToolsetCache as ToolsetCache,
        toolset_key as toolset_key,
    )
    from mock_apis._runner import (
        MockRunner as MockRunner,
        MockSession as MockSession,
        open_sandbox as open_sandbox,
        runner_names as runner_names,
        sandbox_bundle as sandbox_bundle,
    )
    from mock_apis._runtime import RUNTIME_ABI as RUNTIME_ABI, runtime_modules as runtime_modules
    from mock_apis._server import (
        SESSION_HEADER as SESSION_HEADER,
        MockApp as MockApp,
        create_app as create_app,
    )
    from mock_apis._server._sessions import SessionPool as SessionPool
    from mock_apis._server._tool_calls import (
        json_response as json_response,
        tool_problem as tool_problem,
    )
    from mock_apis._tools_file import read_tools as read_tools
