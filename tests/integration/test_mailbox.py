# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""exo_mailbox end to end, and the shared mailbox playbook users copy, against the sandbox."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def recap(output):
    """The PLAY RECAP counts of localhost, summed over the plays of a run."""
    counts = {}
    for fields in re.findall(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE):
        for key, value in re.findall(r'(\w+)=(\d+)', fields):
            counts[key] = counts.get(key, 0) + int(value)
    return counts


def test_mailbox_lifecycle_addresses_and_bad_input(playbook, sandbox):
    playbook.run('exo_mailbox.yml')
    state = sandbox.mailbox_state('paula')['mailbox']
    assert state['PrimarySmtpAddress'] == 'Paula.Perez@contoso.com'
    assert 'smtp:paula@legacy.contoso.example' in state['EmailAddresses']
    assert sandbox.mailbox_state('dave')['mailbox']['LitigationHoldEnabled'] is True
    # The features walk, read past the module.
    sales = sandbox.mailbox_state('sales')['mailbox']
    assert (sales['ArchiveStatus'], sales['ArchiveDatabase'], sales['AutoExpandingArchiveEnabled']) == ('None', None, True)
    assert sales['RetentionPolicy'] == 'Leavers 7 Years' and sales['RetainDeletedItemsFor'] == '30.00:00:00'
    assert sales['ProhibitSendQuota'] == '45 GB (48,318,382,080 bytes)' and sales['ForwardingAddress'] is None
    assert sales['MessageCopyForSentAsEnabled'] and sales['MessageCopyForSendOnBehalfEnabled']
    alice = sandbox.mailbox_state('alice')['mailbox']
    assert alice['ProhibitSendQuota'] == '49.5 GB (53,150,220,288 bytes)', 'the refused quota changed nothing'
    assert alice['RetentionPolicy'] == 'Default MRM Policy' and alice['ArchiveStatus'] == 'None', 'bad input wrote nothing'
    assert sandbox.mailbox_state('support')['mailbox']['ArchiveStatus'] == 'Active', 'unconfirmed disable refused'
    assert sandbox.mailbox_state('shared0002')['mailbox']['RetainDeletedItemsFor'] == '7.00:00:00'
    assert sandbox.request('GET', '/_sandbox/state/mailboxes/sales-eu@contoso.com').status_code == 404
    # Removed means soft-deleted: recoverable, and listed as such.
    deleted = sandbox.invoke('Get-Mailbox', {'SoftDeletedMailbox': True}).json()['value']
    assert [row['Name'] for row in deleted] == ['sales-eu']


def test_shared_mailbox_playbook_check_then_apply_then_idempotent(playbook, sandbox):
    path = str(REPO / 'playbooks' / 'shared_mailbox.yml')
    sandbox.reset()
    check = playbook.run(path, '--check', '--diff')
    assert sandbox.stats()['writes'] == 0, 'check mode wrote'
    assert recap(check.stdout)['changed'] >= 1
    assert sandbox.request('GET', '/_sandbox/state/mailboxes/projects@contoso.com').status_code == 404

    applied = playbook.run(path, '--diff')
    assert recap(applied.stdout)['changed'] >= 2
    assert sandbox.stats()['writes'] > 0
    state = sandbox.mailbox_state('projects@contoso.com')
    assert state['mailbox']['RecipientTypeDetails'] == 'SharedMailbox'
    assert 'smtp:project-office@contoso.com' in state['mailbox']['EmailAddresses']
    assert 'carol@contoso.com' in state['grant_send_on_behalf_to']

    sandbox.reset()
    again = playbook.run(path)
    assert recap(again.stdout)['changed'] == 0
    assert sandbox.stats()['writes'] == 0
