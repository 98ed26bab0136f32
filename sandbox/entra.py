"""The Entra ID part of the sandbox: app registrations, the token endpoint, token checks.

Tokens are real RS256 JWTs signed with a per-start key; client secrets are compared and
client assertions (``private_key_jwt``) are verified against the registered certificate, the
way Entra does, so that clients exercise their real authentication code.
"""

import base64
import datetime
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import jwt

from .web import json_response

EXCHANGE_RESOURCE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
MANAGE_AS_APP = "Exchange.ManageAsApp"
EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de"
# Directory roles that let an app run Exchange cmdlets (Microsoft's app-only auth article).
EXCHANGE_CAPABLE_ROLES = frozenset({
    EXCHANGE_ADMINISTRATOR,
    "62e90394-69f5-4237-9190-012177145e10",  # Global Administrator
    "31392ffb-586c-42d1-9346-e59415a2cc4e",  # Exchange Recipient Administrator
    "17315797-102d-40b4-93e0-432062caca18",  # Compliance Administrator
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",  # Global Reader
    "5d6b6bb7-de71-4623-b4af-96380a352509",  # Security Reader
    "194ae4cb-b126-40b2-bd5b-6091b380977d",  # Security Administrator
})
# Of those, the ones that may only read: Exchange answers their writes 403 (PROTOCOL.md §7).
READER_ROLES = frozenset({
    "f2ef992c-3afb-46b9-b7cf-a126ee74c451",  # Global Reader
    "5d6b6bb7-de71-4623-b4af-96380a352509",  # Security Reader
})
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TOKEN_LIFETIME = 3599
_ASSERTION_ALGORITHMS = ["PS256", "RS256"]


@dataclass
class AppRegistration:
    """An application and its service principal in the sandbox tenant."""

    client_id: str
    display_name: str
    object_id: str
    secrets: list = field(default_factory=list)
    certificates: list = field(default_factory=list)
    exchange_roles: list = field(default_factory=list)
    graph_roles: list = field(default_factory=list)
    directory_roles: list = field(default_factory=list)


class TokenError(Exception):
    """A token endpoint failure in Entra's terms (HTTP status, OAuth error, AADSTS code)."""

    def __init__(self, status, error, code, text):
        super().__init__(f"AADSTS{code}: {text}")
        self.status = status
        self.error = error
        self.code = code
        self.text = text


class InvalidToken(Exception):
    """A bearer token a resource must refuse with 401."""


class Directory:
    """The tenant: its ids, app registrations, resources and signing key."""

    def __init__(self, org, base_url, signing_key):
        self.org = org
        self.base_url = base_url
        self.exchange_url = base_url
        self.graph_url = f"{base_url}/graph"
        self.signing_key = signing_key
        self._verified = {}
        self.apps = {}
        # Callables client_id -> AppRegistration or None: apps registered elsewhere (Graph).
        self.app_sources = []

    @property
    def tenant_id(self):
        """The tenant GUID, shared with the Exchange organisation."""
        return self.org.tenant_id

    def register(self, app):
        """Add an app registration (with its service principal)."""
        self.apps[app.client_id.lower()] = app
        return app

    def find_app(self, client_id):
        """The app registration for ``client_id`` (fixed apps first, then ``app_sources``)."""
        app = self.apps.get(client_id.lower())
        for source in self.app_sources:
            if app is not None:
                break
            app = source(client_id)
        return app

    def knows_tenant(self, segment):
        """Whether a URL tenant segment (GUID or org domain) names this tenant."""
        return segment.lower() in (self.tenant_id.lower(), self.org.domain.lower())

    def token_endpoint(self, segment=None):
        """The token endpoint URL for a tenant segment (the GUID by default)."""
        return f"{self.base_url}/{segment or self.tenant_id}/oauth2/v2.0/token"

    # -- documents ------------------------------------------------------------------------

    def openid_configuration(self):
        """The v2.0 OpenID configuration document, pointing at the sandbox."""
        base = f"{self.base_url}/{self.tenant_id}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": f"{base}/v2.0",
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.graph_url}/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
                                 "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat",
                                 "auth_time", "acr", "nonce", "preferred_username", "name",
                                 "tid", "ver", "at_hash", "c_hash", "email"],
            "kerberos_endpoint": f"{base}/kerberos",
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    def jwks(self):
        """The signing keys document."""
        return {"keys": [self.signing_key.jwk()]}

    # -- token endpoint ---------------------------------------------------------------------

    def issue(self, segment, form, authorization=None):
        """Handle a token request (parsed form fields); returns the token response dict.

        ``authorization`` is the request's Authorization header, for client_secret_basic.
        Raises :class:`TokenError` with Entra's code for every refusal.
        """
        grant_type = form.get("grant_type", "")
        if grant_type != "client_credentials":
            raise TokenError(400, "unsupported_grant_type", 70003,
                             f"The app requested an unsupported grant type '{grant_type}'.")
        client_id, secret = form.get("client_id"), form.get("client_secret")
        basic = _basic_credentials(authorization)
        if basic:
            client_id, secret = basic
        if not client_id:
            raise TokenError(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: "
                             "'client_id'.")
        app = self.find_app(client_id)
        if app is None:
            raise TokenError(
                400, "unauthorized_client", 700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{self.org.name}'. This can happen if the application has not been installed "
                "by the administrator of the tenant or consented to by any user in the tenant. "
                "You may have sent your authentication request to the wrong tenant.")
        assertion = form.get("client_assertion")
        if secret is not None:
            if not any(hmac.compare_digest(secret.encode(), s.encode()) for s in app.secrets):
                raise TokenError(
                    401, "invalid_client", 7000215,
                    "Invalid client secret provided. Ensure the secret being sent in the request "
                    "is the client secret value, not the client secret ID, for a secret added to "
                    f"app '{app.client_id}'.")
            auth_method = "1"
        elif assertion is not None:
            if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
                raise TokenError(400, "invalid_request", 700029,
                                 "The client_assertion_type parameter is missing or invalid.")
            self._verify_assertion(app, assertion, segment)
            auth_method = "2"
        else:
            raise TokenError(401, "invalid_client", 7000218,
                             "The request body must contain the following parameter: "
                             "'client_assertion' or 'client_secret'.")
        resource = self._resource(form.get("scope", ""))
        token = self.mint(app, resource, TOKEN_LIFETIME, auth_method=auth_method)
        return {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME,
                "ext_expires_in": TOKEN_LIFETIME, "access_token": token}

    def _resource(self, scope):
        scopes = scope.split()
        if not scopes:
            raise TokenError(400, "invalid_request", 900144,
                             "The request body must contain the following parameter: 'scope'.")
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise TokenError(
                400, "invalid_scope", 1002012,
                f"The provided value for scope {scope} is not valid. Client credential flows "
                "must have a scope value with /.default suffixed to the resource identifier "
                "(application ID URI).")
        resource = scopes[0][: -len("/.default")].rstrip("/")
        if resource not in (self.exchange_url, self.graph_url):
            raise TokenError(
                400, "invalid_scope", 500011,
                f"The resource principal named {resource} was not found in the tenant named "
                f"{self.org.name}. This can happen if the application has not been installed "
                "by the administrator of the tenant or consented to by any user in the tenant. "
                "You might have sent your authentication request to the wrong tenant.")
        return resource

    def _verify_assertion(self, app, assertion, segment):
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.PyJWTError as exc:
            raise TokenError(401, "invalid_client", 700027,
                             f"Client assertion failed signature validation. [Reason - {exc}]")
        thumbprint = str(header.get("x5t#S256") or header.get("x5t") or "")
        # Clients differ in padding and alphabet (msal pads base64url); compare normalised.
        wanted = thumbprint.rstrip("=").replace("+", "-").replace("/", "_")
        certificate = next(
            (c for c in app.certificates
             if wanted in (c.thumbprint_sha256, c.thumbprint_sha1)), None)
        if certificate is None:
            raise TokenError(
                401, "invalid_client", 700027,
                "Client assertion failed signature validation. [Reason - The key was not found., "
                f"Thumbprint of key used by client: '{thumbprint}']")
        audiences = {self.token_endpoint(), self.token_endpoint(self.org.domain),
                     self.token_endpoint(segment)}
        try:
            claims = jwt.decode(
                assertion, certificate.certificate.public_key(),
                algorithms=_ASSERTION_ALGORITHMS, audience=sorted(audiences),
                options={"require": ["exp", "aud", "iss", "sub"]},
            )
        except (jwt.ExpiredSignatureError, jwt.ImmatureSignatureError) as exc:
            raise TokenError(401, "invalid_client", 700024,
                             f"Client assertion is not within its valid time range. [{exc}]")
        except jwt.PyJWTError as exc:
            raise TokenError(401, "invalid_client", 700027,
                             f"Client assertion failed signature validation. [Reason - {exc}]")
        if claims["iss"].lower() != app.client_id.lower() or claims["sub"] != claims["iss"]:
            raise TokenError(401, "invalid_client", 700021,
                             "Client assertion application identifier doesn't match "
                             "'client_id' parameter.")

    # -- access tokens ------------------------------------------------------------------------

    def roles_for(self, app, resource):
        """The application permissions ``app`` holds on ``resource``."""
        return list(app.exchange_roles if resource == self.exchange_url else app.graph_roles)

    def mint(self, app, audience, lifetime, roles=None, auth_method="1"):
        """Sign an app-only access token for ``audience``, like Entra's v1 tokens."""
        now = int(time.time())
        tid = self.tenant_id
        claims = {
            "aud": audience,
            "iss": f"https://sts.windows.net/{tid}/",
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "aio": base64.b64encode(secrets.token_bytes(24)).decode(),
            "app_displayname": app.display_name,
            "appid": app.client_id,
            "appidacr": auth_method,
            "idp": f"https://sts.windows.net/{tid}/",
            "oid": app.object_id,
            "rh": "0." + secrets.token_urlsafe(40) + ".",
            "sub": app.object_id,
            "tid": tid,
            "uti": secrets.token_urlsafe(16),
            "ver": "1.0",
            "wids": list(app.directory_roles),
        }
        granted = self.roles_for(app, audience) if roles is None else list(roles)
        if granted:
            claims["roles"] = granted
        headers = {"typ": "JWT", "x5t": self.signing_key.kid, "kid": self.signing_key.kid}
        return jwt.encode(claims, self.signing_key.private_key, algorithm="RS256",
                          headers=headers)

    # Tokens already verified, with their claims: a client sends the same token with each of
    # thousands of requests, and checking its signature again cost more than a small request.
    VERIFIED_KEPT = 64

    def verify(self, token, audience):
        """The claims of a bearer token valid for ``audience``; :class:`InvalidToken` if not.
        A token verified before is only checked for its time window again (its claims cannot
        change); outside it, it is decoded again, which says why it is not valid."""
        key = (token, audience, id(self.signing_key), self.tenant_id)
        kept = self._verified.get(key)
        if kept is not None and kept["nbf"] <= time.time() < kept["exp"]:
            return dict(kept)
        claims = self._verify(token, audience)
        if len(self._verified) >= self.VERIFIED_KEPT:
            self._verified.clear()
        self._verified[key] = claims
        return dict(claims)

    def _verify(self, token, audience):
        try:
            claims = jwt.decode(
                token, self.signing_key.private_key.public_key(), algorithms=["RS256"],
                audience=audience, issuer=f"https://sts.windows.net/{self.tenant_id}/",
                options={"require": ["exp", "nbf", "aud", "iss", "tid"]},
            )
        except jwt.PyJWTError as exc:
            raise InvalidToken(str(exc)) from exc
        if claims["tid"] != self.tenant_id:
            raise InvalidToken("The token was issued for a different tenant.")
        return claims


def _basic_credentials(header):
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip()).decode()
    except ValueError:
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


def error_response(directory, status, error, code, text):
    """A token-endpoint error in Entra's JSON shape."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
    return json_response(status, {
        "error": error,
        "error_description": f"AADSTS{code}: {text}\r\nTrace ID: {trace}\r\n"
                             f"Correlation ID: {correlation}\r\nTimestamp: {now}",
        "error_codes": [code],
        "timestamp": now,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": f"{directory.base_url}/error?code={code}",
    })


def handle(directory, request, segment, rest):
    """Serve ``/{segment}/{rest}``: the OpenID document, the JWKS and the token endpoint.

    Returns ``(response, issued)`` where ``issued`` tells whether a token was issued.
    """
    if not directory.knows_tenant(segment):
        return error_response(
            directory, 400, "invalid_request", 90002,
            f"Tenant '{segment}' not found. Check to make sure you have the correct tenant ID "
            "and are signing into the correct cloud."), False
    if rest == "v2.0/.well-known/openid-configuration" and request.method == "GET":
        return json_response(200, directory.openid_configuration()), False
    if rest == "discovery/v2.0/keys" and request.method == "GET":
        return json_response(200, directory.jwks()), False
    if rest == "oauth2/v2.0/token" and request.method == "POST":
        form = {k: v[0] for k, v in
                parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        try:
            payload = directory.issue(segment, form, request.header("Authorization"))
        except TokenError as exc:
            return error_response(directory, exc.status, exc.error, exc.code, exc.text), False
        return json_response(200, payload, headers=[("Cache-Control", "no-store, no-cache")]), True
    if rest == "oauth2/v2.0/token":
        return error_response(directory, 405, "invalid_request", 900561,
                              "The endpoint only accepts POST requests."), False
    return json_response(404, {"error": "not_found",
                               "error_description": f"No Entra endpoint at {request.path}."}), False
