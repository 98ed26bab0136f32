"""The on-premises Exchange remoting endpoint: WS-Management over HTTP(S) at ``/PowerShell``.

Unmodified pypsrp connects to it as to Exchange's IIS virtual directory:

- plain HTTP with Negotiate or NTLM (pyspnego's acceptor, users from an ``NTLM_USER_FILE``)
  and per-message encryption (``multipart/encrypted``), as Exchange does over port 80;
- in Kerberos mode (``serve --kerberos``), Kerberos only, as Exchange's default: the endpoint
  answers to its FQDN, accepts tickets for ``HTTP/<fqdn>@REALM`` from the keytab of the
  sandbox's own KDC (:mod:`sandbox.kdc`), and refuses NTLM; the messages are encrypted with
  the Kerberos session key;
- HTTPS with Basic, Negotiate or NTLM (the TLS channel protects the messages);
- only the ``Microsoft.Exchange`` configuration, only the path ``/PowerShell`` (anything
  else is 404 like IIS); Create, Command, Send, Receive, Signal and Delete, with WS-Management
  faults for unknown shells, actions and resources.

Every command a pipeline carries is recorded (``Sandbox.commands``) before it runs, for tests
to prove what arrived. Cmdlets count into the same stats as the Exchange Online front end.

Injected faults (``remoting`` in ``/_sandbox/faults``) drop a pipeline's connection: before it
runs, the Command (or Send) that carries it gets no answer; after it ran, the Receive that
would deliver its output gets none. Either way the TCP connection closes, as a network fault
would close it.
"""

import base64
import collections
import os
import secrets
import struct
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler

import spnego
import spnego.exceptions

from . import kdc, psrp_soap
from .listener import LoopbackServer, content_length, drain
from .psrp_host import Dropped, RunspaceHost

CONFIGURATION = "Microsoft.Exchange"
MAX_BODY_BYTES = 4 * 1024 * 1024
COMMAND_LOG_SIZE = 5000
_IDLE_TIMEOUT_S = 120
_SOAP = "application/soap+xml;charset=UTF-8"
_NEGOTIATE_SCHEMES = ("negotiate", "ntlm")


class Account:
    """The Exchange administrator the endpoint accepts (``DOMAIN\\user`` or UPN)."""

    def __init__(self, netbios, upn, password, principal=None):
        self.netbios = netbios
        self.upn = upn
        self.sam = upn.split("@")[0]
        self.password = password
        # The Kerberos principal (``exadmin@CONTOSO.LOCAL``) in Kerberos mode, else None.
        self.principal = principal

    @property
    def logon_name(self):
        """``DOMAIN\\user``, the form Exchange shows as the shell owner."""
        return f"{self.netbios}\\{self.sam}"

    def matches(self, username, password):
        """Whether Basic credentials name this account with its password."""
        names = {self.logon_name.lower(), self.upn.lower()}
        return username.lower() in names and password == self.password

    def ntlm_user_file(self):
        """Lines for pyspnego's NTLM credential store (``DOMAIN:USER:PASSWORD``)."""
        return (f"{self.netbios}:{self.sam}:{self.password}\n"
                f":{self.upn}:{self.password}\n")


class Endpoint:
    """Shells and the command log, shared by the HTTP and HTTPS listeners."""

    def __init__(self, sandbox, account, realm=None):
        self.sandbox = sandbox
        self.account = account
        # The sandbox's KDC (sandbox.kdc.Realm) in Kerberos mode, else None, and a keytab with
        # the administrator's key there.
        self.realm = realm
        self.client_keytab = None
        self.shells = {}
        self.lock = threading.Lock()
        self.commands = collections.deque(maxlen=COMMAND_LOG_SIZE)
        self.listeners = []

    def env(self, state_dir):
        """The ``sandbox.env`` entries a module run against this endpoint reads."""
        http, https = (listener.server_address[1] for listener in self.listeners)
        values = {
            "EXCHANGE_SERVER": "127.0.0.1",
            "EXCHANGE_PORT": str(http),
            "EXCHANGE_HTTPS_PORT": str(https),
            "EXCHANGE_USE_SSL": "false",
            "EXCHANGE_AUTH": "ntlm",
            "EXCHANGE_USERNAME": self.account.upn,
            "EXCHANGE_PASSWORD": self.account.password,
            "EXCHANGE_CA_PATH": os.path.join(state_dir, "ca.pem"),
        }
        if self.realm is not None:
            values.update(
                EXCHANGE_SERVER=self.realm.host,
                EXCHANGE_AUTH="kerberos",
                EXCHANGE_USERNAME=self.account.principal,
                KRB5_CONFIG=self.realm.config_path,
                SANDBOX_KERBEROS_REALM=self.realm.realm,
                SANDBOX_KERBEROS_SPN=self.realm.service_principal,
                SANDBOX_KDC_PORT=str(self.realm.port),
                SANDBOX_KERBEROS_CLIENT_KEYTAB=self.client_keytab,
            )
        return values

    def stop(self):
        """Stop both listeners, and the KDC in Kerberos mode."""
        for listener in self.listeners:
            listener.shutdown()
            listener.server_close()
        if self.realm is not None:
            self.realm.stop()

    def record(self, entry):
        """Log one received command."""
        with self.lock:
            self.commands.append(entry)

    def command_log(self):
        """Every logged command, oldest first."""
        with self.lock:
            return list(self.commands)

    def clear_commands(self):
        """Forget the command log."""
        with self.lock:
            self.commands.clear()

    def run_cmdlet(self, cmdlet, parameters):
        """Run one on-premises cmdlet against the organisation, counted like any other."""
        self.sandbox.stats.cmdlet(cmdlet.name, cmdlet.is_write)
        return cmdlet.run(self.sandbox.org, parameters, caller=self.account.logon_name)

    # -- WS-Management operations ----------------------------------------------------------

    def handle(self, request, endpoint_url, client_ip):
        """Answer one parsed request; returns the response envelope or raises WsmanFault."""
        expected = psrp_soap.RESOURCE_PREFIX + CONFIGURATION
        if request.resource_uri.lower() != expected.lower():
            raise psrp_soap.bad_resource(request.resource_uri)
        if request.action == "Create":
            return self._create(request, endpoint_url, client_ip)
        with self.lock:
            host = self.shells.get(request.shell_id or "")
        if host is None:
            raise psrp_soap.unknown_shell(request.shell_id)
        with host.lock:
            if request.action == "Delete":
                with self.lock:
                    self.shells.pop(request.shell_id, None)
                return psrp_soap.empty_response(request)
            if request.action == "Command":
                return self._command(request, host)
            if request.action == "Send":
                return self._send(request, host)
            if request.action == "Receive":
                return self._receive(request, host)
            if request.action == "Signal":
                return self._signal(request, host)
        raise psrp_soap.unknown_action(request.action)

    def _create(self, request, endpoint_url, client_ip):
        body = request.body
        if body is None or body.tag != "{%s}Shell" % psrp_soap.NS["rsp"]:
            raise psrp_soap.malformed("Create needs an rsp:Shell body.")
        creation = body.find("pwsh:creationXml", psrp_soap.NS)
        if creation is None or not (creation.text or "").strip():
            raise psrp_soap.malformed("The shell has no creationXml.")
        shell_id = (body.get("ShellId") or str(uuid.uuid4())).upper()
        host = RunspaceHost(self.run_cmdlet, self.record, self.account.logon_name,
                            self.sandbox.faults.decide_remoting)
        host.receive(_b64(creation.text))
        with self.lock:
            self.shells[shell_id] = host
        return psrp_soap.create_response(request, endpoint_url, shell_id,
                                         self.account.logon_name, client_ip)

    def _command(self, request, host):
        line = request.body
        if line is None or line.tag != "{%s}CommandLine" % psrp_soap.NS["rsp"]:
            raise psrp_soap.malformed("Command needs an rsp:CommandLine body.")
        command_id = (line.get("CommandId") or str(uuid.uuid4())).upper()
        latency_s, max_operations = self.sandbox.faults.remoting_limits()
        if max_operations and len(host.in_flight) >= max_operations:
            self.sandbox.stats.add("throttled")
            raise psrp_soap.quota_exceeded(max_operations)
        arguments = line.find("rsp:Arguments", psrp_soap.NS)
        host.receive(_b64(arguments.text if arguments is not None else ""), command_id)
        host.in_flight[command_id] = time.monotonic() + latency_s
        return psrp_soap.command_response(request, command_id)

    def _send(self, request, host):
        for stream in request.body.findall("rsp:Stream", psrp_soap.NS) if request.body is not None else ():
            command_id = stream.get("CommandId")
            if command_id and not host.knows(command_id):
                raise psrp_soap.unknown_shell(request.shell_id)
            host.receive(_b64(stream.text), command_id)
        return psrp_soap.empty_response(request)

    def _receive(self, request, host):
        desired = request.body.find("rsp:DesiredStream", psrp_soap.NS) if request.body is not None else None
        command_id = desired.get("CommandId") if desired is not None else None
        if command_id and not host.knows(command_id):
            raise psrp_soap.unknown_shell(request.shell_id)
        ready = host.in_flight.get(command_id.upper()) if command_id else None
        wait = 0 if ready is None else ready - time.monotonic()
        if wait > 0:
            # The pipeline still runs (injected latency): the answer waits, as Receive does. One
            # reading of the clock: with two, the time left could pass between them and sleep(<0)
            # failed the Receive with a 500 (seen at 1,000 mailboxes on a loaded machine).
            time.sleep(wait)
        chunks, done = host.take(command_id)
        if done and command_id:
            host.in_flight.pop(command_id.upper(), None)
        if not chunks and not done:
            # Nothing runs in the background here, so waiting would only delay the client.
            raise psrp_soap.operation_timeout()
        return psrp_soap.receive_response(request, chunks, command_id, done)

    def _signal(self, request, host):
        command_id = request.body.get("CommandId") if request.body is not None else None
        if not command_id or not host.knows(command_id):
            raise psrp_soap.unknown_shell(request.shell_id)
        host.close_pipeline(command_id)
        host.in_flight.pop(command_id.upper(), None)
        return psrp_soap.empty_response(request)


def _b64(text):
    try:
        return base64.b64decode((text or "").strip(), validate=True)
    except ValueError as exc:
        raise psrp_soap.malformed("A stream is not valid base64.") from exc


class _Handler(BaseHTTPRequestHandler):
    """One TCP connection; an NTLM/Negotiate security context lives as long as it does."""

    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT_S
    # TCP_NODELAY: a reply is written as its headers, then its body; with Nagle's algorithm the
    # body waited for the client's delayed ACK of the headers (40 ms on Linux), twice per pipeline
    # (its Command and its Receive) - 90% of a 0 ms converge's wall time, both sides idle.
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        self.context = None
        self.context_scheme = None
        self.authenticated = False

    def version_string(self):
        return "Microsoft-IIS/10.0"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            sys.stderr.write("wsman %s - %s\n" % (self.address_string(), format % args))

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_GET

    # -- HTTP -------------------------------------------------------------------------------

    def _reply(self, status, body=b"", content_type="text/html", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if body or status != 200:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _challenge(self, token=None, close=False):
        headers = []
        if token is not None:
            headers.append(("WWW-Authenticate", f"{self.context_scheme} "
                                                f"{base64.b64encode(token).decode()}"))
        else:
            headers.append(("WWW-Authenticate", "Negotiate"))
            if self.server.tls and not self.server.kerberos_only:
                headers.append(("WWW-Authenticate", f'Basic realm="{self.server.host_name}"'))
        if close:
            self.close_connection = True
            headers.append(("Connection", "close"))
        self._reply(401, b"<html><body>401 - Unauthorized: Access is denied due to invalid "
                         b"credentials.</body></html>", headers=headers)

    def _serve(self):
        path = self.path.split("?", 1)[0].rstrip("/").lower()
        length = content_length(self.headers)
        if length < 0 or "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            self._reply(400, b"<html><body>400 - Bad Request</body></html>")
            return
        if length > MAX_BODY_BYTES:
            drain(self.rfile, length)
            self.close_connection = True
            self._reply(413, b"<html><body>413 - Request entity too large</body></html>")
            return
        body = self.rfile.read(length) if length else b""
        if path != "/powershell":
            self._reply(404, b"<html><body>404 - File or directory not found.</body></html>")
            return
        if self.command != "POST":
            self._reply(405, b"<html><body>405 - HTTP verb used to access this page is not "
                             b"allowed.</body></html>", headers=[("Allow", "POST")])
            return
        if not self._authenticate():
            return
        try:
            self._soap(body)
        except Exception:  # noqa: BLE001 - one bad request must not take the listener down
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._reply(500, b"<html><body>500 - Internal server error.</body></html>")

    # -- authentication -----------------------------------------------------------------------

    def _authenticate(self):
        """True when the request may proceed; otherwise the 401 has been sent."""
        header = self.headers.get("Authorization", "")
        scheme, unused, value = header.partition(" ")
        scheme_l = scheme.lower()
        if scheme_l == "ntlm" and self.server.kerberos_only:
            self.context = None
            self.authenticated = False
            self._challenge(close=True)
            return False
        if scheme_l == "basic":
            self.context = None
            self.authenticated = False
            if not self.server.tls or self.server.kerberos_only:
                self._challenge()
                return False
            try:
                username, sep, password = base64.b64decode(value).decode("utf-8").partition(":")
            except ValueError:
                sep = ""
            if not sep or not self.server.endpoint.account.matches(username, password):
                self._challenge(close=True)
                return False
            return True
        if scheme_l in _NEGOTIATE_SCHEMES:
            return self._negotiate(scheme, value)
        if not header and self.authenticated:
            return True
        self._challenge()
        return False

    def _negotiate(self, scheme, value):
        try:
            token = base64.b64decode(value.strip())
        except ValueError:
            self._challenge(close=True)
            return False
        if self.context is None or self.authenticated:
            self.context_scheme = scheme
            self.authenticated = False
            self.context = spnego.server(
                hostname=self.server.host_name, service="HTTP",
                protocol="ntlm" if scheme.lower() == "ntlm" else "negotiate")
        try:
            answer = self.context.step(token)
        # pyspnego raises ValueError (or struct.error) for a token it cannot even unpack.
        except (spnego.exceptions.SpnegoError, ValueError, struct.error):
            self.context = None
            self._challenge(close=True)
            return False
        if not self.context.complete:
            if self.server.kerberos_only and self.context.negotiated_protocol == "ntlm":
                # Exchange's default: the Negotiate package offers Kerberos only.
                self.context = None
                self._challenge(close=True)
                return False
            self._challenge(answer)
            return False
        if self.server.kerberos_only and not self._kerberos_user_allowed():
            self.context = None
            self._challenge(close=True)
            return False
        self.authenticated = True
        self._final_token = answer
        return True

    def _kerberos_user_allowed(self):
        """Whether a completed context is Kerberos for the administrator's principal."""
        if self.context.negotiated_protocol != "kerberos":
            return False
        try:
            principal = self.context.client_principal
        except (AttributeError, spnego.exceptions.SpnegoError):
            return False
        return (principal or "") == self.server.endpoint.account.principal

    # -- SOAP -------------------------------------------------------------------------------------

    def _soap(self, body):
        content_type = self.headers.get("Content-Type", "")
        encrypted = content_type.lower().startswith("multipart/encrypted")
        final = getattr(self, "_final_token", None)
        self._final_token = None
        extra = []
        if final:
            extra.append(("WWW-Authenticate", f"{self.context_scheme} "
                                              f"{base64.b64encode(final).decode()}"))
        if not body:
            # pypsrp's empty request that sets up the security context before encrypting.
            self._reply(200, headers=extra)
            return
        if encrypted:
            if self.context is None or not self.authenticated:
                self._challenge(close=True)
                return
            try:
                plaintext = b"".join(
                    self.context.unwrap_winrm(header, data)
                    for unused, header, data in psrp_soap.split_encrypted(body))
            except (psrp_soap.EncryptionError, spnego.exceptions.SpnegoError):
                self._reply(400, b"<html><body>400 - Bad Request</body></html>")
                return
        elif self.context is not None and not self.server.tls:
            # Over plain HTTP a Negotiate/NTLM session must encrypt, as Exchange requires.
            self._reply(400, b"<html><body>400 - Unencrypted messages are not allowed."
                             b"</body></html>")
            return
        else:
            plaintext = body
        try:
            answer, status = self._dispatch(plaintext)
        except Dropped:
            self.server.sandbox.stats.add("dropped")
            self.close_connection = True
            return
        if encrypted:
            header, data, padding = self.context.wrap_winrm(answer)
            protocol = psrp_soap.ENCRYPTION_PROTOCOLS[0]
            framed = psrp_soap.frame_encrypted(protocol, len(answer) + padding, header, data)
            self._reply(status, framed, f'multipart/encrypted;protocol="{protocol}";'
                                        f'boundary="{psrp_soap.ENCRYPTED_BOUNDARY}"', extra)
        else:
            self._reply(status, answer, _SOAP, extra)

    def _dispatch(self, plaintext):
        self.server.sandbox.stats.add("requests")
        message_id = ""
        try:
            request = psrp_soap.parse_request(plaintext)
            message_id = request.message_id
            scheme = "https" if self.server.tls else "http"
            url = f"{scheme}://{self.server.host_name}:{self.server.server_address[1]}/PowerShell"
            return self.server.endpoint.handle(request, url, self.client_address[0]), 200
        except psrp_soap.WsmanFault as fault:
            return psrp_soap.fault_response(fault, message_id, self.server.host_name), 500


class Listener(LoopbackServer):
    """One port of the endpoint, plain HTTP or TLS."""

    allow_reuse_address = True
    idle_timeout_s = _IDLE_TIMEOUT_S

    def __init__(self, endpoint, port=0, ssl_context=None, verbose=False):
        self.endpoint = endpoint
        self.sandbox = endpoint.sandbox
        self.tls = ssl_context is not None
        # In Kerberos mode the name in the service principal, as Exchange answers to its FQDN.
        self.kerberos_only = endpoint.realm is not None
        self.host_name = endpoint.realm.host if self.kerberos_only else "127.0.0.1"
        super().__init__(port, _Handler, ssl_context, verbose)


def start(sandbox, state_dir, ssl_context, verbose=False, kerberos_host=None):
    """Start the HTTP and HTTPS listeners in daemon threads; returns the :class:`Endpoint`.

    The administrator is the organisation's ``exadmin`` with a fresh random password. Writes
    the NTLM credential store to ``state_dir/ntlm-users`` (mode 0600) and points pyspnego's
    acceptor at it through ``NTLM_USER_FILE`` for this process.

    With ``kerberos_host`` (an FQDN that resolves to 127.0.0.1) the endpoint runs in Kerberos
    mode: a KDC for the realm ``<AD domain in capitals>`` starts under ``state_dir/kdc`` with
    the administrator's principal and ``HTTP/<kerberos_host>``, and this process accepts with
    its keytab (``KRB5_KTNAME``) and its ``krb5.conf`` (``KRB5_CONFIG``).
    """
    org = sandbox.org
    realm = None
    principal = None
    password = secrets.token_urlsafe(18)
    if kerberos_host:
        kdc.require_gssapi()
        realm = kdc.Realm(os.path.join(state_dir, "kdc"), org.ad_domain.upper(), kerberos_host.lower(),
                          kerberos_host.lower().split(".", 1)[-1])
        realm.start({"exadmin": password})
        os.environ.update(realm.env(), KRB5_KTNAME=f"FILE:{realm.keytab}")
        principal = realm.principal("exadmin")
        client_keytab = realm.client_keytab("exadmin")
    account = Account(org.ad_netbios, f"exadmin@{org.alternate_domain}", password, principal)
    path = os.path.join(state_dir, "ntlm-users")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(account.ntlm_user_file())
    os.environ["NTLM_USER_FILE"] = path
    endpoint = Endpoint(sandbox, account, realm)
    if realm is not None:
        endpoint.client_keytab = client_keytab
    endpoint.listeners = [Listener(endpoint, verbose=verbose),
                          Listener(endpoint, ssl_context=ssl_context, verbose=verbose)]
    for listener in endpoint.listeners:
        threading.Thread(target=listener.serve_forever, kwargs={"poll_interval": 0.2},
                         name=f"wsman-{listener.server_address[1]}", daemon=True).start()
    return endpoint
