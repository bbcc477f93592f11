"""Stated-format detection: real descriptions from ToolACE, Glaive and BFCL, both ways."""

from __future__ import annotations

import pytest

from toolspec._importers._formats import FORMAT_NAMES, RULES, collect_hints, detect_format

# (description as found in the data, the format it states)
POSITIVE = [
    # ToolACE (its conversion replaced "date" by "string" in descriptions)
    ("Start string for the price data (YYYY-MM-DD)", "date"),
    ("The start string of the query (YYYY-mm-dd format)", "date"),
    ("The string for which to retrieve data (format: YYYY-MM-DD)", "date"),
    (
        "The start string of the 7-day period (in ISO format, e.g., 2023-03-01T00:00:00.000Z)",
        "date-time",
    ),
    (
        "The country for which to get trends, specified as a 2-letter country code - see ISO 3166.",
        "iso3166-alpha2",
    ),
    (
        "The region code (ISO 3166 alpha-2) for localized results. Defaults to `US`.",
        "iso3166-alpha2",
    ),
    ("2-letter ISO-3166 country code the phone number belongs to.", "iso3166-alpha2"),
    (
        "Country code of the country to get languages for. See [all available country codes]"
        "(https://en.wikipedia.org/wiki/ISO_3166-1_alpha-2).",
        "iso3166-alpha2",
    ),
    (
        "The language to use for the results, specified as a 2-letter language code - see "
        "ISO 639-1.",
        "iso639-1",
    ),
    (
        "Language for the given instructions. Must be a valid ISO 639-1 language code. "
        "Default value is `en`.",
        "iso639-1",
    ),
    ("Email address to receive the results of connection requests' status.", "email"),
    ("The user's email address", "email"),
    ("The URL of the Instagram post, reel, or TV.", "uri"),
    ("The KML URL for the forward geometry", "uri"),
    ("The Minecraft UUID to convert.", "uuid"),
    # Glaive
    ("The start date and time of the event in ISO 8601 format", "date-time"),
    ("The birthdate in the format 'YYYY-MM-DD'", "date"),
    ("The start time of the event in format HH:MM", "time"),
    ("The recipient email address", "email"),
    # BFCL
    ("The date of departure, in the format 'YYYY-MM-DD' (e.g., '2023-04-15').", "date"),
    ("The time of departure in 24-hour format 'HH:MM'.", "time"),
    (
        "Return in the format of YYYY-MM-DDTHH:MM:SS. Example: 2016-03-29T16:12:20.",
        "date-time",
    ),
    ("The release date in ISO 8601 format, e.g., '2023-04-01'.", "date"),
    ("The URL to fetch content from. Must be a well-formed HTTP or HTTPS URL.", "uri"),
    ("The UUID of the team for which to retrieve the project mappings.", "uuid"),
    ("It should be a valid UUID format string.", "uuid"),
    (
        "The IPv4 address for which the report is to be retrieved, in standard dot notation "
        "(e.g., '192.168.1.1').",
        "ipv4",
    ),
    (
        "The ISO 639-1 language code of the source text (e.g., 'en' for English, 'es' for "
        "Spanish).",
        "iso639-1",
    ),
    ("Amount in the 3-letter currency code given by ISO 4217.", "iso4217"),
]

NEGATIVE = [
    # a topic, not a format
    "The date of the event",
    "The time of the event",
    "The birthdate of the person",
    "The currency to convert from",
    "The country code (default: 'us')",
    "The language code (ISO-639) for localized results. Defaults to `en-US`.",
    "Language selection ISO 639-2 letter code. Overrides Accept-Language header.",
    "Country code in ISO3 format (e.g., USA, JPN, etc.).",
    "The subject of the email",
    "The body of the email message",
    "The IP address for which to retrieve the current time.",
    "IP address in IP4 or IP6 format",
    "Time interval for the data (e.g., 1m, 5m, 15m, etc.)",
    "The currency to convert from (ETH, BSC, MATIC, or SOL)",
    "Possible values: ETH<fiat> where <fiat> is a valid ISO currency (ex. ETHUSD)",
    # formats outside the vocabulary
    "The start string of the broadcast period (YYYYMMDD format)",
    "The string of the match in the format dd/MM/yyyy.",
    "The expiration date of the credit card in the format MM/YYYY",
    # alternatives, ranges, composed values
    "The string from which to retrieve the schedule. Format: now or YYYY-MM-DD",
    "The text or URL to encode",
    "The date range for the news search, formatted as 'YYYY-MM-DD to YYYY-MM-DD'.",
    "The start date for filtering CPEs, in the format 'YYYY-MM-DD 00:00' UTC.",
    "The departure time in the format of 'dd/mm/yyyy HH:MM', the local time.",
    "Restricts the search to documents written in a specific language, specified by the "
    "'lang_' prefix followed by the ISO two-letter language code.",
    "The UUID of the project. For example, '123e4567-e89b-12d3-a456-426614174000' or 'PROJECTGO.",
    "A unique identifier for the event, such as a UUID.",
    "A server-side token, typically a timestamp in ISO 8601 format or an ID.",
    # the parameter is itself a format, or a URL part
    "The desired date format. Default is YYYY-MM-DD.",
    "Format in which the time should be returned. If not provided, default format 'HH:MM'.",
    "The URL-friendly name of the content item.",
    "The URL of the host to scan, without the HTTPS schema. For example: 'example.com'.",
]


@pytest.mark.parametrize(("description", "expected"), POSITIVE)
def test_stated_format_is_detected(description: str, expected: str) -> None:
    assert detect_format(description) == expected


@pytest.mark.parametrize("description", NEGATIVE)
def test_no_format_is_read_into_prose(description: str) -> None:
    assert detect_format(description) is None


def test_rules_use_only_the_agreed_vocabulary() -> None:
    assert {rule.format for rule in RULES} == set(FORMAT_NAMES)


def test_hints_point_at_string_parameters_only() -> None:
    schema = {
        "type": "object",
        "properties": {
            "day": {"type": "string", "description": "Day in YYYY-MM-DD format"},
            "count": {"type": "integer", "description": "Days since YYYY-MM-DD"},
            "kind": {"type": "string", "enum": ["a"], "description": "in YYYY-MM-DD format"},
            "at": {"type": "string", "format": "time", "description": "in format HH:MM"},
            "a/b": {"description": "The URL of the page"},
            "days": {"type": "array", "items": {"type": "string"}, "description": "YYYY-MM-DD"},
            "nested": {
                "type": "object",
                "properties": {"mail": {"type": "string", "description": "The email address"}},
            },
        },
    }
    assert collect_hints(schema) == {
        "/properties/day": "date",
        "/properties/a~1b": "uri",
        "/properties/days/items": "date",
        "/properties/nested/properties/mail": "email",
    }
