# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Microsoft cloud endpoints (PROTOCOL.md §3) and which hosts may receive an Exchange token."""

from collections import namedtuple
from urllib.parse import urlparse

from ansible_collections.mailops.exchange.plugins.module_utils.errors import (
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
# Regional front doors the global endpoint redirects to (e.g. *.prod.outlook.com).
_EXCHANGE_HOST_SUFFIXES = (".outlook.com", ".office365.us", ".partner.outlook.cn")


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


def is_exchange_host(host, exchange_url=None):
    """True if a bearer token for Exchange Online may be sent to ``host``.

    ``host`` is a host name (a ``:port`` suffix is ignored). Accepted: the host of the
    configured ``exchange_url`` and the Exchange Online front doors and regional hosts of
    every cloud. Used before following a redirect or ``@odata.nextLink`` with the token.
    """
    if not host:
        return False
    host = host.lower().rstrip(".")
    if host.startswith("["):
        host = host[1:host.find("]")]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if exchange_url and host == (urlparse(exchange_url).hostname or "").lower():
        return True
    return host in _EXCHANGE_HOSTS or host.endswith(_EXCHANGE_HOST_SUFFIXES)
