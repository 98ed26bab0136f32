# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""onprem_exchange_mailbox_permission's declaration on the engine, against an in-memory directory:
Full Access with *-MailboxPermission, Send As as the AD extended right (*-ADPermission, never
*-RecipientPermission), Send on Behalf as an Add/Remove table, and what hybrid refuses."""

from __future__ import annotations

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError
from ansible_collections.mailops.exchange.plugins.modules.onprem_exchange_mailbox_permission import Permissions

USERS = {'erin': 'g-erin', 'CONTOSO\\erin': 'g-erin', 'frank': 'g-frank', 'CONTOSO\\frank': 'g-frank',
         'contoso.local/Users/Frank': 'g-frank', 'desk': 'g-desk'}
OPTIONS = dict(mailbox=None, infrastructure='onpremises', full_access=None, send_as=None, send_on_behalf=None,
               automapping=True, state='present', exclusive=False)


class FakeDirectory(object):
    parallel = 1

    def __init__(self, infrastructure='onpremises', check_mode=False):
        self.params = {'infrastructure': infrastructure}
        self.check_mode = check_mode
        self.calls = []
        self.mailbox = {'Guid': 'g-desk', 'Name': 'desk', 'PrimarySmtpAddress': 'desk@contoso.com',
                        'GrantSendOnBehalfTo': ['contoso.local/Users/Frank']}
        self.full_access = [{'User': 'NT AUTHORITY\\SELF', 'AccessRights': ['FullAccess'], 'IsInherited': False},
                            {'User': 'CONTOSO\\erin', 'AccessRights': ['FullAccess'], 'IsInherited': False}]
        self.send_as = [{'User': 'CONTOSO\\frank', 'ExtendedRights': ['Send-As'], 'IsInherited': True},
                        {'User': 'CONTOSO\\Domain Admins', 'ExtendedRights': ['Send-As'], 'IsInherited': False}]

    def warn(self, message):
        pass

    def invoke(self, cmdlet, parameters=None, **unused):
        self.calls.append((cmdlet, dict(parameters or {})))
        identity = parameters.get('Identity')
        if cmdlet == 'Get-User':
            if identity not in USERS:
                raise CmdletError("couldn't be found", kind='not_found')
            return [{'Guid': USERS[identity], 'UserPrincipalName': USERS[identity][2:] + '@contoso.com'}]
        if cmdlet.startswith('Get-') and identity not in ('desk', 'g-desk'):
            raise CmdletError("couldn't be found", kind='not_found')
        return {'Get-Mailbox': [self.mailbox], 'Get-RemoteMailbox': [self.mailbox], 'Get-MailboxPermission': self.full_access,
                'Get-ADPermission': self.send_as}.get(cmdlet, [])

    def invoke_all(self, calls, idempotent=None):
        answers = []
        for call in calls:
            try:
                answers.append(self.invoke(*call))
            except ExchangeError as err:
                answers.append(err)
        return answers

    def writes(self):
        return [call for call in self.calls if not call[0].startswith('Get-')]


def converge(module, **entry):
    entry = dict(OPTIONS, infrastructure=module.params['infrastructure'], **entry)
    return Engine(module, Permissions(module)).converge([entry], [''])[0]


def test_send_as_is_an_ad_extended_right_and_full_access_a_mailbox_permission():
    module = FakeDirectory()
    plan = converge(module, mailbox='desk', full_access=['frank'], send_as=['erin'], exclusive=True, automapping=False)
    assert plan.error is None
    assert module.writes() == [
        ('Add-MailboxPermission', {'Identity': 'g-desk', 'User': 'g-frank', 'AccessRights': ['FullAccess'],
                                   'InheritanceType': 'All', 'Confirm': False, 'AutoMapping': False}),
        ('Remove-MailboxPermission', {'Identity': 'g-desk', 'User': 'g-erin', 'AccessRights': ['FullAccess'],
                                      'InheritanceType': 'All', 'Confirm': False}),
        ('Add-ADPermission', {'Identity': 'g-desk', 'User': 'g-erin', 'ExtendedRights': ['Send-As'], 'Confirm': False}),
        # A trustee that is no AD user (a group) is kept by its spelling, so exclusive revokes it.
        ('Remove-ADPermission', {'Identity': 'g-desk', 'User': 'CONTOSO\\Domain Admins', 'ExtendedRights': ['Send-As'],
                                 'Confirm': False})]
    assert plan.result['permission'] == {'mailbox': plan.result['mailbox'], 'full_access': ['frank@contoso.com'], 'send_as': ['erin@contoso.com']}
    assert plan.result['changes']['send_as'] == {'added': ['erin@contoso.com'], 'removed': ['CONTOSO\\Domain Admins']}
    assert not [call for call in module.calls if 'RecipientPermission' in call[0]]
    # The mailbox as every module shows it (recipients.identities.object_summary: a row without an Identity is known by its address).
    assert plan.result['mailbox'] == {'identity': 'desk@contoso.com', 'display_name': '', 'primary_smtp_address': 'desk@contoso.com'}


def test_send_on_behalf_of_a_remote_mailbox_is_an_add_remove_table_and_full_access_is_refused():
    module = FakeDirectory(infrastructure='hybrid')
    plan = converge(module, mailbox='desk', send_on_behalf=['erin'])
    assert module.writes() == [('Set-RemoteMailbox', {'Identity': 'g-desk', 'Confirm': False,
                                                      'GrantSendOnBehalfTo': {'Add': ['g-erin']}})]
    assert plan.result['permission']['send_on_behalf'] == ['erin@contoso.com', 'frank@contoso.com']
    refused = converge(FakeDirectory(infrastructure='hybrid'), mailbox='desk', full_access=['erin'])
    assert 'full_access: the Full Access of the remote mailbox' in str(refused.error)
    assert 'exo_mailbox_permission' in str(refused.error)


def test_an_unknown_trustee_fails_naming_the_option_before_any_write_and_a_rerun_writes_nothing():
    module = FakeDirectory()
    plan = converge(module, mailbox='desk', full_access=['ghost'], send_as=['erin'])
    assert "full_access: 'ghost' was not found" in str(plan.error) and not module.writes()
    again = converge(module, mailbox='desk', full_access=['CONTOSO\\erin'], send_on_behalf=['frank'])
    assert again.result['changed'] is False and not module.writes()
    check = converge(FakeDirectory(check_mode=True), mailbox='desk', full_access=['erin'], state='absent')
    assert check.result['permission']['full_access'] == [] and check.result['changed'] is True
