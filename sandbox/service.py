"""Start the sandbox in the background and stop it: ``serve --background`` and ``stop``.

``serve --background`` starts the same ``serve`` command as a detached process (its own session,
its output in ``STATE_DIR/sandbox.log``), waits until it has written ``sandbox.env`` and returns,
so a script can source that file on its next line. ``stop`` ends the server that
``STATE_DIR/sandbox.env`` announces and waits until it is gone.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .testing import REPO_ROOT, read_env_file

LOG_NAME = "sandbox.log"


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def start_background(state_dir, serve_args, timeout):
    """Run ``python -m sandbox serve SERVE_ARGS`` detached; 0 once ready, 1 if it failed."""
    state_dir = Path(state_dir).resolve()
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    env_path = state_dir / "sandbox.env"
    if env_path.exists() and _alive(int(read_env_file(env_path).get("SANDBOX_PID") or 0) or -1):
        print(f"sandbox: already running in {state_dir} (stop it first: python -m sandbox stop "
              f"--state-dir {state_dir})", file=sys.stderr)
        return 1
    log_path = state_dir / LOG_NAME
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "sandbox", "serve", *serve_args], cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        if env_path.exists() and read_env_file(env_path).get("SANDBOX_PID") == str(process.pid):
            env = read_env_file(env_path)
            print(f"sandbox ready at {env['SANDBOX_URL']} (pid {process.pid})\n"
                  f"  env:  set -a; . {env_path}; set +a\n"
                  f"  log:  {log_path}\n"
                  f"  stop: python -m sandbox stop --state-dir {state_dir}", flush=True)
            return 0
        if process.poll() is not None:
            print(f"sandbox: the server exited with {process.returncode} before it was ready:\n"
                  f"{_tail(log_path)}", file=sys.stderr)
            return 1
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            print(f"sandbox: not ready after {timeout:g} s, stopped:\n{_tail(log_path)}", file=sys.stderr)
            return 1
        time.sleep(0.05)


def stop(state_dir, timeout):
    """SIGTERM the server ``STATE_DIR/sandbox.env`` names and wait for it; 0 when none is left."""
    env_path = Path(state_dir).resolve() / "sandbox.env"
    if not env_path.exists():
        print(f"sandbox: none running in {Path(state_dir).resolve()}")
        return 0
    pid = int(read_env_file(env_path).get("SANDBOX_PID") or 0)
    if pid <= 0 or not _alive(pid):
        env_path.unlink()
        print(f"sandbox: process {pid} is gone; removed its stale {env_path.name}")
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and env_path.exists():
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            if env_path.exists():
                env_path.unlink()
            print(f"sandbox: process {pid} did not stop within {timeout:g} s; killed it", file=sys.stderr)
            return 1
        time.sleep(0.05)
    # The server removes sandbox.env as its last step; let it finish exiting.
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    print(f"sandbox: stopped (pid {pid})")
    return 0
