"""Start a sandbox as a separate process and talk to its control surface, for test suites.

Either construct with the arguments and let ``with`` start it, or call :meth:`start`::

    with SandboxProcess(tmp_path, users=5) as sandbox:
        ...
    with SandboxProcess().start(tmp_path, users=5) as sandbox:
        token = sandbox.mint_token()
        sandbox.faults(throttle_every=3)
        assert sandbox.stats()["throttled"] == 0

Only ``requests`` is needed. Calls pass ``verify=ca.pem`` explicitly, because a
``REQUESTS_CA_BUNDLE`` in the environment would otherwise override a session's CA.
"""

import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent


def read_env_file(path):
    """Parse a ``sandbox.env`` file into a dict."""
    values = {}
    for line in Path(path).read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key] = value
    return values


class SandboxProcess:
    """A ``python -m sandbox serve`` child process and a client for its control surface."""

    def __init__(self, state_dir=None, python=sys.executable, **cli_args):
        self.python = python
        self.process = None
        self.state_dir = state_dir
        self.cli_args = cli_args
        self.env = {}
        self._log = None

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self, state_dir=None, timeout=120.0, **cli_args):
        """Start the server and wait until it writes ``sandbox.env``; returns self.

        ``state_dir`` and ``cli_args`` default to the constructor's. ``cli_args`` map onto
        flags: ``users=5`` -> ``--users 5``, ``latency_ms=10`` -> ``--latency-ms 10``;
        ``True`` gives a bare flag.
        """
        state_dir = state_dir if state_dir is not None else self.state_dir
        if state_dir is None:
            raise ValueError("SandboxProcess needs a state directory.")
        cli_args = {**self.cli_args, **cli_args}
        self.state_dir = Path(state_dir).resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env_path = self.state_dir / "sandbox.env"
        if env_path.exists():
            env_path.unlink()
        command = [self.python, "-m", "sandbox", "serve", "--state-dir", str(self.state_dir)]
        for name, value in cli_args.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                command.append(flag)
            elif value not in (None, False):
                command += [flag, str(value)]
        self._log = open(self.state_dir / "sandbox.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=self._log,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not env_path.exists():
            if self.process.poll() is not None:
                self._close_log()
                raise RuntimeError(f"sandbox exited with {self.process.returncode}:\n"
                                   f"{self.log_tail()}")
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"sandbox not ready after {timeout}s:\n{self.log_tail()}")
            time.sleep(0.05)
        self.env = read_env_file(env_path)
        return self

    def stop(self, timeout=10.0):
        """SIGTERM the server and wait for it (SIGKILL after ``timeout``); returns its exit code."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()
        return self.process.returncode

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines=40):
        """The last lines of the server's output."""
        path = self.state_dir / "sandbox.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self):
        if self.process is None:
            self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # -- connection facts -------------------------------------------------------------------------

    @property
    def url(self):
        """The base URL, ``https://127.0.0.1:PORT``."""
        return self.env["SANDBOX_URL"]

    @property
    def ca_path(self):
        """Path of the CA certificate that verifies the server."""
        return self.env["EXO_CA_PATH"]

    @property
    def tenant_id(self):
        """The tenant GUID."""
        return self.env["AZURE_TENANT_ID"]

    def module_env(self):
        """The environment variables a module run against this sandbox needs."""
        return {k: v for k, v in self.env.items() if k.startswith(("AZURE_", "EXO_"))}

    # -- control surface ----------------------------------------------------------------------------

    def request(self, method, path, **kwargs):
        """An HTTPS request to ``path`` on the sandbox, verified against its CA."""
        kwargs.setdefault("verify", self.ca_path)
        kwargs.setdefault("timeout", 30)
        return requests.request(method, self.url + path, **kwargs)

    def _control(self, method, path, payload=None):
        response = self.request(method, f"/_sandbox/{path}", json=payload)
        response.raise_for_status()
        return response.json()

    def stats(self):
        """``GET /_sandbox/stats``."""
        return self._control("GET", "stats")

    def timeline(self):
        """``GET /_sandbox/timeline``: each admin API request's start and end since the last reset."""
        return self._control("GET", "timeline")

    def reset(self, state=False):
        """Zero the counters; with ``state=True`` also re-seed the organisation and clear faults."""
        return self._control("POST", "reset", {"state": state})

    def faults(self, **settings):
        """``POST /_sandbox/faults`` with ``settings``; no arguments clears every fault."""
        return self._control("POST", "faults", settings)

    def mint_token(self, **claims):
        """``POST /_sandbox/token``: an access token (client_id, audience, expires_in, roles)."""
        return self._control("POST", "token", claims)["access_token"]

    def mailbox_state(self, identity):
        """The sandbox's own view of a mailbox and its permissions."""
        return self._control("GET", f"state/mailboxes/{requests.utils.quote(identity, safe='')}")

    def trustee_state(self, identity):
        """Everything a recipient holds anywhere (Full Access, Send As, Send on Behalf, group
        memberships, folder permissions), read from the sandbox's model."""
        return self._control("GET", f"state/trustees/{requests.utils.quote(identity, safe='')}")

    def invoke(self, cmdlet, parameters=None, token=None, **kwargs):
        """POST one InvokeCommand the way ExchangeOnlineManagement does; returns the response."""
        headers = {
            "Authorization": f"Bearer {token or self.mint_token()}",
            "X-ResponseFormat": "json",
            "X-CmdletName": cmdlet,
            **kwargs.pop("headers", {}),
        }
        body = {"CmdletInput": {"CmdletName": cmdlet, "Parameters": parameters or {}}}
        url = kwargs.pop("url", f"/adminapi/beta/{self.tenant_id}/InvokeCommand")
        if url.startswith("https://"):
            url = url[len(self.url):]
        return self.request("POST", url, json=body, headers=headers, **kwargs)
