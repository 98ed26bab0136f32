"""The Graph subset for app registration, driven through Sandbox.dispatch (no network)."""

import base64
import email.message
import json
import time
import uuid
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization

from sandbox import certs, entra
from sandbox.graph_directory import GraphDirectory, MANAGE_AS_APP_ROLE_ID
from sandbox.model import Organization
from sandbox.server import Sandbox
from sandbox.web import Request

BASE = "https://127.0.0.1:4443"
EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"


@pytest.fixture(scope="module")
def signing_key():
    return certs.make_signing_key()


def make_directory(signing_key):
    directory = entra.Directory(Organization("contoso", users=1, shared=0), BASE, signing_key)
    main = directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()), display_name="bootstrap", object_id=str(uuid.uuid4()),
        secrets=["s3cret"], graph_roles=["Application.ReadWrite.All",
                                         "AppRoleAssignment.ReadWrite.All",
                                         "RoleManagement.ReadWrite.Directory"]))
    norole = directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()), display_name="norole", object_id=str(uuid.uuid4()),
        secrets=["other"]))
    return directory, main, norole


@pytest.fixture
def sandbox(signing_key):
    directory, main, norole = make_directory(signing_key)
    return Sandbox(directory.org, directory, main, norole)


class Client:
    def __init__(self, sandbox, app=None):
        self.sandbox = sandbox
        app = app or sandbox.main_app
        self.token = sandbox.directory.mint(app, sandbox.directory.graph_url, 600)

    def __call__(self, method, path, body=None, query="", prefer=None):
        headers = email.message.Message()
        if prefer:
            headers["Prefer"] = prefer
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = json.dumps(body).encode() if body is not None else b""
        response = self.sandbox.dispatch(Request(method, "/graph/v1.0/" + path, query, headers, data))
        payload = json.loads(response.body) if response.body else None
        return response.status, payload, dict(response.headers)

    def follow(self, link):
        parts = urlsplit(link)
        return self("GET", parts.path[len("/graph/v1.0/"):], query=parts.query)


def token_request(sandbox, client_id, **credential):
    form = {"grant_type": "client_credentials", "client_id": client_id,
            "scope": BASE + "/.default", **credential}
    return sandbox.directory.issue(sandbox.directory.tenant_id, form)


def cert_assertion(sandbox, certificate, client_id):
    now = int(time.time())
    claims = {"aud": sandbox.directory.token_endpoint(), "iss": client_id, "sub": client_id,
              "nbf": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    token = jwt.encode(claims, certificate.private_key, algorithm="PS256",
                       headers={"x5t#S256": certificate.thumbprint_sha256})
    return {"client_assertion_type": entra.CLIENT_ASSERTION_TYPE, "client_assertion": token}


def key_credential(certificate):
    der = certificate.certificate.public_bytes(serialization.Encoding.DER)
    return {"type": "AsymmetricX509Cert", "usage": "Verify",
            "key": base64.b64encode(der).decode(), "displayName": "CN=test"}


def create_app(graph, name="app", **body):
    status, app = graph("POST", "applications", {"displayName": name, **body})[:2]
    assert status == 201
    return app


def test_applications_by_filter_alternate_key_and_pages(sandbox):
    graph = Client(sandbox)
    apps = [create_app(graph, "same" if n < 5 else "other") for n in range(6)]
    status, page = graph("GET", "applications", query="$filter=displayName eq 'SAME'&$top=2")[:2]
    assert status == 200 and page["@odata.context"].endswith("$metadata#applications")
    seen = [a["id"] for a in page["value"]]
    while "@odata.nextLink" in page:
        assert page["@odata.nextLink"].startswith(BASE + "/graph/v1.0/applications?")
        status, page = graph.follow(page["@odata.nextLink"])[:2]
        seen += [a["id"] for a in page["value"]]
    assert seen == [a["id"] for a in apps[:5]]

    status, one = graph("GET", f"applications(appId='{apps[5]['appId']}')")[:2]
    assert status == 200 and one["displayName"] == "other"
    status, missing = graph("GET", f"applications/{uuid.uuid4()}")[:2]
    assert status == 404 and missing["error"]["code"] == "Request_ResourceNotFound"
    assert set(missing["error"]["innerError"]) >= {"request-id", "date"}
    status, refused = graph("GET", "applications", query="$filter=notes eq 'x'")[:2]
    assert status == 400 and refused["error"]["code"] == "Request_UnsupportedQuery"


def test_reads_and_writes_are_counted(sandbox):
    graph = Client(sandbox)
    create_app(graph)
    graph("GET", "applications")
    stats = sandbox.stats.snapshot()
    assert (stats["reads"], stats["writes"]) == (1, 1)
    assert stats["graph"] == {"POST applications": 1, "GET applications": 1}


def test_without_graph_permissions_403_and_without_token_401(sandbox):
    status, body = Client(sandbox, sandbox.norole_app)("GET", "applications")[:2]
    assert status == 403
    assert body["error"] == {**body["error"], "code": "Authorization_RequestDenied",
                             "message": "Insufficient privileges to complete the operation."}
    anonymous = Client(sandbox)
    anonymous.token = None
    assert anonymous("GET", "applications")[0] == 401


def test_throttling_uses_graph_error_shape(sandbox):
    sandbox.faults.configure({"throttle_every": 1, "retry_after": 3})
    status, body, headers = Client(sandbox)("GET", "applications")
    assert status == 429 and headers["Retry-After"] == "3"
    assert body["error"]["code"] == "TooManyRequests" and "innerError" in body["error"]


def test_secret_works_only_with_service_principal_and_is_shown_once(sandbox):
    graph = Client(sandbox)
    app = create_app(graph)
    status, secret = graph("POST", f"applications/{app['id']}/addPassword",
                                   {"passwordCredential": {"displayName": "sync"}})[:2]
    assert status == 200 and len(secret["secretText"]) > 30
    status, again = graph("GET", f"applications/{app['id']}")[:2]
    assert again["passwordCredentials"][0]["secretText"] is None
    assert again["passwordCredentials"][0]["hint"] == secret["secretText"][:3]

    with pytest.raises(entra.TokenError) as refused:
        token_request(sandbox, app["appId"], client_secret=secret["secretText"])
    assert refused.value.code == 7000229

    status, sp = graph("POST", "servicePrincipals", {"appId": app["appId"]})[:2]
    assert status == 201
    status, duplicate = graph("POST", "servicePrincipals", {"appId": app["appId"]})[:2]
    assert status == 400 and duplicate["error"]["code"] == "Request_MultipleObjectsWithSameKeyValue"
    answer = token_request(sandbox, app["appId"], client_secret=secret["secretText"])
    claims = sandbox.directory.verify(answer["access_token"], BASE)
    assert "roles" not in claims and claims["wids"] == [] and claims["oid"] == sp["id"]
    with pytest.raises(entra.TokenError) as wrong:
        token_request(sandbox, app["appId"], client_secret="nope")
    assert wrong.value.code == 7000215


def test_consent_and_role_reach_the_exchange_token(sandbox):
    graph = Client(sandbox)
    app = create_app(graph)
    certificate = certs.make_app_certificate("consent")
    status = graph("PATCH", f"applications/{app['id']}",
                   {"keyCredentials": [key_credential(certificate)]})[0]
    assert status == 204
    sp = graph("POST", "servicePrincipals", {"appId": app["appId"]})[1]
    exchange = graph(
        "GET", "servicePrincipals(appId='00000002-0000-0ff1-ce00-000000000000')")[1]
    grant = {"principalId": sp["id"], "resourceId": exchange["id"], "appRoleId": MANAGE_AS_APP_ROLE_ID}
    status, assignment = graph("POST", f"servicePrincipals/{exchange['id']}/appRoleAssignedTo", grant)[:2]
    assert status == 201 and assignment["principalId"] == sp["id"]
    status, duplicate = graph("POST", f"servicePrincipals/{exchange['id']}/appRoleAssignedTo", grant)[:2]
    assert status == 400 and "already exists on the object" in duplicate["error"]["message"]
    status, role = graph("POST", "roleManagement/directory/roleAssignments",
                                 {"principalId": sp["id"], "roleDefinitionId": EXCHANGE_ADMIN,
                                  "directoryScopeId": "/"})[:2]
    assert status == 201
    status, unknown = graph("POST", "roleManagement/directory/roleAssignments",
                                    {"principalId": sp["id"], "roleDefinitionId": str(uuid.uuid4())})[:2]
    assert status == 400

    answer = token_request(sandbox, app["appId"], **cert_assertion(sandbox, certificate, app["appId"]))
    claims = sandbox.directory.verify(answer["access_token"], BASE)
    assert claims["roles"] == [entra.MANAGE_AS_APP] and claims["wids"] == [EXCHANGE_ADMIN]

    status, held = graph("GET", f"servicePrincipals/{sp['id']}/appRoleAssignments")[:2]
    assert [a["id"] for a in held["value"]] == [assignment["id"]]
    status, roles = graph("GET", "roleManagement/directory/roleAssignments",
                          query=f"$filter=principalId eq '{sp['id']}'")[:2]
    assert [r["id"] for r in roles["value"]] == [role["id"]]
    status = graph("DELETE", f"servicePrincipals/{exchange['id']}/appRoleAssignedTo/{assignment['id']}")[0]
    assert status == 204
    answer = token_request(sandbox, app["appId"], **cert_assertion(sandbox, certificate, app["appId"]))
    assert "roles" not in sandbox.directory.verify(answer["access_token"], BASE)

    status = graph("DELETE", f"applications/{app['id']}")[0]
    assert status == 204
    assert graph("GET", f"servicePrincipals/{sp['id']}")[0] == 404
    assert sandbox.graph_directory.list_role_assignments() == []
    with pytest.raises(entra.TokenError) as gone:
        token_request(sandbox, app["appId"], **cert_assertion(sandbox, certificate, app["appId"]))
    assert gone.value.code == 700016


def test_key_is_shown_only_for_one_object_with_select(sandbox):
    graph = Client(sandbox)
    certificate = certs.make_app_certificate("shown")
    app = create_app(graph, keyCredentials=[key_credential(certificate)])
    listed = graph("GET", "applications")[1]["value"][0]["keyCredentials"][0]
    assert listed["key"] is None
    assert listed["customKeyIdentifier"] == certificate.certificate.fingerprint(hashes.SHA1()).hex().upper()
    assert listed["endDateTime"] == certificate.certificate.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    selected = graph("GET", f"applications/{app['id']}", query="$select=id,keyCredentials")[1]
    assert selected["keyCredentials"][0]["key"] == key_credential(certificate)["key"]
    status, bad = graph("PATCH", f"applications/{app['id']}",
                        {"keyCredentials": [{"type": "AsymmetricX509Cert", "usage": "Verify",
                                             "key": "bm90IGEgY2VydA=="}]})[:2]
    assert status == 400 and "not a base64 DER X.509" in bad["error"]["message"]


def test_upsert_by_unique_name_creates_one_application_and_then_updates_it(sandbox):
    graph = Client(sandbox)
    key = "applications(uniqueName='mailops-x')"
    status, missing = graph("PATCH", key, {"displayName": "Upserted"})[:2]
    assert status == 404 and missing["error"]["code"] == "Request_ResourceNotFound"
    status, created = graph("PATCH", key, {"displayName": "Upserted"}, prefer="create-if-missing")[:2]
    assert status == 201 and created["uniqueName"] == "mailops-x" and created["displayName"] == "Upserted"
    status, updated = graph("PATCH", key, {"displayName": "Renamed"}, prefer="create-if-missing")[:2]
    assert status == 204 and updated is None
    status, one = graph("GET", "applications(uniqueName='MAILOPS-X')")[:2]
    assert status == 200 and one["id"] == created["id"] and one["displayName"] == "Renamed"
    assert [a["id"] for a in graph("GET", "applications")[1]["value"]] == [created["id"]]
    assert graph("GET", "applications(uniqueName='other')")[0] == 404
    assert sandbox.stats.snapshot()["graph"]["PATCH applications(uniqueName=...)"] == 3


def test_the_unique_name_holds_while_replication_hides_its_application(signing_key):
    directory = make_directory(signing_key)[0]
    now = [1000.0]
    graph = GraphDirectory(directory, delay=lambda: 5, clock=lambda: now[0])
    first = graph.upsert_application("k", {"displayName": "raced"}, True)
    with pytest.raises(Exception) as hidden:
        graph.application_by_unique_name("k")
    assert hidden.value.code == "Request_ResourceNotFound"
    assert graph.upsert_application("k", {"displayName": "raced"}, True) is None
    assert list(graph.applications) == [first["id"]]
    now[0] += 5
    assert graph.application_by_unique_name("k") is first


def test_replication_delay_hides_new_objects_from_reads_references_and_tokens(signing_key):
    directory = make_directory(signing_key)[0]
    now = [1000.0]
    graph = GraphDirectory(directory, delay=lambda: 5, clock=lambda: now[0])
    app = graph.create_application({"displayName": "slow"})
    with pytest.raises(Exception) as hidden:
        graph.application(app["id"])
    assert hidden.value.code == "Request_ResourceNotFound"
    with pytest.raises(Exception) as unreferenced:
        graph.create_service_principal({"appId": app["appId"]})
    assert "does not reference a valid application object" in str(unreferenced.value)
    assert directory.find_app(app["appId"]) is None
    now[0] += 5
    assert graph.application(app["id"]) is app
    sp = graph.create_service_principal({"appId": app["appId"]})
    exchange = graph.service_principal(entra.EXCHANGE_RESOURCE_APP_ID, by_app_id=True)
    grant = {"principalId": sp["id"], "resourceId": exchange["id"], "appRoleId": MANAGE_AS_APP_ROLE_ID}
    with pytest.raises(Exception) as unreplicated:
        graph.assign_app_role(exchange, grant)
    assert (unreplicated.value.status, unreplicated.value.code, unreplicated.value.message) == (
        400, "Request_BadRequest", "Not a valid reference update.")
    now[0] += 5
    assert directory.find_app(app["appId"]).client_id == app["appId"]
    assert graph.assign_app_role(exchange, grant)["principalId"] == sp["id"]


def test_sign_in_audience_is_stored_and_validated_as_graph_does(sandbox):
    graph = Client(sandbox)
    app = create_app(graph, "multi", signInAudience="AzureADMultipleOrgs")
    assert app["signInAudience"] == "AzureADMultipleOrgs" and app["identifierUris"] == []
    assert create_app(graph, "single")["signInAudience"] == "AzureADMyOrg"
    path = f"applications/{app['id']}"

    status, refused = graph("PATCH", path, {"signInAudience": "Everyone"})[:2]
    assert status == 400 and "'Everyone'" in refused["error"]["message"]
    status, refused = graph("PATCH", path, {"signInAudience": "AzureADandPersonalMicrosoftAccount"})[:2]
    assert status == 400 and "requestedAccessTokenVersion" in refused["error"]["message"]
    # A multi-tenant app's identifier URIs carry the app id, the tenant id or a verified domain.
    for uri in (f"api://{app['appId']}", f"api://{sandbox.directory.tenant_id}/sync", "api://sync/" + app["appId"],
                "https://contoso.onmicrosoft.com/sync", "https://sync.contoso.com"):
        assert graph("PATCH", path, {"identifierUris": [uri]})[0] == 204, uri
    status, refused = graph("PATCH", path, {"identifierUris": ["api://sync"]})[:2]
    assert status == 400 and refused["error"]["code"] == "HostNameNotOnVerifiedDomain"
    assert "'api://sync'" in refused["error"]["message"]

    # Back to single tenant any URI goes; then the multi-tenant audience is refused until the URI is
    # fixed, and the refused PATCH changes nothing.
    assert graph("PATCH", path, {"signInAudience": "AzureADMyOrg", "identifierUris": ["https://fabrikam.com/x"]})[0] == 204
    status, refused = graph("PATCH", path, {"signInAudience": "AzureADMultipleOrgs", "displayName": "renamed"})[:2]
    assert status == 400 and "'https://fabrikam.com/x'" in refused["error"]["message"]
    status, now = graph("GET", path)[:2]
    assert (now["signInAudience"], now["displayName"]) == ("AzureADMyOrg", "multi")
    assert graph("PATCH", path, {"signInAudience": "AzureADMultipleOrgs", "identifierUris": []})[0] == 204
    assert graph("PATCH", path, {"api": {"requestedAccessTokenVersion": 2},
                                 "signInAudience": "AzureADandPersonalMicrosoftAccount"})[0] == 204
