"""``/openapi.json``: FastAPI's document of the routes, made exact where FastAPI cannot know.

    document(app) -> dict

- Error answers are ``application/problem+json`` (``_problems``, one handler); FastAPI
  documents every response model as ``application/json``.
- Every ``/v1`` operation needs ``Authorization: Bearer KEY``, checked by ``_deps``
  (without FastAPI's security dependencies, which ``POST /v1/verify``, a Starlette route,
  would not run): the document says so with a ``bearer`` security scheme.
- FastAPI adds a ``422 HTTPValidationError`` to each operation with parameters; the
  routes declare the 422 they can answer themselves (a problem, not that model), and an
  operation whose parameters cannot fail validation (a path id) never answers it.

Built once per app, through FastAPI's public ``get_openapi`` (FastAPI caches it on
``app.openapi_schema``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.routing import BaseRoute

from toolproof.service._problems import MEDIA_TYPE

SCHEME = "bearer"
SECURITY_SCHEMES = {
    SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": "an API key, printed by `toolproof keys create --tenant NAME`",
    }
}
FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def document(app: FastAPI, routes: Sequence[BaseRoute]) -> dict[str, Any]:
    """The document of ``routes`` (the app's, and descriptions of its Starlette routes)."""
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=routes,
    )
    for path, item in doc["paths"].items():
        for operation in item.values():
            responses: dict[str, Any] = operation["responses"]
            if _refers_to(responses.get("422"), FASTAPI_VALIDATION[0]):
                del responses["422"]
            for status, response in responses.items():
                content = response.get("content", {})
                if status[0] in "45" and "application/json" in content:
                    content[MEDIA_TYPE] = content.pop("application/json")
            if path.startswith("/v1/"):
                operation["security"] = [{SCHEME: []}]
    components = doc.setdefault("components", {})
    for name in FASTAPI_VALIDATION:
        components.get("schemas", {}).pop(name, None)
    components["securitySchemes"] = SECURITY_SCHEMES
    return doc


def _refers_to(response: dict[str, Any] | None, model: str) -> bool:
    if response is None:
        return False
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref") == f"#/components/schemas/{model}")
