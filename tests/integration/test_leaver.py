# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The leaver runbook (playbooks/leaver.yml) end to end: a tenant where the leaver holds Full Access
on 20 mailboxes, Send As on 10, Send on Behalf on 5, 8 group memberships and 3 calendar delegations;
check mode writes nothing and lists all of it, the run removes it, the re-run writes nothing, and
the sandbox's own model shows no access of the leaver anywhere afterwards."""

from __future__ import annotations

import json
import re
from pathlib import Path

PLAYBOOK = str(Path(__file__).resolve().parents[2] / 'playbooks' / 'leaver.yml')
LEAVER = 'dave'
MANAGER = 'alice'
DELEGATORS = ['alice', 'bob', 'carol']
FULL_ACCESS = ['user%04d' % n for n in range(1, 21)]
SEND_AS = ['user%04d' % n for n in range(21, 31)]
SEND_ON_BEHALF = ['user%04d' % n for n in range(31, 36)]
NEW_GROUPS = ['leaver-group-%d' % n for n in range(1, 8)]
HELD = {'full_access': 20, 'send_as': 10, 'send_on_behalf': 5, 'member_of': 8, 'folder_permissions': 3}


def seed(sandbox):
    """The leaver's access, granted straight through the sandbox's InvokeCommand endpoint (no
    playbook); carol is given the same kinds on some of the mailboxes, and must keep them."""
    token = sandbox.mint_token()
    calls = [('Add-MailboxPermission', {'Identity': mailbox, 'User': LEAVER, 'AccessRights': ['FullAccess']})
             for mailbox in FULL_ACCESS]
    calls += [('Add-RecipientPermission', {'Identity': mailbox, 'Trustee': LEAVER, 'AccessRights': ['SendAs']})
              for mailbox in SEND_AS]
    calls += [('Add-MailboxPermission', {'Identity': 'user0001', 'User': 'carol', 'AccessRights': ['FullAccess']}),
              ('Add-RecipientPermission', {'Identity': 'user0021', 'Trustee': 'carol', 'AccessRights': ['SendAs']})]
    calls += [('Set-Mailbox', {'Identity': mailbox, 'GrantSendOnBehalfTo': [LEAVER, 'carol']}) for mailbox in SEND_ON_BEHALF]
    calls += [('New-DistributionGroup', {'Name': name, 'Members': [LEAVER, 'carol']}) for name in NEW_GROUPS]
    calls += [('Add-MailboxFolderPermission', {'Identity': '%s:\\Calendar' % mailbox, 'User': LEAVER, 'AccessRights': ['Editor']})
              for mailbox in DELEGATORS]
    for cmdlet, parameters in calls:
        answer = sandbox.invoke(cmdlet, parameters, token=token)
        assert answer.status_code == 200, (cmdlet, parameters, answer.text)


def run(playbook, *args):
    """One run of leaver.yml; each task's result, in order (the minimal callback prints each as
    ``localhost | STATUS => {json}``)."""
    variables = json.dumps({'leaver': LEAVER, 'manager': MANAGER,
                            'calendar_delegators': ['%s@contoso.com' % m for m in DELEGATORS]})
    output = playbook.run(PLAYBOOK, '-e', variables, *args, env={'ANSIBLE_STDOUT_CALLBACK': 'minimal'}).stdout
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(output, match.end())[0] for match in re.finditer(r'^localhost \| [A-Z]+ => ', output, re.MULTILINE)]


def access(results):
    """The result of the exo_trustee_access task."""
    return [result for result in results if 'trustee' in result][0]


def writes(stats):
    """The write cmdlets a run sent, by cmdlet (reads left out)."""
    return dict((cmdlet, count) for cmdlet, count in stats['cmdlets'].items() if not cmdlet.startswith('Get-'))


def test_the_leaver_runbook_leaves_no_access_anywhere(playbook, sandbox):
    seed(sandbox)
    before = sandbox.trustee_state(LEAVER)
    assert dict((kind, len(held)) for kind, held in before.items()) == HELD
    carol = sandbox.trustee_state('carol')

    sandbox.reset()
    audit = run(playbook, '--check', '--diff')
    stats = sandbox.stats()
    assert stats['writes'] == 0, 'check mode sends no write'
    listed = access(audit)
    assert listed['changed']
    assert dict((kind, len(change['removed'])) for kind, change in listed['changes'].items()) == HELD
    assert sandbox.trustee_state(LEAVER) == before
    print('check mode: %d requests, 0 writes' % (stats['requests'] - stats['tokens']))

    sandbox.reset()
    applied = run(playbook)
    stats = sandbox.stats()
    removed = access(applied)
    assert removed['changed'] and removed['trustee']['full_access'] == [] and removed['trustee']['member_of'] == []
    sent = writes(stats)
    assert sent['Remove-MailboxPermission'] == 20 and sent['Remove-RecipientPermission'] == 10
    assert sent['Remove-DistributionGroupMember'] == 8 and sent['Remove-MailboxFolderPermission'] == 3
    assert sent['Set-CASMailbox'] == 1 and sent['Add-MailboxPermission'] == 1
    print('run: %d requests, %d writes %s' % (stats['requests'] - stats['tokens'], stats['writes'], sorted(sent.items())))

    # Read past the modules: the model itself holds nothing of the leaver's, and all of carol's.
    assert sandbox.trustee_state(LEAVER) == dict.fromkeys(HELD, [])
    assert sandbox.trustee_state('carol') == carol
    mailbox = sandbox.mailbox_state(LEAVER)['mailbox']
    assert mailbox['RecipientTypeDetails'] == 'SharedMailbox' and mailbox['HiddenFromAddressListsEnabled']
    assert mailbox['LitigationHoldEnabled']
    cas = sandbox.invoke('Get-CASMailbox', {'Identity': LEAVER}).json()['value'][0]
    assert [cas[name] for name in ('OWAEnabled', 'ActiveSyncEnabled', 'ImapEnabled', 'PopEnabled', 'EwsEnabled')] == [False] * 5
    reply = sandbox.invoke('Get-MailboxAutoReplyConfiguration', {'Identity': LEAVER}).json()['value'][0]
    assert reply['AutoReplyState'] == 'Enabled'
    granted = sandbox.mailbox_state(LEAVER)['mailbox_permissions']
    assert [row['User'] for row in granted if 'FullAccess' in row['AccessRights'] and not row['IsInherited']
            and row['User'].startswith(MANAGER)], 'the manager has Full Access'

    sandbox.reset()
    again = run(playbook)
    stats = sandbox.stats()
    assert stats['writes'] == 0 and not any(result.get('changed') for result in again), again
    print('re-run: %d requests, 0 writes' % (stats['requests'] - stats['tokens']))
