# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_distribution_group_member's Members resource without a server: what is read for many
groups, which writes count as done, and one group's failed write that fails only that group."""

from __future__ import annotations

import threading

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError
from ansible_collections.mailops.exchange.plugins.module_utils.engine import groups as members

from test_exo_distribution_group import FakeExo, Stopped

ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
BOB = {'Guid': 'GB', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com'}
FINANCE = {'Guid': 'GF', 'Name': 'finance', 'PrimarySmtpAddress': 'finance@contoso.com'}
SALES = {'Guid': 'GS', 'Name': 'sales', 'PrimarySmtpAddress': 'sales@contoso.com'}


def exo_for(answers, check_mode=True, bypass=True):
    exo = FakeExo(answers)
    exo.check_mode = check_mode
    exo.params['bypass_security_group_manager_check'] = bypass
    exo.runner.page_size = 1000
    exo.written = []
    batch = exo.invoke_many

    def record(calls, idempotent=None):
        exo.written.extend(call for call in calls if not call[0].startswith('Get-'))
        return batch(calls, idempotent)

    exo.invoke_many = record
    return exo


def entry(group, members_, state='present', exclusive=False):
    return {'group': group, 'members': members_, 'state': state, 'exclusive': exclusive}


def test_groups_and_members_are_read_in_batches_and_the_members_named_are_looked_up_in_one():
    exo = exo_for({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroup', 'sales'): [SALES],
                   ('Get-DistributionGroupMember', 'gf'): [ALICE], ('Get-DistributionGroupMember', 'gs'): [],
                   ('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'bob'): [BOB]})
    result = exo.converge(members.Members, [entry('finance', ['alice', 'bob']), entry('sales', ['alice'])], 'groups')
    # Both groups, then both member lists, and beside them the names given (a current member's
    # name may be someone else's display name too): three requests.
    groups_read = [('Get-DistributionGroup', 'finance'), ('Get-DistributionGroup', 'sales')]
    members_read = [('Get-DistributionGroupMember', 'gf'), ('Get-DistributionGroupMember', 'gs')]
    assert sorted(exo.batches) == sorted([groups_read, members_read, [('Get-Recipient', 'alice'), ('Get-Recipient', 'bob')]])
    assert exo.batches.index(groups_read) < exo.batches.index(members_read)
    finance, sales = result['results']
    # The group is the object every module shows (issue 14's vocabulary).
    assert finance['group'] == {'identity': 'finance@contoso.com', 'display_name': '', 'primary_smtp_address': 'finance@contoso.com'}
    assert finance['key'] == 'finance'
    assert finance['members'] == ['alice@contoso.com', 'bob@contoso.com']
    assert finance['changes'] == {'members': {'added': ['bob@contoso.com'], 'removed': []}}
    assert sales['changes'] == {'members': {'added': ['alice@contoso.com'], 'removed': []}}
    assert result['diff']['before']['finance@contoso.com'] == {'members': ['alice@contoso.com']}


def test_a_missing_group_fails_without_looking_its_members_up():
    exo = exo_for({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroupMember', 'gf'): [ALICE],
                   ('Get-Recipient', 'alice'): [ALICE]}, check_mode=False)
    with pytest.raises(Stopped) as caught:
        exo.converge(members.Members, [entry('finance', ['alice']), entry('ghost', ['nobody'])], 'groups')
    msg, result = caught.value.args
    assert msg == "1 of 2 groups failed: ghost: groups[1].group: 'ghost' was not found; nothing was changed"
    assert result['results'][1]['error_kind'] == 'not_found'
    assert ('Get-Recipient', 'nobody') not in exo.single + [c for batch in exo.batches for c in batch]


def test_membership_writes_that_are_done_already_count_as_done():
    resource = members.Members(exo_for({}))
    exists = CmdletError('already a member', kind='already_exists', exception_type='MemberAlreadyExistsException')
    gone = CmdletError("The recipient isn't a member of the group.", kind='other',
                       exception_type='MemberNotFoundException')
    assert resource.write_error(('Add-DistributionGroupMember', {}), exists) is None
    assert resource.write_error(('Remove-DistributionGroupMember', {}), gone) is None
    assert resource.write_error(('Add-DistributionGroupMember', {}), gone) is gone


def test_a_refused_security_group_change_names_the_bypass_option():
    refused = CmdletError('This operation can only be performed by a manager of the group.', kind='forbidden',
                          exception_type='OperationRequiresGroupManagerException')
    error = members.Members(exo_for({})).write_error(('Add-DistributionGroupMember', {}), refused)
    assert error.message.startswith('bypass_security_group_manager_check: false')
    assert error.exception_type == 'OperationRequiresGroupManagerException'


@pytest.mark.parametrize('bypass, switch', [(True, {'BypassSecurityGroupManagerCheck': True}), (False, {})])
def test_bulk_writes_go_ten_to_a_batch_one_group_at_a_time_and_a_failed_write_fails_only_its_group(bypass, switch):
    people = dict((('Get-Recipient', 'user%d' % n), [{'Guid': 'U%d' % n, 'Name': 'user%d' % n}]) for n in range(12))
    refused = CmdletError('no', kind='other', exception_type='SomethingElseException')
    answers = dict(people)
    answers.update({('Get-DistributionGroup', 'finance'): [FINANCE], ('Get-DistributionGroup', 'sales'): [SALES],
                    ('Get-DistributionGroupMember', 'gf'): [], ('Get-DistributionGroupMember', 'gs'): [],
                    ('Add-DistributionGroupMember', 'gf'): [], ('Add-DistributionGroupMember', 'gs'): refused})
    exo = exo_for(answers, check_mode=False, bypass=bypass)
    with pytest.raises(Stopped) as caught:
        exo.converge(members.Members, [entry('finance', ['user%d' % n for n in range(11)]), entry('sales', ['user11'])],
                     'groups')
    writes = [batch for batch in exo.batches if batch[0][0].startswith('Add-')]
    assert [len(batch) for batch in writes] == [10, 2]
    # Sales' one write goes in the first request, beside finance's first ten.
    assert writes[0][:2] == [('Add-DistributionGroupMember', 'gf'), ('Add-DistributionGroupMember', 'gs')]
    msg, result = caught.value.args
    finance, sales = result['results']
    assert finance['changes']['members']['added'] == sorted('user%d' % n for n in range(11))
    assert sales['failed'] and sales['msg'] == str(refused)
    assert exo.written[0] == ('Add-DistributionGroupMember', dict({'Identity': 'gf', 'Member': 'u0', 'Confirm': False},
                                                                  **switch))


@pytest.mark.parametrize('values, where, message', [
    (entry('a', ['x'], 'absent', True), 'groups[2].',
     'groups[2].exclusive: true cannot be combined with state: absent; exclusive describes the complete '
     'set of members to keep'),
    (entry(' ', ['x']), 'groups[0].', "groups[0].group: ' ' is not an identity"),
    (entry('a', None), 'groups[1].', 'groups[1].members: give the members, in the entry or for the whole task'),
    (entry('a', None), '', 'missing required arguments: members'),
])
def test_group_entries_are_checked_before_anything_is_read(values, where, message):
    with pytest.raises(ValueError) as caught:
        members.check_entry(values, where)
    assert str(caught.value) == message


def _twelve_groups():
    groups = [{'Guid': 'G%02d' % n, 'Name': 'team%02d' % n, 'PrimarySmtpAddress': 'team%02d@contoso.com' % n} for n in range(12)]
    answers = dict((('Get-DistributionGroup', row['Name']), [row]) for row in groups)
    answers.update((('Get-DistributionGroupMember', row['Guid'].lower()), [ALICE]) for row in groups)
    return groups, answers


def test_a_request_of_groups_is_followed_by_their_members_at_once():
    """Issue 23: the member reads began only once every group was read (100 requests of groups at
    10,000 mailboxes, then 100 of members). Each request of ten groups is now followed at once by
    the read of their members: here, one at a time, the first ten's members come before the
    last two groups."""
    groups, answers = _twelve_groups()
    exo = exo_for(answers)
    exo.converge(members.Members, [entry(row['Name'], ['alice@contoso.com']) for row in groups], 'groups')
    assert [[cmdlet for cmdlet, unused in batch][0] for batch in exo.batches] == [
        'Get-DistributionGroup', 'Get-DistributionGroupMember', 'Get-DistributionGroup', 'Get-DistributionGroupMember']
    assert [len(batch) for batch in exo.batches] == [10, 10, 2, 2]


def test_the_members_named_by_name_are_looked_up_beside_the_groups():
    """Names are settled only by a lookup, whatever the groups hold: more than ten start theirs
    with the task (the organisation-wide pages), so here the groups can only answer once it began."""
    groups, answers = _twelve_groups()
    people = [{'Guid': 'GP%02d' % n, 'Name': 'person%02d' % n, 'PrimarySmtpAddress': 'person%02d@contoso.com' % n} for n in range(12)]
    answers.update((('Get-DistributionGroupMember', row['Guid'].lower()), [person]) for row, person in zip(groups, people))
    answers.update((('Get-Recipient', person['Name']), [person]) for person in people)
    looked_up = threading.Event()

    def waits(row):
        return lambda: [row] if looked_up.wait(10) else pytest.fail('the members were looked up after the groups')

    answers.update((('Get-DistributionGroup', row['Name']), waits(row)) for row in groups)
    exo = exo_for(answers)
    pages = exo.runner.pages

    def recipient_pages(cmdlet, parameters=None, select=None):
        looked_up.set()
        return pages(cmdlet, parameters, select)

    exo.runner.pages = recipient_pages
    result = exo.converge(members.Members, [entry(row['Name'], [person['Name']]) for row, person in zip(groups, people)], 'groups')
    assert [r['changed'] for r in result['results']] == [False] * 12
    assert not [batch for batch in exo.batches if batch[0][0] == 'Get-Recipient']
