"""schemathesis hooks (``SCHEMATHESIS_HOOKS``) for ``fuzz``: what JSON Schema cannot say.

- ``POST /v1/verify`` with format ``auto`` and ``POST /v1/toolsets`` read the content to
  tell its dataset format or tool dialect, as ``toolproof verify`` does on a file: records
  no format recognises answer 422 ``dataset.invalid``, tools no dialect reads 422
  ``spec.invalid``. ``positive_data_acceptance_by_code`` is the stock check, except for a
  422 carrying one of those two codes (any other 422 of valid data still fails it).
- A gzip or octet-stream upload (``POST /v1/jobs``) starts with the gzip magic or JSON;
  a schema's ``format: binary`` cannot say so, so binary bodies (generated, or the file
  samples of the coverage phase) get the magic before they are sent.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.checks import positive_data_acceptance

#: 422 codes of content that a reader or an importer recognises, or not, by heuristics.
CONTENT_CODES = frozenset({"dataset.invalid", "spec.invalid"})
GZIP_MAGIC = b"\x1f\x8b"


@schemathesis.check
def positive_data_acceptance_by_code(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool | None:
    if response.status_code == 422 and response.headers.get("content-type", [""])[0].startswith(
        "application/problem+json"
    ):
        try:
            code = response.json().get("code")
        except ValueError:
            code = None
        if code in CONTENT_CODES:
            return None
    return positive_data_acceptance(ctx, response, case)  # type: ignore[no-any-return]


@schemathesis.hook
def before_call(ctx: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: Any) -> None:
    data = getattr(case.body, "data", case.body)  # file samples come wrapped (``Binary``)
    if case.operation.path == "/v1/jobs" and isinstance(data, bytes):
        case.body = data if data.startswith(GZIP_MAGIC) else GZIP_MAGIC + data
