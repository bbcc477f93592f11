"""The mock server (FastAPI + MCP) of one compiled toolset.

Exports load on first use (``toolspec.lazy_exports``): the HTTP service uses the session pool and
the answer helpers of this package without loading MCP (about a second at start-up).
"""

from typing import TYPE_CHECKING

from toolspec import lazy_exports

_EXPORTS: dict[str, tuple[str, ...]] = {
    "mock_apis._server._app": ("MockApp", "create_app"),
    "mock_apis._server._openapi": ("SESSION_HEADER",),
}
__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # names re-exported for type checkers (``X as X``)
    from mock_apis._server._app import MockApp as MockApp, create_app as create_app
    from mock_apis._server._openapi import SESSION_HEADER as SESSION_HEADER
