"""The sandbox's own control surface (``/_sandbox/...``): counters, faults, state, tokens.

None of it exists in the real service; tests and benchmarks use it to observe and steer the
sandbox. Requests to it are neither counted nor subject to injected faults.
"""

import random
import threading
from dataclasses import asdict, dataclass
from urllib.parse import unquote

from . import cost, seeding, views
from . import errors, identity, tenants
from .web import json_response, load_json

COUNTERS = ("requests", "reads", "writes", "tokens", "throttled", "errors", "dropped", "redirected", "over_budget")
DROP_PHASES = ("before", "after", "random")
ODD_ANSWERS = ("", "empty_object", "error_200", "html_200", "value_object", "html_404")
# What an injected error answers: 503 (the service did not run the request), or a gateway's 502
# or 504, which can come before the cmdlet ran or after it (PROTOCOL.md §7).
ERROR_STATUSES = (502, 503, 504)
# How a $batch treats the entries after the first failed one: "" stops there unless the request
# asks for odata.continue-on-error (OData's default), and answers the rest 424; "424" and
# "missing" stop there even when asked to go on, answering the rest 424 or leaving them out.
BATCH_STOPS = ("", "424", "missing")
# The regional redirect: off, to the regional name on the sandbox's own port, or on port 446.
REDIRECTS = ("", "regional", "regional_446")
# Upper bound of the integer settings (latency in ms): an hour. A larger delay would stall the
# server's threads (or overflow time.sleep) instead of imitating a slow service.
_MAX_DELAY = 3_600_000


class Stats:
    """Thread-safe request counters."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        """Zero every counter."""
        with self._lock:
            self._zero()

    def _zero(self):
        self._counts = dict.fromkeys(COUNTERS, 0)
        self._cmdlets = {}
        self._graph = {}
        self._headers = {}
        self._tenants = {}

    def add(self, counter, amount=1):
        """Increase ``counter`` (one of :data:`COUNTERS`)."""
        with self._lock:
            self._counts[counter] += amount

    def cmdlet(self, name, is_write):
        """Record one execution of cmdlet ``name`` as a read or a write."""
        with self._lock:
            self._counts["writes" if is_write else "reads"] += 1
            self._cmdlets[name] = self._cmdlets.get(name, 0) + 1

    def graph(self, operation, is_write):
        """Record one Graph request (``"POST applications"``) as a read or a write."""
        with self._lock:
            self._counts["writes" if is_write else "reads"] += 1
            self._graph[operation] = self._graph.get(operation, 0) + 1

    def tenant(self, tenant_id, counter, amount=1):
        """Count ``counter`` for one tenant of a sandbox that serves several."""
        with self._lock:
            counts = self._tenants.setdefault(tenant_id, {})
            counts[counter] = counts.get(counter, 0) + amount

    def header(self, name, value):
        """Record one Exchange request's value of client header ``name``."""
        with self._lock:
            values = self._headers.setdefault(name, {})
            # A client sending a new value every time must not grow this without bound.
            if value in values or len(values) < 100:
                values[value] = values.get(value, 0) + 1

    def snapshot(self, zero=False):
        """The counters as a JSON-ready dict; with ``zero``, zeroed in the same step (a request
        counted meanwhile is in this snapshot or in the next, never lost)."""
        with self._lock:
            counts = {**self._counts, "cmdlets": dict(self._cmdlets), "graph": dict(self._graph),
                      "headers": {name: dict(values) for name, values in self._headers.items()},
                      "tenants": {tid: dict(counts) for tid, counts in self._tenants.items()}}
            if zero:
                self._zero()
            return counts


@dataclass
class FaultSettings:
    """What the fault injector does to Exchange and Graph API requests."""

    latency_ms: int = 0
    throttle_every: int = 0
    retry_after: int = 1
    error_rate: float = 0.0
    error_status: object = 503
    error_phase: str = "before"
    drop_rate: float = 0.0
    drop_phase: str = "before"
    seed: object = None
    replication_delay_s: float = 0.0
    # Seconds between a user's Exchange licence and the mailbox Exchange Online makes for it.
    provisioning_delay_s: float = 0.0
    spike_rate: float = 0.0
    spike_ms: int = 0
    drop_cmdlets: tuple = ()
    # Every API answer (status line and headers too) is sent one byte every this many ms.
    trickle_ms: int = 0
    # A successful InvokeCommand answer (of the odd_cmdlets, or of every cmdlet) is replaced by a
    # malformed one, as a proxy or a service hiccup may send it (see ODD_ANSWERS).
    odd_answer: str = ""
    odd_cmdlets: tuple = ()
    # The drop settings also apply to pipelines of the on-premises remoting endpoint.
    remoting: bool = False
    # On-premises remoting: a pipeline's answer is ready this many ms after its Command (the
    # server-side run time; pipelines in flight together overlap), and a Command is refused with
    # WinRM's quota fault while the shell has this many pipelines not yet answered (0: no limit).
    remoting_latency_ms: int = 0
    remoting_max_operations: int = 0
    # The throttle and error settings also apply to each entry of a $batch.
    batch_entry_faults: bool = False
    batch_stop: str = ""
    # The front door redirects the REST admin API to a regional host (sandbox.server.REGIONAL_HOST).
    redirect: str = ""
    # Filters comparing with -lt/-le/-gt/-ge are refused as invalid syntax (the service's support
    # for them is not documented; the client falls back to one stream of pages).
    refuse_filter_ranges: bool = False
    # The most rows an InvokeCommand page holds, whatever the client's Prefer: odata.maxpagesize
    # asks (the service documents 1,000; smaller pages make long chains with small organisations).
    page_size: int = 1000
    # The cost model (sandbox.cost, docs/sandbox.md "The cost model"). Per app per tenant, on the
    # Exchange admin API: requests in flight beyond concurrency_budget are answered 429 with
    # Retry-After (retry_after), and more than rate_budget requests per rate_window_s too (0: off).
    concurrency_budget: int = 16
    rate_budget: int = 30000
    rate_window_s: int = 60
    # A $batch costs its longest entry ("parallel") or the sum of its entries ("sequential").
    batch_model: str = "parallel"
    # Latency is latency_ms times a mean-one log-normal factor of this sigma (0: constant), and an
    # answer costs one more latency per rows_per_latency rows (0: rows are free).
    latency_spread: float = 0.0
    rows_per_latency: int = 1000


@dataclass(frozen=True)
class Decision:
    """The fate of one API request: a delay and an action.

    ``action`` is None (serve normally), ``"throttle"`` (429), ``"error"`` (``status`` without
    running it), ``"error_after"`` (run it, then answer ``status``), ``"drop_before"`` (close
    without running it) or ``"drop_after"`` (run it, then close).
    """

    latency_s: float
    action: object
    retry_after: int
    status: int = 503


class Faults:
    """Fault injection settings and the per-request decision, thread-safe and seedable."""

    def __init__(self, base_latency_ms=0, **base):
        """``base``: other settings given on the command line (the cost model's), which clearing
        goes back to; validated like a ``POST /_sandbox/faults`` body."""
        self._lock = threading.Lock()
        self._snapshot = None
        self._base = asdict(_validated({**asdict(FaultSettings()), **base, "latency_ms": base_latency_ms}))
        self.clear()

    def clear(self):
        """Back to no faults (and the settings given on the command line)."""
        with self._lock:
            self._settings = FaultSettings(**self._base)
            self._random = random.Random(self._base["seed"])
            self._count = 0

    def settings(self):
        """The current settings as a dict (a copy of one made when they last changed: every API
        request reads them, and ``asdict`` costs more than the rest of a small request)."""
        with self._lock:
            if self._snapshot is None or self._snapshot[0] is not self._settings:
                self._snapshot = (self._settings, asdict(self._settings))
            return dict(self._snapshot[1])

    def configure(self, payload):
        """Apply a ``POST /_sandbox/faults`` body; missing keys keep their value.

        ``{}`` or ``{"clear": true}`` clears everything. Raises ValueError on bad input and
        then changes nothing.
        """
        if not isinstance(payload, dict):
            raise ValueError("The body must be a JSON object.")
        if not payload or payload.get("clear"):
            self.clear()
            payload = {k: v for k, v in payload.items() if k != "clear"}
            if not payload:
                return
        with self._lock:
            current = asdict(self._settings)
            unknown = sorted(set(payload) - set(current) - {"clear"})
            if unknown:
                raise ValueError(f"Unknown fault settings: {', '.join(unknown)}.")
            merged = {**current, **{k: v for k, v in payload.items() if k != "clear"}}
            settings = _validated(merged)
            self._settings = settings
            if "seed" in payload:
                self._random = random.Random(settings.seed)
            self._count = 0

    def decide(self, cmdlet=None):
        """Draw the fate of the next API request (``cmdlet``: its X-CmdletName, if any)."""
        with self._lock:
            s = self._settings
            self._count += 1
            action = None
            status = 503
            latency_s = s.latency_ms / 1000.0 * cost.spread_factor(self._random, s.latency_spread)
            if s.spike_rate and self._random.random() < s.spike_rate:
                latency_s += s.spike_ms / 1000.0
            if s.throttle_every and self._count % s.throttle_every == 0:
                action = "throttle"
            elif s.error_rate and self._random.random() < s.error_rate:
                statuses = s.error_status if isinstance(s.error_status, tuple) else (s.error_status,)
                status = statuses[0] if len(statuses) == 1 else self._random.choice(statuses)
                phase = s.error_phase
                if phase == "random":
                    phase = self._random.choice(("before", "after"))
                action = "error" if phase == "before" else "error_after"
            elif (s.drop_rate and (not s.drop_cmdlets or cmdlet in s.drop_cmdlets)
                  and self._random.random() < s.drop_rate):
                phase = s.drop_phase
                if phase == "random":
                    phase = self._random.choice(("before", "after"))
                action = f"drop_{phase}"
            return Decision(latency_s, action, s.retry_after, status)

    def latency_sample(self):
        """One latency in seconds (``latency_ms`` with its spread), for a ``$batch`` entry of
        the sequential model; unlike :meth:`decide`, no fault is drawn and nothing counted."""
        with self._lock:
            s = self._settings
            return s.latency_ms / 1000.0 * cost.spread_factor(self._random, s.latency_spread)

    def odd_answer(self, cmdlet):
        """The malformed answer kind to send instead of ``cmdlet``'s success, or ""."""
        with self._lock:
            s = self._settings
            if s.odd_cmdlets and cmdlet not in s.odd_cmdlets:
                return ""
            return s.odd_answer

    def trickle_s(self):
        """Seconds between the bytes of an API answer (0: sent at once)."""
        with self._lock:
            return self._settings.trickle_ms / 1000.0

    def remoting_limits(self):
        """``(latency in seconds, max operations in flight or 0)`` of the remoting endpoint."""
        with self._lock:
            s = self._settings
            return s.remoting_latency_ms / 1000.0, s.remoting_max_operations

    def decide_remoting(self, cmdlet):
        """The fate of one remoting pipeline running ``cmdlet``: None, ``"drop_before"`` or
        ``"drop_after"``.

        Only the drop settings apply, and only with ``remoting`` on: latency, throttling and
        errors stay with the HTTPS API, whose ``throttle_every`` count this does not advance.
        """
        with self._lock:
            s = self._settings
            if not (s.remoting and s.drop_rate and (not s.drop_cmdlets or cmdlet in s.drop_cmdlets)):
                return None
            if self._random.random() >= s.drop_rate:
                return None
            phase = s.drop_phase
            if phase == "random":
                phase = self._random.choice(("before", "after"))
            return f"drop_{phase}"


def _validated(values):
    def integer(name, minimum, maximum=_MAX_DELAY):
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise ValueError(f"'{name}' must be an integer from {minimum} to {maximum}.")
        return value

    def fraction(name):
        value = values[name]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
            raise ValueError(f"'{name}' must be a number between 0 and 1.")
        return float(value)

    if values["drop_phase"] not in DROP_PHASES:
        raise ValueError(f"'drop_phase' must be one of {', '.join(DROP_PHASES)}.")
    if values["error_phase"] not in DROP_PHASES:
        raise ValueError(f"'error_phase' must be one of {', '.join(DROP_PHASES)}.")
    error_status = values["error_status"]
    statuses = tuple(error_status) if isinstance(error_status, (list, tuple)) else (error_status,)
    if not statuses or any(isinstance(v, bool) or v not in ERROR_STATUSES for v in statuses):
        raise ValueError("'error_status' must be one of 502, 503, 504, or a list of them.")
    if values["error_phase"] != "before" and 503 in statuses:
        raise ValueError("'error_phase' after or random needs 'error_status' 502 or 504: a 503 says the "
                         "service did not run the request.")
    delay = values["replication_delay_s"]
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= _MAX_DELAY // 1000:
        raise ValueError(f"'replication_delay_s' must be a number from 0 to {_MAX_DELAY // 1000}.")
    provisioning = values["provisioning_delay_s"]
    if isinstance(provisioning, bool) or not isinstance(provisioning, (int, float)) \
            or not 0 <= provisioning <= _MAX_DELAY // 1000:
        raise ValueError(f"'provisioning_delay_s' must be a number from 0 to {_MAX_DELAY // 1000}.")
    drop_cmdlets = values["drop_cmdlets"]
    if not isinstance(drop_cmdlets, (list, tuple)) or not all(
            isinstance(c, str) and c for c in drop_cmdlets):
        raise ValueError("'drop_cmdlets' must be a list of cmdlet names.")
    for name in ("remoting", "batch_entry_faults", "refuse_filter_ranges"):
        if not isinstance(values[name], bool):
            raise ValueError(f"'{name}' must be true or false.")
    if values["redirect"] not in REDIRECTS:
        raise ValueError("'redirect' must be one of \"\", \"regional\", \"regional_446\".")
    if values["odd_answer"] not in ODD_ANSWERS:
        raise ValueError(f"'odd_answer' must be one of {', '.join(repr(a) for a in ODD_ANSWERS)}.")
    odd_cmdlets = values["odd_cmdlets"]
    if not isinstance(odd_cmdlets, (list, tuple)) or not all(isinstance(c, str) and c for c in odd_cmdlets):
        raise ValueError("'odd_cmdlets' must be a list of cmdlet names.")
    if values["batch_stop"] not in BATCH_STOPS:
        raise ValueError("'batch_stop' must be one of \"\", \"424\", \"missing\".")
    if values["batch_model"] not in cost.BATCH_MODELS:
        raise ValueError(f"'batch_model' must be one of {', '.join(cost.BATCH_MODELS)}.")
    spread = values["latency_spread"]
    if isinstance(spread, bool) or not isinstance(spread, (int, float)) or not 0 <= spread <= 3:
        raise ValueError("'latency_spread' must be a number from 0 to 3.")
    seed = values["seed"]
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, str))):
        raise ValueError("'seed' must be an integer, a string or null.")
    return FaultSettings(
        latency_ms=integer("latency_ms", 0),
        throttle_every=integer("throttle_every", 0),
        retry_after=integer("retry_after", 0),
        error_rate=fraction("error_rate"),
        error_status=statuses if len(statuses) > 1 else statuses[0],
        error_phase=values["error_phase"],
        drop_rate=fraction("drop_rate"),
        drop_phase=values["drop_phase"],
        seed=seed,
        replication_delay_s=float(delay),
        provisioning_delay_s=float(provisioning),
        spike_rate=fraction("spike_rate"),
        spike_ms=integer("spike_ms", 0),
        drop_cmdlets=tuple(drop_cmdlets),
        trickle_ms=integer("trickle_ms", 0, 60_000),
        odd_answer=values["odd_answer"],
        odd_cmdlets=tuple(odd_cmdlets),
        remoting=values["remoting"],
        remoting_latency_ms=integer("remoting_latency_ms", 0),
        remoting_max_operations=integer("remoting_max_operations", 0, 1500),
        batch_entry_faults=values["batch_entry_faults"],
        batch_stop=values["batch_stop"],
        redirect=values["redirect"],
        refuse_filter_ranges=values["refuse_filter_ranges"],
        page_size=integer("page_size", 1, 1000),
        concurrency_budget=integer("concurrency_budget", 0, 100_000),
        rate_budget=integer("rate_budget", 0, 100_000_000),
        rate_window_s=integer("rate_window_s", 1, 86_400),
        batch_model=values["batch_model"],
        latency_spread=float(spread),
        rows_per_latency=integer("rows_per_latency", 0, 1_000_000),
    )


def _error(status, message):
    return json_response(status, {"error": {"code": "BadRequest" if status == 400 else
                                            "NotFound", "message": message}})


def _json_body(request):
    if not request.body.strip():
        return {}
    payload = load_json(request.body)
    if not isinstance(payload, dict):
        raise ValueError("The body must be a JSON object.")
    return payload


def mailbox_state(org, recipient):
    """The model's own view of a mailbox and everything granted on it."""
    return {
        "mailbox": views.mailbox_view(org, recipient),
        "mailbox_permissions": [views.mailbox_permission_view(org, recipient, a)
                                for a in recipient.mailbox_permissions],
        "recipient_permissions": [views.recipient_permission_view(org, recipient, a)
                                  for a in recipient.recipient_permissions],
        "grant_send_on_behalf_to": [_user_principal_name(org, g) for g in recipient.grant_send_on_behalf_to],
    }


def _user_principal_name(org, guid):
    # On premises a delegate may be an Active Directory user without a mailbox (org.ad_users).
    holder = org.recipients.get(guid) or org.ad_users.get(guid)
    return holder.user_principal_name if holder else guid


def group_state(org, group):
    """The model's own view of a group and its direct members (primary SMTP addresses)."""
    return {
        "group": views.group_view(org, group),
        "members": [org.get(m).primary_smtp_address for m in group.members],
    }


def trustee_state(org, trustee):
    """Everything ``trustee`` holds anywhere, read from the model itself (not through a cmdlet's
    filter): explicit Full Access and Send As entries, Send on Behalf, direct group memberships
    and folder permission entries, each as the holder's name (folders as ``name:\\path``)."""
    guid = trustee.guid
    state = {"full_access": [], "send_as": [], "send_on_behalf": [], "member_of": [], "folder_permissions": []}
    for recipient in org.all():
        if any(not a.builtin and not a.is_inherited and not a.deny and a.trustee == guid and "FullAccess" in a.access_rights
               for a in recipient.mailbox_permissions):
            state["full_access"].append(recipient.name)
        if any(not a.builtin and a.trustee == guid for a in recipient.recipient_permissions):
            state["send_as"].append(recipient.name)
        if guid in recipient.grant_send_on_behalf_to:
            state["send_on_behalf"].append(recipient.name)
        if guid in recipient.members:
            state["member_of"].append(recipient.name)
        state["folder_permissions"].extend("%s:\\%s" % (recipient.name, "\\".join(folder.path))
                                           for folder in recipient.folders
                                           if any(entry.user == guid for entry in folder.permissions))
    return state


def handle(sandbox, request, rest):
    """Serve ``/_sandbox/{rest}`` (``?tenant=`` names one of several tenants; the first by default)."""
    try:
        return _route(tenants.for_control(sandbox.tenants, request), request, rest)
    except ValueError as exc:  # includes json.JSONDecodeError
        return _error(400, str(exc))


def _route(sandbox, request, rest):
    method = request.method
    if rest == "stats" and method == "GET":
        # peak_in_flight: the most admin API requests one app had in flight (sandbox.cost.Budget).
        return json_response(200, {**sandbox.stats.snapshot(), "peak_in_flight": sandbox.budget.peak()})
    if rest == "stats" and method == "POST":
        # The counters, zeroed in the same step: a test reads what one step sent with one request.
        if _json_body(request) != {"reset": True}:
            return _error(400, 'POST /_sandbox/stats takes {"reset": true}: it returns the counters and zeroes them')
        return json_response(200, {**sandbox.stats.snapshot(zero=True), "peak_in_flight": sandbox.budget.peak(reset=True)})
    if rest == "reset" and method == "POST":
        payload = _json_body(request)
        sandbox.stats.reset()
        sandbox.budget.reset_peak()
        sandbox.timeline.clear()
        if payload.get("state"):
            sandbox.wsman.clear_commands()
            for tenant in sandbox.tenants:
                tenant.org.seed()
                tenant.graph_directory.reset()
            sandbox.faults.clear()
            if sandbox.state_file:
                seeding.apply(sandbox.org, seeding.load(sandbox.state_file))
        return json_response(200, {"reset": True, "state": bool(payload.get("state"))})
    if rest == "seed" and method == "POST":
        payload = _json_body(request)
        state = seeding.load(payload["file"]) if set(payload) == {"file"} else payload
        return json_response(200, {"seeded": seeding.apply(sandbox.org, state)})
    if rest == "timeline" and method == "GET":
        # Each admin API request's [start, end, kind, cmdlet, admitted] since the last reset
        # (sandbox.timeline), with the clock's reading now.
        return json_response(200, {"now": sandbox.timeline.clock(), "events": sandbox.timeline.events()})
    if rest == "commands" and method == "GET":
        return json_response(200, {"commands": sandbox.wsman.command_log()})
    if rest == "faults" and method == "GET":
        return json_response(200, sandbox.faults.settings())
    if rest == "faults" and method == "POST":
        sandbox.faults.configure(_json_body(request))
        return json_response(200, sandbox.faults.settings())
    if rest == "token" and method == "POST":
        return _mint(sandbox, _json_body(request))
    if rest == "state/mailboxes" and method == "GET":
        with sandbox.org.lock:
            names = [r.name for r in sandbox.org.mailboxes()]
        return json_response(200, {"mailboxes": names})
    if rest.startswith("state/mailboxes/") and method == "GET":
        wanted = unquote(rest[len("state/mailboxes/"):])
        with sandbox.org.lock:
            try:
                recipient = identity.resolve(sandbox.org, wanted, sandbox.org.mailboxes())
            except errors.CmdletFailure as exc:
                return _error(404 if exc.category == "NotFound" else 400, exc.message)
            return json_response(200, mailbox_state(sandbox.org, recipient))
    if rest.startswith("state/trustees/") and method == "GET":
        wanted = unquote(rest[len("state/trustees/"):])
        with sandbox.org.lock:
            try:
                trustee = identity.resolve(sandbox.org, wanted)
            except errors.CmdletFailure as exc:
                return _error(404 if exc.category == "NotFound" else 400, exc.message)
            return json_response(200, trustee_state(sandbox.org, trustee))
    if rest == "state/groups" and method == "GET":
        with sandbox.org.lock:
            names = [g.name for g in sandbox.org.groups()]
        return json_response(200, {"groups": names})
    if rest.startswith("state/groups/") and method == "GET":
        wanted = unquote(rest[len("state/groups/"):])
        with sandbox.org.lock:
            try:
                group = identity.resolve(sandbox.org, wanted, sandbox.org.groups())
            except errors.CmdletFailure as exc:
                return _error(404 if exc.category == "NotFound" else 400, exc.message)
            return json_response(200, group_state(sandbox.org, group))
    return _error(404, f"No control endpoint {method} /_sandbox/{rest}.")


def _mint(sandbox, payload):
    directory = sandbox.directory
    client_id = payload.get("client_id", sandbox.main_app.client_id)
    app = directory.find_app(str(client_id))
    if app is None:
        raise ValueError(f"Unknown client_id '{client_id}'.")
    audience = payload.get("audience", directory.exchange_url)
    lifetime = payload.get("expires_in", 3599)
    if isinstance(lifetime, bool) or not isinstance(lifetime, int):
        raise ValueError("'expires_in' must be an integer number of seconds.")
    roles = payload.get("roles")
    if roles is not None and not (isinstance(roles, list)
                                  and all(isinstance(r, str) for r in roles)):
        raise ValueError("'roles' must be a list of strings.")
    token = directory.mint(app, audience, lifetime, roles=roles)
    return json_response(200, {"access_token": token, "token_type": "Bearer",
                               "expires_in": lifetime})
