"""The HTTPS server: TLS, routing, fault injection, the ready file, and clean shutdown."""

import os
import secrets
import signal
import ssl
import sys
import threading
import time
import traceback
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from . import certs, control, cost, entra, exo_api, graph, graph_directory, kdc, paging, seeding, tenants, timeline, wsman
from .listener import LoopbackServer, content_length, drain
from .model import Organization
from .web import Request, Response, json_response

MAX_BODY_BYTES = 1024 * 1024
# The regional host of the redirect fault setting: a second name of the loopback interface that
# the TLS certificate covers, as nam12.outlook.office365.com is for outlook.office365.com.
REGIONAL_HOST = "localhost"
_IDLE_TIMEOUT_S = 300
# Returned by dispatch to ask the connection handler to close without answering.
DROP = object()


class Sandbox:
    """Everything one running sandbox owns, and request dispatch over it."""

    def __init__(self, org, directory, main_app, norole_app, base_latency_ms=0, provider=None, cost_settings=None):
        self.org = org
        self.directory = directory
        self.main_app = main_app
        self.norole_app = norole_app
        # Every tenant the process serves, the provider's first (sandbox.tenants); a customer
        # tenant shares the provider's counters, faults, budgets and remoting endpoint (the budgets
        # are kept per app per tenant all the same: sandbox.cost.Budget's key is the token's tid).
        if provider is None:
            self.tenants = [self]
            self.stats = tenants.TenantStats(control.Stats(), org.tenant_id)
            # cost_settings: the cost model's settings given on the command line (control.FaultSettings).
            self.faults = control.Faults(base_latency_ms, **(cost_settings or {}))
            self.budget = cost.Budget()
            # Each admin API request's start and end (sandbox.timeline, GET /_sandbox/timeline).
            self.timeline = timeline.Timeline()
        else:
            self.tenants = provider.tenants
            self.tenants.append(self)
            self.stats = tenants.TenantStats(provider.stats.shared, org.tenant_id)
            self.faults = provider.faults
            self.budget = provider.budget
            self.timeline = provider.timeline
        # A described state (sandbox.seeding) applied at start and again by a state reset.
        self.state_file = None
        self._batch_costs = threading.local()
        self.graph_directory = graph_directory.GraphDirectory(
            directory, delay=lambda: self.faults.settings()["replication_delay_s"],
            provisioning=lambda: self.faults.settings()["provisioning_delay_s"])
        self.pager = paging.Pager(secrets.token_bytes(32))
        # The on-premises remoting endpoint (sandbox.wsman.Endpoint), on ports of its own.
        self.wsman = None

    def dispatch(self, request):
        """Route one request; returns a :class:`~sandbox.web.Response` or :data:`DROP`."""
        path = request.path
        if path.startswith("/_sandbox/"):
            return control.handle(self, request, path[len("/_sandbox/"):])
        tenant = tenants.route(self.tenants, request)
        if tenant is not self:
            return tenant.dispatch(request)
        self.stats.add("requests")
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["adminapi", "beta"]:
            elsewhere = self._front_door(request)
            if elsewhere is not None:
                return elsewhere
        if len(parts) == 4 and parts[:2] == ["adminapi", "beta"] \
                and parts[3].lower() == "invokecommand":
            return self._api(request, lambda: exo_api.handle(self, request, parts[2]), False, admin="single")
        if len(parts) == 4 and parts[:2] == ["adminapi", "beta"] and parts[3] == "$batch":
            return self._api(request, lambda: exo_api.handle_batch(self, request, parts[2]), False, admin="batch")
        if parts[0] == "graph":
            rest = "/".join(parts[1:])
            return self._api(request, lambda: graph.handle(self, request, rest), True)
        if len(parts) >= 3:
            response, issued = entra.handle(self.directory, request, parts[0],
                                            "/".join(parts[1:]))
            if issued:
                self.stats.add("tokens")
            return response
        return json_response(404, {"error": {"code": "NotFound",
                                             "message": f"No resource at {path}."}})

    def _front_door(self, request):
        """With ``redirect`` on, the front door's answer to a REST admin API request that did
        not come to the regional host: a 302 there (on port 446 with ``regional_446``), or 400
        for a next page, which the regional host issued and no other server knows. None: serve
        it here."""
        mode = self.faults.settings()["redirect"]
        host = urlsplit("//" + (request.header("Host") or "")).hostname or ""
        if not mode or host.lower() == REGIONAL_HOST:
            return None
        if request.query_value("$skiptoken") is not None:
            return exo_api.pagination_refused(self)
        port = 446 if mode == "regional_446" else urlsplit(self.directory.exchange_url).port
        location = f"https://{REGIONAL_HOST}:{port}{request.path}" + (f"?{request.query}" if request.query else "")
        self.stats.add("redirected")
        return Response(302, b"", [("Location", location), ("Cache-Control", "no-cache")])

    def batch_entry(self, cmdlet, serve):
        """Serve one ``$batch`` entry (``serve()``), under the throttle and error settings when
        ``batch_entry_faults`` is on: the entry alone is answered 429 or the error status.

        Its cost (sandbox.cost): in the ``sequential`` batch model the entry waits a latency of
        its own and its rows' cost; in the ``parallel`` model the batch waited one latency
        before its entries and waits the costliest entry's rows after them."""
        settings = self.faults.settings()
        if getattr(self._batch_costs, "cmdlet", "") is None:
            self._batch_costs.cmdlet = cmdlet
        latency_s = self.faults.latency_sample() if settings["batch_model"] == "sequential" else 0.0
        _wait(latency_s)
        answer = self._batch_entry_answer(settings, cmdlet, serve)
        rows = getattr(answer, "rows", 0)
        if settings["batch_model"] == "sequential":
            _wait(cost.answer_cost(latency_s, rows, settings["rows_per_latency"]) - latency_s)
        else:
            costs = getattr(self._batch_costs, "rows", None)
            if costs is not None:
                costs.append(rows)
        return answer

    def _batch_entry_answer(self, settings, cmdlet, serve):
        if not settings["batch_entry_faults"]:
            return serve()
        decision = self.faults.decide(cmdlet)
        if decision.action not in ("throttle", "error", "error_after"):
            return serve()
        return self._injected(decision, serve, False)

    def _api(self, request, serve, is_graph, admin=None):
        """Serve an API request; ``admin`` ("single" or "batch") for the Exchange admin API, whose
        requests are held to the app's budgets and announce its rate window."""
        if admin is None:
            response = self._api_response(request, serve, is_graph)
        else:
            response = self._admin_api(request, serve, admin)
        if response is not DROP:
            response.trickle_s = self.faults.trickle_s()
        return response

    def _api_response(self, request, serve, is_graph):
        decision = self.faults.decide(request.header("X-CmdletName"))
        if decision.latency_s:
            _wait(decision.latency_s)
        return self._injected(decision, serve, is_graph)

    def _admin_api(self, request, serve, kind):
        settings = self.faults.settings()
        start = self.timeline.clock()
        key = cost.app_key(request.header("Authorization"))
        admission = self.budget.admit(key, settings["concurrency_budget"], settings["rate_budget"],
                                      settings["rate_window_s"], settings["retry_after"])
        # A $batch is recorded under its first entry's cmdlet (batch_entry sets it).
        self._batch_costs.cmdlet = None if kind == "batch" else request.header("X-CmdletName")
        if not admission.admitted:
            self.stats.add("over_budget")
            response = _over_budget(admission, settings)
        else:
            try:
                response = self._costed(request, serve, kind, settings)
            finally:
                self.budget.release(key)
        self.timeline.record(start, kind, self._batch_costs.cmdlet, admission.admitted)
        if response is not DROP:
            response.headers.extend(admission.headers())
        return response

    def _costed(self, request, serve, kind, settings):
        """The answer of an admitted admin API request, after the time it costs."""
        decision = self.faults.decide(request.header("X-CmdletName"))
        latency_s = decision.latency_s
        if kind == "batch" and settings["batch_model"] == "sequential":
            # Each entry waits its own latency (batch_entry).
            latency_s = 0.0
        _wait(latency_s)
        self._batch_costs.rows = [] if kind == "batch" else None
        try:
            response = self._injected(decision, serve, False)
            rows = self._batch_costs.rows if kind == "batch" else [getattr(response, "rows", 0)]
        finally:
            self._batch_costs.rows = None
        if response is not DROP and rows:
            # In the parallel batch model the entries shared the latency waited above.
            costs = [cost.answer_cost(latency_s, count, settings["rows_per_latency"]) for count in rows]
            _wait(cost.batch_cost(costs, "parallel") - latency_s)
        return response

    def _injected(self, decision, serve, is_graph):
        if decision.action == "throttle":
            self.stats.add("throttled")
            return _fault_response(429, decision.retry_after, is_graph)
        if decision.action == "error":
            self.stats.add("errors")
            return _fault_response(decision.status, decision.retry_after, is_graph)
        if decision.action == "drop_before":
            self.stats.add("dropped")
            return DROP
        response = serve()
        if decision.action == "drop_after":
            self.stats.add("dropped")
            return DROP
        if decision.action == "error_after":
            # The cmdlet ran; its answer was lost at the gateway.
            self.stats.add("errors")
            return _fault_response(decision.status, decision.retry_after, is_graph)
        return response


def _over_budget(admission, settings):
    """The 429 of a request beyond the app's concurrency or rate budget (sandbox.cost)."""
    if admission.reason == "concurrency":
        why = f"the app already has {settings['concurrency_budget']} requests in flight"
    else:
        why = f"the app made {settings['rate_budget']} requests in {settings['rate_window_s']} s"
    message = f"The request was throttled: {why}. Retry after {admission.retry_after} seconds."
    error = {"code": "TooManyRequests", "message": message,
             "innererror": {"message": message, "type": "Microsoft.Exchange.TooManyRequestsException", "stacktrace": ""}}
    return json_response(429, {"error": error}, exo_api.CONTENT_TYPE, [("Retry-After", str(admission.retry_after))])


def _fault_response(status, retry_after, is_graph):
    headers = [("Retry-After", str(retry_after))]
    if status == 429:
        code = "TooManyRequests"
        message = (f"The request was throttled. Retry after {retry_after} seconds "
                   "(injected by the sandbox).")
    elif status == 503:
        code = "ServiceUnavailable"
        message = "The service is temporarily unavailable (injected by the sandbox)."
    else:
        # A gateway names no Exchange exception and asks for no particular wait.
        code = "BadGateway" if status == 502 else "GatewayTimeout"
        message = "The gateway got no answer from the backend in time (injected by the sandbox)."
        headers = []
    error = {"code": code, "message": message}
    if is_graph:
        error["innerError"] = {"request-id": str(uuid.uuid4()),
                               "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())}
    else:
        error["innererror"] = {"message": message, "type": f"Microsoft.Exchange.{code}Exception",
                               "stacktrace": ""}
    content_type = "application/json; charset=utf-8" if is_graph else exo_api.CONTENT_TYPE
    return json_response(status, {"error": error}, content_type, headers)


def _wait(seconds):
    """Sleep ``seconds`` if there are any: at 0 ms of latency, ``time.sleep(0)`` only gave up the
    GIL, once or twice per request and per $batch entry, to wait for it again."""
    if seconds > 0:
        time.sleep(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _IDLE_TIMEOUT_S

    def version_string(self):
        return "mailops-sandbox"

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _serve(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._refuse("Chunked request bodies are not supported; send Content-Length.")
            return
        length = content_length(self.headers)
        if length < 0:
            self._refuse("Content-Length must be a whole number of bytes.")
            return
        if length > MAX_BODY_BYTES:
            drain(self.rfile, length)
            self._refuse(f"The request body must be 0..{MAX_BODY_BYTES} bytes.", 413,
                         "RequestEntityTooLarge")
            return
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        request = Request(self.command, url.path, url.query, self.headers, body)
        try:
            response = self.server.sandbox.dispatch(request)
        except Exception:  # noqa: BLE001 - one bad request must not take the server down
            traceback.print_exc(file=sys.stderr)
            response = json_response(500, {"error": {"code": "InternalServerError",
                                                     "message": "Sandbox internal error."}})
        if response is DROP:
            self.close_connection = True
            return
        self._write(response)

    def _refuse(self, message, status=400, code="BadRequest"):
        # The unread body would be parsed as the next request, so the connection must go.
        self.close_connection = True
        response = json_response(status, {"error": {"code": code, "message": message}})
        response.headers.append(("Connection", "close"))
        self._write(response)

    def _write(self, response):
        if response.trickle_s:
            self._trickle(response)
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _trickle(self, response):
        """Send the whole answer one byte at a time, as a stalled connection or proxy may."""
        lines = [f"HTTP/1.1 {response.status} {HTTPStatus(response.status).phrase}",
                 f"Server: {self.version_string()}", f"Date: {self.date_time_string()}"]
        lines += [f"{name}: {value}" for name, value in response.headers]
        lines.append(f"Content-Length: {len(response.body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body
        try:
            for index in range(len(raw)):
                self.wfile.write(raw[index:index + 1])
                time.sleep(response.trickle_s)
        except OSError:
            # The client gave up and closed the connection.
            self.close_connection = True

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class _TlsServer(LoopbackServer):
    idle_timeout_s = _IDLE_TIMEOUT_S

    def __init__(self, port, sandbox, ssl_context, verbose=False):
        self.sandbox = sandbox
        super().__init__(port, _Handler, ssl_context, verbose)


def _register_apps(directory, state_dir):
    certificate = certs.make_app_certificate()
    main = directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()),
        display_name="mailops-sandbox",
        object_id=str(uuid.uuid4()),
        secrets=[secrets.token_urlsafe(32)],
        certificates=[certificate],
        exchange_roles=[entra.MANAGE_AS_APP],
        graph_roles=["Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
                     "RoleManagement.ReadWrite.Directory", "User.ReadWrite.All", "LicenseAssignment.Read.All",
                     "GroupMember.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"],
        directory_roles=[entra.EXCHANGE_ADMINISTRATOR],
    ))
    norole = directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()),
        display_name="mailops-sandbox-norole",
        object_id=str(uuid.uuid4()),
        secrets=[secrets.token_urlsafe(32)],
    ))
    # Consented, with a directory role that may only read: its writes are refused (403).
    directory.register(entra.AppRegistration(
        client_id=str(uuid.uuid4()),
        display_name="mailops-sandbox-reader",
        object_id=str(uuid.uuid4()),
        secrets=[secrets.token_urlsafe(32)],
        exchange_roles=[entra.MANAGE_AS_APP],
        directory_roles=[entra.GLOBAL_READER],
    ))
    password = secrets.token_urlsafe(18)
    certs.write_atomic(os.path.join(state_dir, "app-cert.pem"),
                       certificate.private_key_pem() + certificate.certificate_pem())
    certs.write_atomic(os.path.join(state_dir, "app-cert.pfx"), certificate.pfx(password))
    return main, norole, password


def _consent(directory, app):
    """The provider's multi-tenant ``app`` consented in a customer tenant: a service principal of
    its own (its own object id) with the same application id, credentials and roles."""
    return directory.register(entra.AppRegistration(
        client_id=app.client_id, display_name=app.display_name, object_id=str(uuid.uuid4()),
        secrets=list(app.secrets), certificates=list(app.certificates),
        exchange_roles=list(app.exchange_roles), graph_roles=list(app.graph_roles),
        directory_roles=list(app.directory_roles)))


def _add_customers(provider, count, users, shared, base_url):
    """``count`` customer tenants beside ``provider``, each with the provider's app consented."""
    for index in range(1, count + 1):
        org = Organization(tenants.tenant_name(index, provider.org.name), users=users, shared=shared)
        directory = entra.Directory(org, base_url, provider.directory.signing_key)
        Sandbox(org, directory, _consent(directory, provider.main_app), provider.norole_app,
                provider=provider)


def _env_lines(sandbox, state_dir, port, pfx_password):
    directory = sandbox.directory
    reader = next(app for app in directory.apps.values() if app.display_name == "mailops-sandbox-reader")
    url = f"https://127.0.0.1:{port}"
    values = {
        "AZURE_TENANT_ID": directory.tenant_id,
        "AZURE_CLIENT_ID": sandbox.main_app.client_id,
        "AZURE_CLIENT_SECRET": sandbox.main_app.secrets[0],
        "EXO_ORGANIZATION": sandbox.org.domain,
        "EXO_CLOUD": "global",
        "EXO_AUTHORITY_HOST": url,
        "EXO_EXCHANGE_URL": directory.exchange_url,
        "EXO_GRAPH_URL": directory.graph_url,
        "EXO_CA_PATH": os.path.join(state_dir, "ca.pem"),
        # The marker the modules' loopback guard asks for: only these tenants' credentials may
        # be sent to a loopback endpoint (docs/sandbox.md).
        "EXO_SANDBOX_TENANTS": ",".join(f"{t.directory.tenant_id},{t.org.domain}" for t in sandbox.tenants),
        # Every tenant served, the provider's first: ids and organisations in the same order.
        "SANDBOX_TENANT_IDS": ",".join(t.directory.tenant_id for t in sandbox.tenants),
        "SANDBOX_TENANT_ORGANIZATIONS": ",".join(t.org.domain for t in sandbox.tenants),
        "SANDBOX_CERTIFICATE_PATH": os.path.join(state_dir, "app-cert.pem"),
        "SANDBOX_CERTIFICATE_PFX_PATH": os.path.join(state_dir, "app-cert.pfx"),
        "SANDBOX_CERTIFICATE_PASSWORD": pfx_password,
        "SANDBOX_NOROLE_CLIENT_ID": sandbox.norole_app.client_id,
        "SANDBOX_NOROLE_CLIENT_SECRET": sandbox.norole_app.secrets[0],
        "SANDBOX_READER_CLIENT_ID": reader.client_id,
        "SANDBOX_READER_CLIENT_SECRET": reader.secrets[0],
        **sandbox.wsman.env(state_dir),
        "SANDBOX_URL": url,
        "SANDBOX_PID": str(os.getpid()),
    }
    return "".join(f"{key}={value}\n" for key, value in values.items())


def serve(state_dir, port=0, users=20, shared=5, latency_ms=0, org_name="contoso",
          verbose=False, kerberos_host=None, tenants_count=1, tenant_users=None, cost_settings=None, state_file=None):
    """Run a sandbox until SIGTERM or SIGINT; returns the process exit code.

    ``tenants_count`` tenants are served, the first (``org_name``) with ``users`` and ``shared``
    mailboxes, the others with ``tenant_users`` (default ``users``) and ``shared``.
    ``cost_settings``: the cost model's settings (control.FaultSettings names) to start with;
    ``state_file``: a described state (sandbox.seeding) to bring the provider's organisation to."""
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, mode=0o700, exist_ok=True)
    env_path = os.path.join(state_dir, "sandbox.env")
    # A stale file from an earlier run would announce a server that is not there.
    if os.path.exists(env_path):
        os.unlink(env_path)

    tls = certs.make_tls_material(dns_names=[kerberos_host.lower()] if kerberos_host else [])
    certs.write_atomic(os.path.join(state_dir, "ca.pem"), tls.ca_cert_pem, mode=0o644)
    cert_path = os.path.join(state_dir, "server-cert.pem")
    key_path = os.path.join(state_dir, "server-key.pem")
    certs.write_atomic(cert_path, tls.server_cert_pem + tls.ca_cert_pem, mode=0o644)
    certs.write_atomic(key_path, tls.server_key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)

    org = Organization(org_name, users=users, shared=shared)
    if state_file:
        state_file = os.path.abspath(state_file)
        started = time.monotonic()
        counts = seeding.apply(org, seeding.load(state_file))
        print(f"sandbox: {state_file} applied in {time.monotonic() - started:.1f} s: {counts}", flush=True)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    # Bind first: the tenant's URLs (token audience, issuer links) need the actual port.
    server = _TlsServer(port, None, context, verbose)
    actual_port = server.server_address[1]
    directory = entra.Directory(org, f"https://127.0.0.1:{actual_port}", certs.make_signing_key())
    main_app, norole_app, pfx_password = _register_apps(directory, state_dir)
    server.sandbox = Sandbox(org, directory, main_app, norole_app, latency_ms, cost_settings=cost_settings)
    server.sandbox.state_file = state_file
    _add_customers(server.sandbox, tenants_count - 1, users if tenant_users is None else tenant_users, shared,
                   directory.base_url)
    try:
        server.sandbox.wsman = wsman.start(server.sandbox, state_dir, context, verbose, kerberos_host)
        for customer in server.sandbox.tenants[1:]:
            customer.wsman = server.sandbox.wsman
    except kdc.KdcError as err:
        server.server_close()
        print(f"sandbox: Kerberos mode: {err}", file=sys.stderr, flush=True)
        return 2
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="sandbox-accept", daemon=True)
    thread.start()
    certs.write_atomic(env_path, _env_lines(server.sandbox, state_dir, actual_port,
                                            pfx_password).encode())
    print(f"sandbox ready at https://127.0.0.1:{actual_port} (env: {env_path})", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.sandbox.wsman.stop()
        server.shutdown()
        server.server_close()
        if os.path.exists(env_path):
            os.unlink(env_path)
    print("sandbox stopped", flush=True)
    return 0
