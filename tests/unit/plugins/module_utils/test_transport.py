import email.utils
import io
import random
import re
import socket
import threading
import time

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

from ansible_collections.mailops.exchange.plugins.module_utils.transport import http as transport
from ansible_collections.mailops.exchange.plugins.module_utils.transport.clouds import is_exchange_host
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError, TransportError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import (
    HttpClient,
    HttpSession,
    RetryPolicy,
    make_session,
    parse_retry_after,
)

from fakes import FakeResponse, FakeSession


def client(*script, retries=5):
    sleeps = []
    session = FakeSession(*script)
    return HttpClient(session, RetryPolicy(max_retries=retries, rng=random.Random(1)), timeout=(10, 60),
                      sleep=sleeps.append), session, sleeps


BEARER = {"Authorization": "Bearer sekrit-token-value"}


def exchange_hosts(host):
    return is_exchange_host(host, "https://outlook.office365.com")


# RetryPolicy ------------------------------------------------------------------------------------

def test_backoff_grows_is_jittered_and_capped():
    policy = RetryPolicy(max_retries=10, base_delay=2.0, max_delay=60.0, jitter=0.2, rng=random.Random(7))
    for attempt in range(10):
        nominal = min(60.0, 2.0 * 2 ** attempt)
        for _index in range(50):
            assert nominal * 0.8 <= policy.delay(attempt) <= nominal
    delays = {round(policy.delay(3), 6) for _index in range(20)}
    assert len(delays) > 1, "jitter spreads forks that were throttled together"


def test_retry_bound():
    policy = RetryPolicy()
    assert [policy.should_retry(n) for n in range(7)] == [True] * 5 + [False] * 2
    assert policy.max_total_delay == 300
    total = sum(policy.delay(n, retry_after="3600") for n in range(policy.max_retries))
    assert total <= policy.max_total_delay
    assert not RetryPolicy(max_retries=0).should_retry(0)


@pytest.mark.parametrize("value, low, high", [
    ("7", 7, 7 * 1.2),
    ("1.5", 1.5, 1.5 + 0.5),
    ("0", 0, 0.5),
    ("3600", 60, 60),
])
def test_retry_after_seconds_is_honoured_and_capped(value, low, high):
    policy = RetryPolicy(rng=random.Random(3))
    for attempt in (0, 4):
        assert low <= policy.delay(attempt, retry_after=value) <= high


def test_retry_after_zero_still_spreads_threads_apart():
    """Threads throttled together with Retry-After: 0 must not all retry at the same instant."""
    policy = RetryPolicy(rng=random.Random(5))
    waits = [policy.delay(0, retry_after="0") for _index in range(50)]
    assert all(0 <= wait <= 0.5 for wait in waits)
    assert len({round(wait, 3) for wait in waits}) > 40


def test_retry_after_http_date():
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= parse_retry_after(date) <= 31
    assert parse_retry_after(email.utils.formatdate(now - 100, usegmt=True)) == 0
    assert 28 <= RetryPolicy(jitter=0).delay(0, retry_after=date) <= 31


def test_unparsable_retry_after_falls_back_to_backoff():
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("nan") is None
    assert RetryPolicy(jitter=0).delay(2, retry_after="soon") == 8


# HttpSession ------------------------------------------------------------------------------------

def test_session_passes_verify_explicitly_over_environment(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/somewhere/else.pem")
    seen = {}

    def fake_send(self, request, **kwargs):
        seen.update(kwargs)
        response = requests.Response()
        response.status_code = 200
        response.request = request
        return response

    monkeypatch.setattr(requests.Session, "send", fake_send)
    session = make_session(ca_path=str(bundle), read_timeout=33)
    session.post("https://127.0.0.1:1/x", data={"a": 1}, headers={})
    assert seen["verify"] == str(bundle)
    assert seen["timeout"] == (10.0, 33)
    assert session.trust_env

    make_session(validate_certs=False, ca_path=str(bundle)).get("https://127.0.0.1:1/x")
    assert seen["verify"] is False
    make_session().get("https://127.0.0.1:1/x", timeout=5)
    assert seen["timeout"] == 5


def test_session_pool_and_bad_ca_path():
    session = make_session()
    assert isinstance(session, HttpSession)
    assert session.get_adapter("https://x")._pool_maxsize == transport.POOL_SIZE
    with pytest.raises(ExchangeError) as info:
        make_session(ca_path="/nonexistent/ca.pem")
    assert info.value.kind == "invalid_argument" and "ca_path" in str(info.value)


# HttpClient -------------------------------------------------------------------------------------

def test_429_then_ok_honours_retry_after():
    c, session, sleeps = client(FakeResponse(429, {"error": {"code": "TooMany"}}, {"Retry-After": "3"}),
                                FakeResponse(200, {"value": []}))
    status, _headers, body = c.request_json("POST", "https://outlook.office365.com/a", json={"b": 1},
                                            headers=BEARER, retry_connection_errors=False)
    assert (status, body) == (200, {"value": []})
    assert len(sleeps) == 1 and 3 <= sleeps[0] <= 3.6
    assert c.stats == {"requests": 2, "retries": 1, "throttled": 1}
    assert all(call["allow_redirects"] is False and call["timeout"] == (10, 60) for call in session.calls)


def test_503_twice_then_ok():
    c, session, sleeps = client(FakeResponse(503), FakeResponse(504, "gateway"), FakeResponse(200, {"ok": True}))
    assert c.request_json("POST", "https://h/a", retry_connection_errors=True)[2] == {"ok": True}
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0] * 0.9
    assert c.stats == {"requests": 3, "retries": 2, "throttled": 0}


@pytest.mark.parametrize("status", [502, 504])
def test_a_gateway_failure_is_not_repeated_for_a_request_that_is_not_safe_to_repeat(status):
    """A 502 or 504 can come after the service acted: only a repeatable request is sent again;
    the other gets the answer, for its caller to treat as an unknown outcome."""
    c, session, sleeps = client(FakeResponse(503), FakeResponse(status, "gateway"), FakeResponse(200, {"ok": True}))
    assert c.request_json("POST", "https://h/a", retry_connection_errors=False)[:3:2] == (status, "gateway")
    assert len(session.calls) == 2 and len(sleeps) == 1, "the 503 was retried, the gateway failure was not"


def test_gives_up_after_max_retries_with_throttled_error():
    c, session, sleeps = client(*[FakeResponse(429, {"error": {"message": "slow down"}})] * 4, retries=3)
    with pytest.raises(ExchangeError) as info:
        c.request_json("POST", "https://h/a", retry_connection_errors=True)
    assert info.value.kind == "throttled" and info.value.status == 429
    assert "slow down" in str(info.value) and "3 retries" in str(info.value)
    assert len(sleeps) == 3 and c.stats["requests"] == 4 and c.stats["throttled"] == 4

    c, _session, _sleeps = client(*[FakeResponse(503)] * 2, retries=1)
    with pytest.raises(ExchangeError) as info:
        c.request_json("GET", "https://h/a", retry_connection_errors=True)
    assert info.value.kind == "transient"


def test_connection_errors_retried_only_when_idempotent():
    c, session, sleeps = client(requests.exceptions.ConnectionError("reset"), requests.exceptions.ReadTimeout("slow"),
                                FakeResponse(200, {"ok": 1}))
    assert c.request_json("POST", "https://h/a", retry_connection_errors=True)[0] == 200
    assert len(sleeps) == 2

    c, session, sleeps = client(requests.exceptions.ConnectionError("Connection refused"))
    with pytest.raises(TransportError) as info:
        c.request_json("POST", "https://h/a", headers=BEARER, retry_connection_errors=False)
    assert info.value.kind == "transient" and sleeps == [] and len(session.calls) == 1
    assert "Not retried" in str(info.value) and "https://h" in str(info.value)
    assert "sekrit" not in str(info.value) and "sekrit" not in repr(info.value)


def test_connection_errors_give_up_after_max_retries():
    c, session, sleeps = client(*[requests.exceptions.ConnectionError("down")] * 3, retries=2)
    with pytest.raises(TransportError):
        c.request_json("GET", "https://h/a", retry_connection_errors=True)
    assert len(session.calls) == 3 and len(sleeps) == 2


def test_tls_failure_is_a_clear_error():
    exc = requests.exceptions.SSLError(
        "HTTPSConnectionPool(host='127.0.0.1', port=8443): Max retries exceeded with url: /x (Caused by "
        "SSLError(SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate (_ssl.c:1006)')))")
    c, session, sleeps = client(exc)
    with pytest.raises(TransportError) as info:
        c.request_json("POST", "https://127.0.0.1:8443/x", headers=BEARER, retry_connection_errors=True)
    message = str(info.value)
    assert "could not be verified" in message and "ca_path" in message and "validate_certs" in message
    assert "self-signed certificate" in message
    assert "sekrit" not in message and info.value.__cause__ is None and info.value.__suppress_context__
    assert sleeps == []


def test_redirect_keeps_bearer_for_exchange_hosts_and_reposts_body():
    c, session, _sleeps = client(
        FakeResponse(302, headers={"Location": "https://nam12.prod.outlook.com/adminapi/beta/t/InvokeCommand"}),
        FakeResponse(307, headers={"Location": "/adminapi/beta/t/InvokeCommand?x=1"}),
        FakeResponse(200, {"value": [1]}))
    body = {"CmdletInput": {"CmdletName": "Get-Mailbox"}}
    assert c.request_json("POST", "https://outlook.office365.com/adminapi/beta/t/InvokeCommand", json=body,
                          headers=BEARER, retry_connection_errors=False, auth_hosts=exchange_hosts)[0] == 200
    assert [call["url"] for call in session.calls] == [
        "https://outlook.office365.com/adminapi/beta/t/InvokeCommand",
        "https://nam12.prod.outlook.com/adminapi/beta/t/InvokeCommand",
        "https://nam12.prod.outlook.com/adminapi/beta/t/InvokeCommand?x=1",
    ]
    assert all(call["method"] == "POST" and call["json"] == body for call in session.calls)
    assert all(call["headers"]["Authorization"] == BEARER["Authorization"] for call in session.calls)
    assert c.stats["retries"] == 0


@pytest.mark.parametrize("location", ["https://evil.example.com/x", "http://outlook.office365.com/x",
                                      "https://outlook.office365.com:8443/x"])
def test_redirect_strips_bearer_elsewhere(location):
    c, session, _sleeps = client(FakeResponse(301, headers={"Location": location}), FakeResponse(200, {}))
    c.request_json("POST", "https://outlook.office365.com/x", json={"a": 1}, headers=BEARER,
                   retry_connection_errors=False, auth_hosts=exchange_hosts)
    assert "Authorization" in session.calls[0]["headers"]
    assert "Authorization" not in session.calls[1]["headers"]
    assert session.calls[1]["json"] == {"a": 1}


def test_redirect_without_auth_hosts_strips_bearer_and_loops_are_bounded():
    c, session, _sleeps = client(FakeResponse(303, headers={"Location": "https://outlook.office365.com/y"}),
                                 FakeResponse(200, {}))
    c.request_json("POST", "https://outlook.office365.com/x", headers=BEARER, retry_connection_errors=False)
    assert "Authorization" not in session.calls[1]["headers"]

    c, session, _sleeps = client(*[FakeResponse(302, headers={"Location": "https://outlook.office365.com/x"})] * 7)
    with pytest.raises(TransportError) as info:
        c.request_json("POST", "https://outlook.office365.com/x", retry_connection_errors=False)
    assert "redirects" in str(info.value) and len(session.calls) == 6


def test_bodies_are_decoded():
    c, _session, _sleeps = client(FakeResponse(500, "<html>oops</html>"), FakeResponse(204), FakeResponse(404, {"error": {}}))
    assert c.request_json("GET", "https://h/a", retry_connection_errors=True)[2] == "<html>oops</html>"
    assert c.request_json("GET", "https://h/a", retry_connection_errors=True)[2] is None
    assert c.request_json("GET", "https://h/a", retry_connection_errors=True)[:2][0] == 404


def test_the_token_follows_only_the_same_scheme_host_set_and_port():
    first = "https://outlook.office365.com/adminapi/beta/t/InvokeCommand"
    assert transport.keeps_token(first, "https://outlook.office365.com:443/y", exchange_hosts)
    assert transport.keeps_token(first, "https://nam12.prod.outlook.com/y", exchange_hosts)
    assert not transport.keeps_token(first, "https://outlook.office365.com:444/y", exchange_hosts)
    assert not transport.keeps_token("https://127.0.0.1:8443/a", "https://127.0.0.1:9443/a", lambda host: True)
    assert transport.keeps_token("https://127.0.0.1:8443/a", "https://127.0.0.1:8443/b", lambda host: True)
    assert not transport.keeps_token(first, "https://outlook.office365.com:notaport/y", exchange_hosts)
    assert not transport.keeps_token(first, "https://outlook.office365.com/y", None)


def real_response(status, body, headers):
    """A requests Response over a urllib3 one, read by requests itself as from a socket."""
    raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers=headers, status=status, preload_content=False,
                               decode_content=False)
    return HTTPAdapter().build_response(requests.Request("POST", "https://h/a").prepare(), raw)


def test_nul_bytes_labelled_gzip_are_no_body_not_a_decoding_error():
    """PROTOCOL.md §7: Exchange answers some 403s with NUL bytes and Content-Encoding: gzip."""
    c, _session, _sleeps = client(real_response(403, b"\0" * 16, {"Content-Encoding": "gzip"}),
                                  real_response(401, b"\0\0\0", {}), real_response(403, b"", {}),
                                  real_response(200, b"\xff\xfe\x00garbage", {}))
    for expected in (403, 401, 403, 200):
        status, unused, body = c.request_json("POST", "https://h/a", retry_connection_errors=False)
        assert (status, body) == (expected, None)


class TricklingServer:
    """A local HTTP server that sends its answer one byte every ``pause`` seconds (headers too
    when ``headers_too``), as a stalled proxy or connection may."""

    def __init__(self, pause, headers_too=False, body=b'{"value": []}'):
        self.pause = pause
        self.headers_too = headers_too
        self.body = body
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = "http://127.0.0.1:%d/a" % self.listener.getsockname()[1]
        self.stop = threading.Event()
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, unused = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        # Keep-alive: answer every request on the connection, reading each one whole.
        with conn:
            pending = b""
            while not self.stop.is_set():
                try:
                    while b"\r\n\r\n" not in pending:
                        data = conn.recv(65536)
                        if not data:
                            return
                        pending += data
                    head, unused, pending = pending.partition(b"\r\n\r\n")
                    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
                    while len(pending) < length:
                        pending += conn.recv(65536)
                    pending = pending[length:]
                    self._send(conn)
                except OSError:
                    return

    def _send(self, conn):
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(self.body)
        if not self.pause:
            conn.sendall(head + self.body)
            return
        if not self.headers_too:
            conn.sendall(head)
        for byte in (head if self.headers_too else b"") + self.body:
            if self.stop.is_set():
                return
            conn.sendall(bytes([byte]))
            time.sleep(self.pause)

    def close(self):
        self.stop.set()
        self.listener.close()


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_trickling_answer_is_cut_at_the_deadline(headers_too):
    # Each byte comes well within the 2 s read timeout, so only a bound on the whole answer cuts it.
    server = TricklingServer(pause=0.2, headers_too=headers_too, body=b'{"value": [' + b" " * 200 + b"]}")
    try:
        http = HttpClient(make_session(), RetryPolicy(max_retries=1, rng=random.Random(1)), timeout=(2, 2),
                          sleep=lambda seconds: None, deadline=1.5)
        started = time.monotonic()
        with pytest.raises(TransportError) as info:
            http.request_json("POST", server.url, json={}, retry_connection_errors=True)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert elapsed < 6, elapsed
    assert "not complete after 1.5 s (timeout)" in str(info.value)
    assert info.value.kind == "transient" and http.stats["requests"] == 2


def test_a_timely_answer_is_not_cut_and_the_connection_is_reused():
    server = TricklingServer(pause=0, body=b'{"value": [1]}')
    try:
        http = HttpClient(make_session(), RetryPolicy(max_retries=0), timeout=(2, 2), deadline=1)
        for unused in range(3):
            assert http.request_json("POST", server.url, json={}, retry_connection_errors=False)[2] == {"value": [1]}
        time.sleep(1.2)
        # Timers of finished requests were cancelled: nothing cuts a connection back in the pool.
        assert http.request_json("POST", server.url, json={}, retry_connection_errors=False)[2] == {"value": [1]}
    finally:
        server.close()
    assert server.connections == 1


# ConcurrencyGate --------------------------------------------------------------------------------

def test_gate_halves_on_throttling_and_grows_back_one_at_a_time():
    gate = transport.ConcurrencyGate(ceiling=8)
    slots = [gate.__enter__() for _index in range(4)]
    assert (gate.limit, gate.in_flight) == (8, 4)
    gate.throttled()
    assert gate.limit == 2, "half of what was in flight"
    gate.throttled()
    assert gate.limit == 1
    gate.throttled()
    assert gate.limit == 1, "never below one"
    for slot in slots:
        slot.__exit__(None, None, None)
    for _index in range(2):
        gate.answered()
    assert gate.limit == 2
    for _index in range(3):
        gate.answered()
    assert gate.limit == 2, "2 x limit answers before the next step"
    gate.answered()
    assert gate.limit == 3
    with pytest.raises(ValueError, match="ceiling"):
        transport.ConcurrencyGate(ceiling=0)


def answer_round(gate, count):
    """``count`` requests answered one after another, each with the gate's every slot taken."""
    for _index in range(count):
        slots = [gate.__enter__() for _slot in range(gate.limit)]
        gate.answered()
        for slot in slots:
            slot.__exit__(None, None, None)


def test_probing_gate_doubles_per_round_answered_until_throttled_and_stops_at_its_cap():
    gate = transport.ConcurrencyGate.probing_from(4, 12)
    assert gate.limit == 4
    answer_round(gate, 3)
    assert gate.limit == 4, "a round at 4 is four answers"
    answer_round(gate, 1)
    assert gate.limit == 8, "slow start: twice as many after a round"
    answer_round(gate, 8)
    assert gate.limit == 12, "never beyond the cap"
    answer_round(gate, 50)
    assert gate.limit == 12
    assert gate.settled == 12


def test_probing_gate_goes_back_to_the_level_it_proved_on_a_429_above_it():
    gate = transport.ConcurrencyGate.probing_from(4, 32)
    answer_round(gate, 4 + 8 + 16)
    assert (gate.limit, gate.proven) == (32, 16)
    slots = [gate.__enter__() for _index in range(20)]
    gate.throttled()
    assert gate.limit == 16, "back to the last level answered in full, not half of 20"
    for slot in slots:
        slot.__exit__(None, None, None)
    answer_round(gate, 16)
    assert gate.limit == 17, "additive increase after a throttle"
    slots = [gate.__enter__() for _index in range(17)]
    gate.throttled()
    assert gate.limit == 16, "refused at 17: just under it again"
    for slot in slots:
        slot.__exit__(None, None, None)
    answer_round(gate, 16 * 15)
    assert gate.limit == 16, "it stays under the refused level for a while"
    answer_round(gate, 16)
    assert gate.limit == 17, "then tries it again"


def test_probing_gate_cuts_once_per_burst_of_429s():
    """The requests sent before a cut hold their slots through their retries: their 429s say
    nothing new, so a burst of them does not halve the gate down to one."""
    gate = transport.ConcurrencyGate.probing_from(4, 32)
    answer_round(gate, 4 + 8 + 16)
    assert gate.limit == 32
    slots = [gate.__enter__() for _index in range(32)]
    for _index in range(16):
        gate.throttled()
    assert gate.limit == 16
    for slot in slots[16:]:
        slot.__exit__(None, None, None)
    gate.throttled()
    assert gate.limit == 8, "a 429 with no more in flight than the limit cuts again"


def test_probing_gate_halves_and_forgets_on_a_429_at_its_proven_level():
    """A 429 at or below the proven level (the budget shrank, or a rate budget): halve, forget."""
    gate = transport.ConcurrencyGate.probing_from(4, 32)
    answer_round(gate, 4 + 8)
    assert (gate.limit, gate.proven) == (16, 8)
    slots = [gate.__enter__() for _index in range(8)]
    gate.throttled()
    assert (gate.limit, gate.proven) == (4, None), "half of what was in flight"
    for slot in slots:
        slot.__exit__(None, None, None)
    answer_round(gate, 4)
    assert gate.limit == 5, "additive increase again after a throttle"


def test_probing_gate_grows_only_while_its_slots_are_used():
    """A task that sends one request at a time does not talk the limit up to the cap."""
    gate = transport.ConcurrencyGate.probing_from(4, 32)
    for _index in range(100):
        with gate:
            gate.answered()
    assert gate.limit == 4
    assert gate.settled == 1, "settled: no more than were ever in flight"


@pytest.mark.parametrize('budget', [3, 10, 16])
def test_probing_gate_settles_near_a_concurrency_budget(budget):
    """Against a service that refuses whatever is beyond ``budget`` in flight, the slow start
    overshoots once (at most twice the budget), then the gate goes back to the level it proved
    and stays just below the refused concurrency: nearly every request goes at the budget, and it
    gets there within a few rounds (the additive climb from 4 took budget - 4 rounds)."""
    gate = transport.ConcurrencyGate.probing_from(4, 32)
    seen = []
    for _request in range(4000):
        slots = [gate.__enter__() for _slot in range(gate.limit)]
        if gate.in_flight > budget:
            gate.throttled()
        else:
            gate.answered()
        for slot in slots:
            slot.__exit__(None, None, None)
        seen.append(gate.limit)
    first_refusal = next(index for index, limit in enumerate(seen) if limit > budget)
    assert max(seen) <= max(4, 2 * budget)
    assert max(seen[first_refusal + 1:]) == budget + 1
    assert min(seen[100:]) >= budget // 2
    assert budget // 2 <= gate.settled <= budget + 1
    assert seen.index(budget) <= 4 + 8 + 16 + budget
    at_budget = sum(1 for limit in seen[100:] if limit == budget) / len(seen[100:])
    assert at_budget > 0.95, "nearly every answer comes at the budget, not in a sawtooth below it"


def test_probing_gate_start_within_its_cap():
    assert transport.ConcurrencyGate.probing_from(4, 2).limit == 2
    with pytest.raises(ValueError, match="start"):
        transport.ConcurrencyGate(ceiling=4, start=5)


def test_a_thread_marked_first_takes_the_next_free_slot_before_the_others():
    """A chain of pages read beside a fan-out: each of its pages goes next, not behind the batches."""
    gate = transport.ConcurrencyGate(ceiling=1)
    order = []
    gate.__enter__()

    def request(name):
        with gate:
            order.append(name)

    def chain():
        with transport.ConcurrencyGate.first():
            request('chain')

    batches = [threading.Thread(target=request, args=('batch',)) for _index in range(3)]
    for thread in batches:
        thread.start()
    first = threading.Thread(target=chain)
    first.start()
    deadline = time.monotonic() + 10
    while gate._first_waiting == 0 and time.monotonic() < deadline:  # pylint: disable=protected-access
        time.sleep(0.01)
    gate.__exit__(None, None, None)
    for thread in batches + [first]:
        thread.join(10)
    assert order == ['chain', 'batch', 'batch', 'batch']
    assert not getattr(transport.ConcurrencyGate._first, 'value', False), "only within its block"  # pylint: disable=protected-access


def test_gate_makes_new_requests_wait_while_a_throttled_one_holds_the_only_slot():
    gate = transport.ConcurrencyGate(ceiling=4)
    gate.__enter__()
    gate.__enter__()
    gate.throttled()
    entered = threading.Event()

    def newcomer():
        with gate:
            entered.set()

    thread = threading.Thread(target=newcomer)
    thread.start()
    assert not entered.wait(0.2), "limit 1 and two in flight: the newcomer waits"
    gate.__exit__(None, None, None)
    assert not entered.wait(0.2), "still one in flight"
    gate.__exit__(None, None, None)
    assert entered.wait(5)
    thread.join(5)


class EverySecondRequestThrottled:
    """A session shared by threads: every second request, counted across all of them, gets a
    429 with Retry-After 0, like the sandbox's ``throttle_every: 2``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    def request(self, method, url, **kwargs):
        with self.lock:
            self.count += 1
            throttle = self.count % 2 == 0
        time.sleep(0.001)
        if throttle:
            return FakeResponse(429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, {"Retry-After": "0"})
        return FakeResponse(200, {"value": []})


def test_threads_sharing_a_client_under_a_strict_throttle_never_run_out_of_retries():
    session = EverySecondRequestThrottled()
    http = HttpClient(session, RetryPolicy(max_retries=5, rng=random.Random(3)), sleep=lambda seconds: None)
    failures = []

    def worker():
        for _index in range(60):
            try:
                http.request_json("GET", "https://outlook.office365.com/x", retry_connection_errors=True)
            except ExchangeError as exc:
                failures.append(exc)

    threads = [threading.Thread(target=worker) for _index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert http.stats["throttled"] > 0 and http.gate.in_flight == 0


# Outage ---------------------------------------------------------------------------------------

UNAVAILABLE = FakeResponse(503, {"error": {"code": "ServiceUnavailable", "message": "down for maintenance"}},
                           {"Retry-After": "1"})
OK = FakeResponse(200, {"value": []})


def test_after_three_requests_gave_up_the_rest_are_not_sent():
    http, session, sleeps = client(*([UNAVAILABLE] * 9), retries=2)
    for _index in range(3):
        with pytest.raises(ExchangeError, match="gave up after 2 retries") as failure:
            http.request_json("GET", "https://outlook.office365.com/x", retry_connection_errors=True)
        assert failure.value.gave_up
    assert len(session.calls) == 9
    with pytest.raises(ExchangeError) as failure:
        http.request_json("POST", "https://outlook.office365.com/x", retry_connection_errors=False)
    assert len(session.calls) == 9, "not sent"
    assert failure.value.kind == "transient" and failure.value.gave_up
    assert str(failure.value).startswith("Not sent: the service refused the last 3 requests after all their retries")
    assert "down for maintenance" in str(failure.value)


def test_an_answer_between_give_ups_starts_the_count_again():
    script = [UNAVAILABLE] * 4 + [OK] + [UNAVAILABLE] * 4 + [OK]
    http, session, sleeps = client(*script, retries=1)
    outcomes = []
    for _index in range(6):
        try:
            http.request_json("GET", "https://outlook.office365.com/x", retry_connection_errors=True)
            outcomes.append("ok")
        except ExchangeError:
            outcomes.append("gave up")
    assert outcomes == ["gave up", "gave up", "ok", "gave up", "gave up", "ok"]
    assert session.script == []


def test_connection_failures_count_only_when_retried():
    broken = requests.exceptions.ConnectionError("reset by peer")
    http, session, sleeps = client(*([broken] * 4), retries=0)
    for _index in range(4):
        with pytest.raises(TransportError) as failure:
            http.request_json("POST", "https://outlook.office365.com/x", retry_connection_errors=False)
        assert failure.value.outcome_unknown and not failure.value.gave_up
    assert len(session.calls) == 4, "a write sent once and not retried is no sign of an outage"


def test_spread_floor_follows_retry_delay():
    assert RetryPolicy().min_spread == 0.5
    quick = RetryPolicy(base_delay=0.25, rng=random.Random(6))
    waits = [quick.delay(0, retry_after="0") for _index in range(50)]
    assert all(0 <= wait <= 0.0625 for wait in waits) and max(waits) > 0.03
    assert RetryPolicy(base_delay=8, min_spread=0).spread(0) == 0
