# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Exchange Online errors: one exception family and one classification.

The service reports a failure as ``ErrorId|Full.Exception.Type|text`` inside one of three
places of the error body, and the same failure can arrive with different HTTP statuses
(a not-found came back as 404 and as 500). So everything here classifies by the exception
type first and only falls back to the status.

Messages built here never contain credentials: callers pass service texts and URLs only.
"""

import json
import re

NOT_FOUND = "not_found"
AMBIGUOUS = "ambiguous"
ALREADY_EXISTS = "already_exists"
THROTTLED = "throttled"
UNAUTHORIZED = "unauthorized"
FORBIDDEN = "forbidden"
TRANSIENT = "transient"
INVALID_ARGUMENT = "invalid_argument"
OTHER = "other"

KINDS = (
    NOT_FOUND, AMBIGUOUS, ALREADY_EXISTS, THROTTLED, UNAUTHORIZED, FORBIDDEN,
    TRANSIENT, INVALID_ARGUMENT, OTHER,
)

ALREADY_EXISTS_EXCEPTION_TYPES = frozenset((
    "MemberAlreadyExistsException",
    "UserAlreadyExistsInPermissionEntryException",
    "ADObjectAlreadyExistsException",
    "ProxyAddressExistsException",
))

# Directory and store hiccups that ExchangeOnlineManagement itself retries (PROTOCOL.md §1).
TRANSIENT_EXCEPTION_TYPES = frozenset((
    "DCOverloadedException",
    "SuitabilityDirectoryException",
    "ServerInMMException",
    "ADServerSettingsChangedException",
    "StorageTransientException",
))

INVALID_ARGUMENT_EXCEPTION_TYPES = frozenset((
    "ParameterBindingException",
    "ParameterTransformationException",
    "AmbiguousParameterSetException",
    "ArgumentException",
    "ValidationArgumentException",
    "DataValidationException",
))

# Non-JSON bodies (proxy error pages) can be long HTML; keep messages readable.
_MAX_TEXT = 500
# A value quoted in a message (the service echoes what it refused) is cut to this many characters,
# and a whole message to _MAX_MESSAGE: a 2 MB value must not become a 2 MB error.
MAX_QUOTED = 200
_MAX_MESSAGE = 2000
_QUOTED = re.compile(r"""(['"])([^'"]{%d,})\1""" % (MAX_QUOTED + 1))

_TYPE_NAME = re.compile(r"^[A-Za-z_][\w.`+]*$")


class ExchangeError(Exception):
    """A failure talking to Exchange Online, classified into one of ``KINDS``.

    Attributes: ``kind``, ``message`` (the service's or our own text, no secrets),
    ``exception_type`` (short .NET type name or None), ``error_id``, ``status`` (HTTP status
    or None) and ``cmdlet`` (or None; the runner fills it in when it knows it).
    ``outcome_unknown`` is True when a write may have been applied although its answer was
    lost (see module_utils/engine/outcome.py). ``gave_up`` is True when the request was refused or
    unanswered through every retry (see ``HttpClient.OUTAGE_AFTER``).
    """

    outcome_unknown = False
    gave_up = False

    def __init__(self, message, kind=OTHER, exception_type=None, error_id=None, status=None, cmdlet=None):
        if kind not in KINDS:
            raise ValueError("unknown error kind %r" % (kind,))
        self.kind = kind
        message = readable(message)
        self.message = message
        self.exception_type = short_type_name(exception_type)
        self.error_id = error_id or None
        self.status = status
        self.cmdlet = cmdlet
        super().__init__(message)

    def __str__(self):
        parts = [self.cmdlet] if self.cmdlet else []
        # Messages built from OAuth answers already name the error code.
        if self.exception_type and self.exception_type not in self.message:
            parts.append(self.exception_type)
        parts.append(self.message)
        return ": ".join(parts)

    def __repr__(self):
        return "%s(kind=%r, exception_type=%r, status=%r, cmdlet=%r, message=%r)" % (
            type(self).__name__, self.kind, self.exception_type, self.status, self.cmdlet, self.message)


class CmdletError(ExchangeError):
    """A cmdlet failed, as reported by the service."""


class AuthError(ExchangeError):
    """No token could be acquired (bad credentials, unknown tenant, unreadable certificate)."""


class TransportError(ExchangeError):
    """The request did not get an HTTP answer: connection, timeout or TLS failure."""


def short_type_name(exception_type):
    """Return the last dotted component of a .NET type name (None stays None)."""
    if not exception_type:
        return None
    return exception_type.rsplit(".", 1)[-1]


def split_error_text(text):
    """Split Exchange's ``ErrorId|Full.Type.Name|text`` into ``(error_id, short_type, text)``.

    The error id may be empty. Text that does not have that shape is returned whole, with
    ``error_id`` and ``exception_type`` None.
    """
    if not isinstance(text, str):
        return None, None, text
    parts = text.split("|", 2)
    if len(parts) == 3 and _TYPE_NAME.match(parts[1]) and " " not in parts[0]:
        return parts[0] or None, short_type_name(parts[1]), parts[2].strip()
    return None, None, text.strip()


def shorten(text, limit=MAX_QUOTED):
    """``text`` cut to ``limit`` characters, saying how long it was."""
    text = str(text)
    if len(text) <= limit:
        return text
    return "%s... (%d characters)" % (text[:limit], len(text))


def readable(message):
    """``message`` with every quoted value over ``MAX_QUOTED`` characters cut, and the whole of it
    cut to a readable length (the head and the end, which names what to do, are kept)."""
    if not isinstance(message, str) or len(message) <= MAX_QUOTED:
        return message
    message = _QUOTED.sub(lambda match: match.group(1) + shorten(match.group(2)) + match.group(1), message)
    if len(message) > _MAX_MESSAGE:
        cut = len(message) - _MAX_MESSAGE
        message = "%s ...(%d characters cut)... %s" % (message[:_MAX_MESSAGE - 300], cut, message[-300:])
    return message


def _truncate(text):
    text = text.strip()
    if len(text) > _MAX_TEXT:
        return text[:_MAX_TEXT] + "..."
    return text


def parse_error_body(body):
    """Read ``(error_id, exception_type, message)`` from an error response body.

    ``body`` is a dict, JSON text, bytes, other text, or None. Looks in
    ``error.details[].message`` (``ErrorId|Type|text``), then
    ``error.innererror.internalexception.{type,message}``, then ``error.message`` /
    ``error.code``. An OAuth-style ``{"error": "code", "error_description": ...}`` gives the
    code as the exception type. Non-JSON text is returned (shortened) as the message.
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None, None, _truncate(body) or None
    if not isinstance(body, dict):
        return None, None, None
    error = body.get("error")
    if isinstance(error, str):
        description = body.get("error_description") or ""
        return None, error, description.splitlines()[0] if description else None
    if not isinstance(error, dict):
        return None, None, None

    for detail in error.get("details") or ():
        if isinstance(detail, dict) and detail.get("message"):
            return split_error_text(detail["message"])

    inner = error.get("innererror") or error.get("innerError") or {}
    internal = inner.get("internalexception") if isinstance(inner, dict) else None
    if isinstance(internal, dict) and internal.get("message"):
        error_id, exception_type, message = split_error_text(internal["message"])
        return error_id, exception_type or short_type_name(internal.get("type")), message

    return None, None, error.get("message") or error.get("code")


def classify(status, exception_type, message):
    """Return the kind (one of ``KINDS``) of a failure.

    The exception type decides first; the message text next (not-found, ambiguous and
    already-exists have stable texts); the HTTP status only last.
    """
    exception_type = short_type_name(exception_type) or ""
    text = (message or "").lower()

    if exception_type == "ManagementObjectNotFoundException":
        return AMBIGUOUS if "matches multiple entries" in text else NOT_FOUND
    if exception_type == "ManagementObjectAmbiguousException":
        return AMBIGUOUS
    if exception_type in ALREADY_EXISTS_EXCEPTION_TYPES:
        return ALREADY_EXISTS
    if exception_type in TRANSIENT_EXCEPTION_TYPES:
        return TRANSIENT
    if exception_type in INVALID_ARGUMENT_EXCEPTION_TYPES:
        return INVALID_ARGUMENT

    if _OUT_OF_SCOPE in text:
        return FORBIDDEN
    if "matches multiple entries" in text:
        return AMBIGUOUS
    if "already exists" in text:
        return ALREADY_EXISTS
    if not exception_type and "couldn't be found" in text:
        return NOT_FOUND

    if status == 429:
        return THROTTLED
    if status in (503, 504):
        return TRANSIENT
    if status == 401:
        return UNAUTHORIZED
    if status == 403:
        return FORBIDDEN
    if status == 400:
        return INVALID_ARGUMENT
    return OTHER


# Exchange's refusal of a write to an object outside the caller's write scope (docs/sandbox.md,
# "Exchange RBAC for apps"): a management scope's filter, or an object synchronized from on-premises.
_OUT_OF_SCOPE = "out of the current user's write scope"
_SCOPE_NAMES = re.compile(r"management scopes? ((?:'[^']+'(?:, )?)+)")


def scope_refusal(message):
    """The service's out-of-write-scope text made clear: which management scope the app's writes are
    limited to (named when the text names it, as the sandbox's does; the real text may not), or the
    text as it is for other refusals (an object synchronized from on-premises, say)."""
    if _OUT_OF_SCOPE not in (message or "").lower() or "synchronized from your on-premises" in message:
        return message
    found = _SCOPE_NAMES.search(message)
    scope = "management scope %s" % found.group(1) if found else "its management scope"
    return ("out of the app's write scope (%s): the app's Exchange role assignments let it change only the "
            "recipients that scope's recipient filter selects. The service said: %s" % (scope, message))


def error_from_response(status, body, cmdlet=None):
    """Build the classified ``CmdletError`` for a non-2xx InvokeCommand answer.

    Only Exchange's JSON error bodies are classified by their text: an HTML page or other text
    (a proxy's, a gateway's) that happens to say "couldn't be found" is classified by its status
    alone, so it is never taken for a not-found object.
    """
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            pass
    if body is None or (isinstance(body, str) and not body.strip(" \t\r\n\x00")):
        return CmdletError("HTTP %s with no body" % (status,), kind=classify(status, None, None), status=status,
                           cmdlet=cmdlet)
    if not isinstance(body, dict):
        return CmdletError("HTTP %s with an answer that is not Exchange's JSON: %s" % (status, _truncate(str(body))),
                           kind=classify(status, None, None), status=status, cmdlet=cmdlet)
    error_id, exception_type, message = parse_error_body(body)
    if not message:
        message = "HTTP %s with no error text" % (status,)
    return CmdletError(
        scope_refusal(message),
        kind=classify(status, exception_type, message),
        exception_type=exception_type,
        error_id=error_id,
        status=status,
        cmdlet=cmdlet,
    )
