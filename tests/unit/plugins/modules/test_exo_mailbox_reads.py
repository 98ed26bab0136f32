# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What exo_mailbox's bulk mode and exo_mailbox_permission_info read: the address checks of
many mailboxes together, ten to a request, and unknown mailboxes of an audit as not found; and
what exo_mailbox's bulk mode writes: the updates of existing mailboxes and their re-reads, ten to
a request, type changes first."""

from __future__ import annotations

import pytest
from engine_fakes import EngineExo, TaskFailed
from test_bulk_modules import FakeExo

from ansible_collections.mailops.exchange.plugins.module_utils.engine.bulk import merge_entries
from ansible_collections.mailops.exchange.plugins.module_utils.engine.module import ExchangeModule
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import ExchangeError
from ansible_collections.mailops.exchange.plugins.modules import exo_mailbox
from ansible_collections.mailops.exchange.plugins.modules import exo_mailbox_permission_info as audit

CAROL = {'Guid': 'GC', 'Name': 'carol', 'PrimarySmtpAddress': 'carol@contoso.com',
         'EmailAddresses': ['SMTP:carol@contoso.com']}


class FakeTask(EngineExo):
    """An EngineExo with no organisation-wide read."""

    def pages(self, cmdlet, unused_parameters=None, select=None):
        raise AssertionError('an organisation-wide %s was read' % cmdlet)


def shared(number):
    return {'Guid': 'G%d' % number, 'Name': 'm%d' % number, 'PrimarySmtpAddress': 'm%d@contoso.com' % number,
            'EmailAddresses': ['SMTP:m%d@contoso.com' % number], 'RecipientTypeDetails': 'SharedMailbox'}


def entries(items):
    defaults = dict.fromkeys(exo_mailbox.Mailbox.options)
    defaults.update(state='present', email_addresses_mode='add', excluded_domains=[])
    return merge_entries(items, defaults)


def converge(exo, items):
    return exo.converge(exo_mailbox.Mailbox, items, 'mailboxes')


def test_bulk_address_checks_go_ten_to_a_batch_and_fail_only_their_own_entry():
    answers = {('Get-Recipient', 'carol@contoso.com'): [CAROL]}
    for number in range(15):
        answers[('Get-Mailbox', 'm%d' % number)] = [shared(number)]
        answers[('Get-Mailbox', 'g%d' % number)] = [shared(number)]
        answers[('Set-Mailbox', 'g%d' % number)] = []
    exo = FakeTask(answers, params={'parallel': 1})
    items = [{'mailbox': 'm%d' % n, 'email_addresses': ['new%d@contoso.com' % n]} for n in range(12)]
    items += [{'mailbox': 'm12', 'email_addresses': ['carol@contoso.com']},
              # m0's own address, known from m0's read: no lookup.
              {'mailbox': 'm13', 'email_addresses': ['m0@contoso.com']},
              {'mailbox': 'm14', 'custom_attributes': {16: 'too far'}}]

    with pytest.raises(TaskFailed) as caught:
        converge(exo, entries(items))

    lookups = [[identity for cmdlet, identity in batch] for batch in exo.batches if batch[0][0] == 'Get-Recipient']
    assert lookups == [['new%d@contoso.com' % n for n in range(10)], ['new10@contoso.com', 'new11@contoso.com',
                                                                      'carol@contoso.com']]
    assert [call for call in exo.single if call[0] == 'Get-Recipient'] == []
    assert [call for call in exo.single if call[0] in ('Set-Mailbox', 'Get-Mailbox')] == []
    assert [batch for batch in exo.batches if batch[0][0] == 'Set-Mailbox'] == [
        [('Set-Mailbox', 'g%d' % n) for n in range(10)], [('Set-Mailbox', 'g10'), ('Set-Mailbox', 'g11')]]
    results = caught.value.args[1]['results']
    assert [r['key'] for r in results if r['failed']] == ['m12', 'm13', 'm14']
    assert results[12]['msg'] == ("email_addresses: 'carol@contoso.com' is already used by recipient 'carol@contoso.com' "
                                  '(ProxyAddressExistsException); nothing was changed')
    assert results[13]['msg'].startswith("email_addresses: 'm0@contoso.com' is already used by SharedMailbox 'm0@contoso.com'")
    assert results[14]['msg'].startswith("custom_attributes: '16' is not a custom attribute number")
    assert caught.value.args[0].startswith('3 of 15 mailboxes failed: ')


def test_a_lookup_that_gave_up_fails_only_the_entries_that_check_that_address():
    throttled = ExchangeError('throttled, gave up', kind='throttled')
    answers = {('Get-Recipient', 'new0@contoso.com'): throttled}
    for number in range(2):
        answers[('Get-Mailbox', 'm%d' % number)] = [shared(number)]
        answers[('Get-Mailbox', 'g%d' % number)] = [shared(number)]
        answers[('Set-Mailbox', 'g%d' % number)] = []
    exo = FakeTask(answers, params={'parallel': 1})
    items = [{'mailbox': 'm%d' % n, 'email_addresses': ['new%d@contoso.com' % n]} for n in range(2)]

    with pytest.raises(TaskFailed) as caught:
        converge(exo, entries(items))

    results = caught.value.args[1]['results']
    assert [(r['key'], r['failed']) for r in results] == [('m0', True), ('m1', False)]
    assert results[0]['error_kind'] == 'throttled'


def test_an_audit_lists_unknown_mailboxes_as_not_found_and_returns_the_others():
    sales = {'Guid': 'GS', 'Name': 'sales', 'PrimarySmtpAddress': 'sales@contoso.com'}
    exo = FakeExo({('Get-Mailbox', 'sales'): [sales], ('Get-Mailbox', 'all-staff'): []})
    listing = audit.MailboxPermissions(exo)
    rows, missing = listing.named(['ghost', 'sales', 'all-staff', 'ghost'], 'mailboxes')
    org_size = listing.org_size
    assert rows == [sales]
    assert missing == ['ghost', 'all-staff', 'ghost']
    assert org_size is None


def test_an_audit_still_fails_on_an_ambiguous_mailbox_naming_it():
    ambiguous = ExchangeError('matches multiple entries', kind='ambiguous')
    exo = FakeExo({('Get-Mailbox', 'Chris Green'): ambiguous, ('Get-Mailbox', 'Chris'): ambiguous})
    with pytest.raises(ExchangeError) as caught:
        audit.MailboxPermissions(exo).named(['ghost', 'Chris Green', 'Chris'], 'mailboxes')
    assert str(caught.value) == ("mailboxes: 'Chris Green' matches more than one recipient; 'Chris' matches more "
                                 'than one recipient; give an SMTP address or GUID')
    assert caught.value.kind == 'invalid_argument'


def test_an_audit_read_that_failed_otherwise_fails_the_task_as_it_was():
    throttled = ExchangeError('throttled, gave up', kind='throttled')
    exo = FakeExo({('Get-Mailbox', 'sales'): throttled})
    with pytest.raises(ExchangeError) as caught:
        audit.MailboxPermissions(exo).named(['ghost', 'sales'], 'mailboxes')
    assert caught.value is throttled


class ParallelRecorder(FakeExo):
    """FakeExo that keeps the ``parallel`` each fan-out was sent with."""

    def __init__(self, answers, params=None):
        super().__init__(answers, params)
        self.fan_outs = []

    def _answer(self, cmdlet, parameters):
        # No delegates on any mailbox, read one by one or organisation-wide.
        if cmdlet in ('Get-MailboxPermission', 'Get-RecipientPermission'):
            return []
        return super()._answer(cmdlet, parameters)

    def invoke_all(self, calls, idempotent=None, parallel=1, each=None):
        self.fan_outs.append(parallel)
        return super().invoke_all(calls, idempotent, parallel, each)


def test_an_audit_fans_out_its_mailbox_and_permission_reads_as_the_task_says():
    """The permission listing (exo_mailbox_permission_info, exo_tenant_export) reads with the
    task's parallel, not one request after another."""
    answers = {}
    for number in range(12):
        row = {'Guid': 'G%d' % number, 'Name': 'm%d' % number, 'PrimarySmtpAddress': 'm%d@contoso.com' % number}
        answers[('Get-Mailbox', 'm%d' % number)] = [row]
    exo = ParallelRecorder(answers, params={'parallel': 6, 'filter': None, 'recipient_type_details': None})
    listing = audit.MailboxPermissions(exo)
    rows, missing = listing.named(['m%d' % number for number in range(12)], 'mailboxes')
    assert missing == []
    listing.complete(rows)
    assert exo.fan_outs and set(exo.fan_outs) == {6}, exo.fan_outs


class RecordingTask(FakeTask):
    """A FakeTask that keeps the parameters of every batched call, in the order sent."""

    def __init__(self, answers, params=None):
        super().__init__(answers, params)
        self.sent = []

    def invoke_many(self, calls, idempotent=None):
        self.sent.append([(cmdlet, dict(parameters), idempotent) for cmdlet, parameters in calls])
        return super().invoke_many(calls, idempotent)


def test_twenty_five_updates_send_their_writes_and_re_reads_ten_to_a_request():
    answers = {}
    for number in range(25):
        answers[('Get-Mailbox', 'm%d' % number)] = [shared(number)]
        answers[('Set-Mailbox', 'g%d' % number)] = []
        answers[('Get-Mailbox', 'g%d' % number)] = [dict(shared(number), DisplayName='after %d' % number)]
    exo = RecordingTask(answers, params={'parallel': 2})
    result = converge(exo, entries([{'mailbox': 'm%d' % n, 'display_name': 'after %d' % n} for n in range(25)]))

    assert exo.single == []
    sent = [[(cmdlet, parameters['Identity']) for cmdlet, parameters, unused in batch] for batch in exo.sent]
    phases = [[[(cmdlet, prefix + str(n)) for n in range(start, min(start + 10, 25))] for start in (0, 10, 20)]
              for cmdlet, prefix in (('Get-Mailbox', 'm'), ('Set-Mailbox', 'g'), ('Get-Mailbox', 'g'))]
    # parallel: 2 sends a phase's batches side by side, so they are recorded in the order they
    # finish; the phases themselves follow one another.
    assert [sorted(sent[index:index + 3]) for index in (0, 3, 6)] == phases and len(sent) == 9
    writes = [call for batch in exo.sent[3:6] for call in batch]
    assert ('Set-Mailbox', {'Identity': 'g7', 'DisplayName': 'after 7'}, True) in writes
    assert result['changed']
    assert [(r['key'], r['changed'], r['mailbox']['display_name'], r['changes']) for r in result['results']] == [
        ('m%d' % n, True, 'after %d' % n, {'display_name': {'before': '', 'after': 'after %d' % n}})
        for n in range(25)]


def test_type_changes_go_first_and_a_refused_write_fails_only_its_mailbox():
    refused = ExchangeError('no such thing', kind='other', exception_type='SomethingElseException')
    answers = {('Set-Mailbox', 'g0'): [], ('Set-Mailbox', 'g1'): [], ('Set-Mailbox', 'g2'): refused,
               ('Set-Mailbox', 'g3'): refused}
    for number in range(4):
        answers[('Get-Mailbox', 'm%d' % number)] = [shared(number)]
        answers[('Get-Mailbox', 'g%d' % number)] = [shared(number)]
    exo = RecordingTask(answers, params={'parallel': 4})
    items = [{'mailbox': 'm0', 'type': 'room', 'resource_capacity': 8},
             {'mailbox': 'm1', 'hidden_from_address_lists': True},
             {'mailbox': 'm2', 'type': 'room', 'resource_capacity': 4},
             {'mailbox': 'm3', 'hidden_from_address_lists': True}]

    with pytest.raises(TaskFailed) as caught:
        converge(exo, entries(items))

    # m0's capacity is the second round's only write: it goes alone.
    assert exo.single == [('Set-Mailbox', 'g0')]
    assert exo.sent[1:] == [
        # Each mailbox's first write together: a type change before the settings that need it.
        [('Set-Mailbox', {'Identity': 'g0', 'Type': 'Room'}, True),
         ('Set-Mailbox', {'Identity': 'g1', 'HiddenFromAddressListsEnabled': True}, True),
         ('Set-Mailbox', {'Identity': 'g2', 'Type': 'Room'}, True),
         ('Set-Mailbox', {'Identity': 'g3', 'HiddenFromAddressListsEnabled': True}, True)],
        [('Get-Mailbox', {'Identity': 'g0'}, None), ('Get-Mailbox', {'Identity': 'g1'}, None)]]
    results = caught.value.args[1]['results']
    assert [(r['key'], r['failed']) for r in results] == [('m0', False), ('m1', False), ('m2', True), ('m3', True)]
    assert results[2]['msg'] == results[3]['msg'] == 'SomethingElseException: no such thing'
    assert results[0]['changes'] == {'type': {'before': 'shared', 'after': 'room'},
                                     'resource_capacity': {'before': None, 'after': 8}}
    assert caught.value.args[1]['changed']


def test_a_re_read_that_failed_reports_the_change_as_sent():
    throttled = ExchangeError('throttled, gave up', kind='throttled', exception_type='TooManyRequests')
    answers = {('Get-Mailbox', 'g1'): throttled}
    for number in range(2):
        answers[('Get-Mailbox', 'm%d' % number)] = [shared(number)]
        answers[('Set-Mailbox', 'g%d' % number)] = []
    answers[('Get-Mailbox', 'g0')] = [dict(shared(0), HiddenFromAddressListsEnabled=True)]
    exo = RecordingTask(answers, params={'parallel': 1})
    items = [{'mailbox': 'm%d' % n, 'hidden_from_address_lists': True, 'custom_attributes': {1: 'x'}}
             for n in range(2)]

    with pytest.raises(TaskFailed) as caught:
        converge(exo, entries(items))

    results = caught.value.args[1]['results']
    assert results[0]['mailbox']['hidden_from_address_lists'] is True
    assert results[1] == {'key': 'm1', 'failed': True, 'error_kind': 'throttled', 'changed': True,
                          'msg': 'the change was sent (custom_attributes, hidden_from_address_lists) but the '
                                 'mailbox could not be read back: TooManyRequests: throttled, gave up'}


def test_a_task_whose_only_change_could_not_be_read_back_reports_changed():
    throttled = ExchangeError('throttled, gave up', kind='throttled', exception_type='TooManyRequests')
    exo = RecordingTask({('Get-Mailbox', 'm0'): [shared(0)], ('Set-Mailbox', 'g0'): [],
                         ('Get-Mailbox', 'g0'): throttled}, params={'parallel': 1})

    with pytest.raises(TaskFailed) as caught:
        converge(exo, entries([{'mailbox': 'm0', 'hidden_from_address_lists': True}]))

    assert caught.value.args[1]['changed'] is True


class QueryRecorder(object):
    """A module whose organisation-wide read records what it was asked for."""

    def __init__(self):
        self.params = {'filter': None, 'recipient_type_details': None}
        self.asked = []

    def query(self, cmdlet, opath_filter=None, result_size=None, select=None, **parameters):
        self.asked.append((cmdlet, select))
        return [dict(shared(1), GrantSendOnBehalfTo=[])]


def test_the_permission_listing_reads_the_organisation_with_only_the_properties_it_uses():
    exo = QueryRecorder()
    listing = audit.MailboxPermissions(exo)
    assert len(listing.everything()) == 1 and listing.org_size == 1
    (cmdlet, select), = exo.asked
    assert cmdlet == 'Get-Mailbox'
    # What names, resolves and summarises a mailbox, its Send on Behalf and its facts; not every property.
    assert {'Guid', 'Identity', 'Name', 'PrimarySmtpAddress', 'DisplayName', 'EmailAddresses', 'GrantSendOnBehalfTo'} <= set(select)
    assert 'ProhibitSendQuota' in select and 'MaxSendSize' not in select and len(select) < 60


def test_a_query_asks_the_runner_for_the_selected_properties_only_when_given():
    sent = []

    class Module(object):
        query = ExchangeModule.query

        def invoke(self, cmdlet, parameters=None, **kwargs):
            sent.append((cmdlet, parameters, kwargs))
            return []
    Module().query('Get-Mailbox', select=('Guid',))
    Module().query('Get-Recipient', 'Name -eq \'a\'')
    assert sent == [('Get-Mailbox', {'ResultSize': 'Unlimited'}, {'select': ('Guid',)}),
                    ('Get-Recipient', {'ResultSize': 'Unlimited', 'Filter': "Name -eq 'a'"}, {})]
