"""The offline generator's vocabulary: a domain tree, the things each leaf is about and
their attributes. Deterministic templates over it stand in for an LLM's imagination, so
the whole pipeline runs, and is tested, without a model.

An attribute is ``(name, kind, description)``; ``kind`` is a compact type:
``text``, ``city``, ``country``, ``date``, ``time``, ``email``, ``currency``, ``bool``,
``int:MIN:MAX``, ``number:MIN:MAX`` or ``enum:a|b|c`` (see :func:`attribute_schema`).
"""

from __future__ import annotations

from typing import Any

Attr = tuple[str, str, str]

# fmt: off
#: domain → (classification keywords, {leaf: {thing: [attributes]}}).
DOMAINS: dict[str, tuple[tuple[str, ...], dict[str, dict[str, list[Attr]]]]] = {
    "finance": (
        ("stock", "price", "currency", "loan", "tax", "invest", "bank", "payment", "discount",
         "interest", "mortgage", "tip", "bill", "salary", "profit", "exchange", "budget",),
        {
            "markets": {
                "stock_quote": [
                    ("symbol", "enum:AAPL|MSFT|GOOG|AMZN|TSLA", "ticker symbol"),
                    ("exchange", "enum:NASDAQ|NYSE|LSE", "stock exchange"),
                ],
                "portfolio": [
                    ("owner_email", "email", "email address of the owner"),
                    ("risk_level", "enum:low|medium|high", "accepted risk level"),
                ],
            },
            "banking": {
                "transfer": [
                    ("amount", "number:1:50000", "amount to transfer"),
                    ("currency", "currency", "ISO 4217 currency code"),
                    ("recipient_name", "text", "full name of the recipient"),
                ],
                "loan_offer": [
                    ("principal", "number:1000:500000", "loan principal"),
                    ("term_years", "int:1:30", "loan term in years"),
                ],
            },
        },
    ),
    "travel": (
        ("flight", "hotel", "trip", "airport", "travel", "booking", "destination", "vacation",
         "airline", "passport", "itinerary",),
        {
            "flights": {
                "flight": [
                    ("origin_city", "city", "city the flight departs from"),
                    ("destination_city", "city", "city the flight arrives in"),
                    ("departure_date", "date", "departure date (YYYY-MM-DD)"),
                    ("cabin_class", "enum:economy|business|first", "cabin class to travel in"),
                ],
            },
            "lodging": {
                "hotel_room": [
                    ("city", "city", "city to stay in"),
                    ("check_in", "date", "check-in date (YYYY-MM-DD)"),
                    ("guests", "int:1:8", "number of guests"),
                ],
                "rental_car": [
                    ("pickup_city", "city", "city to pick the car up in"),
                    ("pickup_date", "date", "pick-up date (YYYY-MM-DD)"),
                    ("car_size", "enum:compact|midsize|suv", "size of the car"),
                ],
            },
        },
    ),
    "weather": (
        ("weather", "forecast", "temperature", "rain", "climate", "wind", "humidity", "storm",),
        {
            "forecasts": {
                "forecast": [
                    ("city", "city", "city to forecast"),
                    ("days", "int:1:14", "number of days ahead"),
                    ("units", "enum:metric|imperial", "unit system"),
                ],
                "air_quality": [
                    ("city", "city", "city to report on"),
                    ("pollutant", "enum:pm25|pm10|ozone", "pollutant to report"),
                ],
            },
        },
    ),
    "health": (
        ("bmi", "calorie", "medical", "doctor", "health", "fitness", "workout", "diet", "symptom",
         "medication", "heart", "sleep",),
        {
            "fitness": {
                "workout": [
                    ("activity", "enum:running|cycling|swimming|yoga", "kind of activity"),
                    ("duration_minutes", "int:5:300", "duration in minutes"),
                ],
                "meal_plan": [
                    ("daily_calories", "int:1200:4000", "daily calorie target"),
                    ("diet", "enum:vegetarian|vegan|keto|balanced", "diet type"),
                ],
            },
            "care": {
                "appointment": [
                    ("patient_name", "text", "full name of the patient"),
                    ("date", "date", "appointment date (YYYY-MM-DD)"),
                    ("specialty", "enum:cardiology|dermatology|pediatrics", "medical specialty"),
                ],
            },
        },
    ),
    "math": (
        ("calculate", "area", "triangle", "math", "equation", "prime", "factorial", "circle",
         "square", "root", "sum", "average", "probability", "derivative", "integral", "number",),
        {
            "geometry": {
                "shape_area": [
                    ("shape", "enum:circle|square|triangle", "shape to measure"),
                    ("size", "number:0.1:1000", "characteristic length of the shape"),
                ],
            },
            "statistics": {
                "dataset_summary": [
                    ("values", "array:number", "numbers to summarise"),
                    ("precision", "int:0:6", "decimal places in the answer"),
                ],
                "probability": [
                    ("trials", "int:1:1000", "number of trials"),
                    ("success_rate", "number:0:1", "chance of success per trial"),
                ],
            },
        },
    ),
    "entertainment": (
        ("movie", "music", "song", "game", "book", "artist", "album", "concert", "tv", "show",
         "film", "playlist", "podcast",),
        {
            "movies": {
                "movie": [
                    ("title", "text", "title of the movie"),
                    ("year", "int:1950:2025", "release year"),
                    ("genre", "enum:drama|comedy|thriller|animation", "genre of the movie"),
                ],
            },
            "music": {
                "playlist": [
                    ("name", "text", "name of the playlist"),
                    ("mood", "enum:calm|upbeat|focus", "mood of the music"),
                ],
                "concert_ticket": [
                    ("artist", "text", "name of the artist"),
                    ("city", "city", "city of the concert"),
                    ("quantity", "int:1:6", "number of tickets"),
                ],
            },
        },
    ),
    "food": (
        ("recipe", "restaurant", "food", "cook", "ingredient", "meal", "dish", "cuisine",
         "nutrition", "menu",),
        {
            "cooking": {
                "recipe": [
                    ("ingredient", "text", "main ingredient"),
                    ("cuisine", "enum:italian|mexican|indian|japanese", "cuisine of the dish"),
                    ("max_minutes", "int:10:240", "longest cooking time in minutes"),
                ],
            },
            "dining": {
                "table_reservation": [
                    ("restaurant_name", "text", "name of the restaurant"),
                    ("date", "date", "reservation date (YYYY-MM-DD)"),
                    ("time", "time", "reservation time (HH:MM)"),
                    ("party_size", "int:1:12", "number of people"),
                ],
            },
        },
    ),
    "communication": (
        ("email", "message", "sms", "notify", "notification", "chat", "call", "contact", "send",
         "mail", "phone",),
        {
            "messaging": {
                "email_message": [
                    ("recipient", "email", "email address of the recipient"),
                    ("subject", "text", "subject line"),
                    ("priority", "enum:low|normal|high", "how urgent it is"),
                ],
                "contact": [
                    ("full_name", "text", "full name of the contact"),
                    ("email", "email", "email address of the contact"),
                ],
            },
        },
    ),
    "shopping": (
        ("order", "product", "cart", "shop", "purchase", "buy", "store", "delivery", "shipping",
         "inventory", "item",),
        {
            "orders": {
                "order": [
                    ("product_name", "text", "name of the product"),
                    ("quantity", "int:1:20", "number of units"),
                    ("express_shipping", "bool", "whether to ship express"),
                ],
                "return_request": [
                    ("order_reference", "text", "reference of the order"),
                    ("reason", "enum:damaged|wrong_item|not_needed", "reason for the return"),
                ],
            },
            "catalog": {
                "product": [
                    ("category", "enum:books|electronics|garden|toys", "product category"),
                    ("max_price", "number:1:5000", "highest acceptable price"),
                ],
            },
        },
    ),
    "productivity": (
        ("todo", "note", "calendar", "reminder", "event", "task", "schedule", "meeting", "project",
         "document", "file",),
        {
            "planning": {
                "meeting": [
                    ("title", "text", "title of the meeting"),
                    ("date", "date", "date of the meeting (YYYY-MM-DD)"),
                    ("start_time", "time", "start time (HH:MM)"),
                    ("attendee_email", "email", "email address of an attendee"),
                ],
                "reminder": [
                    ("message", "text", "what to be reminded of"),
                    ("date", "date", "day of the reminder (YYYY-MM-DD)"),
                ],
            },
            "tasks": {
                "task": [
                    ("title", "text", "title of the task"),
                    ("priority", "enum:low|medium|high", "how urgent it is"),
                    ("estimate_hours", "number:0.5:80", "estimated effort in hours"),
                ],
            },
        },
    ),
    "location": (
        ("map", "distance", "location", "city", "geo", "route", "direction", "address", "nearby",
         "coordinates", "place", "country",),
        {
            "navigation": {
                "route": [
                    ("start_city", "city", "city to start from"),
                    ("end_city", "city", "city to reach"),
                    ("mode", "enum:driving|walking|transit", "travel mode"),
                ],
                "place": [
                    ("city", "city", "city to search in"),
                    ("category", "enum:museum|park|cafe|pharmacy", "kind of place"),
                ],
            },
            "geography": {
                "country_profile": [
                    ("country", "country", "ISO 3166 alpha-2 country code"),
                    ("include_population", "bool", "whether to include the population"),
                ],
            },
        },
    ),
    "sports": (
        ("sport", "team", "player", "match", "score", "league", "football", "basketball", "tennis",
         "soccer", "game",),
        {
            "results": {
                "match_result": [
                    ("team", "text", "name of the team"),
                    ("season", "int:1990:2025", "season year"),
                    ("league", "enum:premier|laliga|nba|nfl", "league the team plays in"),
                ],
            },
        },
    ),
    "education": (
        ("course", "student", "school", "university", "learn", "exam", "grade", "language",
         "translate", "word", "dictionary",),
        {
            "learning": {
                "course": [
                    ("subject", "text", "subject of the course"),
                    ("level", "enum:beginner|intermediate|advanced", "difficulty of the course"),
                    ("max_weeks", "int:1:52", "longest duration in weeks"),
                ],
                "exam_result": [
                    ("student_name", "text", "full name of the student"),
                    ("exam_date", "date", "date of the exam (YYYY-MM-DD)"),
                ],
            },
        },
    ),
}
# fmt: on

#: Verb templates per operation: (name template, description template, attribute use).
#: ``{thing}``/``{things}`` are filled in; attribute use is ``all``, ``key`` or ``filter``.
OPERATIONS: tuple[tuple[str, str, str], ...] = (
    ("search_{things}", "Search {things_text} matching the given criteria.", "filter"),
    ("create_{thing}", "Create a new {thing_text} from the given details.", "all"),
    ("get_{thing}_details", "Get the details of one {thing_text} by its identifier.", "key"),
    ("cancel_{thing}", "Cancel an existing {thing_text} by its identifier.", "key"),
    ("estimate_{thing}_cost", "Estimate what a {thing_text} would cost.", "all"),
    ("check_{thing}_availability", "Check whether a {thing_text} is available.", "filter"),
)


def attribute_schema(kind: str, description: str) -> dict[str, Any]:
    """The JSON Schema of one vocabulary attribute."""
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
        schema = {"type": "array", "items": {"type": rest}, "minItems": 1}
    elif head in ("date", "time", "email"):
        schema = {"type": "string", "format": head}
    elif head == "currency":
        schema = {"type": "string", "pattern": "^[A-Z]{3}$"}
    elif head == "country":
        schema = {"type": "string", "pattern": "^[A-Z]{2}$"}
    else:
        schema = {"type": "string"}
    schema["description"] = description[0].upper() + description[1:] + "."
    return schema


def leaves() -> list[tuple[str, str]]:
    """Every (domain, leaf) of the built-in tree, in a fixed order."""
    return [(domain, leaf) for domain, (_, tree) in DOMAINS.items() for leaf in tree]
