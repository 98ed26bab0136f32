# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Folder permissions, automatic replies and regional settings end to end against the sandbox."""

from __future__ import annotations


def folder_entries(sandbox, folder):
    response = sandbox.invoke('Get-MailboxFolderPermission', {'Identity': folder})
    assert response.status_code == 200, response.text
    return {row['User']: row['AccessRights'] for row in response.json()['value']}


def test_folder_permission_lifecycle_and_bad_input(playbook, sandbox):
    playbook.run('mailbox_folder_permission.yml')
    # Carol's entry went to the German calendar through folder: Calendar (capitalised).
    assert folder_entries(sandbox, 'jonas:\\Kalender') == {
        'Default': ['None'], 'Anonymous': ['None'], 'Carol Clark': ['ReadItems', 'CreateItems']}
    assert folder_entries(sandbox, 'alice:\\Inbox\\Projects')['Bob Brown'] == ['ReadItems', 'CreateItems']


def test_auto_reply_lifecycle_and_bad_input(playbook, sandbox):
    playbook.run('mailbox_auto_reply.yml')
    row = sandbox.invoke('Get-MailboxAutoReplyConfiguration', {'Identity': 'alice'}).json()['value'][0]
    assert row['AutoReplyState'] == 'Disabled'
    assert row['ExternalAudience'] == 'Known'
    assert row['StartTime'].startswith('2030-07-01T06:00:00')


def test_regional_configuration_lifecycle_and_bad_input(playbook, sandbox):
    playbook.run('mailbox_regional_configuration.yml')
    row = sandbox.invoke('Get-MailboxRegionalConfiguration', {'Identity': 'bob'}).json()['value'][0]
    assert (row['Language'], row['TimeZone'], row['DateFormat'], row['TimeFormat']) == (
        'en-US', 'Pacific Standard Time', 'M/d/yyyy', 'h:mm tt')
    folders = sandbox.invoke('Get-MailboxFolderStatistics', {'Identity': 'bob', 'FolderScope': 'Calendar'})
    assert folders.json()['value'][0]['Name'] == 'Kalender', 'switching back did not localise the folders again'
