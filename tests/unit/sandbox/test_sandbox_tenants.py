"""Several tenants in one sandbox process (sandbox.tenants): routing and per-tenant counters."""

import jwt
import pytest

from sandbox import control, tenants
from sandbox.web import Request


class Directory:
    def __init__(self, tenant_id, domain):
        self.tenant_id, self.domain = tenant_id, domain

    def knows_tenant(self, segment):
        return segment.lower() in (self.tenant_id, self.domain)


class Tenant:
    def __init__(self, tenant_id, domain):
        self.directory = Directory(tenant_id, domain)


PROVIDER, CUSTOMER = Tenant("aaaa", "contoso.onmicrosoft.com"), Tenant("bbbb", "tenant02.onmicrosoft.com")
BOTH = [PROVIDER, CUSTOMER]


def request(path, query="", token_tid=None):
    headers = {}
    if token_tid is not None:
        headers["Authorization"] = "Bearer " + jwt.encode({"tid": token_tid}, "k" * 32, algorithm="HS256")
    return Request("POST", path, query, headers, b"")


@pytest.mark.parametrize("path, wanted", [
    ("/tenant02.onmicrosoft.com/oauth2/v2.0/token", CUSTOMER),
    ("/BBBB/v2.0/.well-known/openid-configuration", CUSTOMER),
    ("/contoso.onmicrosoft.com/oauth2/v2.0/token", PROVIDER),
    ("/adminapi/beta/bbbb/InvokeCommand", CUSTOMER),
    ("/adminapi/beta/tenant02.onmicrosoft.com/$batch", CUSTOMER),
    ("/adminapi/beta/aaaa/InvokeCommand", PROVIDER),
    # Nobody's: the provider answers it as the single-tenant sandbox did (tenant not found).
    ("/adminapi/beta/elsewhere.onmicrosoft.com/InvokeCommand", PROVIDER),
    ("/nobody/oauth2/v2.0/token", PROVIDER),
])
def test_login_and_exchange_route_by_the_tenant_in_the_url(path, wanted):
    # The token's tenant does not matter there: the named tenant's own check refuses another's token.
    assert tenants.route(BOTH, request(path, token_tid="aaaa")) is wanted


def test_graph_routes_by_the_tokens_tenant():
    assert tenants.route(BOTH, request("/graph/v1.0/users", token_tid="bbbb")) is CUSTOMER
    assert tenants.route(BOTH, request("/graph/v1.0/users", token_tid="AAAA")) is PROVIDER
    # No token, an unreadable one or an unknown tenant: the provider, whose check refuses it.
    assert tenants.route(BOTH, request("/graph/v1.0/users")) is PROVIDER
    assert tenants.route(BOTH, request("/graph/v1.0/users", token_tid="cccc")) is PROVIDER
    garbled = Request("GET", "/graph/v1.0/users", "", {"Authorization": "Bearer not.a.jwt"}, b"")
    assert tenants.route(BOTH, garbled) is PROVIDER


def test_one_tenant_serves_everything():
    assert tenants.route([PROVIDER], request("/adminapi/beta/bbbb/InvokeCommand")) is PROVIDER


def test_control_requests_name_a_tenant_or_get_the_providers():
    assert tenants.for_control(BOTH, request("/_sandbox/stats")) is PROVIDER
    assert tenants.for_control(BOTH, request("/_sandbox/state/mailboxes", "tenant=bbbb")) is CUSTOMER
    with pytest.raises(ValueError, match="serves no tenant 'x'"):
        tenants.for_control(BOTH, request("/_sandbox/state/mailboxes", "tenant=x"))


def test_counts_go_to_the_process_and_to_the_tenant():
    shared = control.Stats()
    first, second = tenants.TenantStats(shared, "aaaa"), tenants.TenantStats(shared, "bbbb")
    first.add("tokens")
    second.add("tokens")
    second.cmdlet("Set-Mailbox", True)
    second.graph("GET users", False)
    snapshot = first.snapshot()
    assert snapshot["tokens"] == 2 and snapshot["writes"] == 1 and snapshot["reads"] == 1
    assert snapshot["tenants"] == {"aaaa": {"tokens": 1}, "bbbb": {"tokens": 1, "writes": 1, "reads": 1}}
    second.reset()
    assert shared.snapshot()["tenants"] == {}


def test_tenant_names():
    assert [tenants.tenant_name(i, "contoso") for i in range(3)] == ["contoso", "tenant02", "tenant03"]
