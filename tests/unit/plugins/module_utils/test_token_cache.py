import json
import multiprocessing
import os
import pwd
import stat
import threading
import time

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.token_cache import (
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
    assert set(json.loads((path / (KEY + ".json")).read_text())) == {"access_token", "expires_on"}


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


def test_corrupt_file_is_ignored_and_rewritten_with_a_warning(tmp_path):
    for junk in ("{not json", '{"access_token": 5, "expires_on": 9e99}', '["list"]', "", "\xff\xfe"):
        warnings = []
        cache = TokenCache(str(tmp_path), warn=warnings.append)
        data = tmp_path / (KEY + ".json")
        data.write_text(junk, encoding="latin-1")
        os.chmod(data, 0o600)
        assert cache.get_or_acquire(KEY, lambda: ("fresh", time.time() + 3600)) == "fresh"
        assert cache.get_or_acquire(KEY, lambda: pytest.fail("should be cached")) == "fresh"
        assert warnings == ["token_cache: ignored and replaced %s: it is not a readable cache entry" % data]


def _replaced_with_warning(tmp_path, reason):
    warnings = []
    cache = TokenCache(str(tmp_path), warn=warnings.append)
    assert cache.get_or_acquire(KEY, lambda: ("mine", time.time() + 3600)) == "mine"
    data = tmp_path / (KEY + ".json")
    assert len(warnings) == 1 and reason in warnings[0] and str(data) in warnings[0]
    info = os.lstat(data)
    assert stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) == 0o600
    assert json.loads(data.read_text())["access_token"] == "mine"


def test_entry_readable_by_others_is_replaced(tmp_path):
    data = tmp_path / (KEY + ".json")
    data.write_text(json.dumps({"access_token": "planted", "expires_on": time.time() + 3600}))
    os.chmod(data, 0o644)
    _replaced_with_warning(tmp_path, "its mode 0644 lets others read or change it")


def test_symbolic_link_entry_is_replaced_and_its_target_untouched(tmp_path):
    target = tmp_path.parent / (tmp_path.name + "-elsewhere.json")
    target.write_text(json.dumps({"access_token": "planted", "expires_on": time.time() + 3600}))
    os.chmod(target, 0o600)
    (tmp_path / (KEY + ".json")).symlink_to(target)
    _replaced_with_warning(tmp_path, "not a regular file")
    assert json.loads(target.read_text())["access_token"] == "planted"


def _nobody():
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    return pwd.getpwnam("nobody").pw_uid


def test_entry_of_another_user_is_replaced(tmp_path):
    data = tmp_path / (KEY + ".json")
    data.write_text(json.dumps({"access_token": "planted", "expires_on": time.time() + 3600}))
    os.chmod(data, 0o600)
    os.chown(data, _nobody(), -1)
    _replaced_with_warning(tmp_path, "belongs to another user (uid %d)" % _nobody())


def test_directory_of_another_user_is_not_used(tmp_path):
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    os.chown(path, _nobody(), -1)
    warnings = []
    cache = TokenCache(str(path), warn=warnings.append)
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-2"
    assert list(path.iterdir()) == []
    assert warnings == ["token_cache: not used, %s belongs to another user (uid %d); every task asks for its own "
                        "token" % (path, _nobody())]


def test_world_writable_parent_is_refused(tmp_path):
    parent = tmp_path / "shared"
    parent.mkdir()
    os.chmod(parent, 0o1777)
    warnings = []
    cache = TokenCache(str(parent / "mailops.exchange"), warn=warnings.append)
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-2"
    assert list(parent.iterdir()) == [], "nothing is created in a directory every user can write"
    assert len(warnings) == 1 and "%s is writable by every user" % parent in warnings[0]
    assert "XDG_CACHE_HOME" in warnings[0]


def test_missing_parent_is_created_private_even_under_umask_0(tmp_path):
    warnings = []
    old = os.umask(0)
    try:
        cache = TokenCache(str(tmp_path / "xdg" / "mailops.exchange"), warn=warnings.append)
        acquire = Acquirer()
        assert cache.get_or_acquire(KEY, acquire) == cache.get_or_acquire(KEY, acquire) == "token-1"
    finally:
        os.umask(old)
    assert warnings == []
    assert stat.S_IMODE((tmp_path / "xdg").stat().st_mode) == 0o700


def test_write_failure_warns_and_still_returns_the_token(tmp_path, monkeypatch):
    warnings = []
    cache = TokenCache(str(tmp_path / "cache"), warn=warnings.append)

    def full_disk(*unused_args, **unused_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tempfile.mkstemp", full_disk)
    assert cache.get_or_acquire(KEY, Acquirer()) == "token-1"
    assert warnings == ["token_cache: could not write %s: No space left on device"
                        % (tmp_path / "cache" / (KEY + ".json"))]


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
    warnings = []
    cache = TokenCache(str(blocker / "cache"), warn=warnings.append)
    acquire = Acquirer()
    assert cache.get_or_acquire(KEY, acquire) == "token-1"
    assert cache.get_or_acquire(KEY, acquire) == "token-2"
    assert len(warnings) == 1 and "cannot be used" in warnings[0]
    TokenCache(str(blocker / "cache")).get_or_acquire(KEY, acquire)  # no warn callback: silent


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
    workers = 20
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
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [KEY + ".json", KEY + ".lock"], \
        "no temporary file left behind"


def _in_a_thread(call, seconds=10):
    """Run ``call`` in a thread; (finished, result): a blocked call must not hang the suite."""
    result = []
    thread = threading.Thread(target=lambda: result.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), result


def test_fifo_planted_as_an_entry_is_refused_without_blocking(tmp_path):
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    os.mkfifo(str(path / (KEY + ".json")), 0o600)
    warnings = []
    cache = TokenCache(str(path), warn=warnings.append)
    finished, result = _in_a_thread(lambda: cache.get_or_acquire(KEY, Acquirer()))
    assert finished, "opening a FIFO entry blocked"
    assert result == ["token-1"]
    assert any("not a regular file" in w for w in warnings)
    # The FIFO was replaced by a regular entry of ours.
    assert stat.S_ISREG((path / (KEY + ".json")).lstat().st_mode)
    finished, result = _in_a_thread(lambda: cache.invalidate(KEY, "token-1"))
    assert finished


def test_fifo_planted_as_a_lock_is_refused_without_blocking(tmp_path):
    path = tmp_path / "cache"
    path.mkdir(mode=0o700)
    os.mkfifo(str(path / (KEY + ".lock")), 0o600)
    warnings = []
    cache = TokenCache(str(path), warn=warnings.append)
    finished, result = _in_a_thread(lambda: cache.get_or_acquire(KEY, Acquirer()))
    assert finished, "opening a FIFO lock blocked"
    assert result == ["token-1"]
    assert any("not a regular file" in w for w in warnings)
    finished, unused = _in_a_thread(lambda: cache.invalidate(KEY, "token-1"))
    assert finished
