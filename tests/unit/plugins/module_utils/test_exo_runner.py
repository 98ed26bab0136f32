import json
import random
import uuid
from pathlib import Path

import pytest
import requests

from ansible_collections.mailops.exchange.plugins.module_utils.transport import connection
from ansible_collections.mailops.exchange.plugins.module_utils.runners import exo_client
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError, TransportError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.exo_runner import ExoRunner, strip_annotations
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import HttpClient, RetryPolicy
from ansible_collections.mailops.exchange.plugins.module_utils.transport.token_cache import MemoryTokenCache, TokenCache

from fakes import FakeResponse, FakeSession

CAPTURES = Path(__file__).resolve().parents[4] / ".." / "shared" / "captures"
EXCHANGE = "https://outlook.office365.com"
ORG = "contoso.onmicrosoft.com"
URL = EXCHANGE + "/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"


def capture(name):
    return json.loads((CAPTURES / name).read_text(encoding="utf-8"))


class FakeTokens:
    def __init__(self, *tokens, renewable=True):
        self.tokens = list(tokens) or ["token-1"]
        self.renewable = renewable
        self.invalidated = 0

    def token(self, resource_url):
        assert resource_url == EXCHANGE
        return self.tokens[0]

    def invalidate(self, resource_url):
        self.invalidated += 1
        if self.renewable and len(self.tokens) > 1:
            self.tokens.pop(0)


def runner(*script, tokens=None, retries=5, page_size=1000):
    session = FakeSession(*script)
    sleeps = []
    http = HttpClient(session, RetryPolicy(max_retries=retries, rng=random.Random(2)), sleep=sleeps.append)
    return ExoRunner(http, tokens or FakeTokens(), EXCHANGE, ORG, page_size=page_size), session, sleeps


def test_request_shape_and_headers_exactly():
    exo, session, _sleeps = runner(FakeResponse(200, {"value": []}), FakeResponse(200, {"value": []}))
    assert exo.invoke("Get-Mailbox", {"Identity": "a@contoso.com", "ResultSize": "Unlimited", "Filter": None}) == []
    exo.invoke("Set-Mailbox", {"Identity": "a", "Confirm": False})
    first, second = session.calls
    assert first["method"] == "POST" and first["url"] == URL
    assert first["json"] == {"CmdletInput": {"CmdletName": "Get-Mailbox",
                                             "Parameters": {"Identity": "a@contoso.com", "ResultSize": "Unlimited"}}}
    headers = first["headers"]
    assert set(headers) == {"Authorization", "Content-Type", "Accept", "X-CmdletName", "X-ResponseFormat", "Prefer",
                            "client-request-id", "connection-id", "X-AnchorMailbox", "Accept-Language",
                            "X-SerializationLevel", "X-ClientApplication"}
    assert headers["Accept-Language"] == "en-US"
    assert headers["X-SerializationLevel"] == "Partial"
    assert headers["X-ClientApplication"] == "ExoManagementModule"
    assert headers["Authorization"] == "Bearer token-1"
    assert headers["Content-Type"] == headers["Accept"] == "application/json"
    assert headers["X-CmdletName"] == "Get-Mailbox"
    assert headers["X-ResponseFormat"] == "json"
    assert headers["Prefer"] == "odata.maxpagesize=1000"
    assert headers["X-AnchorMailbox"] == "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + ORG
    uuid.UUID(headers["client-request-id"])
    assert headers["connection-id"] == second["headers"]["connection-id"] == exo.connection_id
    assert headers["client-request-id"] != second["headers"]["client-request-id"]
    assert second["headers"]["X-CmdletName"] == "Set-Mailbox"
    assert second["json"]["CmdletInput"]["Parameters"] == {"Identity": "a", "Confirm": False}


def test_select_and_page_size():
    exo, session, _sleeps = runner(FakeResponse(200, {"value": []}), page_size=50)
    exo.invoke("Get-Mailbox", select=["Identity", "EmailAddresses"])
    assert session.calls[0]["url"] == URL + "?$select=Identity,EmailAddresses"
    assert session.calls[0]["headers"]["Prefer"] == "odata.maxpagesize=50"
    with pytest.raises(ValueError):
        runner(page_size=1001)


def test_pages_ask_for_the_selected_properties_only():
    nxt = URL + "?$select=Guid,Name&$skiptoken=2"
    exo, session, _sleeps = runner(FakeResponse(200, {"value": [{"Name": "a"}], "@odata.nextLink": nxt}),
                                   FakeResponse(200, {"value": [{"Name": "b"}]}))
    assert list(exo.pages("Get-Mailbox", {"ResultSize": "Unlimited"}, select=frozenset(("Name", "Guid")))) == \
        [[{"Name": "a"}], [{"Name": "b"}]]
    assert [call["url"] for call in session.calls] == [URL + "?$select=Guid,Name", nxt]


def test_a_clear_is_sent_as_json_null_and_none_is_left_out():
    exo, session, _sleeps = runner(FakeResponse(200, {"value": []}))
    exo.invoke("Set-Mailbox", {"Identity": "a", "ForwardingSmtpAddress": CLEAR, "DisplayName": None})
    assert session.calls[0]["json"]["CmdletInput"]["Parameters"] == {"Identity": "a", "ForwardingSmtpAddress": None}


def test_real_capture_annotation_keys_dropped():
    body = capture("exo_invokecommand_get_mailbox_200.json")
    exo, _session, _sleeps = runner(FakeResponse(200, body))
    rows = exo.invoke("Get-Mailbox", {"Identity": "x"})
    assert len(rows) == 1
    row = rows[0]
    assert not [key for key in row if "@" in key]
    # 324 keys on the wire, 68 of them annotations.
    assert len(body["value"][0]) == 324 and len(row) == 256
    assert row["ExchangeGuid"] == "2be92a50-7cc5-4a40-8471-b7ce9c2e3426"
    assert row["LitigationHoldEnabled"] is False
    assert exo.warnings == []


def test_strip_annotations_is_recursive():
    assert strip_annotations({"A@odata.type": "#x", "A": [{"B@odata.type": "#y", "B": 1}], "C": {"D@x": 1, "D": 2}}) == {
        "A": [{"B": 1}], "C": {"D": 2}}


def test_paging_follows_next_link_with_same_body_and_collects_warnings():
    page1 = capture("exo_invokecommand_envelope_truncated.json")
    page2 = {"value": [{"Identity": "two"}], "@adminapi.warnings": [page1["@adminapi.warnings"][0], "another"],
             "@odata.nextLink": "/adminapi/beta/tenant/InvokeCommand?$skiptoken=3"}
    page3 = {"value": [{"Identity": "three"}]}
    exo, session, _sleeps = runner(FakeResponse(200, page1), FakeResponse(200, page2), FakeResponse(200, page3))
    rows = exo.invoke("Get-Mailbox", {"ResultSize": 2})
    assert [r["Identity"] for r in rows] == ["one", "two", "three"]
    assert [c["url"] for c in session.calls] == [
        URL, page1["@odata.nextLink"], EXCHANGE + "/adminapi/beta/tenant/InvokeCommand?$skiptoken=3"]
    assert all(c["json"] == session.calls[0]["json"] for c in session.calls)
    assert exo.warnings == [page1["@adminapi.warnings"][0], "another"]
    assert exo.stats == {"requests": 3, "retries": 0, "throttled": 0}


def test_next_link_to_a_foreign_host_is_refused():
    exo, session, _sleeps = runner(FakeResponse(200, {"value": [], "@odata.nextLink": "https://evil.example.com/next"}))
    with pytest.raises(CmdletError, match="refusing to send the token"):
        exo.invoke("Get-Mailbox")
    assert len(session.calls) == 1


def test_errors_are_raised_classified():
    exo, _session, _sleeps = runner(FakeResponse(404, capture("exo_invokecommand_notfound_404.json")),
                                    FakeResponse(400, capture("exo_invokecommand_400_invalid_enum.json")),
                                    FakeResponse(500, capture("exo_invokecommand_notfound_404.json")))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox", {"Identity": "nobody"})
    assert (info.value.kind, info.value.cmdlet, info.value.status) == ("not_found", "Get-Mailbox", 404)
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-QuarantineMessage", {"QuarantineTypes": "Nonsense"})
    assert info.value.kind == "invalid_argument"
    assert info.value.exception_type == "ParameterTransformationException"
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox", {"Identity": "nobody"})
    assert info.value.kind == "not_found" and info.value.status == 500


def test_adminapi_errors_in_a_200():
    body = {"value": [], "@adminapi.errors": [
        "Ex1|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be "
        "performed because object 'x' couldn't be found on 'DC1'.", "second"]}
    exo, _session, _sleeps = runner(FakeResponse(200, body))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Remove-DistributionGroupMember", {"Identity": "g", "Member": "x"})
    assert info.value.kind == "not_found" and info.value.error_id == "Ex1"
    assert "and 1 more errors" in str(info.value)


def test_401_invalidates_and_retries_once():
    tokens = FakeTokens("stale", "fresh")
    exo, session, _sleeps = runner(FakeResponse(401), FakeResponse(200, {"value": [{"A": 1}]}), tokens=tokens)
    assert exo.invoke("Set-Mailbox", {"Identity": "a"}) == [{"A": 1}]
    assert tokens.invalidated == 1
    assert [c["headers"]["Authorization"] for c in session.calls] == ["Bearer stale", "Bearer fresh"]


def test_second_401_is_a_helpful_unauthorized_error():
    graph_token = "eyJhbGciOiJub25lIn0.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ."
    exo, session, _sleeps = runner(FakeResponse(401), FakeResponse(401, {"error": {"message": "Access denied"}}),
                                   tokens=FakeTokens(graph_token + "x", graph_token + "y"))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    error = info.value
    assert error.kind == "unauthorized" and error.status == 401 and len(session.calls) == 2
    assert "audience is https://graph.microsoft.com, expected https://outlook.office365.com" in str(error)
    assert "Exchange.ManageAsApp" in str(error)
    assert "eyJ" not in str(error) and "Bearer" not in str(error)


def test_401_with_a_given_access_token_is_not_retried():
    tokens = FakeTokens("given-token", renewable=False)
    exo, session, _sleeps = runner(FakeResponse(401), tokens=tokens)
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    assert len(session.calls) == 1
    assert "access_token" in str(info.value) and "given-token" not in str(info.value)


def test_403_names_the_role_and_the_cmdlet():
    exo, _session, _sleeps = runner(FakeResponse(403, {"error": {"code": "Forbidden", "message": "Forbidden"}}))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    assert info.value.kind == "forbidden"
    assert "HTTP 403: Forbidden" in str(info.value)
    assert "directory role or Exchange RBAC scope does not allow Get-Mailbox" in str(info.value)
    assert "Exchange Administrator" in str(info.value)
    assert "Get-Mailbox is in the Exchange management role 'Mail Recipients'" in str(info.value)


def test_403_of_a_cmdlet_no_role_holds_names_no_role():
    exo, _session, _sleeps = runner(FakeResponse(403))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-NoSuchThing")
    assert "Exchange management role" not in str(info.value)


def test_throttling_is_retried_for_writes_too():
    exo, session, sleeps = runner(FakeResponse(429, headers={"Retry-After": "2"}), FakeResponse(200, {"value": []}))
    assert exo.invoke("Add-MailboxPermission", {"Identity": "a"}) == []
    assert exo.stats == {"requests": 2, "retries": 1, "throttled": 1}


def test_idempotency_decides_connection_error_retries():
    reset = requests.exceptions.ConnectionError("Connection reset by peer")
    exo, session, sleeps = runner(reset, FakeResponse(200, {"value": []}))
    exo.invoke("Get-Mailbox")
    assert len(session.calls) == 2

    exo, session, sleeps = runner(reset)
    with pytest.raises(TransportError) as info:
        exo.invoke("Set-Mailbox", {"Identity": "a"})
    assert info.value.cmdlet == "Set-Mailbox" and len(session.calls) == 1

    exo, session, sleeps = runner(reset, FakeResponse(200, {"value": []}))
    exo.invoke("Add-DistributionGroupMember", {"Identity": "g"}, idempotent=True)
    assert len(session.calls) == 2

    exo, session, sleeps = runner(reset)
    with pytest.raises(TransportError):
        exo.invoke("Get-Mailbox", idempotent=False)


def dc_overloaded():
    return FakeResponse(500, {"error": {"details": [{"message": "|Microsoft.Exchange.Data.Directory.DCOverloadedException|busy"}]}})


def test_transient_cmdlet_errors_are_retried_for_reads_only():
    exo, session, sleeps = runner(dc_overloaded(), FakeResponse(200, {"value": [{"A": 1}]}))
    assert exo.invoke("Get-Mailbox") == [{"A": 1}]
    assert len(sleeps) == 1 and exo.stats["retries"] == 1

    exo, session, sleeps = runner(dc_overloaded())
    with pytest.raises(CmdletError) as info:
        exo.invoke("Set-Mailbox", {"Identity": "a"})
    assert info.value.kind == "transient" and len(session.calls) == 1

    exo, session, sleeps = runner(*[dc_overloaded()] * 3, retries=2)
    with pytest.raises(CmdletError):
        exo.invoke("Get-Mailbox")
    assert len(session.calls) == 3


def test_non_json_success_is_an_error():
    exo, _session, _sleeps = runner(FakeResponse(200, "<Objs>clixml</Objs>"))
    with pytest.raises(CmdletError, match="not a JSON object"):
        exo.invoke("Get-Mailbox")


# exo_client -------------------------------------------------------------------------------------

def params(**overrides):
    base = dict(tenant_id="contoso.onmicrosoft.com", client_id="c", client_secret="s3cret-value",
                client_certificate_path=None, client_certificate_password=None, access_token=None,
                organization=None, cloud="global", authority_host=None, graph_url=None, exchange_url=None,
                validate_certs=True, ca_path=None, token_cache=True, timeout=60, retries=5)
    base.update(overrides)
    return base


def test_runner_from_params(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    exo = exo_client.exo_runner_from_params(params())
    assert exo.organization == "contoso.onmicrosoft.com" and exo.exchange_url == EXCHANGE
    assert exo.http.policy.max_retries == 5 and exo.http.timeout == (10.0, 60.0)
    assert exo.http.policy.base_delay == 2.0
    assert isinstance(exo.tokens._cache, TokenCache)
    assert exo.tokens.authority == "https://login.microsoftonline.com/contoso.onmicrosoft.com"

    monkeypatch.setenv("EXO_SANDBOX_TENANTS", "sandbox-tenant,contoso.onmicrosoft.com")
    sandbox = exo_client.exo_runner_from_params(params(
        organization="org.example", exchange_url="https://127.0.0.1:9443/", authority_host="https://127.0.0.1:9443",
        validate_certs=False, token_cache=False, retries=0, retry_delay=0.25, timeout=5, cloud=None))
    assert sandbox.organization == "org.example" and sandbox.exchange_url == "https://127.0.0.1:9443"
    assert isinstance(sandbox.tokens._cache, MemoryTokenCache) and sandbox.http.session.tls_verify is False
    assert sandbox.http.policy.max_retries == 0 and sandbox.http.policy.base_delay == 0.25


def test_connection_is_shared_material():
    shared = connection.connection_from_params(params(cloud="gcc_high"))
    assert shared.endpoints.graph_url == "https://graph.microsoft.us"
    assert shared.token_provider._session is shared.http_client.session


@pytest.mark.parametrize("overrides, words", [
    (dict(tenant_id=None, client_secret=None, access_token="tok"), ["organization"]),
    (dict(access_token="tok"), ["give only one of"]),
    (dict(exchange_url="http://x"), ["exchange_url", "http://x"]),
    (dict(ca_path="/nope/ca.pem"), ["ca_path"]),
    (dict(timeout=0), ["timeout"]),
    (dict(retries=-1), ["retries"]),
    (dict(retry_delay="soon"), ["retry_delay", "soon"]),
    (dict(retry_delay=-1), ["retry_delay", "-1"]),
    (dict(client_id=None), ["client_id"]),
])
def test_bad_params_name_the_option(overrides, words):
    with pytest.raises(ExchangeError) as info:
        exo_client.exo_runner_from_params(params(**overrides))
    assert info.value.kind == "invalid_argument"
    for word in words:
        assert word in str(info.value)
    assert "s3cret-value" not in str(info.value) and "tok" not in str(info.value).replace("token", "")


def test_access_token_alone_with_organization():
    exo = exo_client.exo_runner_from_params(params(tenant_id=None, client_id=None, client_secret=None,
                                                   access_token="tok", organization="contoso.onmicrosoft.com"))
    assert exo.tokens.token(EXCHANGE) == "tok" and not exo.tokens.renewable


def test_missing_libraries(monkeypatch):
    assert connection.missing_libraries() == []
    monkeypatch.setattr(connection, "HAS_MSAL", False)
    monkeypatch.setattr(connection, "MSAL_IMPORT_ERROR", "Traceback: no msal")
    assert connection.missing_libraries() == [(False, "msal", "Traceback: no msal")]
    assert connection.missing_libraries({"access_token": "t"}) == []


def _rows(*aliases):
    return {"value": [{"Alias": alias, "Alias@odata.type": "#String"} for alias in aliases],
            "@adminapi.warnings": []}


def _batch(*answers):
    return FakeResponse(200, {"responses": [{"id": str(i), "status": status, "body": body}
                                            for i, status, body in answers]})


def test_invoke_many_sends_ten_to_a_batch_and_keeps_order():
    calls = [("Get-Mailbox", {"Identity": "u%d" % n, "Skip": None}) for n in range(12)]
    first = _batch(*[(i, 200, _rows("u%d" % i)) for i in range(10)])
    second = _batch((10, 200, _rows("u10")), (11, 200, _rows("u11")))
    r, session, sleeps = runner(first, second)
    results = r.invoke_many(calls)
    assert [rows[0]["Alias"] for rows in results] == ["u%d" % n for n in range(12)]
    assert results[0] == [{"Alias": "u0"}], "annotation keys are dropped in batch answers too"
    assert [c["url"] for c in session.calls] == [URL.replace("InvokeCommand", "$batch")] * 2
    sent = session.calls[0]["json"]["requests"]
    assert len(sent) == 10
    assert sent[3]["body"] == {"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"Identity": "u3"}}}
    assert sent[0]["headers"]["Authorization"] == "Bearer token-1", "each entry carries the token"
    assert session.calls[0]["headers"]["Authorization"] == "Bearer token-1"
    assert session.calls[0]["headers"]["Prefer"] == "odata.continue-on-error"


def test_invoke_many_isolates_failures_and_retries_throttled_entries():
    not_found = capture("exo_invokecommand_notfound_404.json")
    first = _batch((0, 200, _rows("a")), (1, 404, not_found), (2, 429, {"error": {"code": "TooManyRequests"}}))
    second = _batch((2, 200, _rows("c")))
    r, session, sleeps = runner(first, second)
    results = r.invoke_many([("Get-Mailbox", {"Identity": x}) for x in "abc"])
    assert results[0] == [{"Alias": "a"}]
    assert isinstance(results[1], CmdletError) and results[1].kind == "not_found"
    assert results[2] == [{"Alias": "c"}]
    assert [len(c["json"]["requests"]) for c in session.calls] == [3, 1], "only the throttled entry is resent"
    assert len(sleeps) == 1


def test_invoke_many_falls_back_to_single_calls_when_batch_is_refused():
    r, session, sleeps = runner(FakeResponse(404, {"error": {"code": "NotFound", "message": "no $batch"}}),
                                FakeResponse(200, _rows("a")), FakeResponse(200, _rows("b")))
    assert r.invoke_many([("Get-Mailbox", {"Identity": "a"}), ("Get-Mailbox", {"Identity": "b"})]) == \
        [[{"Alias": "a"}], [{"Alias": "b"}]]
    assert [c["url"] for c in session.calls[1:]] == [URL, URL]


def test_invoke_many_sends_entries_that_did_not_run_again_alone():
    """An entry answered 424 (the batch stopped at a failed entry) or left out of the answer did
    not run: each is sent on its own, and every call ends with its own answer."""
    failed = {"error": {"code": "BadRequest", "message": "Invalid Operation"}}
    first = _batch((0, 200, _rows("a")), (1, 400, failed), (2, 424, {"error": {"code": "FailedDependency"}}))
    r, session, sleeps = runner(first, FakeResponse(200, _rows("c")), FakeResponse(200, _rows("d")))
    results = r.invoke_many([("Set-Mailbox", {"Identity": x}) for x in "abcd"], idempotent=True)
    assert results[0] == [{"Alias": "a"}]
    assert isinstance(results[1], CmdletError) and results[1].status == 400
    assert results[2:] == [[{"Alias": "c"}], [{"Alias": "d"}]], "the 424 and the missing entry, each alone"
    assert [c["url"] for c in session.calls[1:]] == [URL, URL]
    assert [c["json"]["CmdletInput"]["Parameters"]["Identity"] for c in session.calls[1:]] == ["c", "d"]
    assert sleeps == []


def test_invoke_many_retries_gateway_failures_of_repeatable_entries_only():
    gateway = {"error": {"code": "GatewayTimeout", "message": "The gateway timed out"}}
    r, session, sleeps = runner(_batch((0, 504, gateway)), _batch((0, 200, _rows("a"))))
    assert r.invoke_many([("Get-Mailbox", {"Identity": "a"})]) == [[{"Alias": "a"}]]
    r, session, sleeps = runner(_batch((0, 502, gateway), (1, 200, _rows("b"))))
    results = r.invoke_many([("New-Mailbox", {"Name": "a"}), ("New-Mailbox", {"Name": "b"})])
    assert isinstance(results[0], CmdletError) and results[0].outcome_unknown, "it may have run"
    assert results[1] == [{"Alias": "b"}]
    assert len(session.calls) == 1


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_failure_of_a_whole_batch_leaves_writes_unrepeated(status):
    r, session, sleeps = runner(FakeResponse(status, "<html>gateway</html>"))
    results = r.invoke_many([("New-Mailbox", {"Name": "a"}), ("New-Mailbox", {"Name": "b"})])
    assert all(isinstance(e, CmdletError) and e.outcome_unknown for e in results)
    assert len(session.calls) == 1, "neither the batch nor its writes were sent again"


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_failure_is_retried_for_reads_and_an_unknown_outcome_for_writes(status):
    r, session, sleeps = runner(FakeResponse(status, "<html>gateway</html>"), FakeResponse(200, _rows("a")))
    assert r.invoke("Get-Mailbox", {"Identity": "a"}) == [{"Alias": "a"}]
    r, session, sleeps = runner(FakeResponse(status, "<html>gateway</html>"))
    with pytest.raises(CmdletError) as caught:
        r.invoke("New-Mailbox", {"Name": "a"})
    assert caught.value.outcome_unknown and len(session.calls) == 1


# Malformed and odd answers (issue 24) ------------------------------------------------------------

@pytest.mark.parametrize("answer, words", [
    (FakeResponse(200, {}), "HTTP 200 has no value list (keys none)"),
    (FakeResponse(200, {"@odata.context": "x"}), "HTTP 200 has no value list (keys @odata.context)"),
    (FakeResponse(200, {"value": {"Identity": "a"}}), "HTTP 200 has no value list"),
    (FakeResponse(200, {"value": ["a", 1]}), "entries are not all objects"),
    (FakeResponse(200, "<html>Sign in to continue</html>"), "HTTP 200 is not a JSON object (str <html>"),
    (FakeResponse(200), "HTTP 200 is not a JSON object (no body)"),
    (FakeResponse(200, [{"Identity": "a"}]), "HTTP 200 is not a JSON object (list"),
    (FakeResponse(200, {"error": {"code": "Client", "message": "Error executing cmdlet", "details": [{
        "message": "Ex1|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation "
                   "couldn't be performed because object 'a' couldn't be found on 'DC1'."}]}}),
     "HTTP 200 carried an error instead of a value list"),
])
def test_a_success_without_a_value_list_is_an_error_naming_cmdlet_and_status(answer, words):
    exo, _session, _sleeps = runner(answer)
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-MailboxPermission", {"Identity": "shared"})
    assert words in str(info.value)
    assert info.value.cmdlet == "Get-MailboxPermission" and info.value.status == 200
    assert info.value.kind == "other", "never taken for not found, however the body reads"
    assert str(info.value).startswith("Get-MailboxPermission")


def test_a_204_is_an_answer_without_rows():
    exo, _session, _sleeps = runner(FakeResponse(204))
    assert exo.invoke("Set-Mailbox", {"Identity": "a"}) == []


def test_a_next_page_link_seen_twice_stops_paging():
    loop = {"value": [{"Identity": "x"}], "@odata.nextLink": URL + "?$skiptoken=1"}
    exo, session, _sleeps = runner(*[FakeResponse(200, loop)] * 5)
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    assert "already read" in str(info.value) and info.value.cmdlet == "Get-Mailbox"
    assert len(session.calls) == 2
    back = {"value": [], "@odata.nextLink": URL}
    exo, session, _sleeps = runner(FakeResponse(200, {"value": [], "@odata.nextLink": URL + "?$skiptoken=1"}),
                                   FakeResponse(200, back))
    with pytest.raises(CmdletError, match="already read"):
        exo.invoke("Get-Mailbox")


@pytest.mark.parametrize("link", ["https://outlook.office365.com:8443/adminapi/beta/t/InvokeCommand?$skiptoken=1",
                                  {"href": "x"}])
def test_a_next_page_on_another_port_or_not_a_url_is_refused(link):
    exo, session, _sleeps = runner(FakeResponse(200, {"value": [], "@odata.nextLink": link}))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    assert len(session.calls) == 1 and ("refusing" in str(info.value) or "not a URL" in str(info.value))


def test_html_that_says_not_found_is_not_a_not_found():
    page = "<html><body>The page you asked for couldn't be found.</body></html>"
    exo, _session, _sleeps = runner(FakeResponse(404, page), FakeResponse(500, page))
    for status in (404, 500):
        with pytest.raises(CmdletError) as info:
            exo.invoke("Get-Mailbox", {"Identity": "a"})
        assert info.value.kind == "other" and info.value.status == status
        assert "not Exchange's JSON" in str(info.value)


def test_403_and_401_without_a_body_explain_the_status():
    """PROTOCOL.md §7: NUL bytes labelled gzip, or nothing, come with 403 and 401."""
    exo, _session, _sleeps = runner(FakeResponse(403, undecodable=True, headers={"Content-Encoding": "gzip"}))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Set-Mailbox", {"Identity": "a"})
    assert info.value.kind == "forbidden" and info.value.status == 403
    assert "HTTP 403, no body" in str(info.value)
    assert "the app's directory role or Exchange RBAC scope does not allow Set-Mailbox" in str(info.value)

    exo, session, _sleeps = runner(FakeResponse(401, b"\0" * 8), FakeResponse(401, b"\0" * 8),
                                   tokens=FakeTokens("first", "second"))
    with pytest.raises(CmdletError) as info:
        exo.invoke("Get-Mailbox")
    assert info.value.kind == "unauthorized" and len(session.calls) == 2
    assert "HTTP 401, no body" in str(info.value)
    assert "no Exchange.ManageAsApp grant or no admin consent" in str(info.value)


def _jwt(claims):
    import base64
    part = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    return "eyJhbGciOiJub25lIn0." + part + ".sig"


def test_anchor_mailbox_names_the_tenant_guid_from_the_token():
    tid = "8f1c7a4e-1111-2222-3333-444455556666"
    exo, session, _sleeps = runner(FakeResponse(200, {"value": []}), tokens=FakeTokens(_jwt({"tid": tid})))
    exo.invoke("Get-Mailbox")
    assert session.calls[0]["headers"]["X-AnchorMailbox"] == \
        "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + tid
    exo, session, _sleeps = runner(_batch((0, 200, _rows("a"))), tokens=FakeTokens(_jwt({"tid": tid})))
    exo.invoke_many([("Get-Mailbox", {"Identity": "a"})])
    assert session.calls[0]["json"]["requests"][0]["headers"]["X-AnchorMailbox"].endswith("@" + tid)


def test_odd_batch_answers_give_messages():
    answers = _batch((0, "200", _rows("a")), (1, "teapot", _rows("b")), (2, 200, "<html/>"),
                     (3, 200, {"value": {"Alias": "d"}}), (4, 403, None), (5, 200, {}))
    r, _session, _sleeps = runner(answers)
    results = r.invoke_many([("Get-Mailbox", {"Identity": x}) for x in "abcdef"])
    assert results[0] == [{"Alias": "a"}], "a numeric status sent as a string is still a status"
    assert isinstance(results[1], CmdletError) and "status 'teapot', not an HTTP status" in str(results[1])
    assert isinstance(results[2], CmdletError) and "is not a JSON object" in str(results[2])
    assert isinstance(results[3], CmdletError) and "no value list" in str(results[3])
    assert isinstance(results[4], CmdletError) and results[4].kind == "forbidden"
    assert "does not allow Get-Mailbox" in str(results[4])
    assert isinstance(results[5], CmdletError) and "no value list" in str(results[5])


def test_default_timeout_outlasts_slow_errors(monkeypatch, tmp_path):
    """PROTOCOL.md §7: some errors take more than 70 s; a 60 s timeout turned them into lost answers."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    settings = params()
    del settings["timeout"]
    exo = exo_client.exo_runner_from_params(settings)
    assert exo.http.timeout[1] == exo.http.deadline == 300


REGIONAL = "https://nam12.outlook.office365.com"


def test_a_regional_redirect_keeps_the_token_and_the_rest_of_the_run_goes_there():
    """The front door sends the tenant to nam12 on port 446: the token goes along to port 443, the
    next page named after the front door and every later call (a batch too) go to nam12."""
    path = URL[len(EXCHANGE):]
    page = {"value": [{"Alias": "a"}], "@odata.nextLink": URL + "?$skiptoken=2"}
    exo, session, sleeps = runner(
        FakeResponse(302, headers={"Location": REGIONAL + ":446" + path}), FakeResponse(200, page),
        FakeResponse(200, _rows("b")), FakeResponse(200, _rows("c")), _batch((0, 200, _rows("d"))))
    assert [row["Alias"] for row in exo.invoke("Get-Mailbox")] == ["a", "b"]
    assert exo.invoke("Set-Mailbox", {"Identity": "c"}) == [{"Alias": "c"}]
    assert exo.invoke_many([("Get-Mailbox", {"Identity": "d"})] * 1) == [[{"Alias": "d"}]]
    assert [c["url"] for c in session.calls] == [
        URL, REGIONAL + path, REGIONAL + path + "?$skiptoken=2", REGIONAL + path,
        REGIONAL + path.replace("InvokeCommand", "$batch")]
    assert all(c["headers"]["Authorization"] == "Bearer token-1" for c in session.calls)


def test_a_redirect_to_a_host_that_is_not_exchange_gets_no_token_and_does_not_move_the_run():
    exo, session, sleeps = runner(FakeResponse(302, headers={"Location": "https://evil.example/x"}),
                                  FakeResponse(200, _rows("a")), FakeResponse(200, _rows("b")))
    exo.invoke("Get-Mailbox")
    exo.invoke("Get-Mailbox")
    assert "Authorization" not in session.calls[1]["headers"]
    assert session.calls[2]["url"] == URL


def test_a_redirect_on_port_446_to_a_host_that_is_not_exchange_keeps_its_port_and_gets_no_token():
    exo, session, sleeps = runner(FakeResponse(302, headers={"Location": "https://evil.example:446/x"}),
                                  FakeResponse(200, _rows("a")))
    exo.invoke("Get-Mailbox")
    assert session.calls[1]["url"] == "https://evil.example:446/x"
    assert "Authorization" not in session.calls[1]["headers"]
