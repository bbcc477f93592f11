"""The JSON-Schema-Test-Suite (draft 2020-12) against toolproof's one argument check.

Every case runs end to end through both sides that share the check (``toolspec.tool_check``):
(a) the rule layer, ``check_rules`` on a sample whose one call carries the case's data;
(b) the mock path, a compiled mock called through a session (in-process for every case,
the process sandbox and the mock server's HTTP route for the cases issue 16 names). The
case's schema becomes the tool parameter ``value`` (``wrap``: a ``$ref`` to it as an
embedded resource, so its own ``$ref``s and ``$id``s mean what they mean in the suite).

What is not run as the suite says, and why, is listed below: files skipped, cases whose
schema needs the suite's remote server (toolproof never fetches a ``$ref``: both sides
refuse such a schema, which is asserted), and deliberate deviations (formats asserted;
leniencies of the format checkers). The suite's copy and its origin:
``tests/data/json-schema-test-suite/SOURCE.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mock_apis import MockOutcome, MockRunner, compile_toolset, create_app
from tests.conftest import DATA
from toolspec import SCHEMA_FORMATS, ToolSpec
from verifier import Sample, ToolCall, Turn, check_rules

SUITE = DATA / "json-schema-test-suite" / "draft2020-12"
CASE_ID = "urn:toolproof:suite-case"

#: Formats toolproof keeps as annotations (draft 2020-12's default); it asserts
#: ``toolspec.SCHEMA_FORMATS`` only, and those files run.
ANNOTATION_FORMATS = (
    "duration", "ecmascript-regex", "hostname", "idn-email", "idn-hostname", "iri",
    "iri-reference", "json-pointer", "regex", "relative-json-pointer", "unknown",
    "uri-reference", "uri-template",
)  # fmt: skip
SKIPPED_FILES: dict[str, str] = {
    "optional/dependencies-compatibility.json": "draft 7's `dependencies`, which draft "
    "2020-12 replaced by dependentRequired and dependentSchemas (the dialect of every spec)",
    "optional/cross-draft.json": "refers to schemas of older drafts on the suite's remote "
    "server: toolproof fetches no $ref and reads every schema as draft 2020-12",
    **{
        f"optional/format/{name}.json": f"format {name!r} is an annotation in toolproof, "
        "as draft 2020-12 says by default; asserting it is optional"
        for name in ANNOTATION_FORMATS
    },
}
#: (file, group) whose schema ``$ref``s the suite's remote server (localhost:1234).
REMOTE_FILES = ("refRemote.json",)
REMOTE_GROUPS = {
    ("dynamicRef.json", "strict-tree schema, guards against misspelled properties"),
    ("dynamicRef.json", "tests for implementation dynamic anchor and reference link"),
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $defs first"),
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $ref first"),
    ("dynamicRef.json", "$ref to $dynamicRef finds detached $dynamicAnchor"),
}
_ASSERTED = "toolproof asserts the formats of toolspec.SCHEMA_FORMATS (call.format_violation)"
#: (file, group, test) → (toolproof's verdict, why it differs from the suite's).
DEVIATIONS: dict[tuple[str, str, str], tuple[bool, str]] = {
    **{
        ("format.json", f"{name} format", f"invalid {name} string is only an annotation by "
         "default"): (False, _ASSERTED)
        for name in SCHEMA_FORMATS
    },
    ("optional/format/time.json", "validation of time strings", "no time offset"): (
        True, "a time without offset is a local time, which real APIs take (10:30)"),
    ("optional/format/time.json", "validation of time strings",
     "no time offset with second fraction"): (
        True, "a time without offset is a local time, which real APIs take"),
    ("optional/format/uuid.json", "uuid format", "no dashes"): (
        True, "32 hex digits without hyphens are a UUID to uuid.UUID and to real APIs"),
    ("vocabulary.json", "schema that uses custom metaschema with with no validation vocabulary",
     "no validation: invalid number, but it still validates"): (
        False, "the custom metaschema is on the suite's remote server: toolproof fetches "
        "none and applies draft 2020-12's vocabularies"),
}  # fmt: skip


@dataclass(frozen=True)
class Group:
    file: str
    description: str
    schema: Any
    tests: list[dict[str, Any]]

    @property
    def remote(self) -> bool:
        return self.file in REMOTE_FILES or (self.file, self.description) in REMOTE_GROUPS

    def expected(self, test: dict[str, Any]) -> bool:
        found = DEVIATIONS.get((self.file, self.description, test["description"]))
        return found[0] if found is not None else bool(test["valid"])

    def tool(self) -> ToolSpec:
        return ToolSpec(
            name="check_value", description="Checks a value.", parameters=wrap(self.schema)
        )


def wrap(schema: Any) -> dict[str, Any]:
    """Tool parameters whose ``value`` is ``schema``, kept a resource of its own."""
    if isinstance(schema, bool):
        value: dict[str, Any] = {"allOf": [schema], "description": "The value."}
        return {"type": "object", "properties": {"value": value}, "required": ["value"]}
    ident = schema.get("$id")
    if ident is None:
        schema, ident = {"$id": CASE_ID, **schema}, CASE_ID
    value = {"$ref": ident, "description": "The value."}
    return {"type": "object", "properties": {"value": value}, "required": ["value"],
            "$defs": {"case": schema}}  # fmt: skip


def files() -> list[str]:
    return sorted(str(p.relative_to(SUITE)) for p in SUITE.rglob("*.json"))


def groups(file: str) -> list[Group]:
    data = json.loads((SUITE / file).read_text(encoding="utf-8"))
    return [Group(file, g["description"], g["schema"], g["tests"]) for g in data]


RUN = [f for f in files() if f not in SKIPPED_FILES]


def rule_verdict(tool: ToolSpec, data: Any) -> bool | str:
    """True/False: the rule layer's verdict on ``check_value(value=data)``; a string when
    it refuses the schema itself."""
    turns = [
        Turn("user", "check it"),
        Turn("assistant", None, [ToolCall(tool.name, {"value": data})]),
    ]
    sample = Sample(index=0, id="0", format="xlam", tools=[tool], turns=turns,
                    meta={"responses": False})  # fmt: skip
    findings = check_rules(sample)
    refused = [f.message for f in findings if f.code == "spec.invalid_schema"]
    if refused:
        return refused[0]
    return not [f for f in findings if f.code.startswith("call.")]


def mock_verdict(outcome: MockOutcome) -> bool | str:
    """True for an answer, False for a refusal of the arguments, else what went wrong."""
    if outcome.ok:
        return True
    if outcome.rejected and outcome.status == 422 and outcome.codes[0].startswith("call."):
        return False
    return f"HTTP {outcome.status}: {outcome.findings}"


@pytest.fixture(scope="module")
def inprocess() -> Iterator[MockRunner]:
    with MockRunner("inprocess") as runner:
        yield runner


@pytest.mark.parametrize("file", RUN)
def test_the_rule_layer_agrees_with_the_suite(file: str) -> None:
    wrong = []
    for group in groups(file):
        tool = group.tool()
        for test in group.tests:
            got = rule_verdict(tool, test["data"])
            if group.remote:
                if not (isinstance(got, str) and "remote $ref" in got):
                    wrong.append((group.description, test["description"], "not refused", got))
            elif got != group.expected(test):
                wrong.append((group.description, test["description"], group.expected(test), got))
    assert wrong == []


@pytest.mark.parametrize("file", RUN)
def test_the_mock_path_agrees_with_the_suite(file: str, inprocess: MockRunner) -> None:
    wrong = []
    for group in groups(file):
        bundle = compile_toolset([group.tool()])
        if group.remote:
            codes = [(e.code, "remote $ref" in e.message) for e in bundle.errors]
            if codes != [("spec.invalid_schema", True)]:
                wrong.append((group.description, "not refused", bundle.errors))
            continue
        assert not bundle.errors, (group.description, bundle.errors)
        session = inprocess.session(bundle)
        for test in group.tests:
            got = mock_verdict(session.call("check_value", {"value": test["data"]}))
            if got != group.expected(test):
                wrong.append((group.description, test["description"], group.expected(test), got))
    assert wrong == []


#: The suite's files holding the mock runtime's former mistakes (issue 16).
NAMED = ("const.json", "enum.json", "not.json", "contains.json", "uniqueItems.json",
         "multipleOf.json")  # fmt: skip


@pytest.mark.parametrize("file", NAMED)
def test_the_process_sandbox_and_the_mock_server_agree_too(file: str) -> None:
    """The same check on the real sandbox and over HTTP: 200 or 422, never 500."""
    with MockRunner("process") as runner:
        for group in groups(file):
            bundle = compile_toolset([group.tool()])
            session = runner.session(bundle)
            with TestClient(create_app(bundle, runner)) as http:
                for test in group.tests:
                    args = {"value": test["data"]}
                    expected = group.expected(test)
                    assert mock_verdict(session.call("check_value", args)) == expected
                    answer = http.post("/tools/check_value", json=args)
                    assert answer.status_code == (200 if expected else 422), answer.text
            session.close()


def test_the_float_division_case_is_a_refusal_not_a_server_error() -> None:
    """``{"type": "integer", "multipleOf": 0.123456789}`` with 1e308 (multipleOf.json)."""
    tool = ToolSpec(name="check_value", description="Checks a value.",
                    parameters=wrap({"type": "integer", "multipleOf": 0.123456789}))  # fmt: skip
    bundle = compile_toolset([tool])
    with MockRunner("inprocess") as runner, TestClient(create_app(bundle, runner)) as http:
        answer = http.post("/tools/check_value", content=b'{"value": 1e308}')
    assert answer.status_code == 422
    assert answer.json()["code"] == "call.range_violation"


def test_the_lists_name_real_files_and_cases() -> None:
    """Every skip, remote group and deviation names something in the suite (no stale
    entries), and the counts are what the report says."""
    known = set(files())
    assert set(SKIPPED_FILES) <= known and set(REMOTE_FILES) <= known
    cases = {
        (g.file, g.description, t["description"]) for f in RUN for g in groups(f) for t in g.tests
    }
    assert {(f, d) for f, d, _ in cases} >= REMOTE_GROUPS
    assert set(DEVIATIONS) <= cases
    remote = sum(1 for f, d, _ in cases if f in REMOTE_FILES or (f, d) in REMOTE_GROUPS)
    total = sum(len(g.tests) for f in known for g in groups(f))
    skipped = total - len(cases)
    # 1,906 cases: 286 in skipped files, 44 whose schema needs the remote server (refused),
    # 1,576 run, 12 of them deliberate deviations.
    assert (total, skipped, remote, len(DEVIATIONS)) == (1906, 286, 44, 12)


def test_a_schema_of_the_wrong_dialect_is_still_bounded() -> None:
    """An embedded ``$schema`` keeps the bounded regex engine: the ECMA-only ``\\p{L}``
    is matched, not handed to Python's ``re`` (which cannot compile it)."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "pattern": "^\\p{L}+$"}
    tool = ToolSpec(name="check_value", description="Checks a value.", parameters=wrap(schema))
    assert rule_verdict(tool, "été") is True
    assert rule_verdict(tool, "3") is False
