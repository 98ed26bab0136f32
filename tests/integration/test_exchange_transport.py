# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Exchange Online transport does with the real service's wire habits (issues 15 and 24):
refusals whose body cannot be decoded, the headers and anchor it sends, and answers that trickle in."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

ANCHOR = 'APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@%s'


def debug_json(stdout, tag):
    """The JSON a playbook printed with ``debug: msg: "<tag> {{ ... | to_json }}"``."""
    line = next(line for line in stdout.splitlines() if '"msg": "%s ' % tag in line)
    return json.loads(json.loads(line.split('"msg": ', 1)[1])[len(tag) + 1:])


def test_refusals_without_a_body_explain_the_status_and_write_nothing(playbook, sandbox):
    """401 without the grant, 403 without a role and 403 for a reader's write: each with NUL bytes
    labelled gzip (PROTOCOL.md §7), which the client used to die on with ContentDecodingError."""
    no_role_token = sandbox.mint_token(client_id=sandbox.env['SANDBOX_NOROLE_CLIENT_ID'],
                                       roles=['Exchange.ManageAsApp'])
    result = playbook.run('exchange_refusals.yml', extra_vars={'no_role_token': no_role_token})
    found = debug_json(result.stdout, 'REFUSALS')
    assert 'Traceback' not in result.stdout and 'ContentDecodingError' not in result.stdout

    no_grant = found['no_grant']
    assert no_grant['failed'] and no_grant['error']['status'] == 401
    assert 'HTTP 401, no body' in no_grant['msg']
    assert 'no Exchange.ManageAsApp grant or no admin consent' in no_grant['msg']
    assert 'the token carries no Exchange.ManageAsApp role' in no_grant['msg']

    no_role = found['no_role']
    assert no_role['failed'] and no_role['error'] == {'kind': 'forbidden', 'cmdlet': 'Get-Mailbox', 'status': 403}
    assert ("Access denied (HTTP 403, no body): the app's directory role or Exchange RBAC scope does not allow "
            "Get-Mailbox") in no_role['msg']

    assert found['reader_reads']['mailboxes'][0]['alias'] == 'alice'
    reader_writes = found['reader_writes']
    assert reader_writes['failed'] and reader_writes['error']['status'] == 403
    assert "the app's directory role or Exchange RBAC scope does not allow Set-Mailbox" in reader_writes['msg']
    assert 'Global Reader' in reader_writes['msg']

    stats = sandbox.stats()
    assert stats['writes'] == 0
    assert sandbox.mailbox_state('alice')['mailbox']['DisplayName'] == 'Alice Adams'


def test_every_exchange_request_carries_the_language_serialisation_client_and_tenant_anchor(
        playbook, sandbox, seeded):
    """PROTOCOL.md §7: the anchor names the tenant GUID (the token's tid) even when `organization`
    is a domain, as it is in sandbox.env; error texts are asked for in English."""
    assert sandbox.env['EXO_ORGANIZATION'] == 'contoso.onmicrosoft.com', 'the organization must be a domain here'
    playbook.run('mailbox_info.yml', extra_vars=seeded)
    stats = sandbox.stats()
    exchange_requests = stats['reads'] + stats['writes']
    headers = stats['headers']
    assert headers['X-AnchorMailbox'] == {ANCHOR % sandbox.tenant_id: exchange_requests}
    assert headers['Accept-Language'] == {'en-US': exchange_requests}
    assert headers['X-SerializationLevel'] == {'Partial': exchange_requests}
    assert headers['X-ClientApplication'] == {'ExoManagementModule': exchange_requests}


def test_a_trickling_answer_fails_in_bounded_time(playbook, sandbox):
    """Issue 24: `timeout` bounded each socket read only, so an answer sent a byte every 0.2 s was
    never cut off (a mailbox's answer would take over 20 minutes). Now each attempt ends after
    `timeout` (2 s here): 2 attempts, a short backoff and Ansible's start-up."""
    sandbox.faults(trickle_ms=200)
    started = time.monotonic()
    try:
        result = playbook.run('exchange_trickle.yml', timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail('the task was still reading a trickling answer after 180 s')
    finally:
        sandbox.faults()
    elapsed = time.monotonic() - started
    trickled = debug_json(result.stdout, 'TRICKLE')
    print('TRICKLE: failed after %.1f s: %s' % (elapsed, trickled['msg']))
    assert trickled['failed']
    assert 'the answer was not complete after 2 s (timeout)' in trickled['msg']
    assert elapsed < 60


@pytest.mark.parametrize('kind, words', [
    ('empty_object', 'HTTP 200 has no value list'),
    ('error_200', 'HTTP 200 carried an error instead of a value list'),
    ('value_object', 'HTTP 200 has no value list'),
    ('html_200', 'HTTP 200 is not a JSON object'),
    ('html_404', "HTTP 404 with an answer that is not Exchange's JSON"),
])
def test_a_malformed_answer_is_not_read_as_nothing_there(playbook, sandbox, kind, words):
    """Issue 24: a 200 without a value list counted as zero rows (state: absent reported done while
    the mailbox existed, an audit came out clean), and an HTML page saying "couldn't be found" was a
    not-found. Each now fails naming the cmdlet and the status, and nothing is removed."""
    sandbox.faults(odd_answer=kind, odd_cmdlets=['Get-Mailbox', 'Get-MailboxPermission', 'Get-Recipient'])
    try:
        result = playbook.run('exchange_odd_answers.yml')
    finally:
        sandbox.faults()
    found = debug_json(result.stdout, 'ODD')
    for task, cmdlet in (('remove', 'Get-'), ('audit', 'Get-')):
        outcome = found[task]
        assert outcome.get('failed'), '%s under %s: %s' % (task, kind, outcome)
        assert words in outcome['msg'] and cmdlet in outcome['msg'], outcome['msg']
        assert 'Traceback' not in outcome['msg']
    assert sandbox.stats()['writes'] == 0
    assert sandbox.mailbox_state('sales')['mailbox']['Alias'] == 'sales'


def test_an_answer_slower_than_70_s_arrives_with_the_default_timeout(playbook, sandbox):
    """PROTOCOL.md §7: some errors take more than 70 s. With the old default (60 s) this read timed
    out and was repeated until its retries ran out (about 6 minutes, then a failure); now the
    not-found answer arrives after 75 s and the module reports no mailbox."""
    sandbox.faults(latency_ms=75000)
    started = time.monotonic()
    try:
        result = playbook.run('exchange_slow_and_long.yml', extra_vars={'part': 'slow'}, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail('a 75 s answer was not received within 240 s')
    finally:
        sandbox.faults()
    elapsed = time.monotonic() - started
    slow = debug_json(result.stdout, 'SLOW_LONG')['slow']
    print('SLOW: a 75 s not-found answer took %.1f s end to end' % elapsed)
    assert not slow.get('failed'), slow
    assert slow['mailboxes'] == []
    assert sandbox.stats()['reads'] == 1, 'read once, not repeated after a timeout'


def test_a_2_mb_value_is_not_quoted_whole_in_the_message(playbook, sandbox):
    result = playbook.run('exchange_slow_and_long.yml', extra_vars={'part': 'long'})
    long = debug_json(result.stdout, 'SLOW_LONG')['long']
    assert long['failed'] and long['msg'].startswith('display_name')
    assert len(long['msg']) < 1000, len(long['msg'])
    assert 'x' * 100 in long['msg']
    assert sandbox.stats()['writes'] == 0
