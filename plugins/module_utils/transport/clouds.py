# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Microsoft cloud endpoints (PROTOCOL.md §3) and which hosts may receive an Exchange token."""

import ipaddress
from collections import namedtuple
from urllib.parse import urlparse

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    ExchangeError,
    INVALID_ARGUMENT,
)

Endpoints = namedtuple("Endpoints", ["authority_host", "graph_url", "exchange_url"])

_GLOBAL = Endpoints(
    authority_host="https://login.microsoftonline.com",
    graph_url="https://graph.microsoft.com",
    exchange_url="https://outlook.office365.com",
)

CLOUDS = {
    "global": _GLOBAL,
    # GCC (moderate) tenants live in the commercial cloud's endpoints.
    "gcc": _GLOBAL,
    "gcc_high": Endpoints(
        authority_host="https://login.microsoftonline.us",
        graph_url="https://graph.microsoft.us",
        exchange_url="https://outlook.office365.us",
    ),
    "dod": Endpoints(
        authority_host="https://login.microsoftonline.us",
        graph_url="https://dod-graph.microsoft.us",
        exchange_url="https://outlook-dod.office365.us",
    ),
    # 21Vianet. Sources disagree on the Exchange endpoint: ExchangeOnlineManagement uses
    # partner.outlook.cn, some Microsoft pages name outlook.office365.cn. Both hosts are
    # accepted by is_exchange_host(); override with exchange_url if a tenant needs the other.
    "china": Endpoints(
        authority_host="https://login.partner.microsoftonline.cn",
        graph_url="https://microsoftgraph.chinacloudapi.cn",
        exchange_url="https://partner.outlook.cn",
    ),
}

# Authorities msal knows without instance discovery; anything else (the sandbox, a proxy)
# needs instance_discovery=False or msal would ask login.microsoftonline.com about it.
KNOWN_AUTHORITY_HOSTS = frozenset(urlparse(e.authority_host).hostname for e in CLOUDS.values()) | frozenset((
    "login.microsoft.com",
    "login.windows.net",
    "login.chinacloudapi.cn",
    "login-us.microsoftonline.com",
    "login.usgovcloudapi.net",
))

_EXCHANGE_HOSTS = frozenset((
    "outlook.office365.com",
    "outlook.office.com",
    "outlook.office365.us",
    "outlook-dod.office365.us",
    "partner.outlook.cn",
    "outlook.office365.cn",
))
# Regional hosts the front doors redirect to: <prefix>.outlook.office365.com (e.g. nam12., PROTOCOL.md
# §7) and each cloud's equivalent, and the *.prod.outlook.com backends.
_EXCHANGE_HOST_SUFFIXES = (".outlook.com", ".office365.us", ".partner.outlook.cn") + tuple(
    "." + host for host in sorted(_EXCHANGE_HOSTS))


def _https_url(option, value):
    value = value.rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme != "https" or not parsed.hostname:
        raise ExchangeError(
            "%s must be an https:// URL, got %r" % (option, value), kind=INVALID_ARGUMENT)
    return value


def resolve_endpoints(cloud, authority_host=None, graph_url=None, exchange_url=None):
    """Return the ``Endpoints`` of ``cloud``, with any given override winning.

    Overrides must be https URLs (msal refuses others, and a bearer token must not travel in
    clear text); trailing slashes are stripped. Raises ``ExchangeError`` (invalid_argument)
    naming the option for an unknown cloud or a bad URL.
    """
    cloud = cloud or "global"
    if cloud not in CLOUDS:
        raise ExchangeError(
            "cloud must be one of %s, got %r" % (", ".join(sorted(CLOUDS)), cloud), kind=INVALID_ARGUMENT)
    base = CLOUDS[cloud]
    overrides = (("authority_host", authority_host), ("graph_url", graph_url), ("exchange_url", exchange_url))
    return Endpoints(*(
        _https_url(option, value) if value else getattr(base, option)
        for option, value in overrides
    ))


def is_known_authority(authority_host):
    """True when msal knows ``authority_host`` (a URL) as a Microsoft authority."""
    return (urlparse(authority_host).hostname or "").lower() in KNOWN_AUTHORITY_HOSTS


def _bare_host(host):
    host = host.lower().rstrip(".")
    if host.startswith("["):
        return host[1:host.find("]")]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


def is_loopback(host):
    """True for a name or address of this machine's loopback interface (``localhost``,
    ``*.localhost``, 127.0.0.0/8, ``::1``)."""
    host = _bare_host(host or "")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SANDBOX_TENANTS_VARIABLE = "EXO_SANDBOX_TENANTS"


def refuse_loopback(endpoints, tenant, sandbox_tenants):
    """Raise ``ExchangeError`` (invalid_argument) when a credential would go to loopback for a
    tenant no sandbox announced.

    ``endpoints`` are the resolved ``Endpoints``; ``tenant`` the tenant id or domain the credential
    belongs to; ``sandbox_tenants`` the comma-separated tenants a running sandbox serves (its
    ``sandbox.env`` exports them as ``EXO_SANDBOX_TENANTS``). Left-over sandbox variables would
    otherwise send the next run's real certificate assertion, secret or token to whatever listens
    on this machine. Endpoints off loopback are never refused.
    """
    on_loopback = [(option, url) for option, url in zip(Endpoints._fields, endpoints)
                   if is_loopback(urlparse(url).hostname)]
    if not on_loopback:
        return
    announced = set(name.strip().lower() for name in (sandbox_tenants or "").split(",") if name.strip())
    if tenant and tenant.strip().lower() in announced:
        return
    option, url = on_loopback[0]
    raise ExchangeError(
        "%s %s is on this machine's loopback interface, and tenant %r is not one a sandbox announced in %s, "
        "so no credential is sent there. To reach the real tenant, unset EXO_AUTHORITY_HOST, EXO_EXCHANGE_URL, "
        "EXO_GRAPH_URL and EXO_CA_PATH (left over from the sandbox's sandbox.env) or the %s option; to use the "
        "sandbox, source its sandbox.env again" % (option, url, tenant or "", SANDBOX_TENANTS_VARIABLE, option),
        kind=INVALID_ARGUMENT)


def is_exchange_host(host, exchange_url=None):
    """True if a bearer token for Exchange Online may be sent to ``host``.

    ``host`` is a host name (a ``:port`` suffix is ignored). Accepted: the host of the
    configured ``exchange_url`` and its subdomains, and the Exchange Online front doors and
    regional hosts (``<prefix>.outlook.office365.com`` and the other clouds' equivalents) of every
    cloud. When ``exchange_url`` itself is on loopback (a local test service such as the sandbox),
    the names RFC 6761 reserves for loopback (``localhost``, ``*.localhost``) are that same
    machine and accepted too; other addresses are not. Used before following a redirect or
    ``@odata.nextLink`` with the token.
    """
    if not host:
        return False
    host = _bare_host(host)
    configured = (urlparse(exchange_url).hostname or "").lower() if exchange_url else ""
    if configured and (host == configured or host.endswith("." + configured)):
        return True
    if configured and is_loopback(configured) and (host == "localhost" or host.endswith(".localhost")):
        return True
    return host in _EXCHANGE_HOSTS or host.endswith(_EXCHANGE_HOST_SUFFIXES)
