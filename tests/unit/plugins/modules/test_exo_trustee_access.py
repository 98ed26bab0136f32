# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_trustee_access's TrusteeAccess resource without a server: what one trustee holds is read
organisation-wide in a few requests, removed in one round of idempotent writes, and nothing is
written in check mode, for bad input or for a trustee that is not found."""

from __future__ import annotations

import pytest

from engine_fakes import EngineExo, TaskFailed

from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.permissions import opath_text
from ansible_collections.mailops.exchange.plugins.modules import exo_trustee_access as module

DN = "CN=dave o'neil,OU=contoso.onmicrosoft.com,DC=PROD"
DAVE = {'Guid': 'gd', 'Name': 'dave', 'PrimarySmtpAddress': 'dave@contoso.com', 'DistinguishedName': DN}
ALICE = {'Guid': 'ga', 'Name': 'alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
BOB = {'Guid': 'gb', 'Name': 'bob', 'PrimarySmtpAddress': 'bob@contoso.com'}
STAFF = {'Guid': 'gs', 'Name': 'all-staff', 'PrimarySmtpAddress': 'all-staff@contoso.com'}
FULL = [{'User': 'dave@contoso.com', 'AccessRights': ['FullAccess'], 'IsInherited': False, 'Deny': False}]
NOT_A_MEMBER = CmdletError('The recipient "dave" isn\'t a member of the group', kind='invalid_argument',
                           exception_type='Microsoft.Exchange.Management.Tasks.MemberNotFoundException')
NO_ENTRY = CmdletError('There is no existing permission entry found for user: Dave', kind='invalid_argument',
                       exception_type='UserNotFoundInPermissionEntryException')
NOT_FOUND = CmdletError("The operation couldn't be performed because object 'x' couldn't be found", kind='not_found')


class TenantExo(EngineExo):
    """Answers keyed by (cmdlet, the parameter that names what is read); writes recorded apart."""

    def __init__(self, answers, check_mode=False):
        super().__init__(answers, params={'parallel': 4})
        self.check_mode = check_mode
        self.written = []
        self.listed = 0

    def _answer(self, cmdlet, parameters):
        if not cmdlet.startswith('Get-'):
            self.written.append((cmdlet, parameters))
        named = [parameters.get(name) for name in ('Identity', 'Trustee', 'Filter') if parameters.get(name)]
        answer = self.answers.get((cmdlet, named[0] if named else None), [])
        return answer() if callable(answer) else answer

    @property
    def requests(self):
        """Requests sent: single calls, ``$batch`` requests of up to ten, mailbox list pages."""
        return len(self.single) + len(self.batches) + self.listed

    def pages(self, cmdlet, parameters=None, select=None):
        assert cmdlet == 'Get-Mailbox' and not parameters.get('Filter'), 'only the mailbox list is paged'
        assert select == ('Guid', 'PrimarySmtpAddress', 'Identity'), 'the list asks only for names'
        self.listed += 1
        yield [ALICE, BOB, DAVE]


def tenant(extra=None):
    answers = {
        ('Get-Recipient', 'dave'): [DAVE],
        ('Get-MailboxPermission', 'ga'): FULL,
        ('Get-RecipientPermission', 'gd'): [{'Identity': 'bob', 'Trustee': 'dave@contoso.com', 'AccessRights': ['SendAs']},
                                            {'Identity': 'carol', 'Trustee': 'dave@contoso.com', 'AccessRights': ['SendAs'],
                                             'AccessControlType': 'Deny'},
                                            {'Identity': 'erin', 'Trustee': 'dave@contoso.com', 'AccessRights': ['SendAs'],
                                             'IsInherited': True}],
        ('Get-Mailbox', "GrantSendOnBehalfTo -eq %s" % opath_text(DN)): [BOB],
        ('Get-DistributionGroup', 'Members -eq %s' % opath_text(DN)): [STAFF],
        ('Get-MailboxFolderStatistics', 'alice'): [{'FolderPath': '/Kalender', 'FolderType': 'Calendar'}],
        ('Get-MailboxFolderPermission', 'alice:\\Kalender'): [{'User': 'Dave', 'AccessRights': ['Editor']}],
        ('Get-MailboxFolderStatistics', 'bob'): [{'FolderPath': '/Calendar', 'FolderType': 'Calendar'}],
        ('Get-MailboxFolderPermission', 'bob:\\Calendar'): NO_ENTRY,
    }
    answers.update(extra or {})
    return answers


def entry(**options):
    values = {'trustee': 'dave', 'access': list(module.KINDS), 'folder_mailboxes': ['alice', 'bob'], 'folder': 'calendar',
              'state': 'absent', 'bypass_security_group_manager_check': True}
    values.update(options)
    return values


def test_check_mode_lists_everything_held_from_a_few_requests_and_writes_nothing():
    """Deny and inherited Send As entries are not the trustee's own grants and are not listed."""
    exo = TenantExo(tenant(), check_mode=True)
    result = exo.converge(module.TrusteeAccess, [entry()], 'trustees')['results'][0]
    assert result['changed'] and exo.written == []
    assert dict((kind, change['removed']) for kind, change in result['changes'].items()) == {
        'full_access': ['alice@contoso.com'], 'send_as': ['bob'], 'send_on_behalf': ['bob@contoso.com'],
        'member_of': ['all-staff@contoso.com'], 'folder_permissions': ['alice:\\Kalender']}
    # The trustee is shown like every noun: identity, display name, primary SMTP address (issue 14).
    assert result['trustee'] == dict(dict.fromkeys(module.KINDS, []), identity='dave@contoso.com', display_name='',
                                     primary_smtp_address='dave@contoso.com')
    # The trustee, the mailbox list, one round of reads (2 Full Access, 3 organisation-wide, 2
    # folder names), the folder entries: the trustee's own mailbox is not asked about.
    assert exo.requests == 4
    assert ('Get-MailboxPermission', 'gd') not in [call for batch in exo.batches for call in batch]


def test_the_run_removes_each_entry_once_in_one_round_and_a_gone_entry_counts_as_removed():
    exo = TenantExo(tenant({('Remove-DistributionGroupMember', 'gs'): NOT_A_MEMBER}))
    result = exo.converge(module.TrusteeAccess, [entry()], 'trustees')['results'][0]
    assert result['changed'] and not result['failed']
    assert sorted(exo.written, key=str) == sorted([
        ('Remove-MailboxPermission', {'Identity': 'ga', 'User': 'gd', 'AccessRights': ['FullAccess'], 'InheritanceType': 'All',
                                      'Confirm': False}),
        ('Remove-RecipientPermission', {'Identity': 'bob', 'Trustee': 'gd', 'AccessRights': ['SendAs'], 'Confirm': False}),
        ('Set-Mailbox', {'Identity': 'gb', 'GrantSendOnBehalfTo': {'@odata.type': '#Exchange.GenericHashTable', 'Remove': ['gd']}}),
        ('Remove-DistributionGroupMember', {'Identity': 'gs', 'Member': 'gd', 'Confirm': False, 'BypassSecurityGroupManagerCheck': True}),
        ('Remove-MailboxFolderPermission', {'Identity': 'alice:\\Kalender', 'User': 'dave@contoso.com', 'Confirm': False}),
    ], key=str)
    assert exo.requests == 5, 'the reads of the check-mode test, and one request for the five removals'


def test_nothing_held_means_nothing_written():
    exo = TenantExo({('Get-Recipient', 'dave'): [DAVE]})
    result = exo.converge(module.TrusteeAccess, [entry(folder_mailboxes=[])], 'trustees')['results'][0]
    assert not result['changed'] and exo.written == []


def test_only_the_kinds_asked_for_are_read_and_removed():
    exo = TenantExo(tenant())
    result = exo.converge(module.TrusteeAccess, [entry(access=['member_of'])], 'trustees')['results'][0]
    assert list(result['changes']) == ['member_of']
    assert [cmdlet for cmdlet, unused in exo.written] == ['Remove-DistributionGroupMember']
    assert exo.requests == 3 and exo.listed == 0, 'the trustee, its groups and the removal; no mailbox list'


@pytest.mark.parametrize('answers, message', [
    ({}, "trustees[0].trustee: 'dave' was not found; nothing was changed"),
    ({('Get-MailboxFolderStatistics', 'bob'): NOT_FOUND}, 'trustees[0].folder_mailboxes: The operation'),
    ({('Get-RecipientPermission', 'gd'): CmdletError('busy', kind='other')}, 'busy'),
])
def test_a_trustee_or_folder_mailbox_not_found_or_a_failed_read_fails_the_trustee_and_writes_nothing(answers, message):
    base = tenant(answers) if answers else {}
    exo = TenantExo(base)
    with pytest.raises(TaskFailed) as caught:
        exo.converge(module.TrusteeAccess, [entry()], 'trustees')
    assert caught.value.args[1]['results'][0]['msg'].startswith(message)
    assert exo.written == []


@pytest.mark.parametrize('options, message', [
    ({'access': []}, 'trustees[0].access: [] names nothing to remove'),
    ({'folder_mailboxes': ['alice', ' ']}, "trustees[0].folder_mailboxes: ' ' is not an identity"),
    ({'folder': '/'}, "trustees[0].folder: '/' is not a folder"),
])
def test_bad_input_fails_naming_the_option_and_value_before_any_read(options, message):
    exo = TenantExo(tenant())
    with pytest.raises(TaskFailed) as caught:
        exo.converge(module.TrusteeAccess, [entry(**options)], 'trustees')
    assert caught.value.args[1]['results'][0]['msg'].startswith(message)
    assert exo.requests == 0


def test_opath_text_doubles_quotes_so_a_name_cannot_end_the_filter():
    assert opath_text("CN=dave o'neil") == "'CN=dave o''neil'"


def test_a_mailbox_removed_during_the_scan_holds_nothing_but_another_full_access_error_fails_the_trustee():
    exo = TenantExo(tenant({('Get-MailboxPermission', 'gb'): NOT_FOUND}), check_mode=True)
    result = exo.converge(module.TrusteeAccess, [entry()], 'trustees')['results'][0]
    assert result['changes']['full_access']['removed'] == ['alice@contoso.com']
    exo = TenantExo(tenant({('Get-MailboxPermission', 'gb'): CmdletError('busy', kind='other')}), check_mode=True)
    with pytest.raises(TaskFailed) as caught:
        exo.converge(module.TrusteeAccess, [entry()], 'trustees')
    assert caught.value.args[1]['results'][0]['msg'].startswith('busy')


ALICE_FOLDERS = [{'FolderPath': '/', 'FolderType': 'Root'}, {'FolderPath': '/Inbox', 'FolderType': 'Inbox'},
                 {'FolderPath': '/Inbox/Projects', 'FolderType': 'User Created'},
                 {'FolderPath': '/Kalender', 'FolderType': 'Calendar'},
                 {'FolderPath': '/Recoverable Items', 'FolderType': 'RecoverableItemsRoot'},
                 {'FolderPath': '/Sync Issues/Conflicts', 'FolderType': 'Conflicts'}]


def every_folder(extra=None):
    answers = tenant({
        ('Get-MailboxFolderStatistics', 'alice'): ALICE_FOLDERS,
        ('Get-MailboxFolderPermission', 'alice:\\'): NO_ENTRY,
        ('Get-MailboxFolderPermission', 'alice:\\Inbox'): NO_ENTRY,
        ('Get-MailboxFolderPermission', 'alice:\\Inbox\\Projects'): [{'User': 'Dave', 'AccessRights': ['Reviewer']}],
        ('Get-MailboxFolderPermission', 'bob:\\Calendar'): [{'User': 'Dave', 'AccessRights': ['Editor']}],
    })
    answers.update(extra or {})
    return answers


def test_without_a_folder_every_folder_of_each_mailbox_is_read_and_each_entry_removed():
    """System folders are not read; a folder removed between the listing and its read holds nothing."""
    exo = TenantExo(every_folder({('Get-MailboxFolderPermission', 'alice:\\Inbox'): NOT_FOUND}), check_mode=True)
    result = exo.converge(module.TrusteeAccess, [entry(folder=None, access=['folder_permissions'])], 'trustees')['results'][0]
    assert result['changed'] and exo.written == []
    assert result['changes']['folder_permissions']['removed'] == ['alice:\\Inbox\\Projects', 'alice:\\Kalender', 'bob:\\Calendar']
    read = [call[1] for batch in exo.batches for call in batch if call[0] == 'Get-MailboxFolderPermission']
    assert sorted(read) == ['alice:\\', 'alice:\\Inbox', 'alice:\\Inbox\\Projects', 'alice:\\Kalender', 'bob:\\Calendar']
    # The trustee, the two folder listings, the five folders' entries.
    assert exo.requests == 3

    exo = TenantExo(every_folder())
    result = exo.converge(module.TrusteeAccess, [entry(folder=None, access=['folder_permissions'])], 'trustees')['results'][0]
    assert sorted(parameters['Identity'] for cmdlet, parameters in exo.written) == [
        'alice:\\Inbox\\Projects', 'alice:\\Kalender', 'bob:\\Calendar']
    assert exo.requests == 4, 'the three reads and one request for the three removals'


def test_a_failed_folder_read_fails_the_trustee_and_writes_nothing():
    exo = TenantExo(every_folder({('Get-MailboxFolderPermission', 'alice:\\Inbox'): CmdletError('busy', kind='other')}))
    with pytest.raises(TaskFailed) as caught:
        exo.converge(module.TrusteeAccess, [entry(folder=None)], 'trustees')
    assert caught.value.args[1]['results'][0]['msg'].startswith('busy')
    assert exo.written == []
