"""Microsoft Graph v1.0 under ``/graph/v1.0``: the subset app registration needs (PROTOCOL.md §2).

Applications (``$filter`` on displayName/appId, alternate key ``(appId='…')``, ``addPassword``,
``keyCredentials`` through PATCH), service principals, app role assignments (admin consent) and
directory role assignments, with Graph's response and error shapes, paging through
``@odata.nextLink`` and permission checks on the token's ``roles``. The objects themselves live
in :mod:`sandbox.graph_directory`.
"""

import datetime
import re
import uuid
from urllib.parse import quote, unquote

from . import graph_apps, graph_users, paging
from .entra import InvalidToken
from .graph_directory import GraphFailure, bad_request, not_found
from .web import Response, json_response, load_json

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 999

READ_APPS = ("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All")
WRITE_APPS = ("Application.ReadWrite.All",)
WRITE_APP_ROLES = ("AppRoleAssignment.ReadWrite.All",)
READ_ROLES = ("RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory",
              "Directory.Read.All")
WRITE_ROLES = ("RoleManagement.ReadWrite.Directory",)

# Properties each collection can be filtered on with "eq" (others are refused, as Graph does
# for non-filterable properties).
FILTERABLE = {
    "applications": {"displayName", "appId", "id"},
    "servicePrincipals": {"displayName", "appId", "id"},
    "appRoleAssignments": {"resourceId", "appRoleId"},
    "appRoleAssignedTo": {"principalId", "appRoleId"},
    "roleAssignments": {"principalId", "roleDefinitionId"},
    "users": {"userPrincipalName", "mail", "displayName", "id"},
    "groups": {"displayName", "mailNickname", "mail", "id"},
    "members": {"id", "userPrincipalName"},
    "oauth2PermissionGrants": {"clientId", "resourceId", "consentType"},
    "owners": {"id"},
}

_ALTERNATE_KEY = re.compile(r"^(applications|servicePrincipals)\(appId='([^']*)'\)$")
_UNIQUE_NAME = re.compile(r"^applications\(uniqueName='((?:[^']|'')*)'\)$")
_CLAUSE = re.compile(r"\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*", re.IGNORECASE)


def _error(status, code, message, headers=()):
    return json_response(status, {"error": {
        "code": code,
        "message": message,
        "innerError": {
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
            "request-id": str(uuid.uuid4()),
            "client-request-id": str(uuid.uuid4()),
        },
    }}, headers=headers)


def _denied():
    return GraphFailure(403, "Authorization_RequestDenied",
                        "Insufficient privileges to complete the operation.")


def parse_filter(text, collection):
    """``[(property, value)]`` of a ``$filter`` made of ``prop eq 'value'`` joined by ``and``."""
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.fullmatch(part)
        if not match:
            raise bad_request(f"Invalid filter clause: {text}", code="BadRequest")
        name = match.group(1)
        if name not in FILTERABLE[collection]:
            raise bad_request(f"Unsupported or invalid query filter clause specified for "
                              f"property '{name}' of resource '{collection}'.",
                              code="Request_UnsupportedQuery")
        clauses.append((name, match.group(2).replace("''", "'")))
    return clauses


class _Call:
    """One authenticated Graph request: its claims, body and query."""

    def __init__(self, sandbox, request, claims, rest):
        self.sandbox = sandbox
        self.request = request
        self.claims = claims
        self.rest = rest
        self.graph = sandbox.graph_directory

    def require(self, allowed):
        if not set(allowed).intersection(self.claims.get("roles", [])):
            raise _denied()

    def body(self):
        try:
            payload = load_json(self.request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            raise bad_request("Unable to read JSON request payload. Please ensure Content-Type "
                              "header is set and payload is of valid JSON format.",
                              code="BadRequest") from None
        if not isinstance(payload, dict):
            raise bad_request("The request body must be a JSON object.", code="BadRequest")
        return payload

    def collection(self, name, rows, context):
        """A page of ``rows`` after ``$filter``, with ``@odata.nextLink`` while rows remain."""
        request = self.request
        text = request.query_value("$filter")
        if text:
            for prop, value in parse_filter(text, name):
                rows = [r for r in rows if str(r.get(prop, "")).lower() == value.lower()]
        top = request.query_value("$top")
        try:
            size = DEFAULT_PAGE_SIZE if top is None else int(top)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise bad_request(f"Invalid page size specified: '{top}'. Must be between 1 and "
                              f"{MAX_PAGE_SIZE} inclusive.", code="Request_BadRequest")
        digest = paging.request_digest({"path": self.rest, "filter": text, "top": size})
        offset = 0
        token = request.query_value("$skiptoken")
        if token is not None:
            try:
                offset = self.sandbox.pager.offset(token, digest)
            except paging.SkipTokenError as exc:
                raise bad_request(str(exc), code="Request_BadRequest") from None
        page, next_token = self.sandbox.pager.page(rows, digest, offset, size)
        base = f"{self.sandbox.directory.graph_url}/v1.0"
        payload = {"@odata.context": f"{base}/$metadata#{context}",
                   "value": [self.view(r) for r in page]}
        if next_token:
            query = [f"$top={size}", f"$skiptoken={next_token}"]
            if text:
                query.insert(0, "$filter=" + quote(text, safe="'=,()"))
            payload["@odata.nextLink"] = f"{base}/{self.rest}?" + "&".join(query)
        return json_response(200, payload)

    def view(self, row, single=False):
        """What Graph shows of a stored object: ``key`` of key credentials only when a single
        object is read with ``$select`` naming keyCredentials."""
        if "keyCredentials" not in row:
            return dict(row)
        select = {s.strip() for s in (self.request.query_value("$select") or "").split(",")}
        show_key = single and "keyCredentials" in select
        out = dict(row)
        out["keyCredentials"] = [dict(k, key=k["key"] if show_key else None)
                                 for k in row["keyCredentials"]]
        return out


def handle(sandbox, request, rest):
    """Serve ``/graph/{rest}``."""
    scheme, unused, token = request.header("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _error(401, "InvalidAuthenticationToken", "Access token is empty.")
    try:
        claims = sandbox.directory.verify(token.strip(), sandbox.directory.graph_url)
    except InvalidToken as exc:
        return _error(401, "InvalidAuthenticationToken", f"Access token validation failure. {exc}")
    if not rest.startswith("v1.0/"):
        return _error(400, "BadRequest", "Invalid version: the sandbox serves only v1.0.")
    path = unquote(rest[len("v1.0/"):]).strip("/")
    sandbox.stats.graph(f"{request.method} {_template(path)}", request.method != "GET")
    call = _Call(sandbox, request, claims, path)
    try:
        with sandbox.graph_directory.lock:
            return _route(call, request.method, path)
    except GraphFailure as failure:
        return _error(failure.status, failure.code, failure.message)


def _template(path):
    """The path with ids replaced, for the per-operation counters."""
    parts = []
    for part in path.split("/"):
        match = _ALTERNATE_KEY.match(part)
        if _UNIQUE_NAME.match(part):
            parts.append("applications(uniqueName=...)")
        elif match:
            parts.append(f"{match.group(1)}(appId=...)")
        elif part in FILTERABLE or part in ("addPassword", "removePassword", "roleManagement", "directory", "subscribedSkus",
                                            "assignLicense", "$ref"):
            parts.append(part)
        else:
            parts.append("{id}")
    return "/".join(parts)


def _route(call, method, path):  # pylint: disable=too-many-return-statements
    graph = call.graph
    parts = path.split("/")
    head = _ALTERNATE_KEY.match(parts[0])
    unique = _UNIQUE_NAME.match(parts[0])
    if unique and len(parts) == 1:
        return _by_unique_name(call, method, unique.group(1).replace("''", "'"))

    if parts[0] == "applications" and len(parts) == 1:
        if method == "GET":
            call.require(READ_APPS)
            return call.collection("applications", graph.list_applications(), "applications")
        if method == "POST":
            call.require(WRITE_APPS)
            app = graph.create_application(call.body())
            return json_response(201, call.view(app))
    if parts[0] == "applications" or (head and head.group(1) == "applications"):
        if len(parts) == 1 and not head:
            raise not_found(path)
        app_key = head.group(2) if head else parts[1]
        rest = parts[1:] if head else parts[2:]
        if not rest:
            return _one_application(call, method, app_key, bool(head))
        if rest == ["addPassword"] and method == "POST":
            call.require(WRITE_APPS)
            app = graph.application(app_key, by_app_id=bool(head))
            return json_response(200, graph.add_password(app, call.body()))
        if rest == ["removePassword"] and method == "POST":
            return graph_apps.remove_password(call, graph.application(app_key, by_app_id=bool(head)))
        if rest[0] == "owners":
            return graph_apps.owners_route(call, method, graph.application(app_key, by_app_id=bool(head)), rest[1:])

    if parts[0] == "servicePrincipals" and len(parts) == 1:
        if method == "GET":
            call.require(READ_APPS)
            return call.collection("servicePrincipals", graph.list_service_principals(),
                                   "servicePrincipals")
        if method == "POST":
            call.require(WRITE_APPS)
            return json_response(201, graph.create_service_principal(call.body()))
    if parts[0] == "servicePrincipals" or (head and head.group(1) == "servicePrincipals"):
        sp_key = head.group(2) if head else parts[1]
        rest = parts[1:] if head else parts[2:]
        return _service_principal(call, method, sp_key, bool(head), rest)

    if parts[0] == "oauth2PermissionGrants":
        return graph_apps.grants_route(call, method, parts[1:])
    people = graph_users.route(call, method, parts)
    if people is not None:
        return people
    if parts[:3] == ["roleManagement", "directory", "roleAssignments"]:
        if len(parts) == 3 and method == "GET":
            call.require(READ_ROLES)
            return call.collection("roleAssignments", graph.list_role_assignments(),
                                   "roleManagement/directory/roleAssignments")
        if len(parts) == 3 and method == "POST":
            call.require(WRITE_ROLES)
            return json_response(201, graph.assign_role(call.body()))
        if len(parts) == 4 and method == "DELETE":
            call.require(WRITE_ROLES)
            graph.remove_role_assignment(parts[3])
            return Response(204)
    return _error(400, "BadRequest", f"Resource not found for the segment '{parts[-1]}'.")


def _one_application(call, method, key, by_app_id):
    graph = call.graph
    if method == "GET":
        call.require(READ_APPS)
        return json_response(200, call.view(graph.application(key, by_app_id), single=True))
    call.require(WRITE_APPS)
    app = graph.application(key, by_app_id)
    if method == "PATCH":
        graph.update_application(app, call.body())
        return Response(204)
    if method == "DELETE":
        graph.delete_application(app)
        return Response(204)
    return _error(405, "Request_BadRequest", f"{method} is not allowed on an application.")


def _by_unique_name(call, method, unique_name):
    """``GET`` or upsert (``PATCH`` with ``Prefer: create-if-missing``) ``/applications(uniqueName='…')``."""
    graph = call.graph
    if method == "GET":
        call.require(READ_APPS)
        return json_response(200, call.view(graph.application_by_unique_name(unique_name), single=True))
    if method != "PATCH":
        return _error(405, "Request_BadRequest", f"{method} is not allowed on an application.")
    call.require(WRITE_APPS)
    prefer = {p.strip().lower() for p in call.request.header("Prefer", "").split(",")}
    app = graph.upsert_application(unique_name, call.body(), "create-if-missing" in prefer)
    return json_response(201, call.view(app)) if app else Response(204)


def _service_principal(call, method, key, by_app_id, rest):
    graph = call.graph
    if not rest:
        if method == "GET":
            call.require(READ_APPS)
            return json_response(200, call.view(graph.service_principal(key, by_app_id)))
        if method == "DELETE":
            call.require(WRITE_APPS)
            graph.delete_service_principal(graph.service_principal(key, by_app_id))
            return Response(204)
    elif rest[0] in ("appRoleAssignedTo", "appRoleAssignments") and len(rest) <= 2:
        if method == "GET" and len(rest) == 1:
            call.require(READ_APPS + WRITE_APP_ROLES)
            sp = graph.service_principal(key, by_app_id)
            rows = (graph.assignments_to(sp) if rest[0] == "appRoleAssignedTo"
                    else graph.assignments_of(sp))
            return call.collection(rest[0], rows, "appRoleAssignments")
        call.require(WRITE_APP_ROLES)
        sp = graph.service_principal(key, by_app_id)
        if method == "POST" and rest == ["appRoleAssignedTo"]:
            return json_response(201, graph.assign_app_role(sp, call.body()))
        if method == "DELETE" and len(rest) == 2:
            graph.remove_app_role_assignment(sp, rest[1])
            return Response(204)
    raise not_found("/".join(["servicePrincipals", key, *rest]))
