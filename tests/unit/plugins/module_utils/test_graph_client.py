import base64
import json

import pytest
import requests

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    ALREADY_EXISTS, FORBIDDEN, INVALID_ARGUMENT, NOT_FOUND, THROTTLED, TRANSIENT)
from ansible_collections.mailops.exchange.plugins.module_utils.runners.graph_client import (
    GraphClient, GraphError, classify_graph_error, graph_client_from_params, odata_quote, parse_graph_error)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import HttpClient, RetryPolicy

from fakes import FakeResponse, FakeSession

GRAPH = "https://graph.microsoft.com"


def graph_error_body(code, message):
    return {"error": {"code": code, "message": message,
                      "innerError": {"date": "2025-01-01T00:00:00", "request-id": "r"}}}


def jwt_with(claims):
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return "%s.%s.sig" % (part({"alg": "RS256"}), part(claims))


class FakeTokens:
    def __init__(self, *tokens):
        self.tokens = list(tokens) or [jwt_with({"tid": "tenant-1", "roles": []})]
        self.renewable = True
        self.invalidated = 0

    def token(self, resource_url):
        assert resource_url == GRAPH
        return self.tokens[0]

    def invalidate(self, resource_url):
        self.invalidated += 1
        if len(self.tokens) > 1:
            self.tokens.pop(0)


def client(*script, tokens=None, retries=3):
    sleeps = []
    session = FakeSession(*script)
    http = HttpClient(session, RetryPolicy(max_retries=retries, jitter=0, min_spread=0), sleep=sleeps.append)
    return GraphClient(http, tokens or FakeTokens(), GRAPH, client_id="boot-app"), session, sleeps


@pytest.mark.parametrize("status, code, message, kind", [
    (404, "Request_ResourceNotFound", "Resource 'x' does not exist or one of its queried reference-property "
                                      "objects are not present.", NOT_FOUND),
    (400, "Request_BadRequest", "The appId 'a' of the service principal does not reference a valid "
                                "application object.", NOT_FOUND),
    (403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.", FORBIDDEN),
    (400, "Request_BadRequest", "Permission being assigned already exists on the object", ALREADY_EXISTS),
    (400, "Request_MultipleObjectsWithSameKeyValue", "Another object with the same value", ALREADY_EXISTS),
    (400, "Request_BadRequest", "Property 'displayName' is required.", INVALID_ARGUMENT),
    (429, None, "throttled", THROTTLED),
    (503, None, "down", TRANSIENT),
])
def test_classification_branches_on_code_then_text_then_status(status, code, message, kind):
    assert classify_graph_error(status, code, message) == kind


def test_error_body_parsing():
    assert parse_graph_error(404, graph_error_body("Request_ResourceNotFound", "gone")) == (
        "Request_ResourceNotFound", "gone")
    assert parse_graph_error(502, "<html>Bad gateway</html>") == (None, "<html>Bad gateway</html>")
    assert parse_graph_error(500, None)[1] == "HTTP 500 with no error text"


def test_list_follows_full_next_links_with_the_token_and_query():
    page2 = GRAPH + "/v1.0/applications?$skiptoken=abc"
    graph, session = client(
        FakeResponse(200, {"value": [{"id": "1"}], "@odata.nextLink": page2}),
        FakeResponse(200, {"value": [{"id": "2"}]}))[:2]
    rows = graph.list("applications", {"$filter": "displayName eq %s" % odata_quote("O'Brien app")})
    assert [r["id"] for r in rows] == ["1", "2"]
    assert session.calls[0]["url"] == (GRAPH + "/v1.0/applications?$filter=displayName%20eq%20'O''Brien%20app'")
    assert session.calls[1]["url"] == page2
    assert all(c["headers"]["Authorization"].startswith("Bearer ") for c in session.calls)
    assert graph.stats == {"reads": 2, "writes": 0}


def test_next_link_to_another_host_is_refused():
    graph = client(FakeResponse(200, {"value": [], "@odata.nextLink": "https://evil.example/v1.0/x"}))[0]
    with pytest.raises(GraphError, match="refusing to send the token"):
        graph.list("applications")


def test_forbidden_names_the_missing_permissions_and_the_tokens_roles():
    tokens = FakeTokens(jwt_with({"tid": "t", "roles": ["Application.ReadWrite.All"]}))
    graph = client(FakeResponse(403, graph_error_body(
        "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")), tokens=tokens)[0]
    with pytest.raises(GraphError) as refused:
        graph.list("applications")
    err = refused.value
    assert err.kind == FORBIDDEN and err.code == "Authorization_RequestDenied" and err.status == 403
    text = str(err)
    assert "Insufficient privileges" in text and "application boot-app" in text
    assert "missing: AppRoleAssignment.ReadWrite.All, RoleManagement.ReadWrite.Directory" in text


def test_401_is_retried_once_with_a_fresh_token():
    tokens = FakeTokens("old", "new")
    graph, session = client(
        FakeResponse(401, graph_error_body("InvalidAuthenticationToken", "expired")),
        FakeResponse(200, {"id": "x"}), tokens=tokens)[:2]
    assert graph.request("GET", "applications/x") == {"id": "x"}
    assert tokens.invalidated == 1
    assert session.calls[1]["headers"]["Authorization"] == "Bearer new"


def test_missing_objects_read_as_none_and_deletes_are_idempotent():
    missing = graph_error_body("Request_ResourceNotFound", "gone")
    graph = client(FakeResponse(404, missing), FakeResponse(404, missing), FakeResponse(204))[0]
    assert graph.get("applications/x") is None
    assert graph.delete("applications/x") is False
    assert graph.delete("applications/y") is True
    assert graph.stats == {"reads": 1, "writes": 2}


def test_throttling_waits_retry_after():
    graph, session, sleeps = client(
        FakeResponse(429, graph_error_body("TooManyRequests", "slow down"), {"Retry-After": "7"}),
        FakeResponse(201, {"id": "new"}))
    assert graph.post("applications", {"displayName": "x"}) == {"id": "new"}
    assert sleeps == [7.0] and len(session.calls) == 2


def test_creates_are_not_repeated_after_a_lost_connection():
    graph, session = client(requests.exceptions.ConnectionError("reset"))[:2]
    with pytest.raises(Exception, match="Not retried"):
        graph.post("applications", {"displayName": "x"})
    assert len(session.calls) == 1


def test_replication_delay_is_retried_with_bounded_backoff():
    missing = graph_error_body("Request_ResourceNotFound", "not there yet")
    graph, session, sleeps = client(FakeResponse(404, missing), FakeResponse(404, missing),
                                    FakeResponse(201, {"id": "sp"}))
    answer = graph.while_replicating("the app", lambda: graph.post("servicePrincipals", {"appId": "a"}))
    assert answer == {"id": "sp"} and sleeps == [2.0, 4.0] and len(session.calls) == 3


def test_replication_delay_that_outlasts_the_retries_says_what_to_do():
    missing = graph_error_body("Request_ResourceNotFound", "not there yet")
    graph, sleeps = client(*[FakeResponse(404, missing)] * 3, retries=2)[::2]
    with pytest.raises(GraphError) as gave_up:
        graph.while_replicating("application 'x'", lambda: graph.post("servicePrincipals", {"appId": "a"}))
    assert len(sleeps) == 2 and gave_up.value.kind == TRANSIENT
    assert "application 'x' is not visible in Microsoft Graph yet after 2 retries" in str(gave_up.value)
    assert "Run the task again" in str(gave_up.value)


def consent(graph):
    return graph.post("servicePrincipals/ex/appRoleAssignedTo", {"principalId": "sp"})


def test_an_unreplicated_reference_is_waited_out_within_its_budget_and_reported():
    refused = graph_error_body("Request_BadRequest", "Not a valid reference update.")
    graph, session, sleeps = client(*[FakeResponse(400, refused)] * 3, FakeResponse(201, {"id": "grant"}))
    progress = []
    answer = graph.while_reference_replicates("the sp", lambda: consent(graph), 600, 2.0,
                                              lambda *seen: progress.append(seen))
    assert answer == {"id": "grant"} and len(session.calls) == 4
    assert sleeps == [2.0, 4.0, 8.0] and progress == [(3, 14.0)]


def test_the_waits_double_up_to_a_ceiling_and_stop_at_the_budget():
    refused = graph_error_body("Request_BadRequest", "Not a valid reference update.")
    graph, session, sleeps = client(*[FakeResponse(400, refused)] * 12)
    with pytest.raises(GraphError) as gave_up:
        graph.while_reference_replicates("the service principal of app 'x'", lambda: consent(graph), 100, 8.0)
    assert sleeps == [8.0, 16.0, 30.0, 30.0, 16.0] and sum(sleeps) == 100
    message = str(gave_up.value)
    assert gave_up.value.kind == TRANSIENT and len(session.calls) == 6
    assert 'the service principal of app \'x\' is not usable in Microsoft Graph yet: refused 6 times as ' \
           '"Not a valid reference update." over 100 s (replication_timeout: 100 s)' in message
    assert 'Run the task again later' in message


def test_other_bad_requests_are_not_waited_for():
    graph, session, sleeps = client(FakeResponse(400, graph_error_body("Request_BadRequest", "Invalid appRoleId.")))
    with pytest.raises(GraphError):
        graph.while_reference_replicates("x", lambda: consent(graph), 600, 2.0)
    assert len(session.calls) == 1 and sleeps == []


def test_not_found_is_not_retried_for_objects_that_are_not_new():
    graph, session = client(FakeResponse(404, graph_error_body("Request_ResourceNotFound", "gone")))[:2]
    with pytest.raises(GraphError):
        graph.while_replicating("x", lambda: graph.post("servicePrincipals", {}), replicating=False)
    assert len(session.calls) == 1


def test_tenant_id_comes_from_the_graph_token():
    graph = client(tokens=FakeTokens(jwt_with({"tid": "0000-tenant"})))[0]
    assert graph.tenant_id == "0000-tenant"


def test_built_from_module_options_with_the_graph_endpoint(monkeypatch):
    monkeypatch.setenv("EXO_SANDBOX_TENANTS", "t")
    graph = graph_client_from_params({"tenant_id": "t", "client_id": "c", "access_token": "tok",
                                      "graph_url": "https://127.0.0.1:8443/graph/", "token_cache": False})
    assert graph.graph_url == "https://127.0.0.1:8443/graph"
    assert graph.client_id == "c"
    assert graph._url("applications") == "https://127.0.0.1:8443/graph/v1.0/applications"
