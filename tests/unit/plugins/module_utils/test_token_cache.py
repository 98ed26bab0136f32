import multiprocessing
import os
import stat
import time

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.token_cache import (
    MemoryTokenCache,
    TokenCache,
    cache_key,
    default_cache_dir,
)

KEY = cache_key("https://login.microsoftonline.com/t", "t", "client", "https://outlook.office365.com", "fp")


class Acquirer:
    def __init__(self, lifetime=3600):
        self.calls = 0
        self.lifetime = lifetime

    def __call__(self):
        self.calls += 1
        return "token-%d" % self.calls, time.time() + self.lifetime


def test_default_location(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == str(tmp_path / "mailops.exchange")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == str(tmp_path / "home" / ".cache" / "mailops.exchange")
    assert TokenCache().path == default_cache_dir()


def test_modes_and_contents(tmp_path):
    path = tmp_path / "cache"
    cache = TokenCache(str(path))
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert acquire.calls == 1
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    files = sorted(p.name for p in path.iterdir())
    assert files == [KEY + ".json", KEY + ".lock"]
    for name in files:
        assert stat.S_IMODE((path / name).stat().st_mode) == 0o600
    assert set(__import__("json").loads((path / (KEY + ".json")).read_text())) == {"access_token", "expires_on"}


def test_existing_directory_is_tightened(tmp_path):
    path = tmp_path / "cache"
    path.mkdir(mode=0o755)
    os.chmod(path, 0o755)
    TokenCache(str(path)).get_or_acquire(KEY, Acquirer())
    assert stat.S_IMODE(path.stat().st_mode) == 0o700


def test_expiring_token_is_renewed(tmp_path):
    cache = TokenCache(str(tmp_path))
    short = Acquirer(lifetime=200)  # inside the 5 minute margin
    cache.get_or_acquire(KEY, short)
    assert cache.get_or_acquire(KEY, short) == "token-2"
    now = [1000.0]
    clocked = TokenCache(str(tmp_path / "b"), clock=lambda: now[0])
    fixed = iter([("a", 1000.0 + 3600), ("b", 1000.0 + 7200)])
    assert clocked.get_or_acquire(KEY, lambda: next(fixed)) == "a"
    now[0] += 3600 - 301
    assert clocked.get_or_acquire(KEY, lambda: next(fixed)) == "a"
    now[0] += 2
    assert clocked.get_or_acquire(KEY, lambda: next(fixed)) == "b"


def refuse():
    raise RuntimeError("invalid_client")


def test_credential_fingerprint_separates_keys(tmp_path):
    cache = TokenCache(str(tmp_path))
    right = cache_key("https://a/t", "t", "c", "https://r", "fingerprint-of-right-secret")
    wrong = cache_key("https://a/t", "t", "c", "https://r", "fingerprint-of-wrong-secret")
    assert right != wrong
    cache.get_or_acquire(right, lambda: ("good", time.time() + 3600))
    with pytest.raises(RuntimeError):
        cache.get_or_acquire(wrong, refuse)
    for other in (cache_key("https://b/t", "t", "c", "https://r", "f"), cache_key("https://a/t", "u", "c", "https://r", "f"),
                  cache_key("https://a/t", "t", "d", "https://r", "f"), cache_key("https://a/t", "t", "c", "https://s", "f")):
        assert other != cache_key("https://a/t", "t", "c", "https://r", "f")


def test_corrupt_file_is_ignored_and_rewritten(tmp_path):
    cache = TokenCache(str(tmp_path))
    for junk in ("{not json", '{"access_token": 5, "expires_on": 9e99}', '["list"]', ""):
        (tmp_path / (KEY + ".json")).write_text(junk)
        assert cache.get_or_acquire(KEY, lambda: ("fresh", time.time() + 3600)) == "fresh"
        assert cache.get_or_acquire(KEY, lambda: pytest.fail("should be cached")) == "fresh"


def test_invalidate_only_drops_the_refused_token(tmp_path):
    cache = TokenCache(str(tmp_path))
    acquire = Acquirer()
    cache.get_or_acquire(KEY, acquire)
    cache.invalidate(KEY, "some-older-token")
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    cache.invalidate(KEY, "token-1")
    assert cache.get_or_acquire(KEY, acquire) == "token-2"
    TokenCache(str(tmp_path / "never-created")).invalidate(KEY, "x")


def test_unusable_directory_falls_back_to_acquiring(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = TokenCache(str(blocker / "cache"))
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-2"


def test_keys_must_be_digests(tmp_path):
    with pytest.raises(ValueError):
        TokenCache(str(tmp_path)).get_or_acquire("../../etc/passwd", Acquirer())


def test_memory_cache():
    cache = MemoryTokenCache()
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    cache.invalidate(KEY, "other")
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    cache.invalidate(KEY, "token-1")
    assert cache.get_or_acquire(KEY, acquire) == "token-2"
    assert MemoryTokenCache().get_or_acquire(KEY, Acquirer(lifetime=10)) == "token-1"


def _fork_worker(path, counter, barrier, results):
    barrier.wait()

    def acquire():
        # Record the call where every process sees it, and be slow like a real token endpoint.
        with open(counter, "a") as handle:
            handle.write("%d\n" % os.getpid())
        time.sleep(0.2)
        return "shared-token", time.time() + 3600

    results.put(TokenCache(path).get_or_acquire(KEY, acquire))


def test_forks_starting_together_make_one_request(tmp_path):
    context = multiprocessing.get_context("fork")
    workers = 8
    barrier = context.Barrier(workers)
    results = context.Queue()
    counter = tmp_path / "calls"
    processes = [context.Process(target=_fork_worker, args=(str(tmp_path / "cache"), str(counter), barrier, results))
                 for _index in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(20)
        assert process.exitcode == 0
    assert [results.get(timeout=5) for _index in range(workers)] == ["shared-token"] * workers
    assert len(counter.read_text().splitlines()) == 1
