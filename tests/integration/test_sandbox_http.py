"""The sandbox as a separate process over real TLS: Entra, InvokeCommand and the control surface."""

import os
import stat
import uuid

import msal
import pytest
import requests
from cryptography.hazmat.primitives.serialization import pkcs12

from sandbox.testing import SandboxProcess

USERS, SHARED = 5, 2
# Numbered mailboxes plus the named ones the sandbox always seeds.
NAMED = ("alice", "bob", "carol", "dave", "paula", "jonas", "sales", "support", "chris.green",
         "chris.green2")
MAILBOXES = USERS + SHARED + len(NAMED)


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    with SandboxProcess(tmp_path_factory.mktemp("sandbox-http"), users=USERS,
                        shared=SHARED) as process:
        yield process


@pytest.fixture
def sb(running):
    running.reset(state=True)
    return running


@pytest.fixture
def no_env_ca(monkeypatch):
    # requests lets these override an explicit session CA, which msal relies on.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


def token_request(sb, tenant=None, **form):
    data = {"grant_type": "client_credentials", "client_id": sb.env["AZURE_CLIENT_ID"],
            "client_secret": sb.env["AZURE_CLIENT_SECRET"], "scope": f"{sb.url}/.default",
            **form}
    return sb.request("POST", f"/{tenant or sb.tenant_id}/oauth2/v2.0/token", data=data)


def values(response):
    return [{k: v for k, v in row.items() if "@" not in k} for row in response.json()["value"]]


def detail(response):
    return response.json()["error"]["details"][0]["message"].split("|", 2)


# -- process and files -------------------------------------------------------------------------


def test_env_file_and_credentials_on_disk(sb):
    env = sb.env
    state = sb.state_dir
    for key in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "EXO_ORGANIZATION",
                "EXO_CLOUD", "EXO_AUTHORITY_HOST", "EXO_EXCHANGE_URL", "EXO_GRAPH_URL",
                "EXO_CA_PATH", "SANDBOX_CERTIFICATE_PATH", "SANDBOX_CERTIFICATE_PFX_PATH",
                "SANDBOX_CERTIFICATE_PASSWORD", "SANDBOX_NOROLE_CLIENT_ID",
                "SANDBOX_NOROLE_CLIENT_SECRET", "SANDBOX_URL", "SANDBOX_PID"):
        assert env[key], key
    assert env["EXO_ORGANIZATION"] == "contoso.onmicrosoft.com"
    assert env["EXO_SANDBOX_TENANTS"] == f"{sb.tenant_id},contoso.onmicrosoft.com"
    assert env["EXO_GRAPH_URL"] == env["SANDBOX_URL"] + "/graph"
    assert int(env["SANDBOX_PID"]) == sb.process.pid
    for name in ("sandbox.env", "app-cert.pem", "app-cert.pfx"):
        assert stat.S_IMODE(os.stat(state / name).st_mode) == 0o600, name
    pem = (state / "app-cert.pem").read_text()
    assert "PRIVATE KEY" in pem and "BEGIN CERTIFICATE" in pem
    key, cert, unused = pkcs12.load_key_and_certificates(
        (state / "app-cert.pfx").read_bytes(), env["SANDBOX_CERTIFICATE_PASSWORD"].encode())
    assert key is not None and cert is not None


def test_tls_is_verified_against_the_sandbox_ca(sb):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sb.url + "/_sandbox/stats", verify=True, timeout=10)


def test_sigterm_stops_cleanly(tmp_path):
    process = SandboxProcess(tmp_path, users=0, shared=0).start()
    assert process.request("GET", "/_sandbox/stats").ok
    assert process.stop() == 0
    assert not (tmp_path / "sandbox.env").exists()


# -- Entra --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["guid", "domain"])
def test_openid_configuration(sb, which):
    tenant = sb.tenant_id if which == "guid" else sb.env["EXO_ORGANIZATION"]
    doc = sb.request("GET", f"/{tenant}/v2.0/.well-known/openid-configuration").json()
    assert doc["token_endpoint"] == f"{sb.url}/{sb.tenant_id}/oauth2/v2.0/token"
    assert doc["issuer"] == f"{sb.url}/{sb.tenant_id}/v2.0"
    assert "private_key_jwt" in doc["token_endpoint_auth_methods_supported"]
    keys = sb.request("GET", f"/{tenant}/discovery/v2.0/keys").json()["keys"]
    assert keys[0]["kty"] == "RSA"


def test_unknown_tenant(sb):
    response = sb.request("GET", "/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    assert response.json()["error_codes"] == [90002]


def test_token_with_secret_counts(sb):
    response = token_request(sb)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3599
    assert body["ext_expires_in"] == 3599 and body["access_token"].count(".") == 2
    assert sb.stats()["tokens"] == 1


def test_stats_are_read_and_zeroed_in_one_request(sb):
    """What tasks/counters.yml uses: one POST returns the counters and zeroes them."""
    token_request(sb)
    taken = sb.request("POST", "/_sandbox/stats", json={"reset": True})
    assert taken.status_code == 200 and taken.json()["tokens"] == 1 and taken.json()["requests"] >= 0
    assert sb.stats()["tokens"] == 0
    refused = sb.request("POST", "/_sandbox/stats", json={})
    assert refused.status_code == 400 and '{"reset": true}' in refused.json()["error"]["message"]


def test_wrong_secret(sb):
    response = token_request(sb, client_secret="wrong")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client" and body["error_codes"] == [7000215]
    assert body["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    assert {"timestamp", "trace_id", "correlation_id", "error_uri"} <= set(body)
    assert sb.stats()["tokens"] == 0


def test_unknown_client_and_scope(sb):
    response = token_request(sb, client_id=str(uuid.uuid4()))
    assert (response.status_code, response.json()["error_codes"]) == (400, [700016])
    response = token_request(sb, scope="https://outlook.office365.com/.default")
    assert (response.status_code, response.json()["error"]) == (400, "invalid_scope")


@pytest.mark.parametrize("credential", ["pem", "pfx", "secret"])
def test_msal_client_credentials(sb, no_env_ca, credential):
    env = sb.env
    if credential == "pem":
        with open(env["SANDBOX_CERTIFICATE_PATH"]) as handle:
            pem = handle.read()
        split = pem.index("-----BEGIN CERTIFICATE")
        client_credential = {"private_key": pem[:split], "public_certificate": pem[split:]}
    elif credential == "pfx":
        client_credential = {"private_key_pfx_path": env["SANDBOX_CERTIFICATE_PFX_PATH"],
                             "passphrase": env["SANDBOX_CERTIFICATE_PASSWORD"]}
    else:
        client_credential = env["AZURE_CLIENT_SECRET"]
    app = msal.ConfidentialClientApplication(
        env["AZURE_CLIENT_ID"], client_credential=client_credential,
        authority=f"{env['EXO_AUTHORITY_HOST']}/{env['EXO_ORGANIZATION']}",
        instance_discovery=False, verify=env["EXO_CA_PATH"])
    result = app.acquire_token_for_client([f"{env['EXO_EXCHANGE_URL']}/.default"])
    assert "access_token" in result, result
    response = sb.invoke("Get-Mailbox", {"Identity": "alice"}, token=result["access_token"])
    assert response.status_code == 200
    # The second call is served from msal's cache.
    app.acquire_token_for_client([f"{env['EXO_EXCHANGE_URL']}/.default"])
    assert sb.stats()["tokens"] == 1


# -- InvokeCommand ------------------------------------------------------------------------------


@pytest.mark.parametrize("identity", ["alice@contoso.com", "alice", "Alice Adams",
                                      "alice@contoso.onmicrosoft.com", "guid"])
def test_get_mailbox_by_identity(sb, identity):
    guid = sb.mailbox_state("alice")["mailbox"]["Guid"]
    response = sb.invoke("Get-Mailbox", {"Identity": guid if identity == "guid" else identity})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json;odata.metadata=minimal")
    for header in ("Rate-Limit-Limit", "Rate-Limit-Remaining", "Rate-Limit-Reset", "Request-Id"):
        assert header in response.headers
    body = response.json()
    assert body["@odata.context"].endswith("$metadata#Collection(Exchange.GenericHashTable)")
    assert body["@adminapi.warnings"] == []
    raw = body["value"][0]
    assert raw["Guid@odata.type"] == "#Guid"
    assert raw["EmailAddresses@odata.type"] == "#Collection(String)"
    row = values(response)[0]
    assert row["Identity"] == "alice" and row["UserPrincipalName"] == "alice@contoso.com"
    assert row["EmailAddresses"][0] == "SMTP:alice@contoso.com"
    assert "smtp:alice@contoso.onmicrosoft.com" in row["EmailAddresses"]


def test_tenant_segment_may_be_the_domain(sb):
    response = sb.invoke("Get-Mailbox", {"Identity": "bob"},
                         url=f"/adminapi/beta/{sb.env['EXO_ORGANIZATION']}/InvokeCommand")
    assert values(response)[0]["Name"] == "bob"


def test_select_narrows_properties(sb):
    response = sb.invoke("Get-Mailbox", {"Identity": "bob"},
                         url=f"/adminapi/beta/{sb.tenant_id}/InvokeCommand?$select=Name,Guid")
    assert set(values(response)[0]) == {"Name", "Guid"}


def test_not_found_shape(sb):
    response = sb.invoke("Get-Mailbox", {"Identity": "nobody@contoso.com"})
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "NotFound" and error["message"] == "Error executing cmdlet"
    error_id, kind, text = detail(response)
    assert error_id and kind.endswith("ManagementObjectNotFoundException")
    assert text.startswith("The operation couldn't be performed because object "
                           "'nobody@contoso.com' couldn't be found on '")


def test_ambiguous_identity(sb):
    response = sb.invoke("Get-Mailbox", {"Identity": "Chris Green"})
    assert response.status_code == 404
    assert detail(response)[1] == "Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException"
    assert "matches multiple entries" in detail(response)[2]


def test_unknown_parameter_and_invalid_enum(sb):
    response = sb.invoke("Get-Mailbox", {"BogusParameter": 1})
    assert response.status_code == 400
    assert detail(response)[1].endswith("AmbiguousParameterSetException")
    response = sb.invoke("Get-Mailbox", {"RecipientTypeDetails": "Nonsense"})
    assert response.status_code == 400
    inner = response.json()["error"]["innererror"]["internalexception"]
    assert inner["type"].endswith("ParameterTransformationException")
    assert "Nonsense" in inner["message"]
    # PROTOCOL.md §7: an unknown cmdlet is a 403 with NUL bytes labelled gzip, no error envelope.
    response = sb.invoke("Get-Nonsense", stream=True)
    assert response.status_code == 403 and response.headers["Content-Encoding"] == "gzip"
    assert response.raw.read(decode_content=False) == b"\0" * 10


def test_paging_with_prefer_maxpagesize(sb):
    parameters = {"ResultSize": "Unlimited"}
    response = sb.invoke("Get-Mailbox", parameters, headers={"Prefer": "odata.maxpagesize=2"})
    names, pages = [], 0
    while True:
        assert response.status_code == 200
        pages += 1
        body = response.json()
        assert len(body["value"]) <= 2
        names += [row["Name"] for row in body["value"]]
        link = body.get("@odata.nextLink")
        if not link:
            break
        assert link.startswith(f"{sb.url}/adminapi/beta/{sb.tenant_id}/InvokeCommand?$skiptoken=")
        response = sb.invoke("Get-Mailbox", parameters, url=link,
                             headers={"Prefer": "odata.maxpagesize=2"})
    assert len(names) == len(set(names)) == MAILBOXES
    assert pages == (MAILBOXES + 1) // 2
    assert sb.stats()["reads"] == pages


def test_skiptoken_for_another_body_is_refused(sb):
    first = sb.invoke("Get-Mailbox", {}, headers={"Prefer": "odata.maxpagesize=2"}).json()
    response = sb.invoke("Get-Recipient", {}, url=first["@odata.nextLink"])
    assert response.status_code == 400


def test_result_size_warning(sb):
    body = sb.invoke("Get-Mailbox", {"ResultSize": 3}).json()
    assert len(body["value"]) == 3
    assert body["@adminapi.warnings"] == [
        ("There are more results available than are currently displayed. To view them, "
         "increase the value for the ResultSize parameter.")]


def test_filter_over_http(sb):
    response = sb.invoke("Get-Mailbox", {"Filter": "RecipientTypeDetails -eq 'SharedMailbox'"})
    assert len(values(response)) == SHARED + 2
    response = sb.invoke("Get-Mailbox", {"Filter": "Name -eq"})
    assert response.status_code == 400
    assert "Filter" in response.json()["error"]["innererror"]["internalexception"]["message"]


def test_permission_writes_show_in_state_and_stats(sb):
    response = sb.invoke("Add-MailboxPermission", {"Identity": "sales", "User": "bob",
                                                   "AccessRights": ["FullAccess"],
                                                   "AutoMapping": False, "Confirm": False})
    assert values(response)[0]["User"] == "bob@contoso.com"
    again = sb.invoke("Add-MailboxPermission", {"Identity": "sales", "User": "bob",
                                                "AccessRights": ["FullAccess"]})
    assert again.status_code == 200 and "already present" in again.json()["@adminapi.warnings"][0]
    sb.invoke("Add-RecipientPermission", {"Identity": "sales", "Trustee": "carol",
                                          "AccessRights": ["SendAs"]})
    sb.invoke("Set-Mailbox", {"Identity": "sales", "GrantSendOnBehalfTo": {
        "@odata.type": "#Exchange.GenericHashTable", "Add": ["dave"]}})
    sb.invoke("Get-MailboxPermission", {"Identity": "sales"})
    state = sb.mailbox_state("sales@contoso.com")
    assert any(p["User"] == "bob@contoso.com" and not p["IsInherited"]
               for p in state["mailbox_permissions"])
    assert [p["Trustee"] for p in state["recipient_permissions"]] == [
        "NT AUTHORITY\\SELF", "carol@contoso.com"]
    assert state["grant_send_on_behalf_to"] == ["dave@contoso.com"]
    stats = sb.stats()
    assert (stats["writes"], stats["reads"]) == (4, 1)
    assert stats["cmdlets"] == {"Add-MailboxPermission": 2, "Add-RecipientPermission": 1,
                                "Set-Mailbox": 1, "Get-MailboxPermission": 1}
    assert stats["requests"] == 5
    sb.reset(state=True)
    assert not any(p["User"] == "bob@contoso.com"
                   for p in sb.mailbox_state("sales")["mailbox_permissions"])
    assert sb.stats()["writes"] == 0


def test_state_endpoint_errors(sb):
    assert sb.request("GET", "/_sandbox/state/mailboxes/nobody").status_code == 404
    assert sb.request("GET", "/_sandbox/state/mailboxes/Chris%20Green").status_code == 404
    assert len(sb.request("GET", "/_sandbox/state/mailboxes").json()["mailboxes"]) == MAILBOXES


# -- authentication and authorisation ------------------------------------------------------------


@pytest.mark.parametrize("token", ["wrong_audience", "expired", "garbage", "none"])
def test_unauthorized(sb, token):
    value = {
        "wrong_audience": lambda: sb.mint_token(audience=sb.env["EXO_GRAPH_URL"]),
        "expired": lambda: sb.mint_token(expires_in=-60),
        "garbage": lambda: "a.b.c",
        "none": lambda: "",
    }[token]()
    response = sb.request(
        "POST", f"/adminapi/beta/{sb.tenant_id}/InvokeCommand",
        json={"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {}}},
        headers={"Authorization": f"Bearer {value}", "X-ResponseFormat": "json"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert response.json()["error"]["code"] == "Unauthorized"
    assert sb.stats()["reads"] == 0


def _refused(response, status):
    """PROTOCOL.md §7: the refusal is a status and NUL bytes labelled gzip, nothing to decode."""
    assert response.status_code == status
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.raw.read(decode_content=False) == b"\0" * 10


def test_app_without_the_grant_is_unauthorized_and_without_a_role_forbidden(sb):
    response = token_request(sb, client_id=sb.env["SANDBOX_NOROLE_CLIENT_ID"],
                             client_secret=sb.env["SANDBOX_NOROLE_CLIENT_SECRET"])
    assert response.status_code == 200
    answer = sb.invoke("Get-Mailbox", {}, token=response.json()["access_token"], stream=True)
    _refused(answer, 401)
    assert answer.headers["WWW-Authenticate"].startswith("Bearer ")
    _refused(sb.invoke("Get-Mailbox", {}, token=sb.mint_token(roles=[]), stream=True), 401)
    with pytest.raises(requests.exceptions.ContentDecodingError):
        sb.invoke("Get-Mailbox", {}, token=sb.mint_token(roles=[]))
    # The grant without a directory role.
    no_role = sb.mint_token(client_id=sb.env["SANDBOX_NOROLE_CLIENT_ID"], roles=["Exchange.ManageAsApp"])
    _refused(sb.invoke("Get-Mailbox", {}, token=no_role, stream=True), 403)
    assert sb.stats()["reads"] == 0


def test_a_reader_role_may_read_but_not_write(sb):
    response = token_request(sb, client_id=sb.env["SANDBOX_READER_CLIENT_ID"],
                             client_secret=sb.env["SANDBOX_READER_CLIENT_SECRET"])
    token = response.json()["access_token"]
    assert sb.invoke("Get-Mailbox", {"Identity": "alice"}, token=token).status_code == 200
    _refused(sb.invoke("Set-Mailbox", {"Identity": "alice", "DisplayName": "Changed"}, token=token,
                       stream=True), 403)
    assert sb.mailbox_state("alice")["mailbox"]["DisplayName"] != "Changed"
    assert sb.stats()["writes"] == 0
    batch = sb.request("POST", f"/adminapi/beta/{sb.tenant_id}/$batch", json={"requests": [
        {"id": "1", "method": "POST", "url": "InvokeCommand",
         "body": {"CmdletInput": {"CmdletName": "Set-Mailbox", "Parameters": {"Identity": "bob"}}}}]},
        headers={"Authorization": f"Bearer {token}", "X-ResponseFormat": "json"})
    assert batch.json()["responses"][0]["status"] == 403 and batch.json()["responses"][0]["body"] is None


def test_the_client_headers_are_recorded(sb):
    anchor = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + sb.tenant_id
    sb.invoke("Get-Mailbox", {"Identity": "alice"}, headers={"X-AnchorMailbox": anchor, "Accept-Language": "en-US"})
    headers = sb.stats()["headers"]
    assert headers["X-AnchorMailbox"] == {anchor: 1} and headers["Accept-Language"] == {"en-US": 1}


def test_only_json_response_format(sb):
    response = sb.invoke("Get-Mailbox", {}, headers={"X-ResponseFormat": "clixml"})
    assert response.status_code == 400
    assert "json" in response.json()["error"]["message"]


def test_format_and_cmdlet_name_headers_are_optional(sb):
    """PROTOCOL.md §7: the service answers the same JSON without X-ResponseFormat and X-CmdletName
    (ExchangeOnlineManagement does not send them), so the sandbox must not refuse such a request."""
    body = {"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"Identity": "alice"}}}
    response = sb.request("POST", f"/adminapi/beta/{sb.tenant_id}/InvokeCommand", json=body,
                          headers={"Authorization": f"Bearer {sb.mint_token()}"})
    assert response.status_code == 200 and values(response)[0]["Alias"] == "alice"


def test_graph_checks_audience(sb):
    graph_token = sb.mint_token(audience=sb.env["EXO_GRAPH_URL"])
    response = sb.request("GET", "/graph/v1.0/applications",
                          headers={"Authorization": f"Bearer {graph_token}"})
    assert response.status_code == 200 and response.json()["value"] == []
    response = sb.request("GET", "/graph/v1.0/applications",
                          headers={"Authorization": f"Bearer {sb.mint_token()}"})
    assert response.status_code == 401


# -- robustness and faults -----------------------------------------------------------------------


def test_malformed_and_huge_bodies_then_still_serving(sb):
    headers = {"Authorization": f"Bearer {sb.mint_token()}", "X-ResponseFormat": "json",
               "Content-Type": "application/json"}
    url = f"/adminapi/beta/{sb.tenant_id}/InvokeCommand"
    for body in (b"{not json", b"[]", b'{"CmdletInput": {"Parameters": {}}}', b"\xff\xfe"):
        response = sb.request("POST", url, data=body, headers=headers)
        assert response.status_code == 400, body
    response = sb.request("POST", url, data=b"x" * (2 * 1024 * 1024), headers=headers)
    assert response.status_code == 413
    assert sb.invoke("Get-Mailbox", {"Identity": "alice"}).status_code == 200


def test_throttle_every(sb):
    settings = sb.faults(throttle_every=2, retry_after=3)
    assert settings["throttle_every"] == 2
    assert sb.request("GET", "/_sandbox/faults").json()["retry_after"] == 3
    token = sb.mint_token()
    statuses = []
    for unused in range(4):
        response = sb.invoke("Get-Mailbox", {"Identity": "alice"}, token=token)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert response.headers["Retry-After"] == "3"
            assert response.json()["error"]["code"] == "TooManyRequests"
    assert statuses == [200, 429, 200, 429]
    assert sb.stats()["throttled"] == 2
    # Token endpoint and control surface are exempt.
    assert token_request(sb).status_code == 200


def test_error_rate_gives_503(sb):
    sb.faults(error_rate=1, retry_after=1)
    response = sb.invoke("Get-Mailbox", {})
    assert response.status_code == 503 and response.headers["Retry-After"] == "1"
    assert sb.stats()["errors"] == 1
    sb.faults(clear=True)
    assert sb.invoke("Get-Mailbox", {}).status_code == 200


@pytest.mark.parametrize("phase,applied", [("before", False), ("after", True)])
def test_dropped_connections(sb, phase, applied):
    sb.faults(drop_rate=1, drop_phase=phase)
    with pytest.raises(requests.exceptions.ConnectionError):
        sb.invoke("Add-RecipientPermission", {"Identity": "sales", "Trustee": "bob",
                                              "AccessRights": "SendAs"}, token=sb.mint_token())
    sb.faults()
    trustees = [p["Trustee"] for p in sb.mailbox_state("sales")["recipient_permissions"]]
    assert ("bob@contoso.com" in trustees) is applied
    stats = sb.stats()
    assert stats["dropped"] == 1 and stats["writes"] == (1 if applied else 0)


def test_latency_fault(sb):
    sb.faults(latency_ms=300)
    response = sb.invoke("Get-Mailbox", {"Identity": "alice"})
    assert response.elapsed.total_seconds() >= 0.3


def test_bad_fault_settings_are_refused(sb):
    response = sb.request("POST", "/_sandbox/faults", json={"error_rate": 5})
    assert response.status_code == 400
    assert sb.request("GET", "/_sandbox/faults").json()["error_rate"] == 0


# -- $batch ------------------------------------------------------------------------------------


def batch(sb, items, token=None, prefer="odata.continue-on-error"):
    headers = {"Authorization": f"Bearer {token or sb.mint_token()}", "X-ResponseFormat": "json"}
    if prefer:
        headers["Prefer"] = prefer
    return sb.request("POST", f"/adminapi/beta/{sb.tenant_id}/$batch", json={"requests": items},
                      headers=headers)


def batch_item(ident, cmdlet, parameters, sb):
    return {"id": ident, "method": "POST",
            "url": f"{sb.url}/adminapi/beta/{sb.tenant_id}/InvokeCommand",
            "headers": {"X-CmdletName": cmdlet},
            "body": {"CmdletInput": {"CmdletName": cmdlet, "Parameters": parameters}}}


def test_batch_answers_each_request_like_a_single_one(sb):
    sb.reset()
    response = batch(sb, [batch_item("1", "Get-Mailbox", {"Identity": "alice"}, sb),
                          batch_item("2", "Get-Mailbox", {"Identity": "nobody@contoso.com"}, sb),
                          batch_item("3", "Get-Recipient", {"Identity": "sales"}, sb)])
    assert response.status_code == 200
    answers = {a["id"]: a for a in response.json()["responses"]}
    assert answers["1"]["status"] == 200
    assert answers["1"]["body"]["value"][0]["PrimarySmtpAddress"] == "alice@contoso.com"
    assert answers["2"]["status"] == 404
    assert answers["2"]["body"]["error"]["details"][0]["message"].split("|")[1].endswith(
        "ManagementObjectNotFoundException")
    assert answers["3"]["body"]["value"][0]["Alias"] == "sales"
    stats = sb.stats()
    assert stats["requests"] == 1, "a batch is one HTTP request"
    assert stats["reads"] == 3 and stats["cmdlets"] == {"Get-Mailbox": 2, "Get-Recipient": 1}


def test_batch_stops_at_the_first_failed_entry_unless_asked_to_go_on(sb):
    items = [batch_item("1", "Get-Mailbox", {"Identity": "alice"}, sb),
             batch_item("2", "Get-Mailbox", {"Identity": "nobody@contoso.com"}, sb),
             batch_item("3", "Get-Recipient", {"Identity": "sales"}, sb),
             batch_item("4", "Get-Recipient", {"Identity": "alice"}, sb)]
    for prefer in (None, "odata.maxpagesize=10", "odata.continue-on-error=false"):
        sb.reset()
        answers = batch(sb, items, prefer=prefer).json()["responses"]
        assert [a["status"] for a in answers] == [200, 404, 424, 424], prefer
        assert answers[2]["body"]["error"]["code"] == "FailedDependency"
        assert sb.stats()["reads"] == 2, "the entries after the failed one did not run"
    answers = batch(sb, items, prefer="odata.maxpagesize=10, odata.continue-on-error").json()["responses"]
    assert [a["status"] for a in answers] == [200, 404, 200, 200]
    sb.faults(batch_stop="missing")
    answers = batch(sb, items).json()["responses"]
    assert [a["id"] for a in answers] == ["1", "2"], "stopped although asked to go on, the rest left out"
    sb.faults(batch_stop="424", batch_entry_faults=True, throttle_every=3, retry_after=0)
    answers = batch(sb, items[:1] + items[2:]).json()["responses"]
    assert [a["status"] for a in answers] == [200, 429, 424], "an entry throttled on its own stops the batch"
    sb.faults()


def test_redirect_mode_sends_the_front_doors_requests_to_the_regional_host(sb):
    path = f"/adminapi/beta/{sb.tenant_id}/InvokeCommand"
    regional = sb.url.replace("127.0.0.1", "localhost")
    headers = {"Authorization": f"Bearer {sb.mint_token()}", "X-ResponseFormat": "json",
               "Prefer": "odata.maxpagesize=5"}

    def post(url):
        return requests.post(url, json={"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {}}},
                             headers=headers, verify=sb.ca_path, timeout=30, allow_redirects=False)

    sb.faults(redirect="regional")
    moved = post(sb.url + path + "?$select=Alias")
    assert moved.status_code == 302 and moved.headers["Location"] == regional + path + "?$select=Alias"
    first = post(regional + path)
    assert first.status_code == 200, "the regional name is served, under the sandbox's certificate"
    link = first.json()["@odata.nextLink"]
    assert link.startswith(sb.url + path), "the next page is named after the front door"
    refused = post(link)
    assert refused.status_code == 400 and refused.json()["error"]["message"] == "Expired or Invalid pagination request"
    regional_page = post(regional + link[len(sb.url):])
    assert regional_page.status_code == 200 and len(regional_page.json()["value"]) == 5
    sb.faults(redirect="regional_446")
    assert post(sb.url + path).headers["Location"] == "https://localhost:446" + path
    assert sb.stats()["redirected"] == 2
    sb.faults()
    assert post(link).status_code == 200, "without the redirect, the front door serves next pages"


def test_batch_limits_and_shape_errors(sb):
    eleven = [batch_item(str(n), "Get-Mailbox", {"Identity": "alice"}, sb) for n in range(11)]
    assert batch(sb, eleven).status_code == 400
    assert batch(sb, [{"id": "1", "url": "/graph/v1.0/applications"}]).status_code == 400
    assert batch(sb, []).status_code == 400
    expired = sb.mint_token(expires_in=-60)
    assert batch(sb, [batch_item("1", "Get-Mailbox", {"Identity": "alice"}, sb)],
                 token=expired).status_code == 401
    assert sb.invoke("Get-Mailbox", {"Identity": "alice"}).status_code == 200, "still serving"
