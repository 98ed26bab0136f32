# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk reads of mailbox permissions: organisation-wide pages, $batch, and what each costs."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.runners import fanout

import threading

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.transport.http import ConcurrencyGate
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import (
    SPECULATE_SEND_AS,
    SendAsRead,
    read_all_trustees,
    read_mailboxes,
)
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import identities
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.identities import (
    MAILBOX_FACTS_READ,
    mailbox_facts,
    IdentityError,
    Recipient,
    RecipientResolver,
    find_in_pages,
)
from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import interleave


def person(n, **extra):
    row = {'Guid': 'guid-%04d' % n, 'Name': 'user%04d' % n, 'Identity': 'user%04d' % n,
           'PrimarySmtpAddress': 'user%04d@contoso.com' % n, 'GrantSendOnBehalfTo': []}
    row.update(extra)
    return row


class FakeRunner(object):
    """Serves Get- cmdlets from lists of rows, pages of ``page_size``; records every request."""

    def __init__(self, tables, page_size=3, refuse=()):
        self.tables = tables
        self.page_size = page_size
        self.refuse = refuse
        self.requests = []
        self.selects = []
        self.lock = threading.Lock()

    def _rows(self, cmdlet, params):
        if cmdlet in self.refuse and 'Identity' not in params:
            raise ExchangeError('A parameter cannot be found', kind='invalid_argument')
        rows = self.tables[cmdlet]
        if 'Identity' not in params:
            return rows
        wanted = params['Identity'].lower()
        if cmdlet not in ('Get-Mailbox', 'Get-Recipient'):
            # A permission read: the rows name their mailbox by its Identity.
            owner = [m['Identity'] for m in self.tables['Get-Mailbox'] if wanted in Recipient(m).names]
            return [r for r in rows if r['Identity'] in owner]
        rows = [r for r in rows if wanted in Recipient(r).names]
        if len(rows) > 1:
            raise ExchangeError('matches multiple entries', kind='ambiguous')
        if not rows:
            raise ExchangeError("couldn't be found", kind='not_found')
        return rows

    def pages(self, cmdlet, params, select=None):
        rows = self._rows(cmdlet, params)
        self.selects.append(select)
        for start in range(0, max(len(rows), 1), self.page_size):
            with self.lock:
                self.requests.append(('page', cmdlet))
            # $select as the service applies it: only the properties named.
            yield [dict((k, v) for k, v in row.items() if select is None or k in select)
                   for row in rows[start:start + self.page_size]]

    def invoke(self, cmdlet, params):
        return [row for page in self.pages(cmdlet, params) for row in page]

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        return fanout.invoke_all(self.invoke_many, calls, idempotent, parallel, each=each)

    def invoke_many(self, calls, idempotent=None):  # pylint: disable=unused-argument
        assert len(calls) <= 10
        with self.lock:
            self.requests.append(('batch', [cmdlet for cmdlet, unused in calls]))
        answers = []
        for cmdlet, params in calls:
            try:
                answers.append(self._rows(cmdlet, params))
            except ExchangeError as err:
                answers.append(err)
        return answers


PEOPLE = [person(n) for n in range(1, 8)]


def test_a_complete_read_finds_names_and_counts_the_organisation():
    runner = FakeRunner({'Get-Mailbox': PEOPLE})
    found, total = find_in_pages(runner, 'Get-Mailbox', ['user0002', 'USER0007@contoso.com', 'ghost'], budget=5)
    assert found == {'user0002': PEOPLE[1], 'USER0007@contoso.com': PEOPLE[6]}
    assert total == 7
    assert runner.requests == [('page', 'Get-Mailbox')] * 3
    assert {'Guid', 'Name', 'PrimarySmtpAddress', 'EmailAddresses', 'GrantSendOnBehalfTo'} <= runner.selects[0], \
        "an organisation-wide read asks only for what it keeps ($select)"


def test_each_row_looks_up_its_own_names_instead_of_walking_every_identity(monkeypatch):
    # frozenset.intersection(dict) iterates the whole dict: for each row, every identity looked
    # for. At N=60,000 that was 120,000 rows x 120,000 names, most of a 60,000-mailbox audit's CPU.
    class NoScan(frozenset):
        def intersection(self, *others):
            pytest.fail('a row compared with every identity looked for')

    class Spied(Recipient):
        def __init__(self, row):
            super(Spied, self).__init__(row)
            self.names = NoScan(self.names)

    monkeypatch.setattr(identities, 'Recipient', Spied)
    runner = FakeRunner({'Get-Mailbox': PEOPLE})
    found, total = find_in_pages(runner, 'Get-Mailbox', ['user0002', 'USER0007@contoso.com'], budget=5)
    assert found == {'user0002': PEOPLE[1], 'USER0007@contoso.com': PEOPLE[6]} and total == 7


def test_rows_found_in_pages_keep_only_what_lookups_and_permissions_use():
    row = person(3, EmailAddresses=['SMTP:user0003@contoso.com', 'smtp:u3@contoso.com'],
                 GrantSendOnBehalfTo=['user0001'], MailboxPlan='ExchangeOnlineEnterprise', AuditOwner=['Create'] * 50)
    runner = FakeRunner({'Get-Mailbox': PEOPLE[:2] + [row]})
    found, unused = find_in_pages(runner, 'Get-Mailbox', ['u3@contoso.com'], budget=5)
    kept = found['u3@contoso.com']
    assert 'MailboxPlan' not in kept and 'AuditOwner' not in kept
    assert kept == {k: v for k, v in row.items() if k not in ('MailboxPlan', 'AuditOwner')}


def test_a_name_two_recipients_answer_to_is_left_to_an_exact_read():
    twin = person(9, Name='twin', Alias='user0001')
    runner = FakeRunner({'Get-Mailbox': PEOPLE + [twin]})
    found, unused = find_in_pages(runner, 'Get-Mailbox', ['user0001', 'user0002'], budget=5)
    assert list(found) == ['user0002']


def test_the_read_stops_at_its_budget_and_keeps_only_identities_unique_everywhere():
    runner = FakeRunner({'Get-Mailbox': PEOPLE})
    found, total = find_in_pages(runner, 'Get-Mailbox', ['user0001', 'user0002@contoso.com', 'user0007'],
                                 budget=1)
    # user0001 was seen, but a later page could hold another recipient that answers to it.
    assert found == {'user0002@contoso.com': PEOPLE[1]}
    assert total is None
    assert len(runner.requests) == 1


def test_the_read_stops_once_every_address_is_found():
    runner = FakeRunner({'Get-Mailbox': PEOPLE})
    found, total = find_in_pages(runner, 'Get-Mailbox', ['user0001@contoso.com', 'USER0002@contoso.com'], budget=5)
    assert len(found) == 2 and total is None
    assert len(runner.requests) == 1


def test_few_mailboxes_are_read_ten_to_a_batch_and_a_missing_one_is_its_own_error():
    runner = FakeRunner({'Get-Mailbox': PEOPLE})
    rows, org_size = read_mailboxes(runner, ['user0001', 'ghost', 'user0003'])
    assert rows['user0001'] == PEOPLE[0] and rows['user0003'] == PEOPLE[2]
    assert isinstance(rows['ghost'], ExchangeError) and rows['ghost'].kind == 'not_found'
    assert org_size is None
    assert runner.requests == [('batch', ['Get-Mailbox'] * 3)]


def test_many_mailboxes_come_from_the_organisation_wide_pages():
    people = [person(n) for n in range(1, 26)]
    runner = FakeRunner({'Get-Mailbox': people}, page_size=10)
    wanted = ['user%04d' % n for n in range(1, 21)] + ['ghost']
    rows, org_size = read_mailboxes(runner, wanted)
    assert org_size == 25
    assert [rows[name]['Guid'] for name in wanted[:20]] == ['guid-%04d' % n for n in range(1, 21)]
    assert rows['ghost'].kind == 'not_found'
    # Three pages (within the budget of three batches), then only the one not found, exactly.
    assert runner.requests == [('page', 'Get-Mailbox')] * 3 + [('batch', ['Get-Mailbox'])]


def _sales_org():
    mailboxes = [person(n) for n in range(1, 13)]
    mailboxes[0]['GrantSendOnBehalfTo'] = ['user0005']
    send_as = [{'Identity': 'user%04d' % n, 'Trustee': 'user0006@contoso.com', 'AccessControlType': 'Allow',
                'AccessRights': ['SendAs'], 'IsInherited': False} for n in range(1, 13)]
    send_as.append({'Identity': 'user0001', 'Trustee': 'NT AUTHORITY\\SELF', 'AccessControlType': 'Allow',
                    'AccessRights': ['SendAs'], 'IsInherited': False})
    full_access = [{'Identity': 'user%04d' % n, 'User': 'user0007@contoso.com', 'AccessRights': ['FullAccess'],
                    'IsInherited': False, 'Deny': False} for n in range(1, 13)]
    return mailboxes, {'Get-Mailbox': mailboxes, 'Get-Recipient': mailboxes,
                       'Get-RecipientPermission': send_as, 'Get-MailboxPermission': full_access}


def test_send_as_is_read_organisation_wide_when_that_is_cheaper():
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up %r one by one' % (args,)))
    wanted = [(resolver.remember(row), ('full_access', 'send_as', 'send_on_behalf')) for row in mailboxes]
    trustees = read_all_trustees(runner, resolver, wanted, org_size=12, also=['user0008'])
    first = trustees['guid-0001']
    assert first == {'full_access': ['user0007@contoso.com'], 'send_as': ['user0006@contoso.com'],
                     'send_on_behalf': ['user0005']}
    assert runner.requests.count(('page', 'Get-RecipientPermission')) == 1
    # The delegate the rows name by its Name is the mailbox read with that Name; the name the task
    # asks for is asked for although its row was read: only the service can tell that no one else
    # has that name as a display name.
    # (The name asked for is looked up beside the permission reads, so in no fixed order with them.)
    assert sorted(r for r in runner.requests if r[0] == 'batch') == [
        ('batch', ['Get-MailboxPermission'] * 2), ('batch', ['Get-MailboxPermission'] * 10),
        ('batch', ['Get-Recipient'])]
    # Every trustee the rows name, and the one the task asks for, is known without a call now.
    assert resolver.lookup('user0006@contoso.com').key == 'guid-0006'
    assert resolver.lookup('user0008').key == 'guid-0008'


def test_the_organisation_wide_send_as_read_goes_side_by_side_with_the_full_access_batches():
    # Its pages are a chain that no filter splits: read before the Full Access batches, it adds
    # its whole length to the audit. Here it can only finish once a Full Access batch was sent.
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000)
    full_access_sent = threading.Event()
    rows, batch = runner._rows, runner.invoke_many

    def send_as_waits(cmdlet, params):
        if cmdlet == 'Get-RecipientPermission' and 'Identity' not in params:
            assert full_access_sent.wait(10), "the Send As pages were read before any Full Access batch"
        return rows(cmdlet, params)

    def full_access(calls, idempotent=None):
        if calls[0][0] == 'Get-MailboxPermission':
            full_access_sent.set()
        return batch(calls, idempotent)

    runner._rows, runner.invoke_many = send_as_waits, full_access
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(row), ('full_access', 'send_as')) for row in mailboxes]
    trustees = read_all_trustees(runner, resolver, wanted, parallel=4, org_size=12)
    assert trustees['guid-0012'] == {'full_access': ['user0007@contoso.com'], 'send_as': ['user0006@contoso.com']}


def test_the_identities_asked_for_are_looked_up_beside_the_full_access_batches():
    """Issue 23: the lookup of the trustees a task names began only once every Full Access batch
    had answered (about 5 s after 1,000 batches at 750 ms). They are known before any read, so it
    starts at once: here the Full Access batches can only answer once it has been sent, and the
    trustees the batches find that it settled cost no request after them."""
    mailboxes, tables = _sales_org()
    tables['Get-Recipient'] = mailboxes + [person(n) for n in range(13, 40)]
    runner = FakeRunner(tables, page_size=1000)
    asked_sent = threading.Event()
    batch = runner.invoke_many

    def full_access_waits(calls, idempotent=None):
        if calls[0][0] == 'Get-MailboxPermission':
            assert asked_sent.wait(10), "the asked trustees were looked up only after the Full Access batches"
        answers = batch(calls, idempotent)
        if calls[0][0] == 'Get-Recipient':
            asked_sent.set()
        return answers

    runner.invoke_many = full_access_waits
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(row), ('full_access',)) for row in mailboxes[:4]]
    tables['Get-MailboxPermission'] = [dict(r, User='user0013') for r in tables['Get-MailboxPermission']]
    trustees = read_all_trustees(runner, resolver, wanted, parallel=4, org_size=12, also=['user0013', 'user0014'])
    assert trustees['guid-0001'] == {'full_access': ['user0013']}
    assert resolver.lookup('user0013').key == 'guid-0013'
    # One lookup (the two asked for), none for the trustee found: the lookup had settled it.
    assert runner.requests.count(('batch', ['Get-Recipient'] * 2)) == 1
    assert len([r for r in runner.requests if r[1] == 'Get-Recipient' or 'Get-Recipient' in r[1]]) == 1


def test_a_task_with_many_send_as_entries_reads_send_as_beside_the_mailboxes():
    """At 60,000 the Send As chain (181 pages) was the audit's critical path, started only once
    the mailboxes were read (the choice needs the organisation's size). Started at the task's
    first request, it overlaps that read: here the mailbox pages can only end once it began."""
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000)
    send_as_began = threading.Event()
    rows = runner._rows

    def mailboxes_wait(cmdlet, params):
        if cmdlet == 'Get-RecipientPermission' and 'Identity' not in params:
            # Its pages go before the fan-out's waiting requests (ConcurrencyGate.first).
            assert getattr(ConcurrencyGate._first, 'value', False)  # pylint: disable=protected-access
            send_as_began.set()
        if cmdlet == 'Get-Mailbox' and 'Identity' not in params:
            assert send_as_began.wait(10), "the Send As read waited for the mailboxes"
        return rows(cmdlet, params)

    runner._rows = mailboxes_wait
    assert SendAsRead.speculative(runner, SPECULATE_SEND_AS - 1) is None, "a few entries: no speculation"
    early = SendAsRead.speculative(runner, SPECULATE_SEND_AS)
    found, org_size = read_mailboxes(runner, [row['Name'] for row in mailboxes])
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(found[row['Name']]), ('send_as',)) for row in mailboxes]
    trustees = read_all_trustees(runner, resolver, wanted, org_size=org_size, send_as_read=early)
    assert trustees['guid-0012'] == {'send_as': ['user0006@contoso.com']}
    assert runner.requests.count(('page', 'Get-RecipientPermission')) == 1, "read once, early"


def test_a_speculative_send_as_read_that_does_not_pay_is_abandoned():
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=3)
    first_page, go_on = threading.Event(), threading.Event()
    rows = runner._rows

    def held(cmdlet, params):
        if cmdlet == 'Get-RecipientPermission' and 'Identity' not in params:
            first_page.set()
            assert go_on.wait(10)
        return rows(cmdlet, params)

    runner._rows = held
    early = SendAsRead.speculative(runner, SPECULATE_SEND_AS)
    assert first_page.wait(10)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(row), ('send_as',)) for row in mailboxes[:3]]
    abandon = early.abandon

    def abandon_then_go_on():
        abandon()
        go_on.set()
    early.abandon = abandon_then_go_on
    # A large organisation: ten to a $batch pays, so the early read is abandoned.
    trustees = read_all_trustees(runner, resolver, wanted, org_size=50000, send_as_read=early)
    assert go_on.is_set(), "abandoned"
    assert trustees['guid-0003'] == {'send_as': ['user0006@contoso.com']}
    assert ('batch', ['Get-RecipientPermission'] * 3) in runner.requests, "read per mailbox after all"
    assert early.grouped([]) is None
    assert runner.requests.count(('page', 'Get-RecipientPermission')) == 1, \
        "stopped after the page it was reading, not read to its end (5 pages)"


def test_send_as_falls_back_to_batches_when_the_organisation_wide_read_is_refused():
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000, refuse=('Get-RecipientPermission',))
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(row), ('send_as',)) for row in mailboxes]
    trustees = read_all_trustees(runner, resolver, wanted, org_size=12)
    assert trustees['guid-0012'] == {'send_as': ['user0006@contoso.com']}
    assert [r for r in runner.requests if r[0] == 'batch'] == [
        ('batch', ['Get-RecipientPermission'] * 10), ('batch', ['Get-RecipientPermission'] * 2)]


def test_send_as_of_a_large_organisation_is_read_per_mailbox():
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(row), ('send_as',)) for row in mailboxes[:3]]
    read_all_trustees(runner, resolver, wanted, org_size=50000)
    # Then the one trustee they name, looked up once for all three.
    assert runner.requests == [('batch', ['Get-RecipientPermission'] * 3), ('batch', ['Get-Recipient'])]


def test_a_failed_permission_read_is_kept_for_its_mailbox_only():
    mailboxes, tables = _sales_org()
    runner = FakeRunner(tables, page_size=1000)
    ghost = Recipient({'Guid': 'guid-ghost', 'Name': 'ghost', 'Identity': 'ghost'})
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    wanted = [(resolver.remember(mailboxes[0]), ('full_access',)), (ghost, ('full_access',))]
    runner.tables['Get-MailboxPermission'] = tables['Get-MailboxPermission'][:1]
    original = runner._rows

    def failing(cmdlet, params):
        if params.get('Identity') == 'guid-ghost':
            raise ExchangeError('gone', kind='not_found')
        return original(cmdlet, params)

    runner._rows = failing
    trustees = read_all_trustees(runner, resolver, wanted)
    assert trustees['guid-0001'] == {'full_access': ['user0007@contoso.com']}
    assert trustees['guid-ghost']['full_access'].kind == 'not_found'


def test_prefetch_keeps_every_answer_for_lookup_errors_included():
    rows = [person(n) for n in range(1, 4)]
    runner = FakeRunner({'Get-Recipient': rows + [person(8, Name='twin'), person(9, Name='Twin2', Alias='twin')]})
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    resolver.prefetch(runner, ['user0001', 'USER0001', 'user0002@contoso.com', 'ghost', 'twin'])
    assert runner.requests == [('batch', ['Get-Recipient'] * 4)]
    assert resolver.lookup('user0001').key == 'guid-0001'
    assert resolver.lookup('ghost') is None
    with pytest.raises(ExchangeError) as caught:
        resolver.lookup('twin')
    assert caught.value.kind == 'ambiguous'
    # Known now: a second prefetch asks nothing.
    resolver.prefetch(runner, ['user0002@contoso.com', 'ghost', 'guid-0001'])
    assert len(runner.requests) == 1


def test_prefetch_of_many_reads_the_organisation_then_only_what_it_did_not_find():
    rows = [person(n) for n in range(1, 31)]
    runner = FakeRunner({'Get-Recipient': rows}, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    resolver.prefetch(runner, ['user%04d' % n for n in range(1, 21)] + ['ghost'])
    assert runner.requests == [('page', 'Get-Recipient'), ('batch', ['Get-Recipient'])]
    assert resolver.lookup('user0020').key == 'guid-0020'


def test_prefetch_keeps_one_recipient_per_row_for_every_spelling_that_names_it():
    rows = [person(n) for n in range(1, 31)]
    runner = FakeRunner({'Get-Recipient': rows}, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    resolver.prefetch(runner, (), labels=['user%04d' % n for n in range(1, 21)] + ['user%04d@contoso.com' % n for n in range(1, 21)])
    assert resolver.lookup('user0007') is resolver.lookup('user0007@contoso.com')
    assert resolver.lookup('user0007').key == 'guid-0007'


def test_invoke_all_keeps_the_order_of_the_calls():
    rows = [person(n) for n in range(1, 36)]
    runner = FakeRunner({'Get-Mailbox': rows})
    calls = [('Get-Mailbox', {'Identity': 'user%04d' % n}) for n in range(35, 0, -1)]
    answers = runner.invoke_all(calls, parallel=4)
    assert [a[0]['Guid'] for a in answers] == ['guid-%04d' % n for n in range(35, 0, -1)]
    assert sorted(len(r[1]) for r in runner.requests) == [5, 10, 10, 10]


def test_invoke_all_keeps_what_each_returns_reducing_each_group_as_it_is_answered():
    log = []

    def invoke_group(group, unused_idempotent):
        log.append(('group', [parameters['n'] for unused, parameters in group]))
        return [['row'] * parameters['n'] for unused, parameters in group]

    def each(call, rows):
        log.append(('each', call[1]['n']))
        return len(rows)

    calls = [('Get-Mailbox', {'n': n}) for n in range(1, 13)]
    assert fanout.invoke_all(invoke_group, calls, parallel=1, each=each) == list(range(1, 13))
    # The first group's answers are reduced before the second group is asked for.
    assert log[:12] == [('group', list(range(1, 11)))] + [('each', n) for n in range(1, 11)] + [('group', [11, 12])]
    assert fanout.invoke_all(invoke_group, calls, parallel=4, each=each) == list(range(1, 13))


class KeepingRunner(FakeRunner):
    """Records what ``each`` kept of every permission answer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = []

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        kept = super().invoke_all(calls, idempotent, parallel, each=each)
        self.kept.extend(kept)
        return kept


def test_only_the_trustees_of_permission_answers_are_kept_and_send_as_pages_select_what_is_used():
    mailboxes, tables = _sales_org()
    runner = KeepingRunner(tables, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up %r one by one' % (args,)))
    wanted = [(resolver.remember(row), ('full_access', 'send_as')) for row in mailboxes]
    read_all_trustees(runner, resolver, wanted, org_size=12)
    # Full Access answers are kept as their trustees' names as they come, not as rows.
    assert runner.kept[0] == ['user0007@contoso.com']
    assert all(isinstance(name, str) for names in runner.kept for name in names)
    assert runner.selects[0] == ('Identity', 'Trustee', 'AccessRights', 'IsInherited', 'AccessControlType')


def test_writes_are_interleaved_so_a_batch_carries_different_mailboxes():
    order = interleave([(0, ['a1', 'a2', 'a3']), (1, []), (2, ['c1']), (3, ['d1', 'd2'])])
    assert order == [(0, 'a1'), (2, 'c1'), (3, 'd1'), (0, 'a2'), (3, 'd2'), (0, 'a3')]


def test_a_name_that_is_another_recipients_display_name_is_never_taken_for_either():
    # One's Name is the other's DisplayName: the service refuses the name as ambiguous.
    chris = person(8, Name='Chris Green', DisplayName='Chris Green', PrimarySmtpAddress='chris@contoso.com')
    other = person(9, Name='Chris Green2', DisplayName='Chris Green', PrimarySmtpAddress='chris2@contoso.com')
    runner = FakeRunner({'Get-Recipient': PEOPLE + [chris, other]}, page_size=1000)
    ambiguous = {}
    found, total = find_in_pages(runner, 'Get-Recipient', ['Chris Green', 'Chris Green2'], budget=5,
                                 ambiguous=ambiguous)
    assert list(found) == ['Chris Green2'] and total == 9
    assert [row['PrimarySmtpAddress'] for row in ambiguous['Chris Green']] == ['chris@contoso.com', 'chris2@contoso.com']


def test_prefetch_of_many_refuses_an_ambiguous_name_naming_both_without_another_request():
    rows = [person(n) for n in range(1, 31)]
    rows += [person(40, Name='Chris Green', DisplayName='Chris Green', PrimarySmtpAddress='chris@contoso.com'),
             person(41, Name='Chris Green2', DisplayName='Chris Green', PrimarySmtpAddress='chris2@contoso.com')]
    runner = FakeRunner({'Get-Recipient': rows}, page_size=1000)
    resolver = RecipientResolver(lambda *args: pytest.fail('looked up one by one'))
    resolver.prefetch(runner, ['user%04d' % n for n in range(1, 12)] + ['Chris Green'])
    assert runner.requests == [('page', 'Get-Recipient')]
    with pytest.raises(IdentityError) as caught:
        resolver.resolve_all('full_access', ['user0001', 'Chris Green'])
    assert str(caught.value) == ("full_access: 'Chris Green' matches more than one recipient "
                                 "(chris2@contoso.com, chris@contoso.com); nothing was changed")


class ReadKeys(dict):
    """A row that records every property read of it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.read = set()

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def test_mailbox_facts_read_only_the_properties_a_listing_selects():
    row = ReadKeys(person(1, ArchiveStatus='None', ArchiveDatabase='DB1', ArchiveGuid='a-guid', CustomAttribute3='x',
                          ResourceCapacity='5', LitigationHoldDuration='365.00:00:00', RetainDeletedItemsFor='14.00:00:00'))
    mailbox_facts(row)
    assert row.read and row.read <= MAILBOX_FACTS_READ, row.read - MAILBOX_FACTS_READ


def test_the_c_allocator_is_asked_for_two_arenas_and_a_libc_without_mallopt_is_no_error():
    asked = []

    class Glibc(object):
        @staticmethod
        def mallopt(parameter, value):
            asked.append((parameter, value))
            return 1
    assert fanout.limit_malloc_arenas(libc=Glibc()) is True
    # M_ARENA_MAX (glibc's malloc.h), two arenas.
    assert asked == [(-8, 2)]
    assert fanout.limit_malloc_arenas(libc=object()) is False
    # On this machine: whatever the C library, it does not raise.
    assert fanout.limit_malloc_arenas() in (True, False)
