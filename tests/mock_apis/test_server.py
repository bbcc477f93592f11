"""The mock server's HTTP contract: results, problem+json with codes, sessions, OpenAPI."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from mock_apis import SESSION_HEADER, MockBundle, MockOutcome, MockRunner, MockSession, create_app


@pytest.fixture
def client(shop: MockBundle) -> Iterator[TestClient]:
    with MockRunner("inprocess") as runner, TestClient(create_app(shop, runner)) as c:
        yield c


def test_a_call_answers_its_result(client: TestClient) -> None:
    r = client.post("/tools/get_weather", json={"location": "Oslo"})
    assert r.status_code == 200
    assert r.json()["result"]["location"] == "Oslo"
    assert r.headers[SESSION_HEADER] == "default"


def test_tool_names_that_are_not_identifiers_are_served(client: TestClient) -> None:
    r = client.post("/tools/Market%20Trends%20API", json={"trend_type": "GAINERS"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("/tools/get_weather", b'{"location": 7}', 422, "call.type_mismatch"),
        ("/tools/get_weather", b"{}", 422, "call.missing_required"),
        ("/tools/get_weather", b'{"location": "x", "when": 1}', 422, "call.unknown_param"),
        ("/tools/get_weather", b"[1, 2]", 422, "call.type_mismatch"),
        ("/tools/get_weather", b"{nope", 400, "call.unparsable"),
        ("/tools/no_such_tool", b"{}", 404, "call.unknown_tool"),
    ],
)
def test_errors_are_problem_json_with_finding_codes(
    client: TestClient, path: str, body: bytes, status: int, code: str
) -> None:
    r = client.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == status
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == status
    assert problem["findings"][0]["code"] == code
    assert problem["type"].endswith(code)


def test_sessions_keep_state_apart_and_can_be_dropped(client: TestClient) -> None:
    a, b = {SESSION_HEADER: "a"}, {SESSION_HEADER: "b"}
    order = client.post("/tools/create_order", json={"item": "tea", "quantity": 1}, headers=a)
    oid = order.json()["result"]["order_id"]
    assert client.post("/tools/delete_order", json={"order_id": oid}, headers=a).status_code == 200
    gone = client.post("/tools/get_order", json={"order_id": oid}, headers=a)
    assert gone.status_code == 404 and gone.json()["findings"][0]["code"] == "exec.error"
    assert client.post("/tools/get_order", json={"order_id": oid}, headers=b).status_code == 200
    assert client.delete("/sessions/a").status_code == 204
    assert client.post("/tools/get_order", json={"order_id": oid}, headers=a).status_code == 200
    assert client.delete("/sessions/a-never-used").status_code == 404


def test_openapi_is_generated_from_the_specs(client: TestClient, shop: MockBundle) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/tools/create_order", "/tools/get_order", "/tools/update_order", "/tools/cancel_order",
        "/tools/delete_order", "/tools/search_orders", "/tools/get_weather",
        "/tools/Market%20Trends%20API",
    }  # fmt: skip
    op = doc["paths"]["/tools/get_order"]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["order_id"]["pattern"] == r"^ORD-\d{6}$"
    result = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert "order_id" in result["properties"]["result"]["properties"]
    assert op["responses"]["422"]["content"]["application/problem+json"]


def test_the_document_is_the_mock_s_own_rules(client: TestClient) -> None:
    """The body is required where ``{}`` (an absent body) fails; the top level is closed
    unless the spec sets ``additionalProperties``; every status the server answers is there."""
    doc = client.get("/openapi.json").json()
    for path, item in doc["paths"].items():
        op = item["post"]
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        absent = client.post(path)
        assert (absent.status_code == 422) == op["requestBody"]["required"], path
        assert "additionalProperties" in schema
        assert set(op["responses"]) == {"200", "400", "404", "413", "422", "500", "502", "503",
                                        "504"}  # fmt: skip


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "TRACE", "OPTIONS"])
def test_another_method_on_a_tool_is_405_with_allow(client: TestClient, method: str) -> None:
    r = client.request(method, "/tools/get_weather")
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "request.method"
    unknown = client.request(method, "/tools/no_such_tool")
    assert unknown.status_code == 404 and unknown.json()["code"] == "call.unknown_tool"


def test_starlette_s_own_refusals_are_problems(client: TestClient) -> None:
    for r, status in ((client.get("/nowhere"), 404), (client.post("/healthz"), 405)):
        assert r.status_code == status
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["status"] == status
    assert client.post("/healthz").headers["allow"] == "GET"


def test_listing_manifest_and_health(client: TestClient, shop: MockBundle) -> None:
    tools = client.get("/tools").json()
    assert {t["name"] for t in tools} == {t.name for t in shop.manifest.tools}
    assert client.get("/manifest").json()["sha256"] == shop.sha256
    assert client.get("/healthz").json() == {"ok": True, "backend": "inprocess",
                                             "bundle": shop.sha256}  # fmt: skip


def test_a_failing_session_answers_instead_of_hanging(shop: MockBundle) -> None:
    class Broken(MockRunner):
        def session(self, bundle: MockBundle) -> MockSession:
            real = super().session(bundle)

            def explode(calls: object, timeout: float | None = None) -> list[MockOutcome]:
                raise RuntimeError("wires crossed")

            real.call_many = explode  # type: ignore[method-assign]
            return real

    with Broken("inprocess") as runner, TestClient(create_app(shop, runner)) as c:
        r = c.post("/tools/get_weather", json={"location": "Oslo"})
        assert r.status_code == 500
        assert r.json()["findings"][0]["code"] == "exec.error"
        assert "wires crossed" in r.json()["detail"]
