# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""Run Exchange Online cmdlets through the REST admin API's InvokeCommand (PROTOCOL.md §1)."""

import uuid
from urllib.parse import quote, urljoin, urlparse, urlunparse

from ansible_collections.mailops.exchange.plugins.module_utils.transport.auth import describe_token, token_claims_unverified
from ansible_collections.mailops.exchange.plugins.module_utils.transport.clouds import is_exchange_host
from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout
from ansible_collections.mailops.exchange.plugins.module_utils.transport.values import CLEAR, Hashtable
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    CmdletError,
    ExchangeError,
    classify,
    error_from_response,
    parse_error_body,
    shorten,
    split_error_text,
    FORBIDDEN,
    INVALID_ARGUMENT,
    OTHER,
    TRANSIENT_EXCEPTION_TYPES,
    UNAUTHORIZED,
)
from ansible_collections.mailops.exchange.plugins.module_utils.transport.exchange_roles import role_of
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import keeps_token

# PROTOCOL.md section 1: the REST admin API's $batch takes at most 10 requests.
BATCH_SIZE = 10

# The port some regional redirects name; clients send those requests to the front door's port
# (443) instead (PROTOCOL.md §7).
REGIONAL_REDIRECT_PORT = 446

# Answers after which a cmdlet may or may not have run.
_GATEWAY_FAILURES = frozenset((500, 502, 504))

# The arbitration mailbox ExchangeOnlineManagement anchors app-only sessions on, in the tenant
# named by its GUID (PROTOCOL.md §7).
_APP_ANCHOR = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@%s"

# ExchangeOnlineManagement's own value (PROTOCOL.md §7); the service may tune its answers to it.
CLIENT_APPLICATION = "ExoManagementModule"

_CONSENT_HINT = (
    "The app needs the Exchange.ManageAsApp application permission (Office 365 Exchange Online) with admin "
    "consent, and an Exchange role such as Exchange Administrator assigned to its service principal."
)
_ROLE_HINT = (
    "Assign the app's service principal an Entra role that covers it, such as Exchange Administrator (reader "
    "roles such as Global Reader may only run Get- cmdlets), or put it in an Exchange role group whose roles "
    "and scope include it."
)


def forbidden_error(cmdlet, data):
    """The ``CmdletError`` for a 403: the service says why rarely, so the message explains it.

    Exchange answers a missing role, a role that does not allow the cmdlet and an unknown cmdlet
    alike, often with no body at all (PROTOCOL.md §7).
    """
    error_id, exception_type, message = parse_error_body(data) if isinstance(data, dict) else (None, None, None)
    said = "HTTP 403: %s" % message if message else "HTTP 403, no body"
    role = role_of(cmdlet)
    # The service does not say which role is missing; the collection's table knows which role holds the cmdlet.
    needs = (" %s is in the Exchange management role '%s': an app that works through Exchange role assignments "
             "needs that role assigned to its service principal (exo_management_role_assignment) or through a role "
             "group (exo_role_group)." % (cmdlet, role)) if role else ""
    return CmdletError(
        "Access denied (%s): the app's directory role or Exchange RBAC scope does not allow %s, or Exchange "
        "Online has no such cmdlet.%s %s" % (said, cmdlet, needs, _ROLE_HINT),
        kind=FORBIDDEN, exception_type=exception_type, error_id=error_id, status=403, cmdlet=cmdlet)


def _status(value):
    """A ``$batch`` entry's status as an int (a numeric string too), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def malformed(cmdlet, status, data, what):
    """The ``CmdletError`` for a success answer that does not have the shape of one."""
    if data is None:
        shown = "no body"
    elif isinstance(data, dict):
        shown = "keys %s" % (", ".join(sorted(str(k) for k in data)[:10]) or "none")
    else:
        shown = "%s %s" % (type(data).__name__, shorten(str(data), 200))
    return CmdletError("HTTP %s %s (%s): not read as an answer, since an empty or partial one could be taken "
                       "for no objects" % (status, what, shown), kind=OTHER, status=status, cmdlet=cmdlet)


def page_rows(cmdlet, status, data):
    """The rows of one successful InvokeCommand answer, checked to be Exchange's shape.

    A 2xx must be a JSON object with a ``value`` list of objects (a 204 carries nothing and
    has no rows): anything else (an empty object, an error body sent with 200, an HTML page,
    ``value`` an object) raises a ``CmdletError`` naming the cmdlet and the status, instead of
    being counted as no objects.
    """
    if status == 204 and data is None:
        return []
    if not isinstance(data, dict):
        raise malformed(cmdlet, status, data, "is not a JSON object")
    rows = data.get("value")
    if not isinstance(rows, list):
        if "error" in data:
            # Not classified: a success status with an error is no proof that the object is missing.
            error = error_from_response(status, data, cmdlet)
            error.message = "HTTP %s carried an error instead of a value list: %s" % (status, error.message)
            error.kind = OTHER
            raise error
        raise malformed(cmdlet, status, data, "has no value list")
    if not all(isinstance(row, dict) for row in rows):
        raise malformed(cmdlet, status, data, "has a value list whose entries are not all objects")
    return [strip_annotations(row) for row in rows]


def _origin(url):
    """``scheme://host[:port]`` of ``url``, lower case, without a default port."""
    parsed = urlparse(url)
    default = {"https": 443, "http": 80}.get(parsed.scheme)
    host = parsed.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    port = ":%d" % parsed.port if parsed.port and parsed.port != default else ""
    return "%s://%s%s" % (parsed.scheme.lower(), host, port)


def strip_annotations(value):
    """Drop every key containing ``@`` (OData annotations such as ``Guid@odata.type``).

    Applied recursively to nested dicts and lists, so hashtable-valued properties come back
    as plain data too.
    """
    if isinstance(value, dict):
        return {k: strip_annotations(v) for k, v in value.items() if "@" not in k}
    if isinstance(value, list):
        return [strip_annotations(v) for v in value]
    return value


def _failure(status, data, cmdlet):
    """The ``CmdletError`` of a non-2xx answer to one cmdlet.

    A gateway's 5xx without an Exchange exception says nothing about whether the cmdlet ran
    (a 502 or 504 can come after it did, PROTOCOL.md §7): its outcome is unknown.
    """
    error = error_from_response(status, data, cmdlet)
    error.outcome_unknown = status in _GATEWAY_FAILURES and error.exception_type is None
    return error


def _adminapi_error(cmdlet, entries):
    """The ``CmdletError`` for non-terminating errors reported inside a 200."""
    texts = []
    for entry in entries:
        if isinstance(entry, dict):
            entry = entry.get("message") or entry.get("Message") or str(entry)
        texts.append(str(entry))
    error_id, exception_type, message = split_error_text(texts[0])
    if len(texts) > 1:
        message = "%s (and %d more errors)" % (message, len(texts) - 1)
    return CmdletError(message, kind=classify(200, exception_type, message), exception_type=exception_type,
                       error_id=error_id, status=200, cmdlet=cmdlet)


def _wire(value):
    """A parameter value as the REST admin API takes it: a hashtable carries its OData type."""
    if isinstance(value, Hashtable):
        return dict(value, **{"@odata.type": "#Exchange.GenericHashTable"})
    return None if value is CLEAR else value


class ExoRunner:
    """Invoke cmdlets against one organisation; ``warnings`` collects the service's warnings.

    Reads (``Get-*``, or ``idempotent=True``) are retried on connection faults and on
    transient directory errors; every call is retried on 429/503/504 by the HTTP client;
    a 401 is retried once with a fresh token. When the front door redirects to a regional host
    (``<prefix>.outlook.office365.com``, PROTOCOL.md §7), the token goes along and every later
    request of this runner, next pages included, goes straight to that host.
    """

    def __init__(self, http_client, token_provider, exchange_url, organization, page_size=1000):
        if not 1 <= page_size <= 1000:
            raise ValueError("page_size must be within 1..1000")
        self.http = http_client
        self.tokens = token_provider
        self.exchange_url = exchange_url.rstrip("/")
        self.organization = organization
        self.page_size = page_size
        self.connection_id = str(uuid.uuid4())
        self.warnings = []
        self._front_door = _origin(self.exchange_url)
        self._path = "/adminapi/beta/%s/InvokeCommand" % quote(organization, safe="")
        self._url = self._front_door + self._path

    @property
    def stats(self):
        """Counters of this runner's HTTP client: ``requests``, ``retries``, ``throttled``."""
        return dict(self.http.stats)

    def _may_carry_token(self, host):
        return is_exchange_host(host, self.exchange_url)

    def _redirected(self, url):
        """Follow a redirect to a regional host: its port 446 becomes the front door's port, and
        when the token may go there, the rest of the run is sent there too."""
        target = urlparse(url)
        try:
            port = target.port
        except ValueError:
            # Not a port: left as it is, for the HTTP client to deal with.
            return url
        if port == REGIONAL_REDIRECT_PORT and self._may_carry_token(target.hostname):
            front = urlparse(self.exchange_url)
            host = "[%s]" % target.hostname if ":" in target.hostname else target.hostname
            url = urlunparse(target._replace(netloc=host + (":%d" % front.port if front.port else "")))
        if keeps_token(self._url, url, self._may_carry_token):
            self._url = _origin(url) + self._path
        return url

    def invoke(self, cmdlet, parameters=None, *, select=None, idempotent=None):
        """Run ``cmdlet`` with ``parameters`` (None values dropped); return all rows.

        ``select`` (names) narrows the properties with ``$select``. ``idempotent=None``
        treats ``Get-*`` as safe to repeat and everything else as not; pass True for a
        write that is safe to repeat. Raises ``CmdletError`` (classified) and the other
        ``ExchangeError`` subclasses.
        """
        body = self._body(cmdlet, parameters)
        url = self._selecting(select)
        repeatable = self._repeatable([cmdlet], idempotent)
        attempt = 0
        while True:
            try:
                return self._run_pages(cmdlet, url, body, repeatable)
            except ExchangeError as exc:
                if exc.cmdlet is None:
                    exc.cmdlet = cmdlet
                if (repeatable and exc.exception_type in TRANSIENT_EXCEPTION_TYPES
                        and self.http.policy.should_retry(attempt)):
                    self.http.backoff(attempt)
                    attempt += 1
                    continue
                raise

    def invoke_many(self, calls, idempotent=None):
        """Run several cmdlets, ten to a ``$batch`` request; one result per call, in order.

        ``calls`` is a list of ``(cmdlet, parameters)``. Each result is the list of rows, or the
        ``ExchangeError`` that call raised: one call's failure does not affect the others.
        The batch asks the service to go on after a failed entry (``odata.continue-on-error``);
        an entry it did not run anyway (answered 424, or missing from the answer) is sent again
        alone. Entries the service throttled or found unavailable are sent again in a later
        batch, with the same bounded backoff as single calls. If the service answers ``$batch``
        itself with an error (it is not a documented endpoint), every call is run on its own.
        ``idempotent`` is as for :meth:`invoke`, for every call: whether a batch (or an entry)
        whose answer was lost or came from a gateway (502, 504) may be sent again; when it may
        not, each of its calls gets the (outcome unknown) error.
        """
        results = [None] * len(calls)
        bodies = [self._body(cmdlet, parameters) for cmdlet, parameters in calls]
        pending = list(range(len(calls)))
        attempt = 0
        while pending:
            retry = []
            for start in range(0, len(pending), BATCH_SIZE):
                chunk = pending[start:start + BATCH_SIZE]
                repeatable = self._repeatable([calls[i][0] for i in chunk], idempotent)
                try:
                    answers = self._post_batch(chunk, calls, bodies, repeatable)
                except ExchangeError as exc:
                    for index in chunk:
                        results[index] = exc
                    continue
                for index in chunk:
                    status, data = (None, None) if answers is None else answers.get(str(index), (None, None))
                    code = _status(status)
                    if status is None or code == 424:
                        # $batch refused, or this entry did not run: the call goes on its own.
                        results[index] = self._invoke_alone(*calls[index], idempotent=idempotent)
                    elif ((code in (429, 503) or (repeatable and code in (502, 504)))
                          and self.http.policy.should_retry(attempt)):
                        retry.append(index)
                    else:
                        results[index] = self._batch_result(calls[index][0], bodies[index], status, data)
            if retry:
                self.http.backoff(attempt)
                attempt += 1
            pending = retry
        return results

    @staticmethod
    def _repeatable(cmdlets, idempotent):
        return all(cmdlet.lower().startswith("get-") for cmdlet in cmdlets) if idempotent is None else idempotent

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        """Run independent calls ten to a ``$batch`` request, up to ``parallel`` requests in
        flight; one result per call, in order (its rows or its ``ExchangeError``; with ``each``,
        what ``each(call, result)`` keeps of it, see ``fanout.invoke_all``)."""
        return fanout.invoke_all(self.invoke_many, calls, idempotent, parallel, each=each)

    def _invoke_alone(self, cmdlet, parameters, idempotent):
        try:
            return self.invoke(cmdlet, parameters, idempotent=idempotent)
        except ExchangeError as exc:
            return exc

    def _body(self, cmdlet, parameters):
        return {"CmdletInput": {
            "CmdletName": cmdlet,
            "Parameters": {k: _wire(v) for k, v in (parameters or {}).items() if v is not None},
        }}

    def _post_batch(self, chunk, calls, bodies, repeatable):
        """``{id: (status, body)}`` for one batch, or None when $batch itself is refused.

        Raises the (outcome unknown) error when a batch that is not safe to repeat met a gateway
        failure: its entries may have run.
        """
        url = self._url[:-len("InvokeCommand")] + "$batch"
        for fresh_token_tried in (False, True):
            token = self.tokens.token(self.exchange_url)
            # Each entry carries the token too, as clients that run against real tenants do.
            requests = [{"id": str(index), "method": "POST", "url": self._url,
                         "headers": self._headers(calls[index][0], token), "body": bodies[index]}
                        for index in chunk]
            headers = self._headers("$batch", token)
            # OData stops at the first failed entry unless asked not to (PROTOCOL.md §7).
            headers["Prefer"] = "odata.continue-on-error"
            status, unused, data = self.http.request_json(
                "POST", url, json={"requests": requests}, headers=headers,
                retry_connection_errors=repeatable, auth_hosts=self._may_carry_token, redirected=self._redirected)
            if status == 401 and self.tokens.renewable and not fresh_token_tried:
                self.tokens.invalidate(self.exchange_url)
                continue
            break
        if status in (401, 403):
            # The same refusal a single call would meet: let it raise with its full message.
            return None
        if not repeatable and status in _GATEWAY_FAILURES:
            error = _failure(status, data, "$batch")
            if error.outcome_unknown:
                raise error
        if not 200 <= status < 300 or not isinstance(data, dict) or not isinstance(data.get("responses"), list):
            return None
        return {str(answer.get("id")): (answer.get("status"), answer.get("body"))
                for answer in data["responses"] if isinstance(answer, dict)}

    def _batch_result(self, cmdlet, body, status, data):
        if _status(status) is None:
            return CmdletError("the $batch answer gave this call the status %s, not an HTTP status"
                               % shorten(repr(status), 100), kind=OTHER, cmdlet=cmdlet)
        status = _status(status)
        if status == 403:
            return forbidden_error(cmdlet, data)
        if not 200 <= status < 300:
            return _failure(status, data, cmdlet)
        try:
            rows = page_rows(cmdlet, status, data)
        except CmdletError as exc:
            return exc
        if not isinstance(data, dict):
            return rows
        self._collect_warnings(data)
        if data.get("@adminapi.errors"):
            return _adminapi_error(cmdlet, data["@adminapi.errors"])
        try:
            next_url = self._next_page(data.get("@odata.nextLink"))
            if next_url:
                rows.extend(self._run_pages(cmdlet, next_url, body, cmdlet.lower().startswith("get-")))
        except ExchangeError as exc:
            if exc.cmdlet is None:
                exc.cmdlet = cmdlet
            return exc
        return rows

    def _selecting(self, select):
        """The InvokeCommand URL, narrowed to the ``select`` properties (names) with ``$select``."""
        if not select:
            return self._url
        if not isinstance(select, str):
            select = ",".join(sorted(select) if isinstance(select, (set, frozenset)) else select)
        return self._url + "?$select=" + quote(select, safe=",")

    def pages(self, cmdlet, parameters=None, select=None):
        """Run a read and yield its rows page by page (``@odata.nextLink``), so that the caller
        can stop before the last page and the next one is only requested when it is wanted;
        ``select`` as for :meth:`invoke` (each page then holds only those properties)."""
        return self._pages(cmdlet, self._selecting(select), self._body(cmdlet, parameters), True)

    def split_pages(self, cmdlet, parameters, filters, select=None, fallback=None):
        """The pages of one organisation-wide read split into streams that page side by side:
        the read with each of ``filters`` (OPATH texts that partition the objects, combined with
        the read's own ``Filter`` if it has one), merged as they come, in no fixed order (see
        ``fanout.merged_pages``). When the service refuses the
        filters (invalid_argument), the pages of ``fallback()`` instead (default: the read paged
        as one stream)."""
        parameters = dict(parameters or {})
        own = parameters.get("Filter")
        texts = ["(%s) -and (%s)" % (own, text) if own else text for text in filters]
        streams = [self.pages(cmdlet, dict(parameters, Filter=text), select) for text in texts]
        return fanout.merged_pages(streams, fallback or (lambda: self.pages(cmdlet, parameters, select)),
                                   lambda error: getattr(error, "kind", None) == INVALID_ARGUMENT)

    def _run_pages(self, cmdlet, url, body, repeatable):
        rows = []
        for page in self._pages(cmdlet, url, body, repeatable):
            rows.extend(page)
        return rows

    def _collect_warnings(self, data):
        warnings = data.get("@adminapi.warnings")
        for warning in warnings if isinstance(warnings, list) else [warnings] if warnings else ():
            if warning not in self.warnings:
                self.warnings.append(warning)

    def _pages(self, cmdlet, url, body, repeatable):
        # A next-page link seen before would page forever (each page costs a request and memory).
        seen = set()
        while url:
            seen.add(url)
            status, data = self._post(cmdlet, url, body, repeatable)
            rows = page_rows(cmdlet, status, data)
            if isinstance(data, dict):
                self._collect_warnings(data)
                if data.get("@adminapi.errors"):
                    raise _adminapi_error(cmdlet, data["@adminapi.errors"])
                url = self._next_page(data.get("@odata.nextLink"))
            else:
                url = None
            if url in seen:
                raise CmdletError("HTTP %s: the next-page link %s was already read; stopped paging instead of "
                                  "reading the same pages again" % (status, shorten(url, 200)), kind=OTHER,
                                  status=status, cmdlet=cmdlet)
            yield rows

    def _next_page(self, link):
        """The absolute URL of the next page, refusing hosts (and ports) the token must not go to."""
        if not link:
            return None
        if not isinstance(link, str):
            raise CmdletError("the next-page link is %s, not a URL" % shorten(repr(link), 100), kind=OTHER)
        url = urljoin(self._url, link)
        if _origin(url) == self._front_door:
            # Named after the front door, a next page could land on another server, which refuses
            # it ("Expired or Invalid pagination request"): it goes where the first page came from.
            parsed = urlparse(url)
            url = _origin(self._url) + parsed.path + ("?" + parsed.query if parsed.query else "")
        if not keeps_token(self._url, url, self._may_carry_token):
            raise CmdletError("refusing to send the token to the next page at %s" % shorten(url, 200), kind=OTHER)
        return url

    def _headers(self, cmdlet, token):
        return {
            "Authorization": "Bearer " + token,
            "Content-Type": "application/json",
            "Accept": "application/json",
            # Error texts are localised, and errors.classify reads English ones.
            "Accept-Language": "en-US",
            "X-CmdletName": cmdlet,
            "X-ResponseFormat": "json",
            "X-SerializationLevel": "Partial",
            "X-ClientApplication": CLIENT_APPLICATION,
            "Prefer": "odata.maxpagesize=%d" % self.page_size,
            "client-request-id": str(uuid.uuid4()),
            "connection-id": self.connection_id,
            "X-AnchorMailbox": _APP_ANCHOR % self._anchor_tenant(token),
        }

    def _anchor_tenant(self, token):
        """The tenant GUID for ``X-AnchorMailbox``: the token's ``tid`` claim, which names the
        tenant whatever ``organization`` says (a domain, for example); ``organization`` only when
        the token is not a readable JWT."""
        tenant = token_claims_unverified(token).get("tid")
        return tenant if isinstance(tenant, str) and tenant else self.organization

    def _post(self, cmdlet, url, body, repeatable):
        fresh_token_tried = False
        while True:
            token = self.tokens.token(self.exchange_url)
            status, unused, data = self.http.request_json(
                "POST", url, json=body, headers=self._headers(cmdlet, token),
                retry_connection_errors=repeatable, auth_hosts=self._may_carry_token, redirected=self._redirected)
            if status == 401:
                # Drop the refused token everywhere (file cache too), then try one fresh one.
                self.tokens.invalidate(self.exchange_url)
                if self.tokens.renewable and not fresh_token_tried:
                    fresh_token_tried = True
                    continue
                raise self._unauthorized(cmdlet, data, token)
            if status == 403:
                raise forbidden_error(cmdlet, data)
            if not 200 <= status < 300:
                raise _failure(status, data, cmdlet)
            return status, data

    def _unauthorized(self, cmdlet, data, token):
        error_id, exception_type, message = parse_error_body(data) if isinstance(data, dict) else (None, None, None)
        said = ": " + message if message else ", no body"
        if self.tokens.renewable:
            text = ("Exchange Online refused a freshly issued token (HTTP 401%s): the app has no Exchange.ManageAsApp "
                    "grant or no admin consent for it" % said)
        else:
            text = ("Exchange Online refused the given access_token (HTTP 401%s): it expired, is for another "
                    "audience, or its app has no Exchange.ManageAsApp grant or no admin consent" % said)
        problems = describe_token(token, self.exchange_url, required_role="Exchange.ManageAsApp")
        if problems:
            text += "; " + problems
        return CmdletError("%s. %s" % (text, _CONSENT_HINT), kind=UNAUTHORIZED, exception_type=exception_type,
                           error_id=error_id, status=401, cmdlet=cmdlet)
