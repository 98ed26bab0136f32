# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Microsoft Graph v1.0 over the shared transport, token provider and error types (PROTOCOL.md §2).

Graph reports errors as ``{"error": {"code", "message", "innerError"}}``; the ``code`` decides the
kind. Paging follows the full ``@odata.nextLink``; 429/503/504 are retried by the transport; a
401 is retried once with a fresh token. Objects created moments ago may be invisible for a while
(Entra ID replication): ``while_replicating`` retries such calls with the transport's bounded
backoff and then says what to do. A new service principal named in an app role assignment is
refused with 400 "Not a valid reference update." for seconds, sometimes minutes (PROTOCOL.md §7):
``while_reference_replicates`` waits that out within a time budget of its own.
"""

import json
from urllib.parse import quote, urlparse

from ansible_collections.mailops.exchange.plugins.module_utils.transport.auth import token_claims_unverified
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    ExchangeError,
    ALREADY_EXISTS,
    FORBIDDEN,
    INVALID_ARGUMENT,
    NOT_FOUND,
    OTHER,
    THROTTLED,
    TRANSIENT,
    UNAUTHORIZED,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.connection import connection_from_params

# The application permissions the app-registration calls need (PROTOCOL.md §2).
REQUIRED_PERMISSIONS = ('Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All',
                        'RoleManagement.ReadWrite.Directory')

_CODE_KINDS = {
    'Request_ResourceNotFound': NOT_FOUND,
    'ResourceNotFound': NOT_FOUND,
    'Authorization_RequestDenied': FORBIDDEN,
    'Authorization_IdentityNotFound': FORBIDDEN,
    'InvalidAuthenticationToken': UNAUTHORIZED,
    'Request_MultipleObjectsWithSameKeyValue': ALREADY_EXISTS,
    'TooManyRequests': THROTTLED,
    'ServiceUnavailable': TRANSIENT,
    'Request_UnsupportedQuery': INVALID_ARGUMENT,
}

# Texts Graph uses for these situations under a generic code such as Request_BadRequest.
_TEXT_KINDS = (
    ('does not reference a valid application object', NOT_FOUND),
    ('does not exist or one of its queried reference-property objects are not present', NOT_FOUND),
    ('already exists', ALREADY_EXISTS),
    ('conflicting object', ALREADY_EXISTS),
)

# Graph's text for a reference to an object Entra ID has not replicated yet (PROTOCOL.md §7).
UNREPLICATED_REFERENCE = 'not a valid reference update'
# The longest single wait between two attempts while a reference replicates, in seconds.
REFERENCE_POLL_MAX_S = 30.0

_STATUS_KINDS = {400: INVALID_ARGUMENT, 401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND,
                 409: ALREADY_EXISTS, 429: THROTTLED, 503: TRANSIENT, 504: TRANSIENT}


class GraphError(ExchangeError):
    """A Graph request failed; ``code`` is Graph's error code (also the ``exception_type``)."""

    def __init__(self, message, kind=OTHER, code=None, status=None):
        super().__init__(message, kind=kind, exception_type=code, status=status)
        self.code = code


def parse_graph_error(status, body):
    """``(code, message)`` from a Graph error body (dict, JSON text or other text)."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except ValueError:
            text = body.decode('utf-8', 'replace') if isinstance(body, bytes) else body
            return None, text.strip()[:300] or 'HTTP %s' % status
    error = body.get('error') if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get('code'), error.get('message') or error.get('code') or 'HTTP %s' % status
    return None, 'HTTP %s with no error text' % status


def classify_graph_error(status, code, message):
    """The error kind: by Graph's ``code`` first, then known texts, then the status."""
    if code in _CODE_KINDS:
        return _CODE_KINDS[code]
    text = (message or '').lower()
    for fragment, kind in _TEXT_KINDS:
        if fragment in text:
            return kind
    return _STATUS_KINDS.get(status, OTHER)


def graph_error(status, body, method, path):
    """The classified ``GraphError`` for a non-2xx answer to ``method path``."""
    code, message = parse_graph_error(status, body)
    kind = classify_graph_error(status, code, message)
    return GraphError('Microsoft Graph %s %s: HTTP %s %s: %s' % (method, path, status, code or '', message),
                      kind=kind, code=code, status=status)


def odata_quote(value):
    """``value`` as an OData string literal: single quotes, inner quotes doubled."""
    return "'%s'" % str(value).replace("'", "''")


class GraphClient(object):
    """Calls Graph v1.0 at ``graph_url`` with tokens for that resource.

    ``stats`` counts ``reads`` and ``writes`` sent (each page and each retry included).
    """

    def __init__(self, http_client, token_provider, graph_url, client_id=None):
        self.http = http_client
        self.tokens = token_provider
        self.graph_url = graph_url.rstrip('/')
        self.client_id = client_id
        self.stats = {'reads': 0, 'writes': 0}
        # The application permissions a 403 names: the app registration's unless a module says otherwise.
        self.permissions = REQUIRED_PERMISSIONS

    @property
    def tenant_id(self):
        """The tenant GUID, from the ``tid`` claim of the Graph token."""
        return token_claims_unverified(self.tokens.token(self.graph_url)).get('tid')

    def _may_carry_token(self, host):
        return bool(host) and host.lower() == (urlparse(self.graph_url).hostname or '').lower()

    def _url(self, path, query=None):
        url = '%s/v1.0/%s' % (self.graph_url, path.lstrip('/'))
        if query:
            url += '?' + '&'.join('%s=%s' % (k, quote(str(v), safe="'(),=")) for k, v in query.items())
        return url

    def request(self, method, path, body=None, query=None, url=None, headers=None):
        """Send one request (with extra ``headers``); return the decoded body (None for 204). Raises ``GraphError``."""
        url = url or self._url(path, query)
        self.stats['reads' if method == 'GET' else 'writes'] += 1
        fresh_token_tried = False
        while True:
            token = self.tokens.token(self.graph_url)
            sent = dict(headers or {}, Authorization='Bearer ' + token, Accept='application/json')
            if body is not None:
                sent['Content-Type'] = 'application/json'
            status, unused, data = self.http.request_json(
                method, url, json=body, headers=sent,
                # Creates are not safe to repeat blindly; reads, PATCH and DELETE are.
                retry_connection_errors=method != 'POST', auth_hosts=self._may_carry_token)
            if status == 401 and self.tokens.renewable and not fresh_token_tried:
                self.tokens.invalidate(self.graph_url)
                fresh_token_tried = True
                continue
            if 200 <= status < 300:
                return data
            error = graph_error(status, data, method, urlparse(url).path)
            if error.kind == FORBIDDEN:
                error.message = error.message.rstrip('.') + self._forbidden_hint(token)
            raise error

    def _forbidden_hint(self, token):
        roles = token_claims_unverified(token).get('roles') or []
        missing = [p for p in self.permissions if p not in roles]
        who = 'application %s' % self.client_id if self.client_id else 'the given access_token'
        return ('. The credential (%s) needs the Microsoft Graph application permissions %s with admin consent; '
                'its token carries %s%s.' % (
                    who, ', '.join(self.permissions), ', '.join(roles) if roles else 'no application permissions',
                    ' (missing: %s)' % ', '.join(missing) if missing and roles else ''))

    def get(self, path, query=None):
        """GET one object; None when it does not exist (404)."""
        try:
            return self.request('GET', path, query=query)
        except GraphError as err:
            if err.kind == NOT_FOUND:
                return None
            raise

    def list(self, path, query=None):
        """GET a collection and every following page (``@odata.nextLink``); all rows."""
        rows = []
        url = self._url(path, query)
        while url:
            data = self.request('GET', path, url=url) or {}
            rows.extend(data.get('value') or ())
            url = data.get('@odata.nextLink')
            if url and not (urlparse(url).scheme == 'https' and self._may_carry_token(urlparse(url).hostname)):
                raise GraphError('refusing to send the token to the next page at %s' % url, kind=OTHER)
        return rows

    def post(self, path, body):
        """POST ``body``; the created object."""
        return self.request('POST', path, body=body)

    def upsert(self, path, body):
        """PATCH ``body`` onto the object at an alternate key (``applications(uniqueName='…')``), creating it
        when there is none (``Prefer: create-if-missing``): the created object, or None when one existed and
        was updated. The key being unique, two such requests at once create one object.
        """
        return self.request('PATCH', path, body=body, headers={'Prefer': 'create-if-missing'})

    def patch(self, path, body):
        """PATCH ``body`` onto an object."""
        return self.request('PATCH', path, body=body)

    def delete(self, path):
        """DELETE an object; False if it was already gone."""
        try:
            self.request('DELETE', path)
        except GraphError as err:
            if err.kind == NOT_FOUND:
                return False
            raise
        return True

    def while_replicating(self, what, call, replicating=True):
        """Run ``call()``; while it fails as not found and ``replicating``, retry with backoff.

        ``what`` names the object that was just created ("the service principal of app X").
        When the retries run out, the error says that Entra ID has not replicated it yet and what to do.
        """
        attempt = 0
        while True:
            try:
                return call()
            except GraphError as err:
                if not replicating or err.kind != NOT_FOUND:
                    raise
                if not self.http.policy.should_retry(attempt):
                    raise GraphError(
                        '%s is not visible in Microsoft Graph yet after %d retries: Entra ID replicates new '
                        'applications and service principals with a delay (last answer: %s). Run the task again '
                        'in a few minutes - it continues where it stopped - or raise retries.'
                        % (what, attempt, err.message), kind=TRANSIENT, code=err.code, status=err.status) from None
                self.http.backoff(attempt)
                attempt += 1

    def while_reference_replicates(self, what, call, budget_s, first_wait_s, progress=None):
        """Run ``call()``; while Graph refuses it with 400 "Not a valid reference update.", wait and try again.

        The waits start at ``first_wait_s``, double up to ``REFERENCE_POLL_MAX_S`` and together stay within
        ``budget_s``. ``progress(attempts, waited_s)`` is told how many refusals were waited out and for how
        long, once ``call()`` succeeded after at least one. When the budget is spent the error says that Entra
        ID has not replicated ``what`` yet and that running the task again continues.
        """
        attempts, waited = 0, 0.0
        wait = max(first_wait_s, 0.1)
        while True:
            try:
                value = call()
            except GraphError as err:
                if err.status != 400 or UNREPLICATED_REFERENCE not in (err.message or '').lower():
                    raise
                attempts += 1
                if waited >= budget_s:
                    raise GraphError(
                        '%s is not usable in Microsoft Graph yet: refused %d times as "Not a valid reference update." '
                        'over %.0f s (replication_timeout: %s s). Entra ID replicates a new service principal with a '
                        'delay that can last several minutes. Run the task again later - it continues where it stopped '
                        '- or raise replication_timeout.' % (what, attempts, waited, budget_s),
                        kind=TRANSIENT, code=err.code, status=err.status) from None
                step = min(wait, REFERENCE_POLL_MAX_S, budget_s - waited)
                self.http.sleep(step)
                waited += step
                wait *= 2
                continue
            if attempts and progress is not None:
                progress(attempts, waited)
            return value


def graph_client_from_params(params, warn=None):
    """A ``GraphClient`` from the shared connection options (see ``connection.connection_from_params``)."""
    connection = connection_from_params(params, warn)
    return GraphClient(connection.http_client, connection.token_provider, connection.endpoints.graph_url,
                       client_id=params.get('client_id'))
