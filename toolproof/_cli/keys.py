"""``toolproof keys create --tenant NAME``: a new API key, printed alone on stdout.

Only the key's SHA-256 is stored (in the job store of TOOLPROOF_DATABASE_URL), so a
lost key cannot be shown again: create another.
"""

from __future__ import annotations

import typer

from toolspec.errors import ToolproofError

app = typer.Typer(help="API keys of the HTTP service (stored hashed).", no_args_is_help=True)


@app.command()
def create(
    tenant: str = typer.Option(
        ..., "--tenant", help="the tenant the key belongs to", metavar="NAME"
    ),
) -> None:
    """Create an API key for TENANT and print it (only once; it is stored hashed)."""
    from toolproof.settings import get_settings
    from toolproof.store import Store  # SQLAlchemy and Alembic load only for this command

    store = Store(get_settings().resolved_database_url)
    try:
        store.migrate()
        key = store.create_key(tenant)
    except ToolproofError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    finally:
        store.close()
    typer.echo(key)
