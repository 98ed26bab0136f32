# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_mailbox_folder_permission's FolderEntry: its writes, and the entry changed behind its back."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.engine.core import Engine
from ansible_collections.mailops.exchange.plugins.module_utils.transport.errors import CmdletError, ExchangeError
from ansible_collections.mailops.exchange.plugins.module_utils.recipients.folder_permissions import ROLES, entry_row
from ansible_collections.mailops.exchange.plugins.modules.exo_mailbox_folder_permission import FolderEntry

EXISTS = CmdletError('An existing permission entry was found for user: Alice Adams.', kind='already_exists',
                     exception_type='UserAlreadyExistsInPermissionEntryException')
MISSING = CmdletError('There is no existing permission entry found for user: Alice Adams.', kind='invalid_argument',
                      exception_type='UserNotFoundInPermissionEntryException')
JONAS = {'Guid': 'g-jonas', 'PrimarySmtpAddress': 'jonas@contoso.com'}
ALICE = {'Guid': 'g-alice', 'PrimarySmtpAddress': 'alice@contoso.com'}
CALENDAR = [{'FolderPath': '/Kalender', 'FolderType': 'Calendar'}]


class FakeExo(object):
    """Answers cmdlets from a script: cmdlet -> list of results (an exception or rows)."""

    check_mode = False
    parallel = 1

    def __init__(self, script):
        self.script = script
        self.calls = []
        self.warnings = []

    def invoke(self, cmdlet, params=None, **kwargs):
        self.calls.append((cmdlet, params))
        answer = self.script[cmdlet].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def invoke_one(self, call, idempotent=None):
        try:
            return self.invoke(*call)
        except ExchangeError as err:
            return err

    def invoke_all(self, calls, idempotent=None):
        return [self.invoke_one(call) for call in calls]


def params(**options):
    values = dict(mailbox='jonas', folder='calendar', user='alice', access_rights=['Reviewer'],
                  sharing_permission_flags=None, send_notification_to_user=False, state='present')
    values.update(options)
    return values


def converge(script, **options):
    exo = FakeExo(dict({'Get-Mailbox': [[JONAS]], 'Get-Recipient': [[ALICE]], 'Get-MailboxFolderStatistics': [CALENDAR]},
                       **script))
    plan = Engine(exo, FolderEntry(exo)).converge([params(**options)], [''])[0]
    return exo, plan


def writes(exo):
    return [call for call in exo.calls if not call[0].startswith('Get-')]


def test_a_user_without_an_entry_gets_one_and_the_result_is_the_entry_wanted():
    exo, plan = converge({'Get-MailboxFolderPermission': [MISSING], 'Add-MailboxFolderPermission': [[]]},
                         send_notification_to_user=True)
    assert writes(exo) == [('Add-MailboxFolderPermission', {
        'Identity': 'jonas@contoso.com:\\Kalender', 'User': 'alice@contoso.com', 'AccessRights': ['Reviewer'],
        'Confirm': False, 'SendNotificationToUser': True})]
    assert plan.result['permission'] == {'mailbox': {'identity': 'jonas@contoso.com', 'display_name': '', 'primary_smtp_address': 'jonas@contoso.com'},
                                         'folder': 'Kalender', 'user': 'alice@contoso.com',
                                         'access_rights': ['Reviewer'], 'sharing_permission_flags': []}
    assert plan.result['before']['access_rights'] == []


def test_other_rights_are_changed_in_place_and_an_editor_keeps_its_flags():
    exo, plan = converge({'Get-MailboxFolderPermission': [[{'AccessRights': ['Editor'], 'SharingPermissionFlags': 'Delegate'}]],
                          'Set-MailboxFolderPermission': [[]]}, access_rights=['Editor'])
    assert plan.result['changed'] is False and writes(exo) == []
    exo, plan = converge({'Get-MailboxFolderPermission': [[{'AccessRights': ['Author']}]],
                          'Set-MailboxFolderPermission': [[]]}, access_rights=['ReadItems', 'FolderVisible'])
    assert writes(exo) == [('Set-MailboxFolderPermission', {'Identity': 'jonas@contoso.com:\\Kalender', 'User': 'alice@contoso.com',
                                                            'AccessRights': ['Reviewer'], 'Confirm': False})]
    assert plan.result['changes'] == {'access_rights': {'before': ['Author'], 'after': ['Reviewer']}}


def test_add_that_finds_an_equal_entry_is_done_and_another_entry_is_changed_in_place():
    exo, plan = converge({'Get-MailboxFolderPermission': [MISSING, [{'AccessRights': ['Reviewer']}]],
                          'Add-MailboxFolderPermission': [EXISTS]})
    assert plan.error is None and [c[0] for c in writes(exo)] == ['Add-MailboxFolderPermission']
    exo, plan = converge({'Get-MailboxFolderPermission': [MISSING, [{'AccessRights': ['Author']}]],
                          'Add-MailboxFolderPermission': [EXISTS], 'Set-MailboxFolderPermission': [[]]},
                         access_rights=['Editor'], sharing_permission_flags=['Delegate'])
    assert [c[0] for c in writes(exo)] == ['Add-MailboxFolderPermission', 'Set-MailboxFolderPermission']
    assert writes(exo)[1][1]['AccessRights'] == ['Editor'] and writes(exo)[1][1]['SharingPermissionFlags'] == ['Delegate']


def test_other_add_errors_fail_the_entry():
    refused = CmdletError('no', kind='invalid_argument')
    exo, plan = converge({'Get-MailboxFolderPermission': [MISSING], 'Add-MailboxFolderPermission': [refused]})
    assert plan.error is refused


def test_removing_an_entry_already_gone_is_done_and_default_keeps_an_entry_of_no_rights():
    exo, plan = converge({'Get-MailboxFolderPermission': [[{'AccessRights': ['Reviewer']}]],
                          'Remove-MailboxFolderPermission': [MISSING]}, access_rights=None, state='absent')
    assert plan.error is None and plan.result['changed'] and plan.result['permission']['access_rights'] == []
    exo, plan = converge({'Get-MailboxFolderPermission': [[{'AccessRights': ['Reviewer']}]],
                          'Set-MailboxFolderPermission': [[]]}, user='Default', access_rights=None, state='absent')
    assert [(c[0], c[1]['User'], c[1]['AccessRights']) for c in writes(exo)] == [('Set-MailboxFolderPermission', 'Default', ['None'])]


def test_an_entry_without_a_user_row_reads_as_none():
    exo = FakeExo({'Get-MailboxFolderPermission': [MISSING, [], [{'AccessRights': 'Editor'}]]})
    entry = FolderEntry(exo)
    entry.folder, entry.user = 'jonas@contoso.com:\\Kalender', 'alice@contoso.com'
    assert entry.read_entry() == entry.read_entry() == entry_row(None, None)
    assert entry.read_entry()['AccessRights'] == ROLES['Editor']
    assert exo.calls[0][1] == {'Identity': 'jonas@contoso.com:\\Kalender', 'User': 'alice@contoso.com'}


@pytest.mark.parametrize('options, message', [
    ({'access_rights': ['Editor'], 'state': 'absent'}, "access_rights: ['Editor'] cannot be combined with state: absent"),
    ({'folder': ' / '}, "folder: ' / ' is not a folder"),
    ({'access_rights': ['Owner'], 'send_notification_to_user': True}, 'send_notification_to_user: true needs access_rights'),
])
def test_options_are_checked_before_anything_is_read(options, message):
    exo, plan = converge({}, **options)
    assert str(plan.error).startswith(message) and exo.calls == []
