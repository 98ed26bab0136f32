# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client access settings (exo_cas_mailbox) end to end, against the sandbox tenant."""

from __future__ import annotations


def cas_row(sandbox, mailbox):
    answer = sandbox.invoke('Get-CASMailbox', {'Identity': mailbox})
    assert answer.status_code == 200, answer.text
    return answer.json()['value'][0]


def test_cas_mailbox_lifecycle_bulk_and_bad_input(playbook, sandbox):
    playbook.run('cas_mailbox.yml')
    # What the service holds afterwards, read past the module.
    bob = cas_row(sandbox, 'bob')
    assert [bob[name] for name in ('OWAEnabled', 'ActiveSyncEnabled', 'ImapEnabled', 'PopEnabled', 'EwsEnabled')] == [
        False, False, False, True, False]
    assert bob['MAPIEnabled'] and bob['OutlookMobileEnabled'] and bob['UniversalOutlookEnabled']
    assert (bob['OwaMailboxPolicy'], bob['ActiveSyncMailboxPolicy']) == ('Frontline Web', 'Leavers No Devices')
    assert bob['SmtpClientAuthenticationDisabled'] is None, 'back to the organisation default ($null)'
    for mailbox in ('user0001', 'user0020'):
        row = cas_row(sandbox, mailbox)
        assert (row['ImapEnabled'], row['PopEnabled'], row['OWAEnabled']) == (False, False, True)
    assert cas_row(sandbox, 'user0021')['ImapEnabled'], 'only the 20 listed mailboxes changed'
    alice = cas_row(sandbox, 'alice')
    assert alice['OWAEnabled'] and alice['PopEnabled'], 'no bad input wrote anything'
    assert alice['OwaMailboxPolicy'] == 'OwaMailboxPolicy-Default'
