# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lost answers to writes: the runner marks them, create_once re-reads instead of repeating blindly."""

from __future__ import annotations

import random

import pytest
import requests

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError, TransportError
from ansible_collections.mailops.exchange.plugins.module_utils.runners.exo_runner import ExoRunner
from ansible_collections.mailops.exchange.plugins.module_utils.engine.outcome import CREATE_ATTEMPTS, create_once, remove_once
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import HttpClient, RetryPolicy

from fakes import FakeResponse, FakeSession

EXCHANGE = "https://outlook.office365.com"


class Tokens:
    renewable = True

    def token(self, resource_url):
        return "token"

    def invalidate(self, resource_url):
        raise AssertionError("no 401 in these scripts")


def runner(*script):
    session = FakeSession(*script)
    http = HttpClient(session, RetryPolicy(rng=random.Random(1)), sleep=lambda seconds: None)
    return ExoRunner(http, Tokens(), EXCHANGE, "contoso.onmicrosoft.com"), session


def lost():
    error = TransportError("No answer", kind="transient")
    error.outcome_unknown = True
    return error


class Service:
    """A scripted invoke: each call takes the next answer (rows, or an exception to raise)."""

    def __init__(self, *answers, cmdlet="New-Mailbox"):
        self.answers = list(answers)
        self.cmdlet = cmdlet
        self.sent = 0

    def invoke(self, cmdlet, parameters):
        assert cmdlet == self.cmdlet and parameters == {"Name": "room1"}
        self.sent += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class Directory:
    """A scripted find: what each re-read sees."""

    def __init__(self, *views):
        self.views = list(views)
        self.reads = 0

    def find(self):
        self.reads += 1
        return self.views.pop(0)


def test_an_answered_write_is_not_reread():
    service, directory = Service([{"Name": "room1"}]), Directory()
    assert create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find) == [{"Name": "room1"}]
    assert (service.sent, directory.reads) == (1, 0)


def test_a_lost_answer_to_a_write_that_ran_is_reconciled_by_reading():
    service, directory = Service(lost()), Directory({"Name": "room1", "Guid": "g"})
    assert create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find) == [{"Name": "room1", "Guid": "g"}]
    assert (service.sent, directory.reads) == (1, 1), "found, so not sent again"


def test_a_lost_write_that_did_not_run_is_sent_again():
    service, directory = Service(lost(), [{"Name": "room1"}]), Directory(None)
    assert create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find) == [{"Name": "room1"}]
    assert (service.sent, directory.reads) == (2, 1)


def test_already_exists_after_a_lost_answer_means_the_first_one_ran():
    exists = CmdletError("already exists", kind="already_exists")
    service, directory = Service(lost(), exists), Directory(None, {"Name": "room1"})
    assert create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find) == [{"Name": "room1"}]
    assert (service.sent, directory.reads) == (2, 2)

    service, directory = Service(lost(), exists), Directory(None, None)
    with pytest.raises(CmdletError) as info:
        create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find)
    assert info.value is exists, "not found either: the conflict is someone else's, reported as it is"


def test_already_exists_on_the_first_send_is_not_swallowed():
    exists = CmdletError("already exists", kind="already_exists")
    service, directory = Service(exists), Directory()
    with pytest.raises(CmdletError):
        create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find)
    assert directory.reads == 0


def test_other_errors_are_raised_at_once():
    refused = CmdletError("bad name", kind="invalid_argument")
    service, directory = Service(refused), Directory()
    with pytest.raises(CmdletError):
        create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find)
    assert (service.sent, directory.reads) == (1, 0)


def test_answers_lost_every_time_give_up_after_a_bound_and_say_so():
    service, directory = Service(*[lost() for unused in range(CREATE_ATTEMPTS)]), Directory(*[None] * CREATE_ATTEMPTS)
    with pytest.raises(TransportError) as info:
        create_once(service.invoke, "New-Mailbox", {"Name": "room1"}, directory.find)
    assert (service.sent, directory.reads) == (CREATE_ATTEMPTS, CREATE_ATTEMPTS)
    assert "the answer was lost %d times" % CREATE_ATTEMPTS in str(info.value)
    assert info.value.kind == "transient"


def removal(*answers):
    return Service(*answers, cmdlet="Remove-Mailbox")


def test_a_lost_answer_to_a_removal_is_reconciled_by_reading():
    service, directory = removal(lost()), Directory(True)
    assert remove_once(service.invoke, "Remove-Mailbox", {"Name": "room1"}, directory.find) == []
    assert (service.sent, directory.reads) == (1, 1), "gone, so not sent again"

    service, directory = removal(lost(), []), Directory(False)
    assert remove_once(service.invoke, "Remove-Mailbox", {"Name": "room1"}, directory.find) == []
    assert (service.sent, directory.reads) == (2, 1), "still there: sent again"


def test_not_found_after_a_lost_removal_means_the_first_one_ran_but_not_on_the_first_send():
    missing = CmdletError("couldn't be found", kind="not_found")
    service, directory = removal(lost(), missing), Directory(False, True)
    assert remove_once(service.invoke, "Remove-Mailbox", {"Name": "room1"}, directory.find) == []
    assert (service.sent, directory.reads) == (2, 2)

    service, directory = removal(missing), Directory()
    with pytest.raises(CmdletError):
        remove_once(service.invoke, "Remove-Mailbox", {"Name": "room1"}, directory.find)
    assert directory.reads == 0


def test_removal_answers_lost_every_time_give_up_and_say_so():
    service, directory = removal(*[lost() for unused in range(CREATE_ATTEMPTS)]), Directory(*[False] * CREATE_ATTEMPTS)
    with pytest.raises(TransportError) as info:
        remove_once(service.invoke, "Remove-Mailbox", {"Name": "room1"}, directory.find)
    assert service.sent == CREATE_ATTEMPTS
    assert "the answer was lost %d times and the object was still there after each of them" % CREATE_ATTEMPTS in str(info.value)


def test_runner_marks_a_dropped_write_as_outcome_unknown_and_a_refused_one_not():
    exo, session = runner(requests.exceptions.ConnectionError("Connection reset by peer"))
    with pytest.raises(TransportError) as info:
        exo.invoke("New-Mailbox", {"Name": "room1"})
    assert info.value.outcome_unknown and len(session.calls) == 1

    exo, session = runner(FakeResponse(502, "<html>Bad Gateway</html>"))
    with pytest.raises(ExchangeError) as info:
        exo.invoke("New-Mailbox", {"Name": "room1"})
    assert info.value.outcome_unknown

    refusal = {"error": {"details": [{"message": "|Microsoft.Exchange.Management.Tasks.RecipientTaskException|no"}]}}
    exo, session = runner(FakeResponse(500, refusal))
    with pytest.raises(ExchangeError) as info:
        exo.invoke("New-Mailbox", {"Name": "room1"})
    assert not info.value.outcome_unknown, "Exchange said why it refused: the cmdlet did not run"


def test_create_once_over_the_runner_sends_new_mailbox_once_when_it_ran():
    exo, session = runner(requests.exceptions.ConnectionError("Connection reset by peer"),
                          FakeResponse(200, {"value": [{"Name": "room1", "Guid": "g"}]}))
    rows = create_once(exo.invoke, "New-Mailbox", {"Name": "room1"},
                       lambda: exo.invoke("Get-Mailbox", {"Identity": "room1"})[0])
    assert rows == [{"Name": "room1", "Guid": "g"}]
    assert [c["headers"]["X-CmdletName"] for c in session.calls] == ["New-Mailbox", "Get-Mailbox"]


def batch_answer(*ids):
    return FakeResponse(200, {"responses": [{"id": i, "status": 200, "body": {"value": []}} for i in ids]})


def test_a_batch_of_writes_safe_to_repeat_is_sent_again_after_a_drop():
    grants = [("Add-MailboxPermission", {"Identity": "m%d" % n, "User": "alice"}) for n in range(2)]
    exo, session = runner(requests.exceptions.ConnectionError("Connection reset by peer"), batch_answer("0", "1"))
    assert exo.invoke_many(grants, idempotent=True) == [[], []]
    assert len(session.calls) == 2


def test_a_dropped_batch_of_other_writes_gives_each_call_the_unknown_outcome():
    creates = [("New-Mailbox", {"Name": "room%d" % n}) for n in range(2)]
    exo, session = runner(requests.exceptions.ConnectionError("Connection reset by peer"))
    first, second = exo.invoke_many(creates)
    assert first is second and isinstance(first, TransportError) and first.outcome_unknown
    assert len(session.calls) == 1, "not sent again"


def test_a_broken_connection_is_repeated_at_once_then_with_backoff_and_a_timeout_with_backoff():
    sleeps = []
    reset = requests.exceptions.ConnectionError("Connection reset by peer")
    http = HttpClient(FakeSession(reset, reset, FakeResponse(200, {"value": []})), RetryPolicy(rng=random.Random(1)),
                      sleep=sleeps.append)
    assert http.request_json("POST", EXCHANGE, retry_connection_errors=True)[0] == 200
    assert sleeps[0] == 0 and 3.2 <= sleeps[1] <= 4.0 and http.stats["retries"] == 2

    sleeps.clear()
    http = HttpClient(FakeSession(requests.exceptions.ReadTimeout("slow"), FakeResponse(200, {"value": []})),
                      RetryPolicy(rng=random.Random(1)), sleep=sleeps.append)
    http.request_json("POST", EXCHANGE, retry_connection_errors=True)
    assert 1.6 <= sleeps[0] <= 2.0, "a slow service gets time"
