"""Stateless paging for InvokeCommand results.

A ``$skiptoken`` carries the offset of the next row and a digest of the request body it
belongs to, authenticated with a per-start secret: clients cannot forge offsets, and a token
replayed with a different cmdlet or parameters is refused rather than silently misapplied.
Pages reflect the state at the time they are read: a later page serves the rows of an earlier
run of the same read only while the organisation's ``generation`` (bumped by every change) is
the one they were made at, else the cmdlet runs again. A read's rows are viewed only as its pages
ask for them (sandbox/lazy_rows.py), so a page costs its own rows whatever the organisation's size.
"""

import base64
import hashlib
import hmac
import json
import re
import threading
from collections import OrderedDict

from .lazy_rows import LazyRows, trim

MAX_PAGE_SIZE = 1000
_PREFER = re.compile(r"odata\.maxpagesize\s*=\s*(\d+)", re.IGNORECASE)


class SkipTokenError(ValueError):
    """A skip token that this sandbox did not issue for this request."""


def request_digest(cmdlet_input):
    """A digest identifying a request body, independent of key order."""
    canonical = json.dumps(cmdlet_input, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def max_page_size(prefer_header):
    """The page size requested by a ``Prefer: odata.maxpagesize=N`` header, within 1..1000."""
    match = _PREFER.search(prefer_header or "")
    if not match:
        return MAX_PAGE_SIZE
    return min(max(int(match.group(1)), 1), MAX_PAGE_SIZE)


class Pager:
    """Issues and checks skip tokens with a secret of its own."""

    # Results of multi-page reads kept for their later pages; a few, as a client pages through
    # one or two organisation-wide reads at a time.
    KEPT_RESULTS = 8

    def __init__(self, secret):
        self._secret = secret
        self._results = OrderedDict()
        self._results_lock = threading.Lock()

    def result(self, org, digest, offset, size, run):
        """The result of a read for the page at ``offset``: ``run()``'s, or the one an earlier
        page of the same request body got while the organisation is unchanged since.

        The generation is read under the organisation's lock, in which ``run`` (a cmdlet)
        changes state, so a kept result is never newer or older than its generation says.
        """
        with org.lock:
            generation = org.generation
            if offset:
                with self._results_lock:
                    kept = self._results.get(digest)
                if kept is not None and kept[0] == generation:
                    return kept[1]
            result = run()
            if org.generation != generation or not _more_than(result.rows, size):
                return result
        with self._results_lock:
            self._results[digest] = (generation, result)
            self._results.move_to_end(digest)
            while len(self._results) > self.KEPT_RESULTS:
                self._results.popitem(last=False)
        return result

    def _mac(self, payload):
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:16]

    def token(self, digest, offset):
        """The skip token for the page of request ``digest`` starting at ``offset``."""
        payload = f"{offset}:{digest}".encode()
        return base64.urlsafe_b64encode(self._mac(payload) + payload).decode().rstrip("=")

    def offset(self, token, digest):
        """The offset ``token`` stands for; :class:`SkipTokenError` if it is not valid here."""
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (ValueError, TypeError) as exc:
            raise SkipTokenError("The skip token is malformed.") from exc
        mac, payload = raw[:16], raw[16:]
        if len(mac) < 16 or not hmac.compare_digest(mac, self._mac(payload)):
            raise SkipTokenError("The skip token was not issued by this server.")
        offset, unused, token_digest = payload.decode("ascii", "replace").partition(":")
        if token_digest != digest:
            raise SkipTokenError("The skip token belongs to a different request body.")
        return int(offset)

    def read(self, org, digest, offset, size, run, wanted=None):
        """:meth:`result` and its :meth:`page` at ``offset``, both under the organisation's lock
        (a :class:`~sandbox.lazy_rows.LazyRows` views its rows as a page asks for them): returns
        ``(result, page, next_token_or_None)``."""
        with org.lock:
            result = self.result(org, digest, offset, size, run)
            return (result, *self.page(result.rows, digest, offset, size, wanted))

    def page(self, rows, digest, offset, size, wanted=None):
        """Slice ``rows`` at ``offset``, narrowed to the ``wanted`` properties (lower-case names)
        when given; returns ``(page, next_token_or_None)``."""
        end = offset + size
        next_token = self.token(digest, end) if _more_than(rows, end) else None
        if isinstance(rows, LazyRows):
            return rows.page(offset, size, wanted), next_token
        page = rows[offset:end]
        return (page if wanted is None else [trim(row, wanted) for row in page]), next_token


def _more_than(rows, count):
    return rows.more_than(count) if isinstance(rows, LazyRows) else len(rows) > count
