"""A throw-away MIT Kerberos realm on loopback for the sandbox's Kerberos mode.

Exchange's ``/PowerShell`` virtual directory accepts Kerberos only by default, so the sandbox
can run a real KDC (Debian's ``krb5-kdc``; ``scripts/install_krb5.sh`` installs it) beside its
WSMan endpoint: a realm in a directory of its own, ``krb5kdc`` on a free loopback port, the
administrator's principal and the endpoint's ``HTTP/<fqdn>`` service principal, whose key goes
into a keytab the endpoint accepts with. Nothing outside that directory is read or written:
``KRB5_CONFIG`` and ``KRB5_KDC_PROFILE`` point the MIT tools at the realm's own files.

The realm's ``krb5.conf`` turns host name canonicalisation off (``dns_canonicalize_hostname``
and ``rdns``): a loopback name resolves back to ``localhost``, which would otherwise replace
the name the client connected to in the service principal it asks for.
"""

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time

PROGRAMS = ("krb5kdc", "kdb5_util", "kadmin.local")
SEARCH_PATH = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")
INSTALL_HINT = ("the MIT Kerberos KDC is not installed; run scripts/install_krb5.sh (as root with "
                "apt-get, or: sudo apt-get install krb5-kdc krb5-admin-server krb5-user)")
_START_TIMEOUT_S = 10.0
_PR_SET_PDEATHSIG = 1


class KdcError(RuntimeError):
    """The realm could not be made or its KDC did not start."""


def require_gssapi():
    """Fail unless pyspnego can accept Kerberos here (its ``kerberos`` extra: gssapi and krb5)."""
    try:
        import gssapi  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
        import krb5  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError as err:
        raise KdcError(f"{err.name} is not installed: pip install -r requirements-dev.txt after "
                       "scripts/install_krb5.sh (they build against libkrb5-dev)") from err


def find_program(name):
    """The path of an MIT Kerberos program (often in ``/usr/sbin``, off a user's PATH), or None."""
    found = shutil.which(name)
    if found:
        return found
    for directory in SEARCH_PATH:
        path = os.path.join(directory, name)
        if os.access(path, os.X_OK):
            return path
    return None


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent():
    """Run in the KDC's child process: a KDC must not outlive the sandbox that started it."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        pass


class Realm:
    """One realm and its running KDC, made under ``directory`` (created, mode 0700).

    ``realm`` is the Kerberos realm (capitals, as Active Directory names it), ``host`` the
    endpoint's FQDN, ``domain`` the DNS suffix mapped to the realm.
    """

    def __init__(self, directory, realm, host, domain):
        self.directory = os.path.abspath(directory)
        self.realm = realm
        self.host = host
        self.domain = domain
        self.port = None
        self.process = None
        self.config_path = os.path.join(self.directory, "krb5.conf")
        self.kdc_profile = os.path.join(self.directory, "kdc.conf")
        self.keytab = os.path.join(self.directory, "http.keytab")
        self.log_path = os.path.join(self.directory, "kdc.log")

    @property
    def service_principal(self):
        """The endpoint's principal, ``HTTP/<fqdn>@REALM`` (what IIS accepts with)."""
        return f"HTTP/{self.host}@{self.realm}"

    def principal(self, user):
        """A user's principal name in this realm, ``user@REALM``."""
        return f"{user}@{self.realm}"

    def client_keytab(self, user):
        """A keytab with ``user``'s key (``DIR/<user>.keytab``), as an admin exports one for
        unattended runs; returns its path. MIT Kerberos gets a ticket from it by itself when the
        client's ``KRB5_CLIENT_KTNAME`` names it and the cache is empty."""
        path = os.path.join(self.directory, f"{user}.keytab")
        self._kadmin(f"ktadd -norandkey -k {path} {self.principal(user)}")
        return path

    def env(self):
        """The variables that point MIT Kerberos (and pyspnego through it) at this realm."""
        return {"KRB5_CONFIG": self.config_path, "KRB5_KDC_PROFILE": self.kdc_profile}

    def start(self, users):
        """Make the realm with ``users`` (``{name: password}``), start the KDC; returns self."""
        missing = [name for name in PROGRAMS if find_program(name) is None]
        if missing:
            raise KdcError(f"{', '.join(missing)} not found: {INSTALL_HINT}")
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        self.port = _free_port()
        self._write_config()
        self._run("kdb5_util", "create", "-s", "-W", "-P", secrets.token_urlsafe(24))
        for user, password in users.items():
            self._kadmin(f"addprinc -pw {password} {self.principal(user)}")
        self._kadmin(f"addprinc -randkey {self.service_principal}")
        self._kadmin(f"ktadd -k {self.keytab} {self.service_principal}")
        log = open(self.log_path, "ab")  # noqa: SIM115 - the KDC's stdout for its whole life
        try:
            self.process = subprocess.Popen(  # pylint: disable=subprocess-popen-preexec-fn
                [find_program("krb5kdc"), "-n", "-r", self.realm], env=self._tool_env(),
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent)
        finally:
            log.close()
        self._wait_listening()
        return self

    def stop(self):
        """Stop the KDC (the realm's files stay for inspection until the state dir goes)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_listening(self):
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise KdcError(f"krb5kdc exited with {self.process.returncode}: {self._log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise KdcError(f"krb5kdc did not listen on 127.0.0.1:{self.port}: {self._log_tail()}")

    def _log_tail(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()[-2000:]
        except OSError:
            return ""

    def _tool_env(self):
        env = dict(os.environ)
        env.update(self.env())
        return env

    def _run(self, program, *args):
        command = [find_program(program), "-r", self.realm, *args]
        result = subprocess.run(command, env=self._tool_env(), stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=30, check=False)
        if result.returncode != 0:
            # The command line holds passwords: name the program, show only its output.
            raise KdcError(f"{program} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def _kadmin(self, query):
        return self._run("kadmin.local", "-q", query)

    def _write_config(self):
        listen = f"127.0.0.1:{self.port}"
        files = {
            self.kdc_profile: (
                "[kdcdefaults]\n"
                f" kdc_listen = {listen}\n"
                f" kdc_tcp_listen = {listen}\n"
                "[realms]\n"
                f" {self.realm} = {{\n"
                f"  database_name = {self.directory}/principal\n"
                f"  key_stash_file = {self.directory}/stash\n"
                f"  acl_file = {self.directory}/kadm5.acl\n"
                "  max_life = 10h\n"
                "  max_renewable_life = 1d\n"
                "  supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal\n"
                " }\n"
                "[logging]\n"
                f" kdc = FILE:{self.log_path}\n"),
            self.config_path: (
                "[libdefaults]\n"
                f" default_realm = {self.realm}\n"
                " dns_lookup_kdc = false\n"
                " dns_lookup_realm = false\n"
                " dns_canonicalize_hostname = false\n"
                " rdns = false\n"
                " udp_preference_limit = 1\n"
                "[realms]\n"
                f" {self.realm} = {{\n"
                f"  kdc = {listen}\n"
                " }\n"
                "[domain_realm]\n"
                f" .{self.domain} = {self.realm}\n"
                f" {self.domain} = {self.realm}\n"),
            os.path.join(self.directory, "kadm5.acl"): "",
        }
        for path, text in files.items():
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(text)
