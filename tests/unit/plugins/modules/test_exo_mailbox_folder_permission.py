# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The writes of exo_mailbox_folder_permission when the entry changed behind its back."""

from __future__ import annotations

import pytest

from ansible_collections.mailops.exchange.plugins.module_utils.errors import CmdletError
from ansible_collections.mailops.exchange.plugins.module_utils.folder_permissions import ROLES
from ansible_collections.mailops.exchange.plugins.modules.exo_mailbox_folder_permission import (
    Entry,
    FolderPermission,
)

EXISTS = CmdletError('An existing permission entry was found for user: Alice Adams.', kind='already_exists',
                     exception_type='UserAlreadyExistsInPermissionEntryException')
MISSING = CmdletError('There is no existing permission entry found for user: Alice Adams.', kind='invalid_argument',
                      exception_type='UserNotFoundInPermissionEntryException')


class FakeExo(object):
    """Answers cmdlets from a script: cmdlet -> list of results (an exception or rows)."""

    check_mode = False

    def __init__(self, script):
        self.script = script
        self.calls = []

    def invoke(self, cmdlet, params=None, **kwargs):
        self.calls.append((cmdlet, params))
        answer = self.script[cmdlet].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def permission(script):
    exo = FakeExo(script)
    folder = FolderPermission(exo)
    folder.mailbox = folder.resolver.remember({'Guid': 'g-jonas', 'PrimarySmtpAddress': 'jonas@contoso.com'})
    folder.identity, folder.user = 'jonas@contoso.com:\\Kalender', 'alice@contoso.com'
    return exo, folder


def test_add_that_finds_an_equal_entry_is_done():
    exo, folder = permission({'Add-MailboxFolderPermission': [EXISTS],
                              'Get-MailboxFolderPermission': [[{'AccessRights': ['Reviewer']}]]})
    folder.add(Entry(ROLES['Reviewer'], frozenset()), notify=False)
    assert [c[0] for c in exo.calls] == ['Add-MailboxFolderPermission', 'Get-MailboxFolderPermission']


def test_add_that_finds_another_entry_changes_it_in_place():
    exo, folder = permission({'Add-MailboxFolderPermission': [EXISTS],
                              'Get-MailboxFolderPermission': [[{'AccessRights': ['Author']}]],
                              'Set-MailboxFolderPermission': [[]]})
    folder.add(Entry(ROLES['Editor'], frozenset(['Delegate'])), notify=False)
    assert [c[0] for c in exo.calls] == ['Add-MailboxFolderPermission', 'Get-MailboxFolderPermission',
                                         'Set-MailboxFolderPermission']
    assert exo.calls[2][1]['AccessRights'] == ['Editor']
    assert exo.calls[2][1]['SharingPermissionFlags'] == ['Delegate']


def test_add_sends_flags_and_notification_only_when_wanted():
    exo, folder = permission({'Add-MailboxFolderPermission': [[]]})
    folder.add(Entry(ROLES['Reviewer'], frozenset()), notify=True)
    assert exo.calls[0][1] == {'Identity': 'jonas@contoso.com:\\Kalender', 'User': 'alice@contoso.com',
                               'AccessRights': ['Reviewer'], 'Confirm': False, 'SendNotificationToUser': True}


def test_other_add_errors_propagate():
    exo, folder = permission({'Add-MailboxFolderPermission': [CmdletError('no', kind='invalid_argument')]})
    with pytest.raises(CmdletError):
        folder.add(Entry(ROLES['Reviewer'], frozenset()), notify=False)


def test_remove_of_an_entry_already_gone_is_done():
    exo, folder = permission({'Remove-MailboxFolderPermission': [MISSING]})
    folder.remove()
    assert len(exo.calls) == 1


def test_an_entry_without_a_user_row_reads_as_none():
    exo, folder = permission({'Get-MailboxFolderPermission': [MISSING, [], [{'AccessRights': 'Editor'}]]})
    assert folder.read(['Kalender'], 'calendar') is None
    assert folder.read(['Kalender'], 'calendar') is None
    assert folder.read(['Kalender'], 'calendar').rights == ROLES['Editor']
    assert exo.calls[0][1] == {'Identity': 'jonas@contoso.com:\\Kalender', 'User': 'alice@contoso.com'}
