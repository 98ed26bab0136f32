# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bulk paths of exo_distribution_group_member and exo_mailbox that no sandbox walk reaches:
what is read for many entries, and a New-Mailbox refused as already existing."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils import fanout

import itertools

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.errors import CmdletError, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients import RecipientResolver
from ansible_collections.mailops.exchange.plugins.modules import exo_distribution_group_member as members
from ansible_collections.mailops.exchange.plugins.modules import exo_mailbox

ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
BOB = {'Guid': 'GB', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com'}
FINANCE = {'Guid': 'GF', 'Name': 'finance', 'PrimarySmtpAddress': 'finance@contoso.com'}
NOT_FOUND = CmdletError("couldn't be found", kind='not_found', exception_type='ManagementObjectNotFoundException')


class FakeExo(object):
    """An ExoModule stand-in whose runner answers from ``answers`` (cmdlet, identity) -> rows or
    error, recording single calls and batches apart."""

    check_mode = False
    page_size = 1000

    def __init__(self, answers, params=None):
        self.answers = answers
        self.params = params or {'parallel': 4}
        self.single = []
        self.batches = []
        self.runner = self

    def _answer(self, cmdlet, parameters):
        answer = self.answers.get((cmdlet, parameters.get('Identity')), NOT_FOUND)
        return answer() if callable(answer) else answer

    def invoke(self, cmdlet, parameters=None, **unused):
        self.single.append((cmdlet, parameters.get('Identity')))
        answer = self._answer(cmdlet, parameters)
        if isinstance(answer, ExchangeError):
            raise answer
        return answer

    def pages(self, cmdlet, unused_parameters=None):
        """The organisation-wide read: every row answered for ``cmdlet``, on one page."""
        yield [row for (name, unused), rows in self.answers.items() if name == cmdlet
               and isinstance(rows, list) for row in rows]

    def invoke_all(self, calls, idempotent=None, parallel=1):
        return fanout.invoke_all(self.invoke_many, calls, idempotent, parallel)

    def invoke_many(self, calls, idempotent=None):
        self.batches.append([(cmdlet, parameters.get('Identity')) for cmdlet, parameters in calls])
        return [self._answer(*call) for call in calls]


def test_groups_and_members_are_read_in_batches_and_members_are_looked_up_in_one():
    exo = FakeExo({('Get-DistributionGroup', 'finance'): [FINANCE],
                   ('Get-DistributionGroupMember', 'gf'): [ALICE],
                   ('Get-Recipient', 'bob'): [BOB]})
    resolver = RecipientResolver(exo.invoke)
    entries = [{'group': 'finance', 'members': ['alice', 'bob']}, {'group': 'ghost', 'members': ['alice']}]
    reads = members.read_groups(exo, resolver, entries)
    # One group found: its members alone, then the members named, in one batch: a current
    # member's alias is not settled by its member row, as another recipient's display name
    # could be the same text (the service would then refuse it as ambiguous).
    assert exo.batches == [[('Get-DistributionGroup', 'finance'), ('Get-DistributionGroup', 'ghost')],
                           [('Get-Recipient', 'alice'), ('Get-Recipient', 'bob')]]
    assert exo.single == [('Get-DistributionGroupMember', 'gf')]
    assert reads[0].current == {'ga': 'alice@contoso.com'}
    assert reads[1].error.kind == 'not_found'
    assert str(reads[1].error) == "group: 'ghost' was not found; nothing was changed"


def test_membership_writes_that_are_done_already_count_as_done():
    calls = members.write_calls('gf', {'ga': 'alice'}, {'gb': 'bob'}, True)
    assert calls == [
        ('Add-DistributionGroupMember', {'Identity': 'gf', 'Member': 'ga', 'Confirm': False,
                                         'BypassSecurityGroupManagerCheck': True}),
        ('Remove-DistributionGroupMember', {'Identity': 'gf', 'Member': 'gb', 'Confirm': False,
                                            'BypassSecurityGroupManagerCheck': True})]
    exists = CmdletError('already a member', kind='already_exists', exception_type='MemberAlreadyExistsException')
    gone = CmdletError("The recipient isn't a member of the group.", kind='other',
                       exception_type='MemberNotFoundException')
    assert members.write_error('Add-DistributionGroupMember', [{}]) is None
    assert members.write_error('Add-DistributionGroupMember', exists) is None
    assert members.write_error('Remove-DistributionGroupMember', gone) is None
    assert members.write_error('Add-DistributionGroupMember', gone) is gone


def test_a_refused_security_group_change_names_the_bypass_option():
    refused = CmdletError('This operation can only be performed by a manager of the group.', kind='forbidden',
                          exception_type='OperationRequiresGroupManagerException')
    error = members.write_error('Add-DistributionGroupMember', refused)
    assert error.message.startswith('bypass_security_group_manager_check: false')
    assert error.exception_type == 'OperationRequiresGroupManagerException'


def test_bulk_writes_go_ten_to_a_batch_and_a_failed_write_fails_only_its_group():
    sales = {'Guid': 'GS', 'Name': 'sales', 'PrimarySmtpAddress': 'sales@contoso.com'}
    people = {('Get-Recipient', 'user%d' % n): [{'Guid': 'U%d' % n, 'Name': 'user%d' % n}] for n in range(12)}
    refused = CmdletError('no', kind='other', exception_type='SomethingElseException')
    answers = dict(people)
    answers.update({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroup', 'sales'): [sales],
                    ('Get-DistributionGroupMember', 'gf'): [], ('Get-DistributionGroupMember', 'gs'): [],
                    ('Add-DistributionGroupMember', 'gf'): [], ('Add-DistributionGroupMember', 'gs'): refused})
    exo = FakeExo(answers, params={'parallel': 1, 'bypass_security_group_manager_check': True})
    entries = [{'group': 'finance', 'members': ['user%d' % n for n in range(11)], 'state': 'present',
                'exclusive': False},
               {'group': 'sales', 'members': ['user11'], 'state': 'present', 'exclusive': False}]
    outcomes = members.converge_bulk(exo, entries)
    assert [len(batch) for batch in exo.batches if batch[0][0].startswith('Add-')] == [10, 2]
    assert outcomes[0].result['changes']['added'] == sorted('user%d' % n for n in range(11))
    assert outcomes[1].error is refused


@pytest.mark.parametrize('entry, where, message', [
    ({'group': 'a', 'members': ['x'], 'state': 'absent', 'exclusive': True}, 'groups[2].',
     'groups[2].exclusive: true cannot be combined with state: absent; exclusive describes the complete '
     'set of members to keep'),
    ({'group': ' ', 'members': ['x'], 'state': 'present', 'exclusive': False}, 'groups[0].',
     "groups[0].group: ' ' is not an identity"),
    ({'group': 'a', 'members': None, 'state': 'present', 'exclusive': False}, 'groups[1].',
     'groups[1].members: give the members, in the entry or for the whole task'),
    ({'group': 'a', 'members': None, 'state': 'present', 'exclusive': False}, '',
     'missing required arguments: members'),
])
def test_group_entries_are_checked_before_anything_is_read(entry, where, message):
    with pytest.raises(ValueError) as caught:
        members.check_entry(entry, where)
    assert str(caught.value) == message


SALES_EU = {'Guid': 'GS', 'Name': 'sales-eu', 'PrimarySmtpAddress': 'sales-eu@contoso.com',
            'RecipientTypeDetails': 'SharedMailbox'}
PARAMETERS = {'Name': 'sales-eu', 'PrimarySmtpAddress': 'sales-eu@contoso.com', 'Shared': True}
EXISTS = CmdletError("The proxy address 'SMTP:sales-eu@contoso.com' is already being used", kind='already_exists',
                     exception_type='ProxyAddressExistsException')


def test_a_new_mailbox_refused_as_existing_is_this_runs_when_the_reread_finds_it_by_name():
    from engine_fakes import EngineExo  # pylint: disable=import-outside-toplevel
    exo = EngineExo({('New-Mailbox', None): EXISTS, ('Get-Mailbox', 'sales-eu@contoso.com'): [SALES_EU],
                     ('Get-Mailbox', 'gs'): [SALES_EU]}, params={'parallel': 1, 'organization': 'contoso.com'})
    reads = iter([NOT_FOUND, [SALES_EU]])
    exo.answers[('Get-Mailbox', 'sales-eu@contoso.com')] = lambda: next(reads)
    result = exo.converge(exo_mailbox.Mailbox, [new_entry()], 'mailboxes')
    assert result['results'][0]['mailbox']['name'] == 'sales-eu'
    assert [call for call in exo.single if call[0] != 'Get-Recipient'] == [
        ('Get-Mailbox', 'sales-eu@contoso.com'), ('New-Mailbox', None), ('Get-Mailbox', 'sales-eu@contoso.com'),
        ('Get-Mailbox', 'gs')]


@pytest.mark.parametrize('found', [NOT_FOUND, [dict(SALES_EU, Name='someone-else')]])
def test_a_new_mailbox_refused_as_existing_fails_when_the_address_is_someone_elses(found):
    from engine_fakes import EngineExo, TaskFailed  # pylint: disable=import-outside-toplevel
    exo = EngineExo({('New-Mailbox', None): EXISTS}, params={'parallel': 1, 'organization': 'contoso.com'})
    reads = itertools.chain([NOT_FOUND], itertools.repeat(found))
    exo.answers[('Get-Mailbox', 'sales-eu@contoso.com')] = lambda: next(reads)
    with pytest.raises(TaskFailed) as caught:
        exo.converge(exo_mailbox.Mailbox, [new_entry()], 'mailboxes')
    assert caught.value.args[1]['results'][0]['msg'] == str(EXISTS)


def new_entry():
    entry = dict.fromkeys(exo_mailbox.ENTRY_DEFAULTS + exo_mailbox.ENTRY_ONLY)
    entry.update(identity='sales-eu@contoso.com', state='present', type='shared', email_addresses_mode='add',
                 excluded_domains=[])
    return entry


def test_per_mailbox_options_are_not_task_defaults():
    assert set(exo_mailbox.ENTRY_ONLY).isdisjoint(exo_mailbox.ENTRY_DEFAULTS)
    assert set(exo_mailbox.ENTRY_DEFAULTS) | set(exo_mailbox.ENTRY_ONLY) == \
        set(exo_mailbox.PROPERTY_OPTIONS) | {'state', 'name'}
