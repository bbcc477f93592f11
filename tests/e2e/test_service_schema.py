"""schemathesis against the live service's /openapi.json: no input gives a server error,
and every refusal is problem+json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.toolproof.live import live_server, new_key, service_settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    cfg = service_settings(tmp_path_factory.mktemp("schema"), max_upload_bytes=1 << 20)
    with live_server(cfg) as url:
        yield url, new_key(cfg, "fuzz")


def test_no_server_errors(service: tuple[str, str]) -> None:
    """Every operation, fuzzed from its schema (the pytest plugin does not load here)."""
    url, key = service
    loaded = schemathesis.openapi.from_url(f"{url}/openapi.json")
    operations = [result.ok() for result in loaded.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: Any) -> None:
            response = case.call(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30
            )
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                headers = {k.lower(): v for k, v in response.headers.items()}
                assert headers["content-type"][0].startswith("application/problem+json")

        check()
