# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout

import threading
import time
from types import SimpleNamespace

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.bulk import (
    Outcome,
    bulk_result,
    check_parallel,
    gate_for,
    workers,
    AUTO_CAP,
    AUTO_START,
    failure_message,
    merge_entries,
    summarise,
    trimmed_invocation,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Plan
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExchangeModule


def test_outcomes_keep_item_order_and_isolate_failures():
    outcomes = [Outcome('a', result={'changed': False, 'mailbox': 'a'}),
                Outcome('bad', error=ExchangeError("mailbox: 'bad' was not found", kind='not_found')),
                Outcome('b', result={'changed': True, 'mailbox': 'b'}),
                Outcome('invalid', error=ExchangeError("full_access: '' is not an identity", kind='invalid_argument')),
                Outcome('c', result={'changed': False, 'mailbox': 'c'})]
    changed, results, failures = summarise(outcomes)
    assert changed is True
    assert [r['failed'] for r in results] == [False, True, False, True, False]
    assert results[1]['error_kind'] == 'not_found'
    assert failures == [('bad', "mailbox: 'bad' was not found"), ('invalid', "full_access: '' is not an identity")]
    assert results[2] == {'changed': True, 'mailbox': 'b', 'key': 'b', 'failed': False}


def plans(count):
    return [Plan({}, '', 'o%d' % n) for n in range(count)]


def test_bugs_are_not_swallowed():
    def step(plan):
        raise KeyError(plan.identity)

    with pytest.raises(KeyError):
        Engine(SimpleNamespace(parallel=2), None).run_parallel(plans(2), step)


def test_concurrency_is_bounded_and_service_errors_stay_with_their_object():
    running = []
    peak = []
    lock = threading.Lock()

    def step(plan):
        with lock:
            running.append(plan)
            peak.append(len(running))
        time.sleep(0.02)
        with lock:
            running.remove(plan)
        if plan.identity == 'o5':
            raise ExchangeError('no o5', kind='other')

    converged = plans(12)
    Engine(SimpleNamespace(parallel=3), None).run_parallel(converged, step)
    assert max(peak) == 3
    assert [str(plan.error) for plan in converged if plan.error] == ['no o5']


def test_nothing_changed_when_everything_failed():
    assert summarise([Outcome('x', error=ExchangeError('no x', kind='other'))])[0] is False


@pytest.mark.parametrize('value', [0, 17, -1, True, 2.5, '4x', 'fast', '', [4]])
def test_parallel_is_checked(value):
    with pytest.raises(ValueError, match=r'parallel: .* must be a whole number from 1 to 16, or auto'):
        check_parallel(value)


def test_parallel_in_range():
    assert check_parallel(1) == 1 and check_parallel(16) == 16
    assert check_parallel('8') == 8, 'a templated number is a string'


@pytest.mark.parametrize('value', ['auto', 'AUTO', ' auto', None])
def test_parallel_auto(value):
    assert check_parallel(value) == 'auto'


def test_auto_probes_from_its_start_up_to_its_cap():
    gate = gate_for('auto')
    assert (gate.limit, gate.ceiling, workers('auto')) == (AUTO_START, AUTO_CAP, AUTO_CAP)
    fixed = gate_for(6)
    assert (fixed.limit, fixed.ceiling, workers(6)) == (6, 6, 6)


def test_entries_take_the_task_values_they_leave_out():
    defaults = {'members': ['dave'], 'state': 'present', 'exclusive': False}
    entries = merge_entries([{'group': 'a', 'members': None, 'state': 'absent', 'exclusive': None},
                             {'group': 'b', 'members': [], 'exclusive': True}], defaults)
    assert entries == [{'group': 'a', 'members': ['dave'], 'state': 'absent', 'exclusive': False},
                       {'group': 'b', 'members': [], 'state': 'present', 'exclusive': True}]
    # The defaults are copied, never changed.
    assert defaults == {'members': ['dave'], 'state': 'present', 'exclusive': False}


def test_failure_message_counts_and_lists_every_failure():
    assert failure_message([('a', 'no'), ('b', 'gone')], 5, 'groups') == '2 of 5 groups failed: a: no; b: gone'


def test_failure_message_gives_a_shared_reason_once():
    failures = [('m%03d' % n, 'Not sent: the service is down') for n in range(200)] + [('x', 'not found')]
    failures.insert(1, ('y', 'not found'))
    message = failure_message(failures, 250, 'mailboxes')
    assert message == ('202 of 250 mailboxes failed: Not sent: the service is down (200 mailboxes: m000, m001, m002, '
                       'm003, m004, m005, m006, m007, m008, m009 and 190 more); not found (2 mailboxes: y, x)')


class FakeRunner(object):
    """Answers Get-Recipient from ``people``; records single calls and batches separately."""

    def __init__(self, people):
        self.people = people
        self.single = []
        self.batches = []

    def _answer(self, cmdlet, parameters):
        found = self.people.get(parameters['Identity'].lower())
        if found == 'ambiguous':
            return ExchangeError('matches multiple entries', kind='ambiguous')
        if found is None:
            return ExchangeError("couldn't be found", kind='not_found')
        return [found]

    def invoke(self, cmdlet, parameters, idempotent=None):
        self.single.append((cmdlet, parameters))
        answer = self._answer(cmdlet, parameters)
        if isinstance(answer, ExchangeError):
            raise answer
        return answer

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        return fanout.invoke_all(self.invoke_many, calls, idempotent, parallel, each=each)

    def invoke_many(self, calls, idempotent=None):
        self.batches.append(list(calls))
        return [self._answer(*call) for call in calls]


ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
BOB = {'Guid': 'GB', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com'}


class Failed(Exception):
    pass


class FakeExo(object):
    """What bulk_result needs of ExchangeModule: the diff flag and a fail that ends the task."""

    def __init__(self, diff, results=None):
        self.module = type('Module', (), {'_diff': diff})()
        self.params = {} if results is None else {'results': results}
        self.failed_with = None

    def fail(self, msg, **result):
        self.failed_with = (msg, result)
        raise Failed(msg)


def group_outcomes():
    return [Outcome('sales', result={'group': 'sales@x', 'changed': True, 'members': ['a', 'b'], 'before': ['a']}),
            Outcome('ops', result={'group': 'ops@x', 'changed': False, 'members': [], 'before': []})]


def test_bulk_result_diffs_each_object_by_name_and_drops_before_from_results():
    result = bulk_result(FakeExo(diff=True), group_outcomes(), 'groups', name=lambda r: r['group'],
                         after=lambda r: {'members': r['members']}, before=lambda old: {'members': old})
    assert result['changed'] is True
    assert result['diff'] == {'before': {'ops@x': {'members': []}, 'sales@x': {'members': ['a']}},
                              'after': {'ops@x': {'members': []}, 'sales@x': {'members': ['a', 'b']}}}
    assert all('before' not in r for r in result['results'])


def test_bulk_result_without_diff_mode_has_no_diff():
    result = bulk_result(FakeExo(diff=False), group_outcomes(), 'groups', name=lambda r: r['group'],
                         after=lambda r: r['members'])
    assert 'diff' not in result and [r['key'] for r in result['results']] == ['sales', 'ops']


def test_bulk_result_fails_naming_every_failed_object_with_the_others_results():
    exo = FakeExo(diff=True)
    outcomes = group_outcomes() + [Outcome('ghost', error=ExchangeError('not there', kind='not_found'))]
    with pytest.raises(Failed):
        bulk_result(exo, outcomes, 'groups', name=lambda r: r['group'], after=lambda r: r['members'])
    msg, result = exo.failed_with
    assert msg == '1 of 3 groups failed: ghost: not there'
    assert [r['failed'] for r in result['results']] == [False, False, True]
    assert set(result['diff']['after']) == {'sales@x', 'ops@x'}


def test_bulk_result_counts_every_object_whichever_results_it_keeps():
    for results in (None, 'all', 'changed'):
        result = bulk_result(FakeExo(diff=False, results=results), group_outcomes(), 'groups', name=lambda r: r['group'],
                             after=lambda r: r['members'])
        assert result['counts'] == {'total': 2, 'changed': 1, 'failed': 0, 'unchanged': 1}


def test_bulk_result_changed_keeps_only_the_objects_that_changed_or_failed_and_their_diff():
    exo = FakeExo(diff=True, results='changed')
    outcomes = group_outcomes() + [Outcome('ghost', error=ExchangeError('not there', kind='not_found')),
                                   Outcome('half', result={'changed': True}, error=ExchangeError('read-back failed'))]
    with pytest.raises(Failed):
        bulk_result(exo, outcomes, 'groups', name=lambda r: r['group'], after=lambda r: r['members'])
    msg, result = exo.failed_with
    assert msg.startswith('2 of 4 groups failed: ')
    assert [(r['key'], r['failed'], r.get('changed')) for r in result['results']] == [
        ('sales', False, True), ('ghost', True, None), ('half', True, True)]
    assert result['results'][1]['error_kind'] == 'not_found'
    assert result['diff'] == {'before': {'sales@x': ['a']}, 'after': {'sales@x': ['a', 'b']}}
    assert result['counts'] == {'total': 4, 'changed': 2, 'failed': 2, 'unchanged': 1}


def test_bulk_result_changed_of_objects_all_in_sync_lists_none():
    outcomes = [Outcome('ops%d' % i, result={'group': 'ops%d@x' % i, 'changed': False, 'members': [], 'before': []})
                for i in range(3)]
    result = bulk_result(FakeExo(diff=True, results='changed'), outcomes, 'groups', name=lambda r: r['group'],
                         after=lambda r: r['members'])
    assert result['changed'] is False and result['results'] == [] and result['diff'] == {'before': {}, 'after': {}}
    assert result['counts'] == {'total': 3, 'changed': 0, 'failed': 0, 'unchanged': 3}


SPEC = {'mailboxes': {'type': 'list', 'elements': 'dict', 'options': {'mailbox': {'type': 'str'}}},
        'members': {'type': 'list', 'elements': 'str'}, 'results': {'type': 'str'}, 'parallel': {'type': 'raw'}}


def test_results_changed_leaves_the_lists_of_entries_out_of_the_invocation():
    params = {'mailboxes': [{'mailbox': 'm%d' % i} for i in range(3)], 'members': ['a'], 'results': 'changed',
              'parallel': 'auto'}
    assert trimmed_invocation(params, SPEC) == {'module_args': {'members': ['a'], 'results': 'changed', 'parallel': 'auto'}}


@pytest.mark.parametrize('results', [None, 'all'])
def test_results_all_leaves_the_invocation_to_ansible(results):
    assert trimmed_invocation({'mailboxes': [{'mailbox': 'm'}], 'results': results}, SPEC) is None


def test_the_module_sends_one_call_alone_and_several_ten_to_a_batch():
    runner = FakeRunner({'alice': ALICE, 'bob': BOB})
    module = SimpleNamespace(runner=runner, parallel=2)
    module.invoke_one = lambda call, idempotent=None: ExchangeModule.invoke_one(module, call, idempotent)

    def invoke_all(calls):
        return ExchangeModule.invoke_all(module, calls)

    assert invoke_all([]) == []
    missing = invoke_all([('Get-Recipient', {'Identity': 'ghost'})])
    assert missing[0].kind == 'not_found' and runner.batches == []
    calls = [('Get-Recipient', {'Identity': name}) for name in ['alice', 'bob'] * 6]
    answers = invoke_all(calls)
    assert answers == [[ALICE], [BOB]] * 6
    assert len(runner.single) == 1 and [len(batch) for batch in runner.batches] == [10, 2]


@pytest.mark.parametrize('results, returned', [('changed', None), ('all', 'whole')])
def test_a_bulk_task_returns_its_entries_in_the_invocation_unless_results_changed(monkeypatch, results, returned):
    # What the module hands exit_json: with results changed an invocation without the entries; with
    # all none, so AnsibleModule adds its own (the whole input). Read from exit_json's arguments,
    # not from the printed output, whose plumbing differs between ansible-core releases.
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    spec = {'mailboxes': {'type': 'list', 'elements': 'dict', 'options': {'mailbox': {'type': 'str'}}},
            'results': {'type': 'str', 'default': 'all', 'choices': ['all', 'changed']}}
    exited = {}
    with patch_module_args({'mailboxes': [{'mailbox': 'm0'}, {'mailbox': 'm1'}], 'results': results}):
        module = ExchangeModule(spec, {})
        monkeypatch.setattr(module.module, 'exit_json', lambda **kwargs: exited.update(kwargs))
        module.run(lambda m: {'changed': False, 'results': []})
    if returned == 'whole':
        assert 'invocation' not in exited
    else:
        invocation = exited['invocation']['module_args']
        assert 'mailboxes' not in invocation and invocation['results'] == results


def test_chained_follows_each_request_at_once_and_keeps_the_order_of_the_calls():
    """fanout.chained (issue 23): a request's follow-ups go as soon as it answers, before a later
    request of the first reads has answered; no follow-up for an error or a call that names none."""
    sent, first_follow_up = [], threading.Event()

    def invoke_all(calls):
        sent.append([call for call, unused in calls])
        if calls[0][1] == 'read' and calls[0][0] >= 20:
            assert first_follow_up.wait(10), "the follow-ups waited for every first read"
        if calls[0][1] == 'members':
            first_follow_up.set()
        return [ExchangeError('gone', kind='not_found') if number == 3 else ['row %d' % number] for number, unused in calls]

    calls = [(number, 'read') for number in range(25)]
    answers, followed = fanout.chained(invoke_all, calls, lambda call, answer: None if isinstance(answer, ExchangeError) or call[0] == 4
                                       else (call[0], 'members'), parallel=3)
    assert [a if isinstance(a, list) else a.kind for a in answers[2:5]] == [['row 2'], 'not_found', ['row 4']]
    assert followed[3] is None and followed[4] is None and followed[24] == ['row 24']
    assert sorted(len(request) for request in sent) == [5, 5, 8, 10, 10, 10]
