"""Transport-neutral request and response values passed between the server and handlers."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qs


@dataclass
class Request:
    """One HTTP request. ``headers`` is case-insensitive (an ``email.message.Message``)."""

    method: str
    path: str
    query: str
    headers: object
    body: bytes = b""

    def query_value(self, name):
        """The first value of query parameter ``name``, or None."""
        values = parse_qs(self.query, keep_blank_values=True).get(name)
        return values[0] if values else None

    def header(self, name, default=None):
        """A request header, or ``default``."""
        value = self.headers.get(name)
        return default if value is None else value


@dataclass
class Response:
    """One HTTP response."""

    status: int
    body: bytes = b""
    headers: list = field(default_factory=list)
    # Seconds between the bytes sent (the ``trickle_ms`` fault); 0 sends it at once.
    trickle_s: float = 0.0
    # Rows of an InvokeCommand answer: what it costs grows with them (sandbox.cost).
    rows: int = 0


def load_json(body):
    """Parse a JSON request body; ValueError for anything that is not JSON, nesting too deep included."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("The JSON is nested too deeply.") from None


def json_media_type(request):
    """True when the request's Content-Type is absent or JSON (``application/json; ...``)."""
    value = request.header("Content-Type")
    return value is None or value.split(";", 1)[0].strip().lower() == "application/json"


def json_response(status, payload, content_type="application/json; charset=utf-8",
                  headers=()):
    """A response whose body is ``payload`` serialised as compact JSON."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return Response(status, body, [("Content-Type", content_type), *headers])
