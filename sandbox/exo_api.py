"""The Exchange Online REST admin API front end: ``POST /adminapi/beta/{tenant}/InvokeCommand``.

Turns the JSON wire format into cmdlet calls and back: bearer-token checks, OData envelope,
type annotations, paging, ``$select`` and Exchange's error shapes. Cmdlet semantics live in
:mod:`sandbox.cmdlets`.
"""

import email.message
import json
import uuid
from urllib.parse import urlsplit

from . import opath, catalog, cmdlets_rbac, errors, paging
from .entra import (EXCHANGE_CAPABLE_ROLES, EXCHANGE_RESOURCE_APP_ID, MANAGE_AS_APP, READER_ROLES,
                    InvalidToken)
from .lazy_rows import wanted_names
from .model import DATETIME_PROPERTIES, GUID_PROPERTIES
from .web import Request, Response, json_media_type, json_response, load_json

CONTENT_TYPE = ("application/json;odata.metadata=minimal;odata.streaming=true;"
                "IEEE754Compatible=false;charset=utf-8")
_ODATA_SERVICE_EXCEPTION = "Microsoft.Exchange.Admin.OData.Core.ODataServiceException"
_DIRECT_INVOKE_EXCEPTION = ("Microsoft.Exchange.Management.PSDirectInvoke."
                            "DirectInvokeCmdletExecutionException")


def _headers(sandbox, extra=()):
    # The Rate-Limit-* headers are the budget's, added by sandbox.server for the app that asked.
    return [
        ("Cache-Control", "no-cache"),
        ("Request-Id", str(uuid.uuid4())),
        ("Odata-Version", "4.0"),
        *extra,
    ]


def _respond(sandbox, status, payload, extra=()):
    return json_response(status, payload, CONTENT_TYPE, _headers(sandbox, extra))


def _plain_error(sandbox, status, code, message, extra=()):
    return _respond(sandbox, status, {"error": {"code": code, "message": message}}, extra)


# PROTOCOL.md §7: Exchange refuses a missing grant, a missing or insufficient role and an
# unknown cmdlet with a body of NUL bytes that its headers call gzip (its length is a guess).
_NUL_BODY = b"\x00" * 10


def _no_body(sandbox, status, extra=()):
    """A refusal as Exchange sends it: NUL bytes labelled gzip, nothing a client can decode."""
    return Response(status, _NUL_BODY, [("Content-Encoding", "gzip"), *_headers(sandbox, extra)])


def record_headers(sandbox, request):
    """Count the client headers the real service reads (anchor, language, serialisation)."""
    for name in RECORDED_HEADERS:
        value = request.header(name)
        if value is not None:
            sandbox.stats.header(name, value)


RECORDED_HEADERS = ("X-AnchorMailbox", "Accept-Language", "X-SerializationLevel", "X-ClientApplication")


def _unsupported_media_type(sandbox, request):
    return _plain_error(sandbox, 415, "UnsupportedMediaType",
                        f"Content-Type '{request.header('Content-Type')}' is not supported; send "
                        "application/json.")


def pagination_refused(sandbox):
    """The answer to a next page sent to a server other than the one that issued it (PROTOCOL.md §7)."""
    return _plain_error(sandbox, 400, "BadRequest", "Expired or Invalid pagination request")


def failure_payload(failure, warnings=()):
    """The JSON error body Exchange sends for a cmdlet failure (see the captures)."""
    if failure.stage == errors.EXECUTION:
        message = "Error executing cmdlet"
        internal = {
            "message": f"Exception of type '{_DIRECT_INVOKE_EXCEPTION}' was thrown.",
            "type": _DIRECT_INVOKE_EXCEPTION,
            "stacktrace": "",
        }
    else:
        message = "Invalid Operation"
        internal = {"message": failure.message, "type": failure.exception_type, "stacktrace": ""}
    error = {"code": failure.category, "message": message}
    # Conversion errors carry their reason only in innererror (captured 400 invalid enum).
    if failure.stage != errors.TRANSFORMATION_STAGE:
        error["details"] = [{
            "code": "Client",
            "target": "",
            "message": f"{failure.error_id}|{failure.exception_type}|{failure.message}",
        }]
    error["innererror"] = {"message": message, "type": _ODATA_SERVICE_EXCEPTION,
                           "stacktrace": "", "internalexception": internal}
    error["adminapi.warnings@odata.type"] = "#Collection(String)"
    error["@adminapi.warnings"] = list(warnings)
    return {"error": error}


def failure_status(failure):
    """The HTTP status for a cmdlet failure."""
    return 404 if failure.category == "NotFound" else 400


def annotate(row):
    """Add the ``@odata.type``/``@data.type`` annotation keys the real service sends."""
    out = {}
    for key, value in row.items():
        if key in GUID_PROPERTIES:
            out[f"{key}@data.type"] = "System.Guid"
            out[f"{key}@odata.type"] = "#Guid"
        elif key in DATETIME_PROPERTIES and value is not None:
            out[f"{key}@data.type"] = "System.DateTime"
        elif isinstance(value, list):
            out[f"{key}@odata.type"] = "#Collection(String)"
        out[key] = value
    return out


def _authenticate(sandbox, request):
    """Claims of a valid token with Exchange rights, or an error response."""
    directory = sandbox.directory
    challenge = (
        f'Bearer client_id="{EXCHANGE_RESOURCE_APP_ID}", '
        'trusted_issuers="00000001-0000-0000-c000-000000000000@*", '
        'token_types="app_asserted_user_v1 service_asserted_app_v1", '
        f'authorization_uri="{directory.base_url}/common/oauth2/authorize", error="invalid_token"'
    )
    header = request.header("Authorization", "")
    scheme, unused, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, _plain_error(sandbox, 401, "Unauthorized",
                                  "The request carries no bearer token.",
                                  [("WWW-Authenticate", challenge)])
    try:
        claims = directory.verify(token.strip(), directory.exchange_url)
    except InvalidToken as exc:
        return None, _plain_error(sandbox, 401, "Unauthorized",
                                  f"The access token is not valid: {exc}",
                                  [("WWW-Authenticate", challenge)])
    # PROTOCOL.md §7: no grant (or no consent) is a 401, the grant without a role a 403.
    if MANAGE_AS_APP not in claims.get("roles", []):
        return None, _no_body(sandbox, 401, [("WWW-Authenticate", challenge)])
    # Without an Exchange-capable Entra role, only Exchange role assignments let an app in.
    if not _entra_admin(claims) and not cmdlets_rbac.has_grants(sandbox.org, claims.get("appid")):
        return None, _no_body(sandbox, 403)
    return claims, None


def _entra_admin(claims):
    """Whether the app holds an Entra role that lets it run Exchange cmdlets (all of them, or reads)."""
    return bool(EXCHANGE_CAPABLE_ROLES.intersection(claims.get("wids", [])))


def _read_only(claims):
    """Whether the app's directory roles only let it read (reader roles)."""
    roles = EXCHANGE_CAPABLE_ROLES.intersection(claims.get("wids", []))
    return bool(roles) and roles <= READER_ROLES


def _odd_answer(sandbox, kind, cmdlet):
    """An answer that is not the cmdlet's (the ``odd_answer`` fault): what a proxy or a service
    hiccup may send, and what a client must not read as "no objects" or "not found"."""
    if kind in ("html_200", "html_404"):
        page = (f"<html><body><h1>Sign in</h1><p>The page for {cmdlet} couldn't be found; sign in "
                "to continue.</p></body></html>").encode()
        return Response(200 if kind == "html_200" else 404, page, [("Content-Type", "text/html; charset=utf-8")])
    payload = {
        "empty_object": {},
        "error_200": failure_payload(errors.not_found(cmdlet, "DC01")),
        "value_object": {"@odata.context": "odd", "value": {"Identity": cmdlet}},
    }[kind]
    return _respond(sandbox, 200, payload)


def _cmdlet_input(body):
    """The ``CmdletInput`` of a request body; ValueError with a reason if malformed."""
    try:
        payload = load_json(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"The request body is not valid JSON: {exc}") from exc
    cmdlet_input = payload.get("CmdletInput") if isinstance(payload, dict) else None
    if not isinstance(cmdlet_input, dict):
        raise ValueError("The request body must be an object with a 'CmdletInput' object.")
    name = cmdlet_input.get("CmdletName")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("'CmdletInput.CmdletName' must be a non-empty string.")
    parameters = cmdlet_input.get("Parameters", {})
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, dict):
        raise ValueError("'CmdletInput.Parameters' must be an object.")
    return {"CmdletName": name, "Parameters": parameters}


def _refuse_ranges(sandbox, text):
    """With the ``refuse_filter_ranges`` fault, a filter comparing with -lt/-le/-gt/-ge is refused
    as the service refuses an operator it does not know: invalid syntax at the operator."""
    if isinstance(text, str) and sandbox.faults.settings()["refuse_filter_ranges"] and opath.uses_ranges(text):
        at = min(i for i in (text.lower().find(" -%s " % op) for op in opath.RANGES) if i >= 0)
        raise errors.bad_filter(text, str(opath.FilterSyntaxError(text, at + 1)))


def handle(sandbox, request, segment):
    """Serve one InvokeCommand request for tenant URL segment ``segment``."""
    if request.method != "POST":
        return _plain_error(sandbox, 405, "MethodNotAllowed",
                            "InvokeCommand accepts POST only.", [("Allow", "POST")])
    if not sandbox.directory.knows_tenant(segment):
        return _plain_error(sandbox, 404, "NotFound",
                            f"The tenant '{segment}' is not known to this server.")
    record_headers(sandbox, request)
    claims, refusal = _authenticate(sandbox, request)
    if refusal is not None:
        return refusal
    # PROTOCOL.md §7: without the header the service answers JSON all the same; only an explicit
    # other format (clixml) is one the sandbox cannot serve.
    response_format = request.header("X-ResponseFormat")
    if response_format is not None and response_format.strip().lower() != "json":
        return _plain_error(
            sandbox, 400, "BadRequest",
            f"Unsupported X-ResponseFormat '{response_format}': this sandbox answers only JSON "
            "('X-ResponseFormat: json', or no header).")
    if not json_media_type(request):
        return _unsupported_media_type(sandbox, request)
    try:
        cmdlet_input = _cmdlet_input(request.body)
    except ValueError as exc:
        return _plain_error(sandbox, 400, "BadRequest", str(exc))
    digest = paging.request_digest(cmdlet_input)
    offset = 0
    skiptoken = request.query_value("$skiptoken")
    if skiptoken is not None:
        try:
            offset = sandbox.pager.offset(skiptoken, digest)
        except paging.SkipTokenError as exc:
            return _plain_error(sandbox, 400, "BadRequest", str(exc))
    size = min(paging.max_page_size(request.header("Prefer")), sandbox.faults.settings()["page_size"])
    try:
        cmdlet = catalog.lookup(cmdlet_input["CmdletName"])
    except errors.CmdletFailure:
        # An unknown cmdlet is refused like one the role does not allow (PROTOCOL.md §7).
        return _no_body(sandbox, 403)
    if cmdlet.is_write and _read_only(claims):
        return _no_body(sandbox, 403)
    try:
        # An app in Exchange RBAC runs its roles' cmdlets only, and writes only within their scopes.
        if not _entra_admin(claims) and not cmdlets_rbac.authorise(
                sandbox.org, claims.get("appid"), cmdlet, cmdlet_input["Parameters"]):
            return _no_body(sandbox, 403)
        sandbox.stats.cmdlet(cmdlet.name, cmdlet.is_write)
        _refuse_ranges(sandbox, cmdlet_input["Parameters"].get("Filter"))
        select = request.query_value("$select")
        result, rows, next_token = sandbox.pager.read(
            sandbox.org, digest, offset, size,
            lambda: cmdlet.run(sandbox.org, cmdlet_input["Parameters"],
                               caller=claims.get("app_displayname", ""), lazy=True),
            wanted_names(select))
    except errors.CmdletFailure as failure:
        return _respond(sandbox, failure_status(failure), failure_payload(failure))

    odd = sandbox.faults.odd_answer(cmdlet.name)
    if odd:
        return _odd_answer(sandbox, odd, cmdlet.name)
    base = f"{sandbox.directory.exchange_url}/adminapi/beta/{segment}"
    payload = {"@odata.context": f"{base}/$metadata#Collection(Exchange.GenericHashTable)"}
    if next_token:
        link = f"{base}/InvokeCommand?$skiptoken={next_token}"
        payload["@odata.nextLink"] = link + (f"&$select={select}" if select else "")
    payload["adminapi.warnings@odata.type"] = "#Collection(String)"
    payload["@adminapi.warnings"] = list(result.warnings)
    payload["value"] = [annotate(row) for row in rows]
    extra = []
    if request.header("Prefer"):
        extra.append(("Preference-Applied", f"odata.maxpagesize={size}"))
    response = _respond(sandbox, 200, payload, extra)
    # What the answer costs grows with its rows (sandbox.cost.answer_cost).
    response.rows = len(rows)
    return response


# PROTOCOL.md section 1: at most 10 requests per batch.
MAX_BATCH = 10


def _sub_request(outer, item, segment):
    """The InvokeCommand request one ``$batch`` entry stands for, or a reason it is malformed."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), (str, int)):
        raise ValueError("every request needs an 'id'")
    target = urlsplit(str(item.get("url", "")))
    path = target.path if target.path.startswith("/") else "/adminapi/beta/%s/%s" % (segment, target.path)
    parts = path.strip("/").split("/")
    if len(parts) != 4 or parts[:2] != ["adminapi", "beta"] or parts[3].lower() != "invokecommand":
        raise ValueError("request %s: only InvokeCommand can be batched, not %r" % (item["id"], item.get("url")))
    headers = email.message.Message()
    for name in ("Authorization", "X-ResponseFormat", "Prefer"):
        if outer.header(name) is not None:
            headers[name] = outer.header(name)
    if not isinstance(item.get("headers") or {}, dict):
        raise ValueError("request %s: 'headers' must be an object" % item["id"])
    for name, value in (item.get("headers") or {}).items():
        del headers[name]
        headers[name] = str(value)
    body = json.dumps(item.get("body") or {}).encode()
    return Request(str(item.get("method", "POST")).upper(), path, target.query, headers, body), parts[2]


def _entry_body(body):
    """A sub-answer's body in the batch answer: its JSON, else its text; a refusal's NUL bytes
    (nothing to decode) become null."""
    try:
        return json.loads(body) if body else None
    except ValueError:
        text = body.decode("utf-8", "replace")
        return text if text.strip("\x00 \t\r\n") else None


def handle_batch(sandbox, request, segment):
    """Serve ``POST /adminapi/beta/{tenant}/$batch``: up to ten InvokeCommand requests in one.

    Each entry is answered as if it had come alone (its own status and body, in the shape of a
    single InvokeCommand response), in ``{"responses": [{"id", "status", "body"}]}``. As OData
    does by default, the first failed entry stops the batch and the rest are answered 424 unless
    the request says ``Prefer: odata.continue-on-error`` (the fault setting ``batch_stop`` can
    make it stop anyway, answering the rest 424 or leaving them out).
    """
    if request.method != "POST":
        return _plain_error(sandbox, 405, "MethodNotAllowed", "$batch accepts POST only.",
                            [("Allow", "POST")])
    unused, refusal = _authenticate(sandbox, request)
    if refusal is not None:
        return refusal
    if not json_media_type(request):
        return _unsupported_media_type(sandbox, request)
    try:
        payload = load_json(request.body)
        items = payload["requests"]
        if not isinstance(items, list) or not items:
            raise ValueError("'requests' must be a non-empty list")
        if len(items) > MAX_BATCH:
            raise ValueError("a batch holds at most %d requests, not %d" % (MAX_BATCH, len(items)))
        subs = [_sub_request(request, item, segment) for item in items]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        return _plain_error(sandbox, 400, "BadRequest", "Invalid batch request: %s" % exc)
    stop = sandbox.faults.settings()["batch_stop"]
    go_on = not stop and _continue_on_error(request.header("Prefer"))
    responses = []
    failed = None
    for item, (sub, sub_segment) in zip(items, subs):
        if failed is not None:
            if stop != "missing":
                responses.append({"id": str(item["id"]), "status": 424,
                                  "headers": {"Content-Type": CONTENT_TYPE},
                                  "body": {"error": {"code": "FailedDependency", "message": (
                                      f"Not run: request {failed} failed and the batch stopped there.")}}})
            continue
        answer = sandbox.batch_entry(sub.header("X-CmdletName"),
                                     lambda sub=sub, segment=sub_segment: handle(sandbox, sub, segment))
        responses.append({"id": str(item["id"]), "status": answer.status,
                          "headers": {"Content-Type": CONTENT_TYPE},
                          "body": _entry_body(answer.body)})
        if answer.status >= 400 and not go_on:
            failed = item["id"]
    return _respond(sandbox, 200, {"responses": responses})


def _continue_on_error(prefer):
    """Whether a ``Prefer`` header asks a batch to go on after a failed entry."""
    for preference in (prefer or "").split(","):
        name, unused, value = preference.strip().partition("=")
        if name.strip().lower() == "odata.continue-on-error":
            return value.strip().lower() in ("", "true")
    return False
