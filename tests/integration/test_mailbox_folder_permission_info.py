# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading folder permissions (exo_mailbox_folder_permission_info) end to end, against the sandbox tenant."""

from __future__ import annotations


def test_folder_permission_info_reads_what_was_written(playbook, sandbox):
    playbook.run('mailbox_folder_permission_info.yml')
    # The reads changed nothing: the entries the module reported are the service's.
    answer = sandbox.invoke('Get-MailboxFolderPermission', {'Identity': 'jonas:\\Kalender'})
    assert answer.status_code == 200, answer.text
    assert [(row['User'], row['AccessRights']) for row in answer.json()['value']] == [
        ('Default', ['LimitedDetails']), ('Anonymous', ['None']), ('Alice Adams', ['Editor'])]
