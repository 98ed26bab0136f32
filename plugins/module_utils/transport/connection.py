# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""The connection every Microsoft 365 client of a module run shares, built from module options.

``connection_from_params`` returns the endpoints, the HTTP client and the token provider that the
Exchange Online runner and the Microsoft Graph client are both built on, so one module run has one
session, one retry policy and one token cache whichever services it calls. It lies below both
clients: neither imports the other. Not for use outside this collection.
"""

import os
from collections import namedtuple

from ansible_collections.mailops.exchange.plugins.module_utils.transport.auth import (
    Credentials,
    TokenProvider,
    token_claims_unverified,
    HAS_CRYPTOGRAPHY,
    HAS_MSAL,
    CRYPTOGRAPHY_IMPORT_ERROR,
    MSAL_IMPORT_ERROR,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.clouds import (
    SANDBOX_TENANTS_VARIABLE,
    refuse_loopback,
    resolve_endpoints,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, INVALID_ARGUMENT
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import (
    HttpClient,
    RetryPolicy,
    make_session,
    DEFAULT_CONNECT_TIMEOUT,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.token_cache import MemoryTokenCache, TokenCache

Connection = namedtuple("Connection", ["endpoints", "http_client", "token_provider"])

# Some Exchange Online errors take more than 70 s to come back (PROTOCOL.md §7): a shorter
# timeout turns them into lost answers. A Python client run against real tenants uses 300 s.
DEFAULT_TIMEOUT = 300
DEFAULT_RETRIES = 5
DEFAULT_RETRY_DELAY = 2.0


def missing_libraries(params=None):
    """``[(False, library, import_error_traceback)]`` for each needed library that is missing.

    For the module base's ``missing_required_lib``. requests is always needed; msal unless
    ``params`` give an ``access_token``; cryptography when they give a certificate.
    """
    params = params or {}
    needed = [("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)]
    if not params.get("access_token"):
        needed.append(("msal", HAS_MSAL, MSAL_IMPORT_ERROR))
    if params.get("client_certificate_path"):
        needed.append(("cryptography", HAS_CRYPTOGRAPHY, CRYPTOGRAPHY_IMPORT_ERROR))
    return [(False, library, error) for library, available, error in needed if not available]


def _number(params, option, default, cast, minimum):
    value = params.get(option)
    if value is None:
        return default
    try:
        value = cast(value)
    except (TypeError, ValueError):
        value = None
    if value is None or value < minimum:
        raise ExchangeError("%s must be a number >= %s, got %r" % (option, minimum, params.get(option)),
                            kind=INVALID_ARGUMENT)
    return value


def connection_from_params(params, warn=None):
    """Endpoints, HTTP client and token provider from the shared authentication options.

    Options: ``tenant_id``, ``client_id``, ``client_secret``, ``client_certificate_path``,
    ``client_certificate_password``, ``access_token``, ``cloud`` (global), ``authority_host``,
    ``graph_url``, ``exchange_url``, ``validate_certs`` (True), ``ca_path``, ``token_cache``
    (True), ``timeout`` (300 s: the most one HTTP request may take, from sending it to the last byte of
    its answer, and so also the most one socket read may wait), ``retries`` (5), ``retry_delay``
    (2 s, the first backoff without Retry-After). A loopback endpoint is refused unless the
    tenant is one a sandbox announced in ``EXO_SANDBOX_TENANTS`` (``refuse_loopback``). Raises
    ``ExchangeError`` (invalid_argument) naming the offending option. ``warn(message)`` hears
    about a token cache that cannot be trusted.
    """
    endpoints = resolve_endpoints(
        params.get("cloud"),
        authority_host=params.get("authority_host"),
        graph_url=params.get("graph_url"),
        exchange_url=params.get("exchange_url"),
    )
    credentials = Credentials(
        tenant_id=params.get("tenant_id"),
        client_id=params.get("client_id"),
        client_secret=params.get("client_secret"),
        certificate_path=params.get("client_certificate_path"),
        certificate_password=params.get("client_certificate_password"),
        access_token=params.get("access_token"),
    )
    credentials.validate()
    tenant = credentials.tenant_id or token_claims_unverified(credentials.access_token or "").get("tid")
    refuse_loopback(endpoints, tenant, os.environ.get(SANDBOX_TENANTS_VARIABLE))
    timeout = _number(params, "timeout", DEFAULT_TIMEOUT, float, 1)
    retries = _number(params, "retries", DEFAULT_RETRIES, int, 0)
    retry_delay = _number(params, "retry_delay", DEFAULT_RETRY_DELAY, float, 0)

    validate_certs = params.get("validate_certs")
    session = make_session(
        validate_certs=True if validate_certs is None else validate_certs,
        ca_path=params.get("ca_path"),
        read_timeout=timeout,
    )
    http_client = HttpClient(session, RetryPolicy(max_retries=retries, base_delay=retry_delay),
                             timeout=(DEFAULT_CONNECT_TIMEOUT, timeout), deadline=timeout)
    cache = MemoryTokenCache() if params.get("token_cache") is False else TokenCache(warn=warn)
    token_provider = TokenProvider(credentials, endpoints.authority_host, session, cache)
    return Connection(endpoints, http_client, token_provider)
