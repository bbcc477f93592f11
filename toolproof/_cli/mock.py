"""``toolproof mock serve TOOLS.json``: the compiled tools over HTTP and MCP.

``POST /tools/{name}`` with the arguments as the JSON body answers ``{"result": ...}`` or
problem+json carrying finding codes; ``X-Toolproof-Session`` chooses the mock state;
``/openapi.json`` documents every tool; ``/mcp`` serves them to agents over MCP.
Bundles are cached under ``$TOOLPROOF_HOME/bundles`` by content.
"""

from __future__ import annotations

from pathlib import Path

import typer

from toolproof._cli.compile import TOOLS_HELP, build, err, fail
from toolspec.errors import ToolproofError

app = typer.Typer(help="Mock tools compiled from specs, served over HTTP and MCP.",
                  no_args_is_help=True)  # fmt: skip


@app.command()
def serve(
    tools: Path = typer.Argument(..., help=TOOLS_HELP, metavar="TOOLS"),
    impl: Path | None = typer.Option(
        None, "--impl", help="Python file of implementations", metavar="FILE"
    ),
    sandbox: str = typer.Option(
        "process", "--sandbox", help="process, docker (or inprocess)", metavar="BACKEND"
    ),
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on", metavar="HOST"),
    port: int = typer.Option(8000, "--port", help="port to listen on", metavar="PORT"),
    seed: int = typer.Option(0, "--seed", help="seed of the generated values", metavar="N"),
    max_sessions: int = typer.Option(64, "--max-sessions", help="sessions kept (LRU)", metavar="N"),
) -> None:
    """Serve TOOLS.json's tools as mocks: POST /tools/{name}, /openapi.json, MCP at /mcp."""
    import uvicorn  # the server stack loads only for this command (CLI start-up time)

    from mock_apis import MockRunner, create_app
    from toolproof.compose import sandbox_options
    from toolproof.settings import get_settings

    if impl is not None and sandbox == "inprocess":
        raise fail("--impl code runs only in a sandbox: use --sandbox process or docker")
    bundle = build(tools, impl, seed, get_settings().home / "bundles")
    try:
        runner = MockRunner(sandbox, **sandbox_options(get_settings(), sandbox))
    except ToolproofError as exc:
        raise fail(exc.message) from None
    with runner:
        try:
            runner.check()  # fail at start, not with a 503 on every call
        except ToolproofError as exc:
            raise fail(exc.message) from None
        application = create_app(bundle, runner, max_sessions=max_sessions, host=host)
        url = f"http://{host}:{port}"
        err.print(
            f"{len(bundle.manifest.tools)} mock tool(s) on {url}/tools/{{name}} "
            f"({runner.backend} sandbox); OpenAPI {url}/openapi.json; MCP {url}/mcp",
            highlight=False,
        )
        uvicorn.run(application, host=host, port=port, log_level="warning")
