"""The sandbox's request timeline (sandbox.timeline): recording and what a benchmark reads from it."""

import email.message
import json
import uuid

from sandbox import certs, entra, timeline
from sandbox.model import Organization
from sandbox.server import Sandbox
from sandbox.web import Request


class Clock:
    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now


def test_the_timeline_keeps_each_request_by_start_and_at_most_its_bound():
    clock = Clock()
    line = timeline.Timeline(clock, max_events=2)
    for start, end, cmdlet in ((10.0, 12.0, "Get-Mailbox"), (5.0, 13.0, "Get-Recipient"), (11.0, 14.0, "")):
        clock.now = end
        line.record(start, "single", cmdlet, True)
    # The oldest recorded (Get-Mailbox) went; what is left comes by start.
    assert line.events() == [[5.0, 13.0, "single", "Get-Recipient", True], [11.0, 14.0, "single", "", True]]
    assert len(line.events(reset=True)) == 2 and line.events() == []


def test_the_summary_counts_in_flight_idle_and_full_time_and_each_cmdlets_phase():
    events = [[1.0, 3.0, "single", "Get-Mailbox", True], [2.0, 3.0, "single", "Get-Mailbox", True],
              [2.5, 2.6, "single", "Get-Mailbox", False],
              [5.0, 6.0, "batch", "Get-MailboxPermission", True]]
    got = timeline.summary(events, budget=2, origin=0.0)
    # 0-1 nothing, 1-2 one, 2-3 two (the budget), 3-5 nothing, 5-6 one; the refused one is not in flight.
    assert got["span_s"] == 6.0 and got["busy_s"] == 3.0 and got["idle_s"] == 3.0 and got["full_s"] == 1.0
    assert got["mean_in_flight"] == 0.67 and got["first_request_s"] == 1.0 and got["refused"] == 1
    assert got["in_flight"] == [0.0, 1.0, 2.0, 0.0, 0.0, 1.0, 0.0]
    assert got["phases"] == {"Get-Mailbox": {"requests": 2, "first_start_s": 1.0, "last_end_s": 3.0},
                             "Get-MailboxPermission": {"requests": 1, "first_start_s": 5.0, "last_end_s": 6.0}}


def test_a_summary_of_nothing_is_zero():
    assert timeline.summary([], budget=16)["span_s"] == 0.0


def _request(method, path, body=None, cmdlet=None):
    headers = email.message.Message()
    if cmdlet:
        headers["X-CmdletName"] = cmdlet
    data = json.dumps(body).encode() if body is not None else b""
    return Request(method, path, "", headers, data)


def test_the_sandbox_records_admin_api_requests_until_a_reset():
    directory = entra.Directory(Organization("contoso", users=1, shared=0), "https://127.0.0.1:4443",
                                certs.make_signing_key())
    app = directory.register(entra.AppRegistration(client_id=str(uuid.uuid4()), display_name="a",
                                                   object_id=str(uuid.uuid4()), secrets=["s"]))
    sandbox = Sandbox(directory.org, directory, app, app)
    tenant = directory.org.tenant_id
    sandbox.dispatch(_request("POST", f"/adminapi/beta/{tenant}/InvokeCommand",
                              {"CmdletInput": {"CmdletName": "Get-Mailbox"}}, cmdlet="Get-Mailbox"))
    answer = json.loads(sandbox.dispatch(_request("GET", "/_sandbox/timeline")).body)
    (start, end, kind, cmdlet, admitted), = answer["events"]
    assert start <= end <= answer["now"] and (kind, cmdlet, admitted) == ("single", "Get-Mailbox", True)
    sandbox.dispatch(_request("POST", "/_sandbox/reset", {}))
    assert json.loads(sandbox.dispatch(_request("GET", "/_sandbox/timeline")).body)["events"] == []
