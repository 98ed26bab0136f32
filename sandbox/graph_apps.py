"""Microsoft Graph for the rest of an application's life: further API permissions and their admin
consent, owners, secret removal.

The tenant holds Microsoft Graph's service principal with a part of its permission catalogue
(application permissions as ``appRoles``, delegated ones as ``oauth2PermissionScopes``, with
Microsoft's ids), so that an application can request them (``requiredResourceAccess``) and be
granted them: an application permission as an app role assignment on the resource's service
principal (``appRoleAssignedTo``), delegated ones as one ``oAuth2PermissionGrant`` per client and
resource (``consentType: AllPrincipals``, ``scope`` the space-separated values). Owners are
``/applications/{id}/owners`` with ``$ref``; ``removePassword`` removes a secret by ``keyId``.
"""

import base64
import uuid

from .graph_directory import MICROSOFT_GRAPH_APP_ID, GraphFailure, bad_request, not_found
from .web import Response, json_response

# (value, id) of Microsoft Graph permissions, from Microsoft's permissions reference.
GRAPH_APP_ROLES = (
    ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
    ("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca"),
    ("Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b"),
    ("GroupMember.ReadWrite.All", "dbaae8cf-10b5-4b86-a4a1-f871c94c6695"),
    ("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"),
    ("Mail.Send", "b633e1c5-b582-4048-a93e-9f11b44c7e96"),
    ("Mail.ReadWrite", "e2a3a72e-5f79-4c64-b1b1-878b674786c9"),
    ("Calendars.ReadWrite", "ef54d2bf-783f-4e0f-bca1-3210c0444d99"),
    ("Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"),
    ("AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f"),
    ("DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a"),
    ("RoleManagement.ReadWrite.Directory", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"),
)
GRAPH_SCOPES = (
    ("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
    ("User.Read.All", "a154be20-db9c-4678-8ab7-66f6cc099a59"),
    ("Mail.Read", "570282fd-fa5b-430d-a7fd-fc8dc98a9dca"),
    ("Mail.Send", "e383f46e-2787-4529-855e-0e479a3ffac0"),
    ("offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"),
    ("openid", "37f7f235-527c-4136-accd-4a02d197296e"),
)

READ_GRANTS = ("DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All")
WRITE_GRANTS = ("DelegatedPermissionGrant.ReadWrite.All",)
READ_OWNERS = ("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All")
WRITE_OWNERS = ("Application.ReadWrite.All",)


def microsoft_graph_sp(tenant_id):
    """Microsoft Graph's service principal in the tenant, with its permissions."""
    return {
        "id": str(uuid.uuid5(uuid.UUID(tenant_id), "sp:graph")),
        "appId": MICROSOFT_GRAPH_APP_ID,
        "displayName": "Microsoft Graph",
        "accountEnabled": True,
        "servicePrincipalType": "Application",
        "servicePrincipalNames": [MICROSOFT_GRAPH_APP_ID, "https://graph.microsoft.com"],
        "appRoles": [{"allowedMemberTypes": ["Application"], "description": value, "displayName": value,
                      "id": role_id, "isEnabled": True, "origin": "Application", "value": value}
                     for value, role_id in GRAPH_APP_ROLES],
        "oauth2PermissionScopes": [{"adminConsentDescription": value, "adminConsentDisplayName": value,
                                    "id": scope_id, "isEnabled": True, "type": "Admin", "value": value}
                                   for value, scope_id in GRAPH_SCOPES],
    }


# -- delegated permission grants ----------------------------------------------------------------

def _grant_body(graph, body, grant=None):
    """Validate a create (or, with ``grant``, a PATCH) body; the scope's values."""
    if grant is None:
        for name in ("clientId", "consentType", "resourceId"):
            if not isinstance(body.get(name), str):
                raise bad_request(f"Property '{name}' is required.")
        if body["consentType"] != "AllPrincipals":
            raise bad_request("The sandbox supports only consentType 'AllPrincipals'.")
        resource = graph.service_principal(body["resourceId"])
        graph.reference(body["clientId"])
    else:
        unknown = sorted(set(body) - {"scope"})
        if unknown:
            raise bad_request(f"Property '{unknown[0]}' cannot be updated.")
        resource = graph.service_principal(grant["resourceId"])
    scope = body.get("scope", "")
    if not isinstance(scope, str):
        raise bad_request("Property 'scope' must be a string.")
    known = {s["value"] for s in resource.get("oauth2PermissionScopes") or ()}
    unknown = [value for value in scope.split() if value not in known]
    if unknown:
        # A guess (docs/sandbox.md): the real service may store an unknown value without complaint.
        raise bad_request(f"Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant': "
                          f"'{unknown[0]}' is not a delegated permission of '{resource['displayName']}'.")
    return resource


def create_grant(graph, body):
    """``POST /oauth2PermissionGrants``: one per client and resource for AllPrincipals."""
    resource = _grant_body(graph, body)
    client = graph.service_principal(body["clientId"])
    if any(g["clientId"] == client["id"] and g["resourceId"] == resource["id"]
           for g in graph.permission_grants.values()):
        raise GraphFailure(409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")
    grant = {"id": base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip("="),
             "clientId": client["id"], "consentType": "AllPrincipals", "principalId": None,
             "resourceId": resource["id"], "scope": " ".join(body.get("scope", "").split())}
    graph.permission_grants[grant["id"]] = grant
    return grant


def _grant(graph, grant_id):
    grant = graph.permission_grants.get(grant_id)
    if grant is None:
        raise not_found(grant_id)
    return grant


def grants_route(call, method, rest):
    """``/oauth2PermissionGrants[/{id}]``."""
    graph = call.graph
    if not rest and method == "GET":
        call.require(READ_GRANTS)
        return call.collection("oauth2PermissionGrants", list(graph.permission_grants.values()),
                               "oauth2PermissionGrants")
    call.require(WRITE_GRANTS)
    if not rest and method == "POST":
        return json_response(201, create_grant(graph, call.body()))
    if len(rest) == 1 and method == "PATCH":
        grant = _grant(graph, rest[0])
        body = call.body()
        _grant_body(graph, body, grant)
        grant["scope"] = " ".join(body.get("scope", "").split())
        return Response(204)
    if len(rest) == 1 and method == "DELETE":
        del graph.permission_grants[_grant(graph, rest[0])["id"]]
        return Response(204)
    raise not_found("/".join(["oauth2PermissionGrants"] + rest))


# -- owners and secrets ----------------------------------------------------------------------------

def _directory_object(graph, object_id):
    """A user or service principal by id: what an owner ``$ref`` may name."""
    try:
        return graph.people.user(object_id)
    except GraphFailure:
        return graph.service_principal(object_id)


def owner_view(graph, object_id):
    """How ``/owners`` shows an owner."""
    owner = _directory_object(graph, object_id)
    if "userPrincipalName" in owner:
        return {"@odata.type": "#microsoft.graph.user", "id": owner["id"], "displayName": owner["displayName"],
                "userPrincipalName": owner["userPrincipalName"]}
    return {"@odata.type": "#microsoft.graph.servicePrincipal", "id": owner["id"], "displayName": owner["displayName"],
            "appId": owner["appId"]}


def owners_route(call, method, app, rest):
    """``/applications/{id}/owners``, ``…/owners/$ref`` and ``…/owners/{id}/$ref``."""
    graph = call.graph
    owners = graph.app_owners.setdefault(app["id"], [])
    if rest == [] and method == "GET":
        call.require(READ_OWNERS)
        return call.collection("owners", [owner_view(graph, o) for o in owners], "directoryObjects")
    call.require(WRITE_OWNERS)
    if rest == ["$ref"] and method == "POST":
        reference = call.body().get("@odata.id")
        if not isinstance(reference, str) or "/directoryObjects/" not in reference:
            raise bad_request("Invalid OData reference: '@odata.id' must name /directoryObjects/{id}.")
        owner = _directory_object(graph, reference.rstrip("/").rsplit("/", 1)[1])
        if owner["id"] in owners:
            raise bad_request("One or more added object references already exist for the following modified "
                              "properties: 'owners'.")
        owners.append(owner["id"])
        return Response(204)
    if len(rest) == 2 and rest[1] == "$ref" and method == "DELETE":
        match = next((o for o in owners if o.lower() == rest[0].lower()), None)
        if match is None:
            raise not_found(rest[0])
        owners.remove(match)
        return Response(204)
    raise not_found("owners")


def remove_password(call, app):
    """``POST /applications/{id}/removePassword`` with ``{"keyId": …}``."""
    call.require(WRITE_OWNERS)
    key_id = call.body().get("keyId")
    if not isinstance(key_id, str):
        raise bad_request("Property 'keyId' is required.")
    credential = next((c for c in app["passwordCredentials"] if c["keyId"].lower() == key_id.lower()), None)
    if credential is None:
        # A guess (docs/sandbox.md): the real service's answer to an unknown keyId.
        raise bad_request(f"No password credential found with keyId {key_id}.", code="Request_ResourceNotFound")
    app["passwordCredentials"].remove(credential)
    call.graph.forget_secret(credential["keyId"])
    return Response(204)
