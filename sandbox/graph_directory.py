"""The directory objects Microsoft Graph manages for app registration, and their effect on tokens.

Applications, service principals, app role assignments (admin consent) and directory role
assignments live here. Apps created through Graph become clients of the sandbox's token
endpoint: their secrets (``addPassword``) and certificates (``keyCredentials``) authenticate for
real, and an Exchange token carries ``Exchange.ManageAsApp`` only when the app's service
principal holds that consented assignment, and ``wids`` only for the roles assigned to it.

A ``replication_delay_s`` fault makes every application and service principal created through
Graph invisible (to reads, to references in other requests and to the token endpoint) for that
many seconds after its creation, the way Entra ID's replication does; an app role assignment
naming such a service principal is refused with 400 "Not a valid reference update.", as Graph does.
"""

import base64
import binascii
import datetime
import secrets
import threading
import time
import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from .certs import _b64url
from .entra import (EXCHANGE_RESOURCE_APP_ID, MANAGE_AS_APP, AppRegistration, TokenError)

MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"

MANAGE_AS_APP_ROLE_ID = "dc50a0fb-09a3-484d-be87-e023b12c6440"

# Directory role template ids (Microsoft Entra built-in roles reference).
ROLE_TEMPLATES = {
    "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
    "31392ffb-586c-42d1-9346-e59415a2cc4e": "Exchange Recipient Administrator",
    "9360feb5-f418-4baa-8175-e2a00bac4301": "Directory Writers",
    "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451": "Global Reader",
    "5d6b6bb7-de71-4623-b4af-96380a352509": "Security Reader",
    "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
    "17315797-102d-40b4-93e0-432062caca18": "Compliance Administrator",
}


class GraphFailure(Exception):
    """A Graph error: HTTP status, Graph error ``code`` and message."""

    def __init__(self, status, code, message):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found(object_id):
    """Graph's answer for an id that does not (yet) exist."""
    return GraphFailure(404, "Request_ResourceNotFound",
                        f"Resource '{object_id}' does not exist or one of its queried "
                        "reference-property objects are not present.")


def bad_request(message, code="Request_BadRequest"):
    """A 400 in Graph's terms."""
    return GraphFailure(400, code, message)


def timestamp(moment):
    """Graph's ``DateTimeOffset`` form: ``2024-01-15T09:30:00Z``."""
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value, name):
    """A ``DateTimeOffset`` string as an aware datetime; :class:`GraphFailure` if malformed."""
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"Invalid value specified for property '{name}' of resource "
                          "'KeyCredential'.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class PublicCertificate:
    """A certificate uploaded as a key credential: what the token endpoint verifies with."""

    certificate: x509.Certificate

    @property
    def thumbprint_sha1(self):
        """Base64url SHA-1 thumbprint (``x5t``)."""
        return _b64url(self.certificate.fingerprint(hashes.SHA1()))

    @property
    def thumbprint_sha256(self):
        """Base64url SHA-256 thumbprint (``x5t#S256``)."""
        return _b64url(self.certificate.fingerprint(hashes.SHA256()))


def _key_credential(entry, now):
    """Validate one ``keyCredentials`` entry of a create or PATCH body; the stored form."""
    if not isinstance(entry, dict):
        raise bad_request("Invalid value specified for property 'keyCredentials' of resource "
                          "'Application'.")
    if entry.get("type", "AsymmetricX509Cert") != "AsymmetricX509Cert" \
            or entry.get("usage", "Verify") != "Verify":
        raise bad_request("Only keyCredentials of type 'AsymmetricX509Cert' with usage 'Verify' "
                          "are supported by the sandbox.")
    try:
        der = base64.b64decode(entry.get("key") or "", validate=True)
        certificate = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError, TypeError):
        raise bad_request("Key credential 'key' is missing or is not a base64 DER X.509 "
                          "certificate.") from None
    start = entry.get("startDateTime")
    end = entry.get("endDateTime")
    start = parse_timestamp(start, "startDateTime") if start else certificate.not_valid_before_utc
    end = parse_timestamp(end, "endDateTime") if end else certificate.not_valid_after_utc
    if end <= start:
        raise bad_request("Key credential end date must be later than its start date.")
    return {
        "customKeyIdentifier": certificate.fingerprint(hashes.SHA1()).hex().upper(),
        "displayName": entry.get("displayName") or certificate.subject.rfc4514_string(),
        "endDateTime": timestamp(end),
        "key": base64.b64encode(der).decode("ascii"),
        "keyId": str(entry.get("keyId") or uuid.uuid4()),
        "startDateTime": timestamp(start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


class GraphDirectory:
    """Applications, service principals and assignments of the sandbox tenant.

    ``delay`` returns the current replication delay in seconds; ``clock`` the time. Everything
    runs under one lock, so each Graph request is atomic.
    """

    def __init__(self, directory, delay=lambda: 0, clock=time.time, provisioning=lambda: 0):
        self.directory = directory
        self._delay = delay
        self._clock = clock
        self.lock = threading.RLock()
        # Entra users, groups and licences, seeded from the organisation; imported here because
        # graph_users builds on this module's errors.
        from .graph_users import People  # pylint: disable=import-outside-toplevel
        self.people = People(directory.org, provisioning, self.lock)
        self.reset()
        directory.app_sources.append(self.app_registration)

    def reset(self):
        """Back to a tenant whose only service principal is Exchange Online's."""
        with self.lock:
            self.applications = {}
            self.service_principals = {}
            self.app_role_assignments = {}
            self.role_assignments = {}
            self.permission_grants = {}
            self.app_owners = {}
            self._secrets = {}
            self._visible_at = {}
            exchange_sp = {
                "id": str(uuid.uuid5(uuid.UUID(self.directory.tenant_id), "sp:exchange")),
                "appId": EXCHANGE_RESOURCE_APP_ID,
                "displayName": "Office 365 Exchange Online",
                "accountEnabled": True,
                "servicePrincipalType": "Application",
                "servicePrincipalNames": [EXCHANGE_RESOURCE_APP_ID],
                "appRoles": [{
                    "allowedMemberTypes": ["Application"],
                    "description": "Allow the app to manage the organization's Exchange "
                                   "environment without any user interaction.",
                    "displayName": "Manage Exchange As Application",
                    "id": MANAGE_AS_APP_ROLE_ID,
                    "isEnabled": True,
                    "origin": "Application",
                    "value": MANAGE_AS_APP,
                }],
                "oauth2PermissionScopes": [],
            }
            self.service_principals[exchange_sp["id"]] = exchange_sp
            # Imported here because graph_apps builds on this module, like graph_users.
            from .graph_apps import microsoft_graph_sp  # pylint: disable=import-outside-toplevel
            graph_sp = microsoft_graph_sp(self.directory.tenant_id)
            self.service_principals[graph_sp["id"]] = graph_sp
            self.people.reset()

    # -- visibility -------------------------------------------------------------------------

    def now(self):
        """The current time as an aware datetime."""
        return datetime.datetime.fromtimestamp(self._clock(), datetime.timezone.utc)

    def _created(self, object_id):
        delay = self._delay() or 0
        if delay:
            self._visible_at[object_id] = self._clock() + delay

    def visible(self, object_id):
        """Whether a created object has replicated (is visible to reads and references)."""
        return self._clock() >= self._visible_at.get(object_id, 0)

    def _visible(self, objects):
        return [o for o in objects if self.visible(o["id"])]

    # -- applications -----------------------------------------------------------------------

    def list_applications(self):
        """Every visible application, oldest first."""
        return self._visible(self.applications.values())

    def application(self, key, by_app_id=False):
        """One visible application by object id (or appId); 404 otherwise."""
        for app in self.list_applications():
            if (app["appId"] if by_app_id else app["id"]).lower() == key.lower():
                return app
        raise not_found(key)

    def application_by_unique_name(self, unique_name):
        """One visible application by its ``uniqueName`` (case-insensitive); 404 otherwise."""
        for app in self.list_applications():
            if (app.get("uniqueName") or "").lower() == unique_name.lower():
                return app
        raise not_found(unique_name)

    def upsert_application(self, unique_name, body, create_if_missing):
        """``PATCH /applications(uniqueName='…')``: update the application holding ``unique_name``
        (replicated or not: the key is unique at the source) and return None, else create it when
        ``create_if_missing`` (``Prefer: create-if-missing``) and return it, else 404."""
        if not unique_name.strip():
            raise bad_request("Property 'uniqueName' must not be empty.")
        holder = next((a for a in self.applications.values()
                       if (a.get("uniqueName") or "").lower() == unique_name.lower()), None)
        if holder is not None:
            self.update_application(holder, body)
            return None
        if not create_if_missing:
            raise not_found(unique_name)
        return self.create_application(body, unique_name=unique_name)

    def create_application(self, body, unique_name=None):
        """``POST /applications`` (or an upsert that creates, with its ``uniqueName``)."""
        name = body.get("displayName")
        if not isinstance(name, str) or not name.strip():
            raise bad_request("Property 'displayName' is required and must not be empty.")
        now = self.now()
        app = {
            "id": str(uuid.uuid4()),
            "appId": str(uuid.uuid4()),
            "displayName": name,
            "createdDateTime": timestamp(now),
            "deletedDateTime": None,
            "signInAudience": "AzureADMyOrg",
            "publisherDomain": self.directory.org.domain,
            "uniqueName": unique_name,
            "requiredResourceAccess": [],
            "keyCredentials": [],
            "passwordCredentials": [],
            "web": {"redirectUris": [], "homePageUrl": None, "logoutUrl": None},
            "identifierUris": [],
            "api": {"requestedAccessTokenVersion": None},
        }
        self._update_application(app, body, now)
        self.applications[app["id"]] = app
        self._created(app["id"])
        return app

    def update_application(self, app, body):
        """``PATCH /applications/{id}``: only the properties given change."""
        self._update_application(app, body, self.now())

    def _update_application(self, app, body, now):
        allowed = {"displayName", "requiredResourceAccess", "keyCredentials", "web", "signInAudience",
                   "identifierUris", "api"}
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise bad_request(f"Property '{unknown[0]}' is not supported by the sandbox.")
        # The audience and what it constrains are checked together, before anything changes.
        audience, uris, api = _audience(app, body, self.directory)
        app["signInAudience"], app["identifierUris"], app["api"] = audience, uris, api
        if "displayName" in body:
            name = body["displayName"]
            if not isinstance(name, str) or not name.strip():
                raise bad_request("Property 'displayName' must not be empty.")
            app["displayName"] = name
        if "requiredResourceAccess" in body:
            app["requiredResourceAccess"] = _required_resource_access(body["requiredResourceAccess"])
        if "web" in body:
            app["web"] = dict(app.get("web") or {}, redirectUris=_redirect_uris(body["web"]))
        if "keyCredentials" in body:
            entries = body["keyCredentials"]
            if not isinstance(entries, list):
                raise bad_request("Property 'keyCredentials' must be a collection.")
            app["keyCredentials"] = [_key_credential(e, now) for e in entries]

    def add_password(self, app, body):
        """``POST /applications/{id}/addPassword``: the new credential, with its secret text."""
        wanted = body.get("passwordCredential") or {}
        if not isinstance(wanted, dict):
            raise bad_request("Property 'passwordCredential' must be an object.")
        now = self.now()
        end = wanted.get("endDateTime")
        end = parse_timestamp(end, "endDateTime") if end else now + datetime.timedelta(days=730)
        text = secrets.token_urlsafe(30)
        credential = {
            "customKeyIdentifier": None,
            "displayName": wanted.get("displayName"),
            "endDateTime": timestamp(end),
            "hint": text[:3],
            "keyId": str(uuid.uuid4()),
            "secretText": None,
            "startDateTime": timestamp(now),
        }
        app["passwordCredentials"].append(credential)
        self._secrets[credential["keyId"]] = text
        return {**credential, "secretText": text}

    def forget_secret(self, key_id):
        """The token endpoint stops accepting a removed secret."""
        self._secrets.pop(key_id, None)

    def delete_application(self, app):
        """``DELETE /applications/{id}``: its service principal and assignments go with it."""
        del self.applications[app["id"]]
        self.app_owners.pop(app["id"], None)
        for key_credential in app["passwordCredentials"]:
            self._secrets.pop(key_credential["keyId"], None)
        for sp in [s for s in self.service_principals.values()
                   if s["appId"].lower() == app["appId"].lower()]:
            self.delete_service_principal(sp)

    # -- service principals -----------------------------------------------------------------

    def list_service_principals(self):
        """Every visible service principal."""
        return self._visible(self.service_principals.values())

    def service_principal(self, key, by_app_id=False):
        """One visible service principal by object id (or appId); 404 otherwise."""
        for sp in self.list_service_principals():
            if (sp["appId"] if by_app_id else sp["id"]).lower() == key.lower():
                return sp
        raise not_found(key)

    def create_service_principal(self, body):
        """``POST /servicePrincipals`` for an application of this tenant."""
        app_id = body.get("appId")
        if not isinstance(app_id, str):
            raise bad_request("Property 'appId' is required.")
        app = next((a for a in self.list_applications() if a["appId"].lower() == app_id.lower()),
                   None)
        if app is None:
            raise bad_request(f"The appId '{app_id}' of the service principal does not reference "
                              "a valid application object.")
        if any(s["appId"].lower() == app_id.lower() for s in self.service_principals.values()):
            raise bad_request("Another object with the same value for property "
                              "servicePrincipalNames already exists.",
                              code="Request_MultipleObjectsWithSameKeyValue")
        sp = {
            "id": str(uuid.uuid4()),
            "appId": app["appId"],
            "displayName": app["displayName"],
            "accountEnabled": True,
            "servicePrincipalType": "Application",
            "servicePrincipalNames": [app["appId"]],
            "appRoles": [],
            "oauth2PermissionScopes": [],
        }
        self.service_principals[sp["id"]] = sp
        self._created(sp["id"])
        return sp

    def delete_service_principal(self, sp):
        """Remove a service principal with every assignment it holds or grants."""
        self.service_principals.pop(sp["id"], None)
        for assignment in list(self.app_role_assignments.values()):
            if sp["id"] in (assignment["principalId"], assignment["resourceId"]):
                del self.app_role_assignments[assignment["id"]]
        for assignment in list(self.role_assignments.values()):
            if assignment["principalId"] == sp["id"]:
                del self.role_assignments[assignment["id"]]
        for grant in list(self.permission_grants.values()):
            if sp["id"] in (grant["clientId"], grant["resourceId"]):
                del self.permission_grants[grant["id"]]

    # -- app role assignments (admin consent) -------------------------------------------------

    def assignments_to(self, sp):
        """Assignments granted on resource ``sp`` (``appRoleAssignedTo``)."""
        return [a for a in self.app_role_assignments.values() if a["resourceId"] == sp["id"]]

    def assignments_of(self, sp):
        """Assignments held by ``sp`` (``appRoleAssignments``)."""
        return [a for a in self.app_role_assignments.values() if a["principalId"] == sp["id"]]

    def assign_app_role(self, resource, body):
        """``POST /servicePrincipals/{resource}/appRoleAssignedTo``."""
        for name in ("principalId", "resourceId", "appRoleId"):
            if not isinstance(body.get(name), str):
                raise bad_request(f"Property '{name}' is required.")
        if body["resourceId"].lower() != resource["id"].lower():
            raise bad_request("The resourceId must be the service principal in the request URL.")
        principal = self.reference(body["principalId"])
        role = next((r for r in resource["appRoles"]
                     if r["id"].lower() == body["appRoleId"].lower()), None)
        if role is None:
            raise bad_request("Permission being assigned was not found on application "
                              f"'{resource['appId']}'.")
        if any(a["principalId"] == principal["id"] and a["appRoleId"] == role["id"]
               for a in self.assignments_to(resource)):
            raise bad_request("Permission being assigned already exists on the object")
        assignment = {
            "id": base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="),
            "appRoleId": role["id"],
            "createdDateTime": timestamp(self.now()),
            "deletedDateTime": None,
            "principalDisplayName": principal["displayName"],
            "principalId": principal["id"],
            "principalType": "ServicePrincipal",
            "resourceDisplayName": resource["displayName"],
            "resourceId": resource["id"],
        }
        self.app_role_assignments[assignment["id"]] = assignment
        return assignment

    def reference(self, object_id):
        """The service principal an app role assignment names: while replication hides a new one,
        Graph refuses the assignment with 400 "Not a valid reference update." (PROTOCOL.md §7)."""
        hidden = self.service_principals.get(object_id.lower())
        if hidden is not None and not self.visible(hidden["id"]):
            raise bad_request("Not a valid reference update.")
        return self.service_principal(object_id)

    def remove_app_role_assignment(self, sp, assignment_id):
        """``DELETE .../appRoleAssignedTo/{id}`` or ``.../appRoleAssignments/{id}``."""
        assignment = self.app_role_assignments.get(assignment_id)
        if assignment is None or sp["id"] not in (assignment["principalId"],
                                                  assignment["resourceId"]):
            raise not_found(assignment_id)
        del self.app_role_assignments[assignment_id]

    # -- directory role assignments -------------------------------------------------------------

    def list_role_assignments(self):
        """Every directory role assignment."""
        return list(self.role_assignments.values())

    def assign_role(self, body):
        """``POST /roleManagement/directory/roleAssignments``."""
        for name in ("principalId", "roleDefinitionId"):
            if not isinstance(body.get(name), str):
                raise bad_request(f"Property '{name}' is required.")
        scope = body.get("directoryScopeId", "/")
        if scope != "/":
            raise bad_request("The sandbox supports only the directory scope '/'.")
        role = body["roleDefinitionId"].lower()
        if role not in ROLE_TEMPLATES:
            raise bad_request(f"The role definition '{body['roleDefinitionId']}' does not exist.")
        principal = self.service_principal(body["principalId"])
        if any(a["principalId"] == principal["id"] and a["roleDefinitionId"] == role
               for a in self.role_assignments.values()):
            raise bad_request("A conflicting object with one or more of the specified property "
                              "values is present in the directory.")
        assignment = {
            "id": base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=") + "-1",
            "directoryScopeId": "/",
            "principalId": principal["id"],
            "roleDefinitionId": role,
        }
        self.role_assignments[assignment["id"]] = assignment
        return assignment

    def remove_role_assignment(self, assignment_id):
        """``DELETE /roleManagement/directory/roleAssignments/{id}``."""
        if self.role_assignments.pop(assignment_id, None) is None:
            raise not_found(assignment_id)

    # -- the token endpoint's view --------------------------------------------------------------

    def app_registration(self, client_id):
        """The token endpoint's client for a Graph-created app, None if unknown or unreplicated.

        Raises ``TokenError`` (AADSTS7000229) for an app without a service principal.
        """
        with self.lock:
            app = next((a for a in self.list_applications()
                        if a["appId"].lower() == client_id.lower()), None)
            if app is None:
                return None
            sp = next((s for s in self.list_service_principals()
                       if s["appId"].lower() == client_id.lower()), None)
            if sp is None:
                raise TokenError(400, "invalid_client", 7000229,
                                 f"The client application {app['appId']} is missing service "
                                 f"principal in the tenant {self.directory.tenant_id}.")
            now = self.now()

            def current(credential):
                return (parse_timestamp(credential["startDateTime"], "startDateTime") <= now
                        < parse_timestamp(credential["endDateTime"], "endDateTime"))

            held = {EXCHANGE_RESOURCE_APP_ID: [], MICROSOFT_GRAPH_APP_ID: []}
            for assignment in self.assignments_of(sp):
                resource = self.service_principals.get(assignment["resourceId"])
                if resource and resource["appId"] in held:
                    held[resource["appId"]] += [r["value"] for r in resource["appRoles"]
                                                if r["id"] == assignment["appRoleId"]]
            exchange_roles = held[EXCHANGE_RESOURCE_APP_ID]
            return AppRegistration(
                client_id=app["appId"],
                display_name=app["displayName"],
                object_id=sp["id"],
                secrets=[self._secrets[c["keyId"]] for c in app["passwordCredentials"]
                         if current(c) and c["keyId"] in self._secrets],
                certificates=[PublicCertificate(x509.load_der_x509_certificate(
                    base64.b64decode(c["key"]))) for c in app["keyCredentials"] if current(c)],
                exchange_roles=sorted(set(exchange_roles)),
                graph_roles=sorted(set(held[MICROSOFT_GRAPH_APP_ID])),
                directory_roles=sorted({a["roleDefinitionId"] for a in self.role_assignments.values()
                                        if a["principalId"] == sp["id"]}),
            )


def _required_resource_access(value):
    if not isinstance(value, list):
        raise bad_request("Property 'requiredResourceAccess' must be a collection.")
    out = []
    for entry in value:
        if not isinstance(entry, dict) or not isinstance(entry.get("resourceAppId"), str) \
                or not isinstance(entry.get("resourceAccess"), list):
            raise bad_request("Invalid value specified for property 'requiredResourceAccess'.")
        access = []
        for item in entry["resourceAccess"]:
            if not isinstance(item, dict) or item.get("type") not in ("Role", "Scope") \
                    or not isinstance(item.get("id"), str):
                raise bad_request("Invalid value specified for property 'resourceAccess'.")
            access.append({"id": item["id"], "type": item["type"]})
        out.append({"resourceAppId": entry["resourceAppId"], "resourceAccess": access})
    return out


SIGN_IN_AUDIENCES = ("AzureADMyOrg", "AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount",
                     "PersonalMicrosoftAccount")


def _audience(app, body, directory):
    """``signInAudience``, ``identifierUris`` and ``api`` after a create or PATCH ``body``, validated
    together as Graph validates them (docs/sandbox.md "Sign-in audience"):

    - the audience is one of the four values;
    - an audience with personal Microsoft accounts needs ``api.requestedAccessTokenVersion`` 2;
    - a multi-tenant audience needs every identifier URI to carry the app id, the tenant id or a
      verified domain of the tenant (api://{appId}, api://{tenantId}/..., api://.../{appId},
      https://{domain}/..., https://{sub}.{domain}/...); a single-tenant app may have any URI.
    """
    audience = body.get("signInAudience", app.get("signInAudience") or "AzureADMyOrg")
    if audience not in SIGN_IN_AUDIENCES:
        raise bad_request(f"Invalid value specified for property 'signInAudience' of resource 'Application': "
                          f"'{audience}'.")
    uris = body.get("identifierUris", app.get("identifierUris") or [])
    if not isinstance(uris, list) or not all(isinstance(u, str) and u.strip() for u in uris):
        raise bad_request("Invalid value specified for property 'identifierUris' of resource 'Application'.")
    api = dict(app.get("api") or {"requestedAccessTokenVersion": None})
    if "api" in body:
        wanted = body["api"]
        if not isinstance(wanted, dict) or set(wanted) - {"requestedAccessTokenVersion"} \
                or wanted.get("requestedAccessTokenVersion") not in (None, 1, 2):
            raise bad_request("Invalid value specified for property 'api' of resource 'Application'.")
        api.update(wanted)
    if "Personal" in audience and api.get("requestedAccessTokenVersion") != 2:
        raise bad_request("Property api.requestedAccessTokenVersion is invalid.")
    if audience != "AzureADMyOrg":
        for uri in uris:
            if not _tenant_unique(uri, app["appId"], directory):
                raise bad_request("Values of identifierUris property must use a verified domain of the organization "
                                  f"or its subdomain: '{uri}'", code="HostNameNotOnVerifiedDomain")
    return audience, list(uris), api


def _tenant_unique(uri, app_id, directory):
    """Whether identifier URI ``uri`` names the app, the tenant or a verified domain of the tenant."""
    lowered = uri.lower()
    scheme, sep, rest = lowered.partition("://")
    if not sep:
        return False
    host, unused, path = rest.partition("/")
    if scheme == "api":
        segments = [host] + [p for p in path.split("/") if p]
        return host in (app_id.lower(), directory.tenant_id.lower()) or segments[-1] == app_id.lower()
    verified = (directory.org.domain.lower(), directory.org.alternate_domain.lower())
    return scheme == "https" and any(host == d or host.endswith("." + d) for d in verified)


def _redirect_uris(web):
    """``web.redirectUris`` of a create or PATCH body: absolute https URIs, or http on localhost."""
    uris = web.get("redirectUris", []) if isinstance(web, dict) else None
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        raise bad_request("Invalid value specified for property 'web' of resource 'Application'.")
    for uri in uris:
        lowered = uri.lower()
        if not (lowered.startswith("https://") or lowered.startswith("http://localhost")) or " " in uri:
            raise bad_request(f"Invalid value specified for property 'redirectUris' of resource 'WebApplication': "
                              f"'{uri}'.")
    return list(uris)
