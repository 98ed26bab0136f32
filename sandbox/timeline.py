"""When each admin API request started and ended: where a benchmark's wall time goes.

The sandbox records one event per Exchange admin API request (``start``, ``end`` on the
machine's monotonic clock, which every process on the machine shares, so a benchmark can put
its own times beside them), its kind (``single``/``batch``), its cmdlet (a ``$batch``'s first
entry's), and whether the budget admitted it. ``GET /_sandbox/timeline`` returns them;
``POST /_sandbox/reset`` forgets them. At most :data:`MAX_EVENTS` are kept (the oldest go).

:func:`summary` reads a list of events: how many requests were in flight over time, how long
none was (the client was busy elsewhere: CPU, start-up, a phase waiting for another), how long
the budget was full, and each cmdlet's phase (first start, last end).
"""

import collections
import threading
import time

MAX_EVENTS = 500_000


class Timeline:
    """A bounded, thread-safe list of request events."""

    def __init__(self, clock=time.monotonic, max_events=MAX_EVENTS):
        self.clock = clock
        self._lock = threading.Lock()
        self._events = collections.deque(maxlen=max_events)

    def record(self, start, kind, cmdlet, admitted):
        """One request that started at ``start`` (this timeline's clock) ends now."""
        event = (round(start, 4), round(self.clock(), 4), kind, cmdlet or "", bool(admitted))
        with self._lock:
            self._events.append(event)

    def events(self, reset=False):
        """The events as JSON-ready lists ``[start, end, kind, cmdlet, admitted]``, by start."""
        with self._lock:
            events = sorted(self._events)
            if reset:
                self._events.clear()
        return [list(event) for event in events]

    def clear(self):
        """Forget every event."""
        with self._lock:
            self._events.clear()


def summary(events, budget, origin=None, bucket_s=1.0):
    """What ``events`` (as :meth:`Timeline.events` returns them) say about the time they span.

    ``origin``: when the client started (the same clock), so the time before the first request is
    counted as a gap; default the first start. Returns a dict of seconds and counts: ``span_s``
    (origin to last end), ``busy_s`` (at least one admitted request in flight), ``idle_s`` (none),
    ``full_s`` (``budget`` or more in flight), ``mean_in_flight`` (time-weighted over the span),
    ``first_request_s`` (origin to the first start), ``refused`` (not admitted), ``phases`` (per
    cmdlet: requests, first start and last end from the origin), ``in_flight`` (the mean in flight
    in each ``bucket_s`` bucket from the origin, for a plot)."""
    admitted = [e for e in events if e[4]]
    if not admitted:
        return {"span_s": 0.0, "busy_s": 0.0, "idle_s": 0.0, "full_s": 0.0, "mean_in_flight": 0.0,
                "first_request_s": 0.0, "refused": len(events), "phases": {}, "in_flight": []}
    origin = min(e[0] for e in admitted) if origin is None else origin
    edges = sorted([(e[0], 1) for e in admitted] + [(e[1], -1) for e in admitted])
    end = edges[-1][0]
    buckets = [0.0] * (int((end - origin) / bucket_s) + 1)
    busy = full = area = 0.0
    level, last = 0, origin
    for when, step in edges:
        when = max(when, origin)
        if when > last:
            width = when - last
            area += level * width
            busy += width if level else 0.0
            full += width if level >= budget else 0.0
            _spread(buckets, origin, bucket_s, last, when, level)
            last = when
        level += step
    span = end - origin
    phases = {}
    for start, stop, unused_kind, cmdlet, unused_admitted in admitted:
        phase = phases.setdefault(cmdlet, {"requests": 0, "first_start_s": start - origin, "last_end_s": 0.0})
        phase["requests"] += 1
        phase["first_start_s"] = min(phase["first_start_s"], start - origin)
        phase["last_end_s"] = max(phase["last_end_s"], stop - origin)
    for phase in phases.values():
        phase["first_start_s"] = round(phase["first_start_s"], 2)
        phase["last_end_s"] = round(phase["last_end_s"], 2)
    return {"span_s": round(span, 2), "busy_s": round(busy, 2), "idle_s": round(span - busy, 2),
            "full_s": round(full, 2), "mean_in_flight": round(area / span, 2) if span else 0.0,
            "first_request_s": round(min(e[0] for e in admitted) - origin, 2),
            "refused": len(events) - len(admitted), "phases": phases,
            "in_flight": [round(b / bucket_s, 2) for b in buckets]}


def _spread(buckets, origin, bucket_s, start, end, level):
    """Add ``level`` x the time between ``start`` and ``end`` to the buckets it overlaps."""
    if not level:
        return
    index = int((start - origin) / bucket_s)
    while start < end and index < len(buckets):
        bucket_end = origin + (index + 1) * bucket_s
        stop = min(end, bucket_end)
        buckets[index] += level * (stop - start)
        start, index = stop, index + 1
