"""The mock server (FastAPI + MCP) of one compiled toolset."""

from mock_apis._server._app import MockApp, create_app
from mock_apis._server._openapi import SESSION_HEADER

__all__ = ["SESSION_HEADER", "MockApp", "create_app"]
