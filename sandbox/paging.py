"""Stateless paging for InvokeCommand results.

A ``$skiptoken`` carries the offset of the next row and a digest of the request body it
belongs to, authenticated with a per-start secret: clients cannot forge offsets, and a token
replayed with a different cmdlet or parameters is refused rather than silently misapplied.
The cmdlet runs again for each page, so pages reflect the state at the time they are read.
"""

import base64
import hashlib
import hmac
import json
import re

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

    def __init__(self, secret):
        self._secret = secret

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

    def page(self, rows, digest, offset, size):
        """Slice ``rows`` at ``offset``; returns ``(page, next_token_or_None)``."""
        end = offset + size
        next_token = self.token(digest, end) if end < len(rows) else None
        return rows[offset:end], next_token
