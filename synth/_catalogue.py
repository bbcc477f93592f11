"""The offline generator's vocabulary, read from package data: the domain tree, each
sub-domain's entities and fields, the schemas of fields, and the default seed catalogue.

Word lists live in ``data/`` (see its SOURCE.md), not in code: ``domains.txt`` is the tree
(30 domains, 390 sub-domains as in ToolACE's pool, each with the entities its APIs act
on), ``fields.tsv`` holds the schemas naming rules cannot guess, ``seeds.jsonl`` the real
tool specs (BFCL, Glaive, ToolACE) that seed a pool by default. A field's schema follows
its meaning: ``departure_date`` is a date, ``owner_email`` an email address, ``amount``
money, ``order_id`` an id in the order family's own pattern (``ORD-123456``), so that
every tool of a family takes and returns ids of one shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import orjson

from mock_apis import id_pattern, id_prefix
from toolspec import ToolSpec

#: domain → its sub-domains, in file order.
DomainTree = dict[str, list[str]]


def data_text(name: str) -> str:
    return resources.files("synth").joinpath("data", name).read_text("utf-8")


def plural(thing: str) -> str:
    """English plural of the last word of a snake_case noun (``price_alert`` → ``…s``)."""
    head, _, last = thing.rpartition("_")
    if last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
        last = last[:-1] + "ies"
    elif last.endswith(("s", "x", "ch", "sh", "z")):
        last += "es"
    else:
        last += "s"
    return f"{head}_{last}" if head else last


def text(name: str) -> str:
    """``price_alert`` → ``price alert``."""
    return name.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Entity:
    """What a sub-domain's APIs act on, with the fields that describe it."""

    name: str
    fields: tuple[str, ...]
    domain: str
    leaf: str

    @property
    def label(self) -> str:
        return f"{self.domain}/{self.leaf}"


@dataclass(frozen=True, slots=True)
class Catalogue:
    keywords: dict[str, tuple[str, ...]]
    entities: dict[str, list[Entity]]  # "domain/leaf" → entities

    def tree(self) -> DomainTree:
        tree: DomainTree = {d: [] for d in self.keywords}
        for label in self.entities:
            domain, leaf = label.split("/")
            tree[domain].append(leaf)
        return tree


@cache
def catalogue() -> Catalogue:
    """The parsed ``domains.txt``."""
    keywords: dict[str, tuple[str, ...]] = {}
    entities: dict[str, list[Entity]] = {}
    domain = ""
    for line in data_text("domains.txt").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("= "):
            domain, _, words = line[2:].partition(":")
            keywords[domain] = tuple(words.split())
            continue
        leaf, *parts = (p.strip() for p in line.split("|"))
        found = entities.setdefault(f"{domain}/{leaf}", [])
        for part in parts:
            name, _, fields = part.partition(":")
            thing = name.strip()
            # A bare ``name`` is the entity's own name (``playlist_name``), not a person's.
            own = tuple(
                f"{thing}_name" if f.strip() == "name" else f.strip() for f in fields.split(",")
            )
            found.append(Entity(thing, own, domain, leaf))
    return Catalogue(keywords, entities)


@cache
def field_kinds() -> dict[str, tuple[str, str]]:
    """``fields.tsv``: field → (kind, description)."""
    out: dict[str, tuple[str, str]] = {}
    for line in data_text("fields.tsv").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, kind, description = line.split("\t")
        out[name] = (kind, description)
    return out


#: (name pattern, kind, description template) tried in order for fields not in
#: ``fields.tsv``; ``{words}`` is the field's words, ``{entity}`` the entity's.
RULES: tuple[tuple[str, str, str], ...] = (
    (r"(^|_)date$|^deadline$", "date", "{Words} (YYYY-MM-DD)"),
    (r"_time$", "time", "{Words} (HH:MM)"),
    (r"(^|_)month$|_month$", "month", "{Words} (YYYY-MM)"),
    (r"(^|_)year$|^vintage$|^season$|_year$", "int:2010:2026", "{Words}"),
    (r"(^|_)email$|^recipient$", "email", "Email address: {words}"),
    (r"(^|_)city$", "city", "{Words} (a city name, e.g. Lisbon)"),
    (r"(^|_)country$|^nationality$|^jurisdiction$", "country",
     "{Words} as an ISO 3166-1 alpha-2 code (e.g. FR)"),
    (r"currency$", "currency", "{Words} as an ISO 4217 code (e.g. EUR)"),
    (r"(^|_)language$", "lang", "{Words} as an ISO 639-1 code (e.g. en)"),
    (r"^url$|_url$", "url", "{Words} (https URL)"),
    (r"^phone$|_phone$", "phone", "Phone number in E.164 form (+14155550123)"),
    (r"^include_", "bool", "Whether to include the {words_rest}"),
    (r"^is_", "bool", "Whether it is {words_rest}"),
    (r"(^|_)(amount|price|value|stake)$", "number:1:2000", "{Words} in the account's currency"),
    (r"(^|_)(budget|rent|debt|limit|rate)$", "number:50:10000",
     "{Words} in the account's currency"),
    (r"(^|_)(principal|salary|income)$", "number:1000:500000",
     "{Words} in the account's currency"),
    (r"(^|_)(quantity|guests|nights|seats|bedrooms|servings|lessons|installments|pallets"
     r"|waiters|points|tables|guards|bundles|tree_count|question_count|page_count"
     r"|party_size|household_size|team_size|item_count|dice_count|sides)$",
     "int:1:20", "Number of {words}"),
    (r"(^|_)(days|weeks|hours|minutes|seconds|steps|trip_days|lock_days)$", "int:1:60",
     "{Words} (a whole number)"),
    (r"_(kg|km|m|tons|meters|area|cc|liters)$|^(liters|tons|square_meters|floor_area)$",
     "number:1:5000", "{Words} of the {entity}"),
    (r"(^|_)(full_name|holder_name|patient_name|employee_name|student_name|passenger_name"
     r"|recipient_name|payee_name|customer_name|candidate_name|applicant_name|member_name"
     r"|owner_name|guest_name|traveler_name|runner_name|rider_name|driver_name|author"
     r"|artist|tenant_name|buyer_name|visitor_name|volunteer_name|staff_name|child_name"
     r"|parent_name|assignee_name|agent_name|grantor_name|testator_name|spouse_name"
     r"|petitioner_name|payer_name|beneficiary_name|sponsor_name|signer_name|donor_name"
     r"|resident_name|veteran_name|researcher_name|claimant_name|colleague_name"
     r"|subscriber_name|athlete_name|player_name|opponent_name|trainer_name|tutor_name"
     r"|lawyer_name|instructor_name|astronaut_name|comedian_name|influencer_name"
     r"|sitter_name|courier_name|host_name|current_name|new_name|dependent_name"
     r"|match_name|speaker_name|attendee_name|juror_name|client_name|guide_name)$",
     "person", "Full name of the {words_head}"),
    (r"(^|_)(company_name|business_name|organization_name|employer_name|brand_name"
     r"|vendor_name|supplier_name|seller_name|partner_name|charity_name|competitor_name"
     r"|merchant_name|counterparty_name|outlet_name|provider_name|organizer_name)$",
     "company", "Name of the {words_head}"),
    (r"(^|_)(street_address|delivery_address|pickup_address|dropoff_address"
     r"|postal_address|new_address)$", "street", "{Words}"),
    (r"(^|_)(title|headline|subject)$", "title", "{Words} of the {entity}"),
    (r"(^|_)(message|text|comment|content|question|greeting_text|claim_text"
     r"|task_description|citation_text|range_text|front_text|back_text)$", "message",
     "{Words} of the {entity}"),
    (r"(^|_)(topic|keyword|theme|cause|niche|field_of_study|industry|skill|hashtag)$",
     "topic", "{Words} of the {entity}"),
    (r"(^|_)(reason|issue|symptom|symptoms)$", "reason", "{Words} of the {entity}"),
    (r"(^|_)(ingredient|food_name|dish_name|crop|commodity|grape|flavor|drink)$", "food",
     "{Words} of the {entity}"),
    (r"(^|_)(product_name|item_name|product|part_name)$", "product", "{Words} of the {entity}"),
    (r"(^|_)cuisine$", "cuisine", "Cuisine of the {entity}"),
    (r"(^|_)category$", "category", "Category of the {entity}"),
    (r"(_number|_reference|_id|^code|_code|_tag)$", "id", "{Words}"),
    (r"_name$", "text", "Name of the {words_head}"),
)  # fmt: skip


def _words(field: str) -> str:
    return field.replace("_", " ")


def _describe(template: str, field: str, entity: str) -> str:
    words = _words(field)
    head = " ".join(w for w in words.split() if w != "name") or words
    rest = " ".join(words.split()[1:]) or words
    out = template.format(
        Words=words[0].upper() + words[1:],
        words=words,
        words_head=head,
        words_rest=rest,
        entity=text(entity),
    )
    return out.rstrip(".") + "."


def id_schema(family: str, description: str) -> dict[str, Any]:
    """An id of ``family``: ``ORD-`` and six digits; every tool of the family shares it."""
    return {
        "type": "string",
        "pattern": id_pattern(family),
        "description": description.rstrip(".") + f" ({id_prefix(family)}-123456).",
    }


def kind_schema(kind: str, description: str) -> dict[str, Any]:
    """The JSON Schema of a field kind (``fields.tsv``'s language)."""
    head, _, rest = kind.partition(":")
    schema: dict[str, Any]
    if head in ("int", "number"):
        low, high = rest.split(":")
        cast = int if head == "int" else float
        schema = {"type": "integer" if head == "int" else "number",
                  "minimum": cast(low), "maximum": cast(high)}  # fmt: skip
    elif head == "enum":
        schema = {"type": "string", "enum": rest.split("|")}
    elif head == "bool":
        schema = {"type": "boolean"}
    elif head == "array":
        schema = {"type": "array", "items": {"type": rest}, "minItems": 1, "maxItems": 10}
    elif head in ("date", "time", "email"):
        schema = {"type": "string", "format": head}
    elif head == "format":
        schema = {"type": "string", "format": rest}
    elif head == "pattern":
        schema = {"type": "string", "pattern": rest}
    elif head == "month":
        schema = {"type": "string", "pattern": "^20[0-9]{2}-(0[1-9]|1[0-2])$"}
    elif head == "currency":
        schema = {"type": "string", "pattern": "^[A-Z]{3}$"}
    elif head == "country":
        schema = {"type": "string", "pattern": "^[A-Z]{2}$"}
    elif head == "lang":
        schema = {"type": "string", "pattern": "^[a-z]{2}$"}
    elif head == "symbol":
        schema = {"type": "string", "pattern": "^[A-Z]{1,5}$"}
    elif head == "url":
        schema = {"type": "string", "format": "uri"}
    elif head == "phone":
        schema = {"type": "string", "pattern": "^\\+[1-9][0-9]{7,14}$"}
    else:
        schema = {"type": "string"}
    schema["description"] = description.rstrip(".") + "."
    return schema


def field_schema(field: str, entity: str) -> dict[str, Any]:
    """The schema of one field of ``entity``, by ``fields.tsv`` or the naming rules."""
    known = field_kinds().get(field)
    if known is not None:
        return kind_schema(known[0], known[1])
    for pattern, kind, template in RULES:
        if re.search(pattern, field):
            description = _describe(template, field, entity)
            if kind == "id":
                return id_schema(field, description)
            return kind_schema(kind, description)
    return kind_schema("text", _describe("{Words} of the {entity}", field, entity))


#: Field kinds that are value lists of ``data/values.json`` (or ids, dates).
VALUE_KINDS = frozenset(("city", "person", "company", "street", "title", "message", "topic",
                         "reason", "food", "product", "cuisine", "category", "email",
                         "currency", "country", "url", "phone", "symbol", "id", "date",
                         "lang", "region", "species", "domain", "port", "formula",
                         "expression", "gene"))  # fmt: skip


@cache
def field_value_kind(field: str) -> str | None:
    """The value list a field's values come from (``origin_city`` → ``city``), by the same
    rules that give its schema; None when the field has none."""
    known = field_kinds().get(field)
    kind: str | None = known[0] if known else None
    if kind is None:
        kind = next((k for p, k, _ in RULES if re.search(p, field)), None)
    head = kind.split(":")[0] if kind else None
    if head not in VALUE_KINDS:
        return None
    return "language" if head == "lang" else head


@cache
def seed_catalogue() -> tuple[tuple[ToolSpec, str], ...]:
    """The default seed catalogue: (spec, source file) per line of ``seeds.jsonl``."""
    out: list[tuple[ToolSpec, str]] = []
    for line in data_text("seeds.jsonl").splitlines():
        raw = orjson.loads(line)
        out.append(
            (
                ToolSpec(
                    name=raw["name"], description=raw["description"], parameters=raw["parameters"]
                ),
                str(raw.get("source", "seeds.jsonl")),
            )
        )
    return tuple(out)
