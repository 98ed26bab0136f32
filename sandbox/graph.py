"""Microsoft Graph under ``/graph``: token checks only, until the app-registration subset lands.

Requests are authenticated like the real Graph (audience = the sandbox Graph URL) so that
clients see 401s for wrong tokens; every authenticated request then gets 501.
"""

import datetime
import uuid

from .entra import InvalidToken
from .web import json_response


def _error(status, code, message, headers=()):
    return json_response(status, {"error": {
        "code": code,
        "message": message,
        "innerError": {
            "request-id": str(uuid.uuid4()),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
        },
    }}, headers=headers)


def handle(sandbox, request, rest):
    """Serve ``/graph/{rest}``."""
    scheme, unused, token = request.header("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return _error(401, "InvalidAuthenticationToken", "Access token is empty.")
    try:
        sandbox.directory.verify(token.strip(), sandbox.directory.graph_url)
    except InvalidToken as exc:
        return _error(401, "InvalidAuthenticationToken", f"Access token validation failure. {exc}")
    return _error(501, "NotImplemented",
                  f"The sandbox does not implement Graph {request.method} /{rest} yet.")
