# -*- coding: utf-8 -*-
# Copyright: mailops.exchange contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
#
# FOR INTERNAL COLLECTION USE ONLY: the interfaces in this file serve the plugins of mailops.exchange
# and may change in any release, even a bugfix release. See docs/docsite/rst/developing.rst.
"""A token cache shared by every task and fork of a playbook run.

Each task is a new process, so msal's in-memory cache would ask the token endpoint once
per task and host. This cache keeps one file per key in
``${XDG_CACHE_HOME:-~/.cache}/mailops.exchange/`` (directory 0700, files 0600) and holds an
exclusive ``flock`` across "read, acquire if missing or expiring, write", so forks that
start together make one token request. Only access tokens and their expiry are stored.

A cache another user could tamper with is never trusted: a directory whose parent is writable
by every user, or that belongs to someone else, is not used at all (tokens are then requested
per task), and an entry that is corrupt, belongs to someone else, is readable by others or is
a symbolic link is ignored and replaced. Each case is reported once through ``warn``.
"""

import errno
import fcntl
import hashlib
import json
import os
import re
import stat
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
    """File cache: one ``<key>.json`` plus ``<key>.lock`` per key under ``path``.

    ``warn(message)`` is told, once per message, when the cache cannot be trusted or used.
    """

    def __init__(self, path=None, clock=time.time, warn=None):
        self.path = path or default_cache_dir()
        self._clock = clock
        self._warn = warn
        self._warned = set()

    def _warn_once(self, message):
        if message not in self._warned:
            self._warned.add(message)
            if self._warn is not None:
                self._warn("token_cache: " + message)

    def _files(self, key):
        if not _KEY.match(key):
            raise ValueError("token cache keys are SHA-256 hex digests")
        base = os.path.join(self.path, key)
        return base + ".json", base + ".lock"

    def _prepare_dir(self):
        """Create or check the directory; return why it must not be used, or None."""
        parent = os.path.dirname(os.path.abspath(self.path))
        # Created private: under umask 0 a default-mode directory would then be refused below.
        os.makedirs(parent, mode=0o700, exist_ok=True)
        # Even with the sticky bit, another user could have created the directory (or a
        # symbolic link in its place) before us and read every token written into it.
        if os.stat(parent).st_mode & stat.S_IWOTH:
            return "%s is writable by every user; set XDG_CACHE_HOME to a private directory" % parent
        try:
            os.mkdir(self.path, 0o700)
        except FileExistsError:
            pass
        info = os.lstat(self.path)
        if not stat.S_ISDIR(info.st_mode):
            return "%s is not a directory" % self.path
        if info.st_uid != os.geteuid():
            return "%s belongs to another user (uid %d)" % (self.path, info.st_uid)
        # mkdir honours the umask and an existing directory keeps its mode: tighten it.
        os.chmod(self.path, 0o700)
        return None

    def _read(self, data_file):
        """``((token, expires_on), None)``, ``(None, None)`` when missing, or ``(None, why)``."""
        try:
            # O_NONBLOCK: opening a FIFO planted as the entry would otherwise wait for a writer
            # forever; it is refused below as not a regular file.
            fd = os.open(data_file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return None, None
        except OSError:
            # ELOOP: a symbolic link planted where the entry belongs.
            return None, "it is not a regular file"
        with os.fdopen(fd, "r", encoding="utf-8") as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None, "it is not a regular file"
            if info.st_uid != os.geteuid():
                return None, "it belongs to another user (uid %d)" % info.st_uid
            if info.st_mode & 0o077:
                return None, "its mode %04o lets others read or change it" % stat.S_IMODE(info.st_mode)
            try:
                entry = json.load(handle)
                token, expires_on = entry["access_token"], float(entry["expires_on"])
            except (OSError, ValueError, KeyError, TypeError):
                return None, "it is not a readable cache entry"
        if not isinstance(token, str):
            return None, "it is not a readable cache entry"
        return (token, expires_on), None

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
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(errno.EINVAL, "%s is not a regular file" % lock_file)
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def get_or_acquire(self, key, acquire_fn):
        """Return a cached token valid for 5 more minutes, or acquire and store one.

        ``acquire_fn() -> (access_token, expires_on_epoch_seconds)`` runs under the lock, so
        concurrent callers with the same key wait for the first one's token. If the cache
        directory must not or cannot be used, the token is acquired uncached (with a warning).
        """
        data_file, lock_file = self._files(key)
        try:
            refused = self._prepare_dir()
            fd = None if refused else self._locked(lock_file)
        except OSError as exc:
            refused = "%s cannot be used: %s" % (self.path, exc.strerror or exc)
        if refused:
            self._warn_once("not used, %s; every task asks for its own token" % refused)
            return acquire_fn()[0]
        try:
            entry, problem = self._read(data_file)
            if problem:
                self._warn_once("ignored and replaced %s: %s" % (data_file, problem))
            if entry and entry[1] - REFRESH_MARGIN > self._clock():
                return entry[0]
            token, expires_on = acquire_fn()
            try:
                self._write(data_file, token, expires_on)
            except OSError as exc:
                # A full or read-only disk costs a token request later, not the task.
                self._warn_once("could not write %s: %s" % (data_file, exc.strerror or exc))
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
            entry, unused = self._read(data_file)
            if entry and entry[0] == token:
                os.unlink(data_file)
        except OSError:
            pass
        finally:
            os.close(fd)
