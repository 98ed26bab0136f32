import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.clouds import (
    CLOUDS,
    is_exchange_host,
    is_known_authority,
    refuse_loopback,
    resolve_endpoints,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError


def test_clouds_table():
    assert set(CLOUDS) == {"global", "gcc", "gcc_high", "dod", "china"}
    assert resolve_endpoints("global") == (
        "https://login.microsoftonline.com", "https://graph.microsoft.com", "https://outlook.office365.com")
    assert resolve_endpoints("gcc") == resolve_endpoints("global")
    assert resolve_endpoints("gcc_high").exchange_url == "https://outlook.office365.us"
    assert resolve_endpoints("dod").graph_url == "https://dod-graph.microsoft.us"
    assert resolve_endpoints("dod").exchange_url == "https://outlook-dod.office365.us"
    china = resolve_endpoints("china")
    assert china.authority_host == "https://login.partner.microsoftonline.cn"
    assert china.exchange_url == "https://partner.outlook.cn"
    assert resolve_endpoints(None) == resolve_endpoints("global")


def test_overrides_win_and_lose_trailing_slash():
    endpoints = resolve_endpoints("global", authority_host="https://127.0.0.1:8443/",
                                  exchange_url="https://127.0.0.1:8443//")
    assert endpoints.authority_host == "https://127.0.0.1:8443"
    assert endpoints.exchange_url == "https://127.0.0.1:8443"
    assert endpoints.graph_url == "https://graph.microsoft.com"


@pytest.mark.parametrize("option", ["authority_host", "graph_url", "exchange_url"])
def test_override_must_be_https(option):
    with pytest.raises(ExchangeError) as info:
        resolve_endpoints("global", **{option: "http://127.0.0.1:8080"})
    assert info.value.kind == "invalid_argument"
    assert option in str(info.value) and "http://127.0.0.1:8080" in str(info.value)


def test_unknown_cloud():
    with pytest.raises(ExchangeError) as info:
        resolve_endpoints("mars")
    assert "cloud" in str(info.value) and "mars" in str(info.value)


@pytest.mark.parametrize("host, expected", [
    ("outlook.office365.com", True),
    ("OUTLOOK.OFFICE.COM", True),
    ("nam12.prod.outlook.com", True),
    ("outlook.office365.us", True),
    ("outlook-dod.office365.us", True),
    ("webmail.office365.us", True),
    ("partner.outlook.cn", True),
    ("eu.partner.outlook.cn", True),
    ("outlook.office365.cn", True),
    ("outlook.office365.com:443", True),
    ("nam12.outlook.office365.com", True),
    ("NAM12.outlook.office365.com:446", True),
    ("apc01.outlook.office.com", True),
    ("gcc01.outlook.office365.us", True),
    ("x.outlook-dod.office365.us", True),
    ("x.outlook.office365.cn", True),
    ("nam12.outlook.office365.com.evil.example", False),
    ("nam12outlook.office365.com", False),
    ("localhost", False),
    ("evil.example.com", False),
    ("outlook.com.evil.example", False),
    ("notoutlook.com", False),
    ("127.0.0.1", False),
    ("", False),
    (None, False),
])
def test_is_exchange_host(host, expected):
    assert is_exchange_host(host, "https://outlook.office365.com") is expected


def test_configured_exchange_host_is_trusted():
    assert is_exchange_host("127.0.0.1", "https://127.0.0.1:8443")
    assert not is_exchange_host("127.0.0.2", "https://127.0.0.1:8443")


def test_subdomains_of_the_configured_exchange_host_are_trusted():
    assert is_exchange_host("nam12.exchange.example.org", "https://exchange.example.org")
    assert not is_exchange_host("exchange.example.org.evil.test", "https://exchange.example.org")
    assert not is_exchange_host("example.org", "https://exchange.example.org")


def test_loopback_names_are_trusted_only_for_a_loopback_exchange_url():
    """The sandbox's regional redirect sends 127.0.0.1's requests to localhost: the same machine."""
    assert is_exchange_host("localhost", "https://127.0.0.1:8443")
    assert is_exchange_host("nam12.localhost", "https://127.0.0.1:8443")
    assert is_exchange_host("localhost", "https://[::1]:8443")
    assert not is_exchange_host("localhost", "https://outlook.office365.com")
    assert not is_exchange_host("localhost.evil.example", "https://127.0.0.1:8443")


def test_known_authority():
    assert is_known_authority("https://login.microsoftonline.com")
    assert is_known_authority("https://login.microsoftonline.us")
    assert not is_known_authority("https://127.0.0.1:8443")


SANDBOX = resolve_endpoints(None, authority_host="https://127.0.0.1:8443", graph_url="https://127.0.0.1:8443/graph",
                            exchange_url="https://127.0.0.1:8443")


@pytest.mark.parametrize("endpoints", [
    SANDBOX,
    resolve_endpoints(None, exchange_url="https://localhost:8443"),
    resolve_endpoints(None, graph_url="https://[::1]:8443"),
    resolve_endpoints(None, authority_host="https://login.localhost"),
])
@pytest.mark.parametrize("announced", [None, "", "11111111-2222-3333-4444-555555555555,sandbox.onmicrosoft.com"])
def test_a_credential_for_an_unannounced_tenant_is_not_sent_to_loopback(endpoints, announced):
    with pytest.raises(ExchangeError) as caught:
        refuse_loopback(endpoints, "real.onmicrosoft.com", announced)
    message = str(caught.value)
    assert caught.value.kind == "invalid_argument"
    assert "loopback" in message and "'real.onmicrosoft.com'" in message and "EXO_SANDBOX_TENANTS" in message
    assert "unset EXO_AUTHORITY_HOST, EXO_EXCHANGE_URL, EXO_GRAPH_URL and EXO_CA_PATH" in message


def test_the_message_names_the_first_loopback_option_and_its_url():
    with pytest.raises(ExchangeError, match=r"^exchange_url https://localhost:8443 is on this machine"):
        refuse_loopback(resolve_endpoints(None, exchange_url="https://localhost:8443"), "t", None)


@pytest.mark.parametrize("tenant", ["11111111-2222-3333-4444-555555555555", "Sandbox.onmicrosoft.com"])
def test_an_announced_tenant_may_use_loopback(tenant):
    refuse_loopback(SANDBOX, tenant, " 11111111-2222-3333-4444-555555555555 , sandbox.onmicrosoft.com")


@pytest.mark.parametrize("tenant", [None, "", "real.onmicrosoft.com"])
def test_endpoints_off_loopback_are_never_refused(tenant):
    refuse_loopback(resolve_endpoints("gcc_high"), tenant, None)
    refuse_loopback(resolve_endpoints(None, exchange_url="https://exchange.example.org"), tenant, "")


def test_no_tenant_is_refused_on_loopback_even_when_a_sandbox_is_announced():
    with pytest.raises(ExchangeError):
        refuse_loopback(SANDBOX, None, "sandbox.onmicrosoft.com")
