# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_mailbox_permission's Permissions resource without a server: the three kinds as sets, the
writes of many mailboxes interleaved, and the checks made before any write."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.modules import exo_mailbox_permission as permission

from test_exo_distribution_group import FakeExo, Stopped

ALICE = {'Guid': 'GA', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
BOB = {'Guid': 'GB', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com'}
SALES = {'Guid': 'GS', 'Name': 'sales', 'PrimarySmtpAddress': 'sales@contoso.com', 'GrantSendOnBehalfTo': ['bob']}
SUPPORT = {'Guid': 'GT', 'Name': 'support', 'PrimarySmtpAddress': 'support@contoso.com', 'GrantSendOnBehalfTo': []}
SELF = {'User': 'NT AUTHORITY\\SELF', 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': False}


def full_access(user):
    return {'User': user, 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': False}


def exo_for(answers, check_mode=False):
    exo = FakeExo({('Get-Recipient', 'alice'): [ALICE], ('Get-Recipient', 'bob'): [BOB]})
    exo.answers.update(answers)
    exo.check_mode = check_mode
    exo.runner.page_size = 1000
    exo.written = []
    batch, single = exo.invoke_many, exo.invoke

    def record(calls, idempotent=None):
        exo.written.extend(call for call in calls if not call[0].startswith('Get-'))
        return batch(calls, idempotent)

    def record_one(cmdlet, parameters=None, **kwargs):
        if not cmdlet.startswith('Get-'):
            exo.written.append((cmdlet, parameters))
        return single(cmdlet, parameters, **kwargs)

    exo.invoke_many, exo.runner.invoke = record, record_one
    return exo


def entry(mailbox, **options):
    values = dict.fromkeys(('full_access', 'send_as', 'send_on_behalf'))
    values.update(mailbox=mailbox, automapping=True, state='present', exclusive=False)
    values.update(options)
    return values


def test_each_kind_is_a_set_and_the_writes_of_many_mailboxes_go_one_mailbox_at_a_time():
    exo = exo_for({('Get-Mailbox', 'sales'): [SALES], ('Get-Mailbox', 'support'): [SUPPORT],
                   ('Get-MailboxPermission', 'gs'): [SELF, full_access('alice')], ('Get-MailboxPermission', 'gt'): [],
                   ('Set-Mailbox', 'gs'): [], ('Add-MailboxPermission', 'gt'): [], ('Remove-MailboxPermission', 'gs'): [],
                   ('Add-MailboxPermission', 'gs'): []})
    result = exo.converge(permission.Permissions, [
        entry('sales', full_access=['bob'], exclusive=True, send_on_behalf=[]),
        entry('support', full_access=['alice', 'bob'], automapping=False)], 'mailboxes')
    sales, support = result['results']
    # An empty list with exclusive revokes every entry of that kind.
    # The mailbox is the object every module shows (issue 14's vocabulary), the same in the permission.
    assert sales['mailbox'] == {'identity': 'sales@contoso.com', 'display_name': '', 'primary_smtp_address': 'sales@contoso.com'}
    assert sales['permission'] == {'mailbox': sales['mailbox'], 'full_access': ['bob@contoso.com'], 'send_on_behalf': []}
    assert sales['changes'] == {'full_access': {'added': ['bob@contoso.com'], 'removed': ['alice@contoso.com']},
                                'send_on_behalf': {'added': [], 'removed': ['bob@contoso.com']}}
    assert support['permission']['full_access'] == ['alice@contoso.com', 'bob@contoso.com']
    assert result['diff']['before']['sales@contoso.com'] == {'full_access': ['alice@contoso.com'],
                                                             'send_on_behalf': ['bob@contoso.com']}
    # The diff shows the sets on both sides, not the mailbox the permission holds.
    assert result['diff']['after']['sales@contoso.com'] == {'full_access': ['bob@contoso.com'], 'send_on_behalf': []}
    # Each mailbox's writes in order (sales' Set-Mailbox before its permission writes), the
    # mailboxes' calls in turn, ten to a request, automapping as each entry says.
    assert [(c[0], c[1]['Identity'], c[1].get('User'), c[1].get('AutoMapping')) for c in exo.written] == [
        ('Set-Mailbox', 'gs', None, None), ('Add-MailboxPermission', 'gt', 'ga', False),
        ('Add-MailboxPermission', 'gt', 'gb', False), ('Add-MailboxPermission', 'gs', 'gb', True),
        ('Remove-MailboxPermission', 'gs', 'ga', None)]
    assert exo.written[0][1]['GrantSendOnBehalfTo'] == {'@odata.type': '#Exchange.GenericHashTable', 'Remove': ['gb']}


def test_send_on_behalf_is_one_set_mailbox_with_an_add_remove_table_and_check_mode_writes_nothing():
    answers = {('Get-Mailbox', 'sales'): [SALES], ('Set-Mailbox', 'gs'): []}
    exo = exo_for(answers, check_mode=True)
    result = exo.converge(permission.Permissions, [entry('sales', send_on_behalf=['alice'], exclusive=True)], 'mailboxes')
    assert exo.written == [] and result['results'][0]['permission']['send_on_behalf'] == ['alice@contoso.com']
    exo = exo_for(answers)
    exo.converge(permission.Permissions, [entry('sales', send_on_behalf=['alice'], exclusive=True)], 'mailboxes')
    assert exo.written == [
        ('Set-Mailbox', {'Identity': 'gs', 'GrantSendOnBehalfTo': {
            '@odata.type': '#Exchange.GenericHashTable', 'Add': ['ga'], 'Remove': ['gb']}})]


def test_more_than_500_explicit_entries_are_refused_before_any_write():
    users = dict((('Get-Recipient', 'u%d' % n), [{'Guid': 'U%d' % n, 'Name': 'u%d' % n}]) for n in range(501))
    users.update({('Get-Mailbox', 'sales'): [SALES], ('Get-MailboxPermission', 'gs'): []})
    exo = exo_for(users)
    with pytest.raises(Stopped) as caught:
        exo.converge(permission.Permissions, [entry('sales', full_access=['u%d' % n for n in range(501)])], 'mailboxes')
    assert "full_access: 501 trustees would leave 'sales@contoso.com' with 501 explicit entries" in caught.value.args[0]
    assert exo.written == []


def test_an_entry_without_a_kind_or_with_a_blank_trustee_is_refused_alone():
    exo = exo_for({('Get-Mailbox', 'sales'): [SALES], ('Get-MailboxPermission', 'gs'): [],
                   ('Add-MailboxPermission', 'gs'): []})
    with pytest.raises(Stopped) as caught:
        exo.converge(permission.Permissions, [entry('sales'), entry('sales', full_access=['alice', ' ']),
                                              entry('sales', full_access=['alice'])], 'mailboxes')
    msg, result = caught.value.args
    assert [r['failed'] for r in result['results']] == [True, True, False]
    assert result['results'][0]['msg'] == "give at least one of full_access, send_as, send_on_behalf for mailbox 'sales'"
    assert result['results'][1]['msg'].startswith("full_access: ' ' is not an identity")


@pytest.mark.parametrize('values, where, message', [
    (entry('a', full_access=['x'], state='absent', exclusive=True), 'mailboxes[2].',
     'mailboxes[2].exclusive: true cannot be combined with state: absent; exclusive describes the complete set of '
     'trustees to keep'),
    (entry(' ', full_access=['x']), '', "mailbox: ' ' is not an identity"),
])
def test_entries_are_checked_before_anything_is_read(values, where, message):
    with pytest.raises(ValueError) as caught:
        permission.check_entry(values, where)
    assert str(caught.value) == message


def test_a_plan_keeps_the_mailbox_summary_and_its_sets_not_the_whole_row():
    """The resolver keeps each mailbox's row; a plan holding it whole too held the tenant twice."""
    from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine
    whole = dict(SALES, Identity='sales', DisplayName='Sales', Alias='sales', RecipientTypeDetails='SharedMailbox',
                 EmailAddresses=['SMTP:sales@contoso.com'], DistinguishedName='CN=sales,OU=contoso')
    exo = exo_for({('Get-Mailbox', 'sales'): [whole], ('Get-MailboxPermission', 'gs'): [SELF, full_access('alice')]},
                  check_mode=True)
    plans = Engine(exo, permission.Permissions(exo)).converge([entry('sales', full_access=['alice'], send_on_behalf=['bob'])],
                                                              ['mailboxes[0].'])
    assert plans[0].error is None
    assert sorted(plans[0].row) == ['DisplayName', 'FullAccess', 'GrantSendOnBehalfTo', 'Guid', 'Identity', 'Name',
                                    'PrimarySmtpAddress']
    assert plans[0].row['GrantSendOnBehalfTo'] == {'gb': 'bob@contoso.com'}
    assert plans[0].result['mailbox'] == {'identity': 'sales', 'display_name': 'Sales', 'primary_smtp_address': 'sales@contoso.com'}
    assert plans[0].result['changed'] is False


def test_the_mailbox_rows_read_are_let_go_before_the_trustees_are_read(monkeypatch):
    """The trustee reads are the task's peak: by then a plan holds its mailbox's summary only."""
    whole = dict(SALES, Identity='sales', DistinguishedName='CN=sales,OU=contoso', EmailAddresses=['SMTP:sales@contoso.com'])
    exo = exo_for({('Get-Mailbox', 'sales'): [whole], ('Get-MailboxPermission', 'gs'): [SELF]}, check_mode=True)
    resource = permission.Permissions(exo)
    seen = []
    read = permission.read_all_trustees

    def spy(runner, resolver, wanted, *args, **kwargs):
        seen.extend(sorted(plan.row) for plan in plans)
        return read(runner, resolver, wanted, *args, **kwargs)

    monkeypatch.setattr(permission, 'read_all_trustees', spy)
    from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine, Plan
    plans = [Plan(entry('sales', full_access=[]), 'mailboxes[0].', 'sales')]
    Engine(exo, resource).read(plans)
    resource.prepare(None, plans)
    assert seen == [['Guid', 'Identity', 'Name', 'PrimarySmtpAddress']]
    # What the Send on Behalf read needs of the mailbox stays with its recipient.
    assert plans[0].row['FullAccess'] == {} and resource.resolver.known('gs').row['GrantSendOnBehalfTo'] == ['bob']
