# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""onprem_exchange_mailbox's declaration on the engine, against an in-memory organisation: which
cmdlets a task sends (New-/Enable-, Set- with only the address difference, Disable-/Remove-),
what it reports, and bulk entries failing on their own."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError
from ansible_collections.mailops.exchange.plugins.modules.onprem_exchange_mailbox import Mailbox

ERIN = {'Guid': 'g-erin', 'Name': 'erin', 'DisplayName': 'Erin', 'RecipientTypeDetails': 'UserMailbox',
        'PrimarySmtpAddress': 'erin@contoso.com', 'Database': 'DB01', 'EmailAddressPolicyEnabled': False,
        'EmailAddresses': ['SMTP:erin@contoso.com', 'smtp:old@contoso.com', 'X500:/o=Legacy/cn=erin']}

OPTIONS = dict(mailbox=None, state='present', infrastructure='onpremises', create_method='new',
               user_principal_name=None, sam_account_name=None, first_name=None, last_name=None, display_name=None,
               organizational_unit=None, initial_password=None, database=None, remote_routing_address=None,
               primary_smtp_address=None, email_addresses=None, email_addresses_mode='add', excluded_domains=[],
               email_address_policy_enabled=None, hidden_from_address_lists=None, absent_action='disable',
               type=None, archive=None, archive_disable_confirm=False, custom_attributes=None)


class FakeOnPrem(object):
    """The engine's view of the on-premises module: mailboxes and AD users by name and GUID."""

    parallel = 1

    def __init__(self, mailboxes=(), users=(), check_mode=False, infrastructure='onpremises'):
        rows = [dict(row) for row in mailboxes]
        self.mailboxes = dict((key, row) for row in rows for key in (row['Name'], row['Guid']))
        self.users = dict((row['Name'], dict(row)) for row in users)
        self.check_mode = check_mode
        self.params = {'infrastructure': infrastructure}
        self.calls = []
        self.warnings = []

    def warn(self, message):
        self.warnings.append(message)

    def invoke(self, cmdlet, parameters=None, **unused):
        parameters = dict(parameters or {})
        self.calls.append((cmdlet, parameters))
        verb, noun = cmdlet.split('-', 1)
        if noun == 'User':
            if parameters['Identity'] not in self.users:
                raise CmdletError("couldn't be found", kind='not_found')
            return [dict(self.users[parameters['Identity']])]
        if verb == 'Get':
            if parameters['Identity'] not in self.mailboxes:
                raise CmdletError("couldn't be found", kind='not_found')
            return [dict(self.mailboxes[parameters['Identity']])]
        if parameters.get('Archive'):
            self.mailboxes[parameters['Identity']]['ArchiveState'] = 'Local' if verb == 'Enable' else 'None'
            return []
        if verb in ('New', 'Enable'):
            name = parameters.get('Name') or [n for n, u in self.users.items() if u['Guid'] == parameters['Identity']][0]
            primary = parameters.get('PrimarySmtpAddress') or name + '@contoso.com'
            row = {'Guid': 'g-' + name, 'Name': name, 'EmailAddresses': ['SMTP:' + primary], 'PrimarySmtpAddress': primary,
                   'EmailAddressPolicyEnabled': not parameters.get('PrimarySmtpAddress'),
                   'RecipientTypeDetails': ('Remote' if noun == 'RemoteMailbox' else '')
                   + ('SharedMailbox' if parameters.get('Shared') else 'UserMailbox')}
            self.mailboxes[name] = self.mailboxes[row['Guid']] = row
            return [dict(row)]
        if verb == 'Set':
            self.mailboxes[parameters['Identity']].update(
                (k, v) for k, v in parameters.items() if k not in ('Identity', 'Confirm', 'EmailAddresses'))
            return []
        row = self.mailboxes[parameters['Identity']]
        self.mailboxes = dict((k, v) for k, v in self.mailboxes.items() if v is not row)
        return []

    def invoke_one(self, call, idempotent=None):
        try:
            return self.invoke(*call)
        except ExchangeError as err:
            return err

    def invoke_all(self, calls, idempotent=None):
        return [self.invoke_one(call) for call in calls]

    def sent(self, *verbs):
        return [call for call in self.calls if call[0].split('-')[0] in verbs]


def converge(module, *entries):
    entries = [dict(dict(OPTIONS, infrastructure=module.params['infrastructure']), **entry) for entry in entries]
    plans = Engine(module, Mailbox(module)).converge(entries, ['mailboxes[%d].' % i for i in range(len(entries))]
                                                     if len(entries) > 1 else [''])
    return plans[0] if len(plans) == 1 else plans


@pytest.mark.parametrize('entry, sent, changes', [
    ({'email_addresses': ['new@contoso.com']}, {'Add': ['smtp:new@contoso.com']},
     {'added': ['smtp:new@contoso.com'], 'removed': []}),
    ({'email_addresses': ['old@contoso.com'], 'email_addresses_mode': 'remove'}, {'Remove': ['smtp:old@contoso.com']},
     {'added': [], 'removed': ['smtp:old@contoso.com']}),
    ({'primary_smtp_address': 'new@contoso.com'}, {'Add': ['SMTP:new@contoso.com']},
     {'added': ['SMTP:new@contoso.com'], 'removed': []}),
    ({'email_addresses': ['SMTP:old@contoso.com']}, {'Add': ['SMTP:old@contoso.com']}, {'added': [], 'removed': []}),
])
def test_add_and_remove_modes_send_only_the_difference(entry, sent, changes):
    module = FakeOnPrem([ERIN])
    plan = converge(module, dict(entry, mailbox='erin'))
    assert plan.error is None
    assert module.sent('Set') == [('Set-Mailbox', {'Identity': 'g-erin', 'Confirm': False, 'EmailAddresses': sent})]
    assert plan.result['changes'] == {'email_addresses': changes}


def test_exact_mode_sends_the_whole_list_keeping_other_proxies_and_excluded_domains():
    module = FakeOnPrem([dict(ERIN, EmailAddresses=ERIN['EmailAddresses'] + ['smtp:erin@legacy.net'])])
    plan = converge(module, {'mailbox': 'erin', 'email_addresses': ['SMTP:erin@contoso.com', 'e@contoso.com'],
                             'email_addresses_mode': 'exact', 'excluded_domains': ['legacy.net']})
    addresses = module.sent('Set')[0][1]['EmailAddresses']
    assert sorted(addresses) == sorted(['SMTP:erin@contoso.com', 'smtp:e@contoso.com', 'X500:/o=Legacy/cn=erin',
                                        'smtp:erin@legacy.net'])
    assert plan.result['changes'] == {'email_addresses': {'added': ['smtp:e@contoso.com'],
                                                          'removed': ['smtp:old@contoso.com']}}


def test_nothing_to_change_sends_no_write_and_a_property_reports_before_and_after():
    module = FakeOnPrem([ERIN])
    plan = converge(module, {'mailbox': 'erin', 'email_addresses': ['OLD@contoso.com'], 'display_name': 'Erin'})
    assert plan.result['changed'] is False and not module.sent('Set')
    plan = converge(module, {'mailbox': 'erin', 'display_name': 'Erin E.', 'hidden_from_address_lists': True})
    assert plan.result['changes'] == {'display_name': {'before': 'Erin', 'after': 'Erin E.'},
                                      'hidden_from_address_lists': {'before': False, 'after': True}}


def test_a_primary_change_under_the_address_policy_fails_before_any_write():
    module = FakeOnPrem([dict(ERIN, EmailAddressPolicyEnabled=True)])
    plan = converge(module, {'mailbox': 'erin', 'primary_smtp_address': 'new@contoso.com'})
    assert 'needs email_address_policy_enabled: false' in str(plan.error)
    assert not module.sent('Set')


def test_a_new_mailbox_is_created_then_given_the_extra_address_against_the_policy_primary():
    module = FakeOnPrem()
    plan = converge(module, {'mailbox': 'nora', 'user_principal_name': 'nora@contoso.com', 'initial_password': 'pw',
                             'email_addresses': ['extra@contoso.com'], 'hidden_from_address_lists': True})
    assert [call[0] for call in module.sent('New', 'Set')] == ['New-Mailbox', 'Set-Mailbox']
    assert module.sent('New')[0][1]['Name'] == 'nora' and module.sent('New')[0][1]['UserPrincipalName'] == 'nora@contoso.com'
    assert module.sent('Set')[0][1] == {'Identity': 'g-nora', 'Confirm': False, 'HiddenFromAddressListsEnabled': True,
                                        'EmailAddresses': {'Add': ['smtp:extra@contoso.com']}}
    assert plan.result['changes']['state'] == {'before': 'absent', 'after': 'present'}
    assert plan.result['changes']['email_addresses'] == {'added': ['smtp:extra@contoso.com'], 'removed': []}


def test_check_mode_predicts_the_new_mailbox_without_writing():
    module = FakeOnPrem(check_mode=True, infrastructure='hybrid')
    plan = converge(module, {'mailbox': 'hugo', 'user_principal_name': 'hugo@contoso.com', 'initial_password': 'pw',
                             'primary_smtp_address': 'hugo@contoso.com', 'email_address_policy_enabled': False,
                             'email_addresses': ['h@contoso.com']})
    mailbox = plan.result['mailbox']
    assert mailbox['recipient_type_details'] == 'RemoteUserMailbox'
    assert mailbox['email_addresses'] == ['SMTP:hugo@contoso.com', 'smtp:h@contoso.com']
    assert mailbox['email_address_policy_enabled'] is False
    assert not module.sent('New', 'Enable', 'Set') and [c[0] for c in module.calls] == ['Get-RemoteMailbox', 'Get-User']


@pytest.mark.parametrize('action, cmdlet', [('disable', 'Disable-RemoteMailbox'), ('remove', 'Remove-RemoteMailbox')])
def test_absent_disables_or_removes_once(action, cmdlet):
    module = FakeOnPrem([dict(ERIN, RecipientTypeDetails='RemoteUserMailbox')], infrastructure='hybrid')
    plan = converge(module, {'mailbox': 'erin', 'state': 'absent', 'absent_action': action})
    assert module.sent('Disable', 'Remove') == [(cmdlet, {'Identity': 'g-erin', 'Confirm': False})]
    assert plan.result['changes'] == {'state': {'before': 'present', 'after': 'absent'}}
    again = converge(module, {'mailbox': 'erin', 'state': 'absent', 'absent_action': action})
    assert again.result['changed'] is False and len(module.sent('Disable', 'Remove')) == 1


def test_bulk_entries_are_checked_alone_and_one_failure_leaves_the_others_converged():
    module = FakeOnPrem([ERIN], users=[{'Name': 'frank', 'Guid': 'g-frank', 'RecipientTypeDetails': 'User'}])
    plans = converge(module,
                     {'mailbox': 'erin', 'hidden_from_address_lists': True},
                     {'mailbox': 'frank', 'create_method': 'enable'},
                     {'mailbox': 'ghost', 'create_method': 'enable'},
                     {'mailbox': 'nora'},
                     {'mailbox': 'ivy', 'primary_smtp_address': 'not-an-address'})
    assert [plan.error is None for plan in plans] == [True, True, False, False, False]
    assert str(plans[2].error).startswith("mailboxes[2].mailbox: 'ghost' is not an Active Directory user")
    assert str(plans[3].error).startswith('mailboxes[3].user_principal_name and initial_password are required')
    assert str(plans[4].error).startswith("mailboxes[4].primary_smtp_address: 'not-an-address'")
    assert module.sent('Enable') == [('Enable-Mailbox', {'Identity': 'g-frank', 'Database': None,
                                                         'DisplayName': None, 'PrimarySmtpAddress': None})]
    assert [call[0] for call in module.sent('Set')] == ['Set-Mailbox']


def test_an_entry_of_another_infrastructure_than_the_task_fails_alone():
    module = FakeOnPrem([ERIN])
    plans = converge(module, {'mailbox': 'erin', 'display_name': 'E'}, {'mailbox': 'frank', 'infrastructure': 'hybrid'})
    assert plans[0].error is None
    assert str(plans[1].error).startswith("mailboxes[1].infrastructure: 'hybrid' differs from the task's 'onpremises'")


def test_a_shared_mailbox_needs_no_password_and_gets_its_archive_and_attributes_after_the_create():
    module = FakeOnPrem()
    plan = converge(module, {'mailbox': 'desk', 'type': 'shared', 'archive': True, 'custom_attributes': {'3': 'x'}})
    assert plan.error is None
    new = module.sent('New')[0][1]
    assert new['Shared'] is True and new['Password'] is None and new['UserPrincipalName'] is None
    assert [call[0] for call in module.sent('New', 'Set', 'Enable')] == ['New-Mailbox', 'Set-Mailbox', 'Enable-Mailbox']
    assert module.sent('Set')[0][1] == {'Identity': 'g-desk', 'Confirm': False, 'CustomAttribute3': 'x'}
    assert module.sent('Enable')[0][1] == {'Identity': 'g-desk', 'Archive': True, 'Confirm': False}
    assert plan.result['changes']['type'] == {'before': None, 'after': 'shared'}
    assert plan.result['changes']['archive'] == {'before': None, 'after': True}


def test_a_regular_new_mailbox_reports_no_type_or_archive_change():
    module = FakeOnPrem(check_mode=True)
    plan = converge(module, {'mailbox': 'nora', 'user_principal_name': 'nora@contoso.com', 'initial_password': 'pw',
                             'type': 'regular', 'archive': False})
    assert 'type' not in plan.result['changes'] and 'archive' not in plan.result['changes']
    assert plan.result['mailbox']['type'] == 'regular' and plan.result['mailbox']['archive'] is False


def test_type_conversion_then_archive_off_only_when_confirmed():
    module = FakeOnPrem([dict(ERIN, RecipientTypeDetails='RemoteUserMailbox', ArchiveState='HostedProvisioned')],
                        infrastructure='hybrid')
    refused = converge(module, {'mailbox': 'erin', 'type': 'room', 'archive': False})
    assert "archive: false would disable the archive of 'erin'" in str(refused.error) and not module.sent('Set', 'Disable')
    check = converge(FakeOnPrem([dict(ERIN, RecipientTypeDetails='RemoteUserMailbox', ArchiveState='HostedProvisioned')],
                                check_mode=True, infrastructure='hybrid'),
                     {'mailbox': 'erin', 'type': 'room', 'archive': False, 'archive_disable_confirm': True})
    plan = converge(module, {'mailbox': 'erin', 'type': 'room', 'archive': False, 'archive_disable_confirm': True})
    assert module.sent('Set', 'Disable') == [('Set-RemoteMailbox', {'Identity': 'g-erin', 'Type': 'Room', 'Confirm': False}),
                                             ('Disable-RemoteMailbox', {'Identity': 'g-erin', 'Archive': True, 'Confirm': False})]
    assert plan.result['changes'] == {'type': {'before': 'regular', 'after': 'room'}, 'archive': {'before': True, 'after': False}}
    assert check.result['mailbox']['type'] == 'room' and check.result['mailbox']['archive'] is False
    assert check.result['changes'] == plan.result['changes']
