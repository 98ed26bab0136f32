# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cloud joiner (playbooks/joiner.yml) end to end, under a provisioning delay: the licence makes
the mailbox a few seconds later, the playbook waits for it and configures it in one run."""

from __future__ import annotations

import json
import re
from pathlib import Path

PLAYBOOK = str(Path(__file__).resolve().parents[2] / 'playbooks' / 'joiner.yml')
DELAY_S = 4


def recap(output):
    match = re.search(r'^localhost\s+:\s+(ok=.*)$', output, re.MULTILINE)
    return {k: int(v) for k, v in re.findall(r'(\w+)=(\d+)', match.group(1))}


def writes(stats):
    """Every write the sandbox counted, by cmdlet or Graph operation (reads left out)."""
    graph = dict((op, n) for op, n in stats['graph'].items() if not op.startswith('GET '))
    cmdlets = dict((c, n) for c, n in stats['cmdlets'].items() if not c.startswith('Get-'))
    return dict(graph, **cmdlets)


def test_joiner_licensed_directly_check_mode_run_and_rerun(playbook, sandbox):
    sandbox.faults(provisioning_delay_s=DELAY_S)
    audit = playbook.run(PLAYBOOK, '--check', '--diff')
    assert recap(audit.stdout)['changed'] == 1, 'the licence, and nothing else: no mailbox to configure yet'
    assert "does not wait for it" in audit.stdout + audit.stderr
    assert sandbox.stats()['writes'] == 0, 'check mode sends no write'
    sandbox.reset()

    applied = playbook.run(PLAYBOOK, '--diff')
    stats = sandbox.stats()
    assert recap(applied.stdout)['failed'] == 0
    assert writes(stats) == {'PATCH users/{id}': 1, 'POST users/{id}/assignLicense': 1,
                             'Add-DistributionGroupMember': 2, 'Set-MailboxRegionalConfiguration': 1,
                             'Add-MailboxFolderPermission': 3}, writes(stats)
    assert stats['writes'] == 8
    state = sandbox.mailbox_state('nina.novak@contoso.com')
    assert state['mailbox']['RecipientTypeDetails'] == 'UserMailbox'
    sandbox.reset()

    again = playbook.run(PLAYBOOK)
    assert recap(again.stdout)['changed'] == 0, again.stdout
    assert sandbox.stats()['writes'] == 0


def test_joiner_licensed_through_a_licence_group(playbook, sandbox):
    sandbox.faults(provisioning_delay_s=DELAY_S)
    extra = json.dumps({'starter': 'oscar.olsen@contoso.com', 'licence_group': 'Licence - Exchange Online'})
    applied = playbook.run(PLAYBOOK, '-e', extra)
    stats = sandbox.stats()
    assert recap(applied.stdout)['failed'] == 0
    assert writes(stats)['POST groups/{id}/members/$ref'] == 1
    assert 'POST users/{id}/assignLicense' not in writes(stats)
    assert sandbox.mailbox_state('oscar.olsen@contoso.com')['mailbox']['RecipientTypeDetails'] == 'UserMailbox'
    sandbox.reset()

    again = playbook.run(PLAYBOOK, '-e', extra)
    assert recap(again.stdout)['changed'] == 0, again.stdout
    assert sandbox.stats()['writes'] == 0
