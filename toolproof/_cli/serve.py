"""``toolproof serve``: the HTTP service (FastAPI on uvicorn), settings from TOOLPROOF_*."""

from __future__ import annotations

import os
from typing import Any

import typer

from toolspec.errors import ToolproofError

FACTORY = "toolproof.service._app:app_from_env"


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on", metavar="HOST"),
    port: int = typer.Option(8000, "--port", help="port to listen on", metavar="PORT"),
    job_workers: int | None = typer.Option(
        None,
        "--job-workers",
        help="job worker threads (default: TOOLPROOF_JOB_WORKERS or 1)",
        metavar="N",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="server processes (each with its own job workers)", metavar="N"
    ),
) -> None:
    """Serve the HTTP API: /v1/verify, /v1/jobs, /v1/toolsets, /healthz, /readyz, /metrics."""
    import uvicorn  # the server stack loads only for this command (CLI start-up time)

    from toolproof.engines import EngineOptions, open_engine
    from toolproof.service import configure_logging, create_app
    from toolproof.settings import get_settings

    if job_workers is not None:
        os.environ["TOOLPROOF_JOB_WORKERS"] = str(job_workers)
        get_settings.cache_clear()
    settings = get_settings()
    configure_logging(settings.log_level)
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "access_log": False,
        "log_config": None,
        "log_level": settings.log_level,
        "timeout_keep_alive": 30,
        # Nothing here reads the client address or scheme, so X-Forwarded-* is not
        # parsed on every request; and the answer does not advertise the server software.
        "proxy_headers": False,
        "server_header": False,
        # httptools (C) rather than h11 (pure Python), uvloop when installed ("auto");
        # the API has no WebSocket route, so an Upgrade request is answered as plain HTTP
        "http": "httptools",
        "loop": "auto",
        "ws": "none",
    }
    try:
        if workers > 1:  # each process imports the app through the factory
            if settings.engine != "local":  # each joins the cluster: is it there?
                open_engine(settings.engine, EngineOptions.of(settings)).close()
        else:
            app = create_app(settings)
    except ToolproofError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if workers > 1:
        uvicorn.run(FACTORY, factory=True, workers=workers, **options)
    else:
        uvicorn.run(app, **options)
