# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A token cache shared by every task and fork of a playbook run.

Each task is a new process, so msal's in-memory cache would ask the token endpoint once
per task and host. This cache keeps one file per key in
``${XDG_CACHE_HOME:-~/.cache}/mailops.exchange/`` (directory 0700, files 0600) and holds an
exclusive ``flock`` across "read, acquire if missing or expiring, write", so forks that
start together make one token request. Only access tokens and their expiry are stored.
"""

import fcntl
import hashlib
import json
import os
import re
import tempfile
import time

# A token that expires within this many seconds is renewed rather than handed out: a long
# paged read must not start with a token that dies half way.
REFRESH_MARGIN = 300

_KEY = re.compile(r"^[0-9a-f]{64}$")


def cache_key(authority, tenant_id, client_id, resource, credential_fingerprint):
    """SHA-256 key over everything that makes a token reusable.

    The credential fingerprint is part of it so a run with a wrong secret never gets the
    token that a run with the right one cached.
    """
    material = "\0".join(str(part or "") for part in (authority, tenant_id, client_id, resource, credential_fingerprint))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def default_cache_dir():
    """``${XDG_CACHE_HOME:-~/.cache}/mailops.exchange``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mailops.exchange")


class MemoryTokenCache:
    """Per-process cache with the same interface, for ``token_cache: false``."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._entries = {}

    def get_or_acquire(self, key, acquire_fn):
        """Return a valid cached token, or call ``acquire_fn() -> (token, expires_on)``."""
        entry = self._entries.get(key)
        if entry and entry[1] - REFRESH_MARGIN > self._clock():
            return entry[0]
        token, expires_on = acquire_fn()
        self._entries[key] = (token, expires_on)
        return token

    def invalidate(self, key, token):
        """Forget ``token`` under ``key`` (only if it is still the cached one)."""
        if self._entries.get(key, (None,))[0] == token:
            del self._entries[key]


class TokenCache:
    """File cache: one ``<key>.json`` plus ``<key>.lock`` per key under ``path``."""

    def __init__(self, path=None, clock=time.time):
        self.path = path or default_cache_dir()
        self._clock = clock

    def _files(self, key):
        if not _KEY.match(key):
            raise ValueError("token cache keys are SHA-256 hex digests")
        base = os.path.join(self.path, key)
        return base + ".json", base + ".lock"

    def _prepare_dir(self):
        os.makedirs(self.path, mode=0o700, exist_ok=True)
        # makedirs honours the umask and leaves an existing directory alone: tighten it.
        # chmod fails on a directory of another user, which then is not used at all.
        os.chmod(self.path, 0o700)

    def _read(self, data_file):
        try:
            with open(data_file, "r", encoding="utf-8") as handle:
                entry = json.load(handle)
            token, expires_on = entry["access_token"], float(entry["expires_on"])
        except (OSError, ValueError, KeyError, TypeError):
            # Missing or corrupt (e.g. a disk that filled up): act as if empty, it is rewritten.
            return None
        if not isinstance(token, str):
            return None
        return token, expires_on

    def _write(self, data_file, token, expires_on):
        fd, tmp = tempfile.mkstemp(dir=self.path, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"access_token": token, "expires_on": expires_on}, handle)
            os.replace(tmp, data_file)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def _locked(self, lock_file):
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def get_or_acquire(self, key, acquire_fn):
        """Return a cached token valid for 5 more minutes, or acquire and store one.

        ``acquire_fn() -> (access_token, expires_on_epoch_seconds)`` runs under the lock, so
        concurrent callers with the same key wait for the first one's token. If the cache
        directory cannot be used (not ours, read-only), the token is acquired uncached.
        """
        data_file, lock_file = self._files(key)
        try:
            self._prepare_dir()
            fd = self._locked(lock_file)
        except OSError:
            return acquire_fn()[0]
        try:
            entry = self._read(data_file)
            if entry and entry[1] - REFRESH_MARGIN > self._clock():
                return entry[0]
            token, expires_on = acquire_fn()
            try:
                self._write(data_file, token, expires_on)
            except OSError:
                pass  # a full or read-only disk costs a token request later, not the task
            return token
        finally:
            os.close(fd)

    def invalidate(self, key, token):
        """Remove the entry for ``key`` if it still holds ``token`` (another fork may
        already have stored a fresh one, which must survive)."""
        data_file, lock_file = self._files(key)
        try:
            fd = self._locked(lock_file)
        except OSError:
            return
        try:
            entry = self._read(data_file)
            if entry and entry[0] == token:
                os.unlink(data_file)
        except OSError:
            pass
        finally:
            os.close(fd)
