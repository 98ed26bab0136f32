# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scripted stand-ins for a requests session, shared by the transport and runner unit tests."""

from __future__ import annotations

import json

import requests
from requests.structures import CaseInsensitiveDict


class FakeResponse:
    """A response with a status, a JSON (or text, or bytes) body and case-insensitive headers.

    ``content`` raises ``ContentDecodingError`` when ``undecodable`` (NUL bytes labelled gzip).
    """

    def __init__(self, status, body=None, headers=None, undecodable=False):
        self.status_code = status
        self.headers = CaseInsensitiveDict(headers or {})
        if isinstance(body, bytes):
            self.text = body.decode("utf-8", "replace")
            self._raw = body
        else:
            self.text = json.dumps(body) if isinstance(body, (dict, list)) else (body or "")
            self._raw = self.text.encode("utf-8")
        self.undecodable = undecodable
        self.closed = False

    @property
    def content(self):
        if self.undecodable:
            raise requests.exceptions.ContentDecodingError("Received response with content-encoding: gzip, but "
                                                           "failed to decode it.")
        return self._raw

    def close(self):
        self.closed = True


class FakeSession:
    """Plays back responses (or raises exceptions) and records every request."""

    def __init__(self, *script):
        self.script = list(script)
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append({"method": method, "url": url, **kwargs, "headers": dict(kwargs["headers"])})
        item = self.script.pop(0)
        if isinstance(item, Exception):
            raise item
        return item
