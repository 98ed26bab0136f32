# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""HTTP transport: one pooled session, bounded retries, redirects that guard the token.

``RetryPolicy`` is pure (no I/O) so its bounds are unit-tested. ``HttpSession`` is a
``requests.Session`` that always passes ``verify=`` explicitly, and is also what msal uses
as its ``http_client``. ``HttpClient`` adds throttling retries, safe redirects and a bound on
the total time of each request (``Watchdog``), which a per-read socket timeout is not: a server
that sends a byte every few seconds never trips it.
"""

import email.utils
import json as jsonlib
import math
import os
import random
import socket
import threading
import time
import traceback
from contextlib import contextmanager
from urllib.parse import urljoin, urlparse

try:
    import requests
    import urllib3
    import urllib3.connection
    from requests.adapters import HTTPAdapter
except ImportError:
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import (
    ExchangeError,
    TransportError,
    error_from_response,
    INVALID_ARGUMENT,
    OTHER,
    THROTTLED,
    TRANSIENT,
)

DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 300.0
# Connections kept per host: as many as ``parallel: auto`` may have requests in flight.
POOL_SIZE = 32
MAX_REDIRECTS = 5

REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))
# The service did not process these requests, so any method may be repeated.
RETRY_STATUSES = frozenset((429, 503))
# A gateway's answer that can come after the service acted (PROTOCOL.md §7): repeated only when
# the request is safe to repeat, else handed back to the caller, which must treat the outcome as
# unknown.
GATEWAY_STATUSES = frozenset((502, 504))


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header value, or None if unparsable.

    Accepts delta-seconds (fractions too, which some services send) and HTTP dates;
    negative results become 0.
    """
    if value is None:
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


class RetryPolicy:
    """Jittered exponential backoff with a hard bound.

    Retry ``n`` (0-based) waits ``min(max_delay, base_delay * 2**n)`` reduced by a random
    fraction of up to ``jitter`` (so forks that were throttled together spread out). A
    ``Retry-After`` is honoured: the wait is at least that long, plus a random spread of up to
    ``jitter`` of it and never less than ``min_spread`` seconds (a quarter of ``base_delay``
    unless given: 0.5 s by default), but never more than ``max_delay``. The spread floor matters
    for ``Retry-After: 0``: without it, clients throttled together retry together and can keep
    drawing the same throttled slot. At most
    ``max_retries`` retries happen, so the total wait is at most ``max_retries * max_delay``
    (``max_total_delay``; 300 s with the defaults, and 62 s when the service sends no
    Retry-After).
    """

    def __init__(self, max_retries=5, base_delay=2.0, max_delay=60.0, jitter=0.2, min_spread=None, rng=None):
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0 <= jitter < 1:
            raise ValueError("jitter must be in [0, 1)")
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.jitter = jitter
        self.min_spread = base_delay / 4 if min_spread is None else min_spread
        self._rng = rng or random.Random()

    @property
    def max_total_delay(self):
        """Upper bound of the summed delays of one retried operation, in seconds."""
        return self.max_retries * self.max_delay

    def should_retry(self, attempt):
        """True if retry number ``attempt`` (0-based) is still allowed."""
        return attempt < self.max_retries

    def spread(self, retry_after_seconds):
        """The most a wait after ``Retry-After: retry_after_seconds`` may exceed it."""
        return max(retry_after_seconds * self.jitter, self.min_spread)

    def delay(self, attempt, retry_after=None):
        """Seconds to sleep before retry ``attempt`` (0-based); see the class docstring."""
        wanted = parse_retry_after(retry_after)
        if wanted is not None:
            return min(self.max_delay, wanted + self.spread(wanted) * self._rng.random())
        backoff = min(self.max_delay, self.base_delay * (2 ** attempt))
        return backoff * (1 - self.jitter * self._rng.random())


class ConcurrencyGate:
    """How many requests of one client may be in flight at once; pure logic, no I/O.

    Unlimited up to ``ceiling`` while the service answers. Each throttled answer halves the
    limit (of what is in flight, down to 1), and the throttled request keeps its slot through
    its wait and retries, so no new request starts while the service is asking for less. After
    ``rounds * limit`` answered requests in a row the limit grows by one again, up to ``ceiling``.
    With several requests in flight, a strict throttle (every second request refused) can keep
    refusing the same retrying request; with one in flight its retry is the next request the
    service sees.

    ``start`` below ``ceiling`` makes the gate probe (``parallel: auto``): it begins there and,
    until the service first throttles, doubles after each round of ``limit`` answers (a slow
    start: 4, 8, 16, 32 in three rounds), counting only answers given while the limit was in use
    (as many in flight as it allows), so a task that never fills its slots does not talk the
    limit up. The limit of each round answered in full is a level known to work (``proven``). A
    throttle above it goes back to it, not to half; one at or below it (the budget shrank, or a
    request-rate budget) halves and forgets it. While more are in flight than the limit (the
    requests sent before the cut, holding their slots through their retries) a probing gate
    does not cut again: one cut per burst of 429s, not one per refused request. After a throttle
    it grows by one per round up to one below the concurrency that was refused and stays there
    for ``PLATEAU_ROUNDS`` rounds before it tries that again, so against a fixed budget it spends
    most of its time at the budget rather than in a halve-and-climb sawtooth. ``settled`` is the
    limit a task ended at, no higher than the most requests that were ever in flight at once.
    """

    PLATEAU_ROUNDS = 16

    # Threads whose requests take the next free slot before the others' (see ``first``).
    _first = threading.local()

    def __init__(self, ceiling=POOL_SIZE, start=None, rounds=2):
        if ceiling < 1:
            raise ValueError("ceiling must be >= 1")
        if start is not None and not 1 <= start <= ceiling:
            raise ValueError("start must be within 1..ceiling")
        self.ceiling = ceiling
        self.limit = ceiling if start is None else start
        self.rounds = rounds
        self.probing = start is not None
        self.in_flight = 0
        self.peak = 0
        self._refused_at = None
        self.proven = None
        self._answered = 0
        self._first_waiting = 0
        self._condition = threading.Condition()

    @classmethod
    def probing_from(cls, start, ceiling):
        """The gate of ``parallel: auto``: from ``start``, twice as many after each round answered
        until the first throttle, then one more per round."""
        return cls(ceiling=ceiling, start=min(start, ceiling), rounds=1)

    @property
    def settled(self):
        """The limit now, but no more than the most requests that were in flight at once."""
        with self._condition:
            return min(self.limit, self.peak) if self.peak else self.limit

    @classmethod
    @contextmanager
    def first(cls):
        """Within this block, the current thread's requests take the next free slot of any gate
        before the requests of threads without it: a chain of pages read beside a fan-out (each
        page waits for the one before) then does not also wait behind the fan-out's requests for
        every page."""
        before = getattr(cls._first, 'value', False)
        cls._first.value = True
        try:
            yield
        finally:
            cls._first.value = before

    def __enter__(self):
        first = getattr(ConcurrencyGate._first, 'value', False)
        with self._condition:
            self._first_waiting += first
            try:
                while self.in_flight >= self.limit or (not first and self._first_waiting):
                    self._condition.wait()
            finally:
                self._first_waiting -= first
                if first:
                    self._condition.notify_all()
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        return self

    def __exit__(self, *exc_info):
        with self._condition:
            self.in_flight -= 1
            self._condition.notify_all()

    def throttled(self):
        """The service refused a request for load: fewer requests in flight from now on."""
        with self._condition:
            if self.probing and self.in_flight > self.limit:
                return
            self._refused_at = min(self.limit, self.in_flight)
            if self.probing and self.proven is not None and self.proven < self._refused_at:
                self.limit = self.proven
            else:
                self.limit = max(1, self._refused_at // 2)
                self.proven = None
            self._answered = 0

    def answered(self):
        """The service answered a request: after enough of them, allow one more in flight."""
        with self._condition:
            if self.limit >= self.ceiling or (self.probing and self.in_flight < self.limit):
                return
            self._answered += 1
            rounds = self.rounds
            if self.probing and self._refused_at is not None and self.limit + 1 >= self._refused_at:
                rounds *= self.PLATEAU_ROUNDS
            if self._answered >= rounds * self.limit:
                if self.probing:
                    self.proven = max(self.proven or 0, self.limit)
                grow = self.limit if self.probing and self._refused_at is None else 1
                self.limit = min(self.ceiling, self.limit + grow)
                self._answered = 0
                self._condition.notify_all()


class Watchdog:
    """Cuts the connections of one request when its time is up.

    A socket timeout bounds each read, not the whole answer. The watchdog's timer shuts the
    request's socket down after ``seconds``, which wakes a read blocked on it; ``expired`` then
    tells the caller that the error it sees is this cut. The sockets are handed over by the
    connection classes below when they start waiting for an answer (``watching``).
    """

    _current = threading.local()

    def __init__(self, seconds):
        self.seconds = seconds
        self.expired = False
        self._sockets = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self):
        Watchdog._current.value = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        Watchdog._current.value = None

    @classmethod
    def watching(cls, sock):
        """Put ``sock`` under the watchdog of the current thread's request, if it has one."""
        watchdog = getattr(cls._current, "value", None)
        if watchdog is None or sock is None:
            return
        with watchdog._lock:
            watchdog._sockets.append(sock)
            expired = watchdog.expired
        if expired:
            _shut(sock)

    def _expire(self):
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock):
    # socket.socket's own shutdown, not SSLSocket's: the reading thread still uses the TLS state.
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, TypeError):
        pass


if HAS_REQUESTS:
    class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
        def getresponse(self, *args, **kwargs):  # pylint: disable=signature-differs
            Watchdog.watching(self.sock)
            return super().getresponse(*args, **kwargs)

    class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
        def getresponse(self, *args, **kwargs):  # pylint: disable=signature-differs
            Watchdog.watching(self.sock)
            return super().getresponse(*args, **kwargs)

    class _WatchedHTTPConnectionPool(urllib3.HTTPConnectionPool):
        ConnectionCls = _WatchedHTTPConnection

    class _WatchedHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = _WatchedHTTPSConnection

    _WATCHED_POOLS = {"http": _WatchedHTTPConnectionPool, "https": _WatchedHTTPSConnectionPool}

    class _WatchedAdapter(HTTPAdapter):
        """An ``HTTPAdapter`` whose connections (direct or through an HTTP proxy) report their
        socket to the current ``Watchdog``; urllib3 documents ``pool_classes_by_scheme`` as the
        per-manager place to change pool classes."""

        def init_poolmanager(self, *args, **kwargs):  # pylint: disable=signature-differs
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = _WATCHED_POOLS

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super().proxy_manager_for(proxy, **proxy_kwargs)
            if isinstance(manager, urllib3.ProxyManager):
                manager.pool_classes_by_scheme = _WATCHED_POOLS
            return manager
else:
    _WatchedAdapter = None


_SessionBase = requests.Session if HAS_REQUESTS else object


class HttpSession(_SessionBase):
    """A ``requests.Session`` that sends ``verify=`` and a timeout with every request.

    requests lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` replace a session-level
    ``verify`` (PROTOCOL.md §4), so a user's ``ca_path`` would silently lose; passing it on
    each request makes it win. ``trust_env`` stays on so proxy variables keep working.
    msal uses this object as its ``http_client`` (``get``/``post``/``close``).
    """

    def __init__(self, verify=True, timeout=(DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT), pool_size=POOL_SIZE):
        super().__init__()
        self.tls_verify = verify
        self.default_timeout = timeout
        adapter = _WatchedAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method, url, **kwargs):  # pylint: disable=arguments-differ
        kwargs["verify"] = self.tls_verify
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, **kwargs)


def make_session(validate_certs=True, ca_path=None, read_timeout=DEFAULT_READ_TIMEOUT,
                 connect_timeout=DEFAULT_CONNECT_TIMEOUT):
    """Return an ``HttpSession``: no verification, the ``ca_path`` bundle, or the defaults.

    Raises ``ExchangeError`` (invalid_argument) when ``ca_path`` does not exist.
    """
    if not HAS_REQUESTS:
        raise ExchangeError("the requests Python library is required", kind=OTHER)
    if not validate_certs:
        # The user chose this; urllib3 would otherwise warn on every single request.
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        verify = False
    elif ca_path:
        if not os.path.exists(ca_path):
            raise ExchangeError("ca_path %r does not exist" % (ca_path,), kind=INVALID_ARGUMENT)
        verify = ca_path
    else:
        verify = True
    return HttpSession(verify=verify, timeout=(connect_timeout, read_timeout))


def _origin(url):
    parsed = urlparse(url)
    return "%s://%s" % (parsed.scheme, parsed.netloc)


def _port(parsed):
    try:
        port = parsed.port
    except ValueError:
        return None
    return port or {"https": 443, "http": 80}.get(parsed.scheme)


def keeps_token(first_url, url, auth_hosts):
    """Whether a request that started at ``first_url`` may carry its bearer token to ``url``.

    Only over https, to a host ``auth_hosts`` accepts, and on the port the token was first sent
    to: another port of the same host can be another service (a redirect to it must not get
    the token), so scheme, host and port are all compared.
    """
    target = urlparse(url)
    return (target.scheme == "https" and bool(auth_hosts) and bool(auth_hosts(target.hostname))
            and _port(target) == _port(urlparse(first_url)))


def _reason(exc):
    """A one-line reason for a requests exception, without its long urllib3 wrapping."""
    text = str(exc)
    for marker in ("certificate verify failed", "Connection refused", "Name or service not known",
                   "Temporary failure in name resolution", "timed out", "Connection reset",
                   "Remote end closed connection"):
        index = text.find(marker)
        if index >= 0:
            end = text.find("(", index)
            return text[index:end if end > index else None].strip(" ')\"")
    return text[:200]


def tls_error(url, exc):
    """The ``TransportError`` for a failed TLS verification of ``url``."""
    return TransportError(
        "The TLS certificate of %s could not be verified (%s). Set ca_path to the CA bundle "
        "that signs it, or validate_certs: false for a test system only." % (_origin(url), _reason(exc)),
        kind=OTHER,
    )


def connection_error(url, exc, retried):
    """The ``TransportError`` for a request that got no HTTP answer."""
    hint = "" if retried else " Not retried, as the request may have reached the service."
    error = TransportError(
        "No answer from %s: %s: %s.%s" % (_origin(url), type(exc).__name__, _reason(exc), hint),
        kind=TRANSIENT,
    )
    error.outcome_unknown = not retried
    return error


class AnswerTimeout(requests.exceptions.Timeout if HAS_REQUESTS else Exception):
    """The whole answer did not arrive within the request's time (``Watchdog``)."""


def decode_body(raw):
    """The JSON of a response body, its text when it is not JSON, or None for no body.

    An empty body, one of only whitespace and NUL bytes, and one that is not text at all count
    as no body: Exchange answers some 403s with NUL bytes labelled gzip (PROTOCOL.md §7).
    """
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if not raw or not raw.strip(" \t\r\n\x00"):
        return None
    try:
        return jsonlib.loads(raw)
    except ValueError:
        return raw


class HttpClient:
    """Sends JSON requests with bounded retries and token-safe redirects.

    ``stats`` counts ``requests`` (HTTP requests sent), ``retries`` (sleeps before a
    repeat) and ``throttled`` (429 answers). ``gate`` bounds the requests in flight from all
    threads sharing the client, and lowers that bound while the service throttles.

    ``timeout`` is requests' (connect, read) pair, a bound on each socket operation;
    ``deadline`` (seconds) bounds each attempt from sending it to the last byte of its answer,
    so a server that trickles its answer is cut off too (a timeout, retried like one).

    When ``OUTAGE_AFTER`` requests in a row gave up (every retry refused with 429/503/504 or
    without an answer, and no request answered in between), the service is taken to be down
    for the rest of this module run: later requests are not sent and fail at once, naming the
    cause. A bulk task over thousands of objects then fails in the time of a few retried
    requests instead of a few per object.
    """

    OUTAGE_AFTER = 3

    def __init__(self, session, policy, timeout=None, sleep=time.sleep, deadline=None):
        self.session = session
        self.policy = policy
        self.timeout = timeout
        self.deadline = deadline
        self.sleep = sleep
        self.gate = ConcurrencyGate()
        self.stats = {"requests": 0, "retries": 0, "throttled": 0}
        self._gave_up_in_a_row = 0
        self._last_gave_up = None
        self._lock = threading.Lock()

    def backoff(self, attempt, retry_after=None, at_once=False):
        """Sleep before retry ``attempt`` (not at all ``at_once``) and count it."""
        self.stats["retries"] += 1
        self.sleep(0 if at_once else self.policy.delay(attempt, retry_after))

    def request_json(self, method, url, *, json=None, headers=None, retry_connection_errors, auth_hosts=None,
                     redirected=None):
        """Send one request and return ``(status, headers, body)``.

        ``body`` is the decoded JSON, the text when it is not JSON, or None when empty.
        429/503 are retried (any method) honouring ``Retry-After``, 502/504 only with
        ``retry_connection_errors`` (else returned: the service may have acted); when retries run
        out, a 429 raises a throttled and a 502/503/504 a transient ``ExchangeError``.
        Connection faults and timeouts are retried only if ``retry_connection_errors``
        (the first repeat after a broken connection without waiting), else raise
        ``TransportError`` (transient, ``outcome_unknown``). Redirects are followed here with the
        same method and body, at most 5 hops; ``Authorization`` is kept only while the scheme
        stays https, ``auth_hosts(host)`` is true and the port stays the first request's
        (``keeps_token``). ``redirected(url)``, if given, sees each redirect's absolute target
        first and returns the URL to follow (the caller may rewrite it and remember it). TLS
        failures raise a ``TransportError`` that names ``ca_path`` and ``validate_certs``. A body
        that cannot be decoded counts as no body.
        """
        headers = dict(headers or {})
        self._check_outage()
        # The slot is held through every retry and redirect of this request (ConcurrencyGate).
        with self.gate:
            try:
                answer = self._send(method, url, json, headers, retry_connection_errors, auth_hosts, redirected)
            except ExchangeError as exc:
                if exc.gave_up:
                    with self._lock:
                        self._gave_up_in_a_row += 1
                        self._last_gave_up = exc
                raise
        with self._lock:
            self._gave_up_in_a_row = 0
        return answer

    def _check_outage(self):
        """Raise instead of sending when the last ``OUTAGE_AFTER`` requests all gave up."""
        with self._lock:
            if self._gave_up_in_a_row < self.OUTAGE_AFTER:
                return
            last = self._last_gave_up
        error = ExchangeError(
            "Not sent: the service refused the last %d requests after all their retries, the last with: %s"
            % (self.OUTAGE_AFTER, last), kind=last.kind, status=last.status)
        error.gave_up = True
        raise error

    def _exchange(self, method, url, json, headers):
        """Send one request and read its whole answer: ``(response, body)``.

        The body is read here (``stream``) so that one that cannot be decoded (NUL bytes
        labelled gzip) is no body instead of requests' ``ContentDecodingError``, and so that the
        ``Watchdog`` bounds the answer as a whole. Raises requests' exceptions, and
        ``AnswerTimeout`` for an answer the watchdog cut.
        """
        if not self.deadline:
            return self._read(method, url, json, headers)
        watchdog = Watchdog(self.deadline)
        try:
            with watchdog:
                return self._read(method, url, json, headers)
        except requests.exceptions.RequestException:
            if watchdog.expired:
                raise AnswerTimeout("the answer was not complete after %g s (timeout)" % self.deadline) from None
            raise

    def _read(self, method, url, json, headers):
        response = self.session.request(
            method, url, json=json, headers=headers, timeout=self.timeout, allow_redirects=False, stream=True)
        try:
            raw = response.content
        except requests.exceptions.ContentDecodingError:
            response.close()
            raw = None
        return response, decode_body(raw)

    def _send(self, method, url, json, headers, retry_connection_errors, auth_hosts, redirected=None):
        attempt = 0
        hops = 0
        first_url = url
        while True:
            self.stats["requests"] += 1
            try:
                response, body = self._exchange(method, url, json, headers)
            except requests.exceptions.SSLError as exc:
                raise tls_error(url, exc) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                if retry_connection_errors and self.policy.should_retry(attempt):
                    # A broken connection is mostly a pooled one the server had closed, not a sign
                    # of load (a timeout may be): like urllib3, repeat it once at once, then back off.
                    at_once = attempt == 0 and not isinstance(exc, requests.exceptions.Timeout)
                    self.backoff(attempt, at_once=at_once)
                    attempt += 1
                    continue
                error = connection_error(url, exc, retry_connection_errors)
                error.gave_up = retry_connection_errors
                raise error from None

            status = response.status_code
            if status in REDIRECT_STATUSES and response.headers.get("Location"):
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise TransportError(
                        "More than %d redirects starting at %s" % (MAX_REDIRECTS, _origin(url)), kind=OTHER, status=status)
                url = urljoin(url, response.headers["Location"])
                if redirected is not None:
                    url = redirected(url)
                if not keeps_token(first_url, url, auth_hosts):
                    headers.pop("Authorization", None)
                continue

            if status in RETRY_STATUSES or (status in GATEWAY_STATUSES and retry_connection_errors):
                if status == 429:
                    self.stats["throttled"] += 1
                    self.gate.throttled()
                if self.policy.should_retry(attempt):
                    self.backoff(attempt, response.headers.get("Retry-After"))
                    attempt += 1
                    continue
                error = error_from_response(status, body)
                error.kind = THROTTLED if status == 429 else TRANSIENT
                error.message = "%s (gave up after %d retries)" % (error.message, attempt)
                error.gave_up = True
                raise error

            self.gate.answered()
            return status, response.headers, body
