"""What a request costs: the per-app budgets of the Exchange admin API and the time an answer takes.

Pure logic with an injectable clock, so it is tested without a server (docs/sandbox.md,
"The cost model", says which parts are documented for the real service and which are guessed):

- a **concurrency budget** per app per tenant: a request that arrives while that many of the
  app's requests are in flight is refused (429 with Retry-After) instead of waiting;
- a **rate budget** per app per tenant over a fixed window, announced on every answer in the
  ``Rate-Limit-Limit`` / ``Rate-Limit-Remaining`` / ``Rate-Limit-Reset`` headers;
- the **latency** of a request: the configured mean times a mean-one log-normal factor (the
  spread), and a page of rows costs more than a single object;
- the cost of a **$batch**: its entries' costs side by side (the longest) or one after another
  (their sum), the two models the benchmark compares.
"""

import base64
import datetime
import json
import math
import threading
import time

BATCH_MODELS = ("parallel", "sequential")


def spread_factor(rng, sigma):
    """A log-normal factor of mean 1 (``exp(sigma * Z - sigma**2 / 2)``); exactly 1 for ``sigma`` 0."""
    if not sigma:
        return 1.0
    return math.exp(sigma * rng.gauss(0.0, 1.0) - sigma * sigma / 2.0)


def answer_cost(latency_s, rows, rows_per_latency):
    """Seconds one answer of ``rows`` rows takes: ``latency_s`` for the request, plus one more
    ``latency_s`` for every ``rows_per_latency`` rows (0: rows are free)."""
    if not rows_per_latency or not rows:
        return latency_s
    return latency_s * (1.0 + float(rows) / rows_per_latency)


def batch_cost(entry_costs, model):
    """Seconds a ``$batch`` takes whose entries cost ``entry_costs``: the longest entry when they
    run side by side (``parallel``), their sum when one runs after the other (``sequential``)."""
    if model not in BATCH_MODELS:
        raise ValueError("batch model must be one of %s, not %r" % (", ".join(BATCH_MODELS), model))
    costs = list(entry_costs)
    if not costs:
        return 0.0
    return max(costs) if model == "parallel" else sum(costs)


def app_key(authorization):
    """``(tenant id, app id)`` from a bearer token's claims, read without checking the token:
    the budget is counted before the request is authenticated, as a front door counts it.
    Anything unreadable is counted under ``("", "")``."""
    scheme, unused, token = (authorization or "").partition(" ")
    parts = token.strip().split(".")
    if scheme.lower() != "bearer" or len(parts) != 3:
        return ("", "")
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return ("", "")
    if not isinstance(claims, dict):
        return ("", "")
    return (str(claims.get("tid", "")), str(claims.get("appid", claims.get("azp", ""))))


class Admission:
    """The budget's answer to one request: ``admitted``, and what the headers announce."""

    def __init__(self, admitted, reason, limit, remaining, reset_epoch, retry_after):
        self.admitted = admitted
        # "concurrency" or "rate" when refused, else "".
        self.reason = reason
        self.limit = limit
        self.remaining = remaining
        self.reset_epoch = reset_epoch
        self.retry_after = retry_after

    def headers(self):
        """The ``Rate-Limit-*`` headers of the answer (Reset as an ISO 8601 UTC time)."""
        reset = datetime.datetime.fromtimestamp(self.reset_epoch, datetime.timezone.utc)
        return [("Rate-Limit-Limit", str(self.limit)), ("Rate-Limit-Remaining", str(self.remaining)),
                ("Rate-Limit-Reset", reset.strftime("%Y-%m-%dT%H:%M:%S.000Z"))]


class Budget:
    """Requests in flight and requests per window, per key (tenant, app), thread-safe.

    ``admit`` either takes a slot (the caller must ``release`` it when the answer is ready) or
    refuses. A refused request takes no slot and does not count against the rate: it did not
    run. ``concurrency`` or ``rate`` 0 switches that budget off; the headers then announce the
    rate window all the same (``limit`` as configured, 0 meaning none is enforced).
    """

    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self._in_flight = {}
        self._windows = {}
        self._peak = {}

    def admit(self, key, concurrency, rate, window_s, retry_after):
        """Take a slot for ``key`` or refuse; returns an :class:`Admission`."""
        now = self._clock()
        window_s = max(int(window_s), 1)
        start = math.floor(now / window_s) * window_s
        reset = start + window_s
        with self._lock:
            in_flight = self._in_flight.get(key, 0)
            window, used = self._windows.get(key, (start, 0))
            if window != start:
                used = 0
            if concurrency and in_flight >= concurrency:
                return Admission(False, "concurrency", rate, max(rate - used, 0), reset, retry_after)
            if rate and used >= rate:
                wait = max(int(math.ceil(reset - now)), 1)
                return Admission(False, "rate", rate, 0, reset, wait)
            self._in_flight[key] = in_flight + 1
            self._peak[key] = max(self._peak.get(key, 0), in_flight + 1)
            self._windows[key] = (start, used + 1)
            return Admission(True, "", rate, max(rate - used - 1, 0), reset, 0)

    def release(self, key):
        """Give back the slot an admitted request of ``key`` took."""
        with self._lock:
            self._in_flight[key] -= 1

    def in_flight(self, key):
        """Requests of ``key`` in flight now."""
        with self._lock:
            return self._in_flight.get(key, 0)

    def peak(self, reset=False):
        """The most requests any one key had in flight since the last :meth:`reset_peak`; with
        ``reset``, forgotten in the same step."""
        with self._lock:
            peak = max(self._peak.values(), default=0)
            if reset:
                self._peak = {}
            return peak

    def reset_peak(self):
        """Forget the peak (the stats reset does)."""
        with self._lock:
            self._peak = {}
